import { createHash } from 'node:crypto';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { compareDiagnostics, docsUrl, findingKey, type Diagnostic, type Severity } from '../diagnostic.js';
import { plainText, ruleDocBody, ruleSummary } from '../docs/index.js';
import { packageInfo } from '../version.js';
import type { Rule } from '../validators/rule.js';
import type { Formatter } from './types.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
export const INFORMATION_URI = packageInfo().repositoryUrl;
/** GitHub rejects a run with more results than this (and shows only the top 5,000 by severity). */
export const MAX_RESULTS_PER_RUN = 25_000;
/** Versioned so that a future change of the identity scheme does not silently re-open every alert. */
export const FINGERPRINT_KEY = 'retellKitFinding/v2';

type Level = 'error' | 'warning' | 'note';
const levelOf: Record<Severity, Level> = { error: 'error', warning: 'warning', info: 'note' };
const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/**
 * A relative path becomes a percent-encoded relative URI resolved against %SRCROOT% (the directory
 * lint ran in, normally the checkout root). An absolute path (outside cwd) becomes a file: URI with no
 * base, since resolving it against the source root would name a different file.
 */
export function artifactLocation(file: string): { uri: string; uriBaseId?: string } {
  if (path.isAbsolute(file)) return { uri: pathToFileURL(file).href };
  return { uri: file.replace(/\\/g, '/').split('/').map(encodeURIComponent).join('/'), uriBaseId: '%SRCROOT%' };
}

/**
 * How sure a rule is that a finding is a real defect, in GitHub's `precision` words (code scanning
 * sorts and filters by it). Structural rules decide from the graph and are exact; the ones that judge
 * words or guess what a variable or tool is for are heuristics.
 */
const PRECISION: Record<string, 'very-high' | 'high' | 'medium' | 'low'> = {
  'no-vague-transition': 'medium',
  'wait-for-result': 'medium',
  'no-undefined-variable': 'high',
  'no-unused-tool': 'high',
  'global-node-condition': 'high',
  'prompt-limits': 'high',
};

/** What kind of problem a rule finds, as a tag beside `retell` and `conversation-flow`. */
const CATEGORY: Record<string, string> = {
  'parse-error': 'syntax',
  schema: 'schema',
  'unknown-property': 'schema',
  'not-a-flow': 'input',
  'internal-error': 'internal',
  'no-vague-transition': 'maintainability',
  'no-unused-tool': 'maintainability',
  'prompt-limits': 'maintainability',
  'no-undefined-variable': 'correctness',
};

/** GitHub's `problem.severity` (what CodeQL queries carry): error, warning or recommendation. */
const problemSeverity: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'recommendation' };

/**
 * A PascalCase name for the rule (SARIF's `name`, shown by viewers that prefer a name to an id). The
 * validator wants it to differ from the id and to have no two capitals in a row: two ids need words.
 */
const NAMES: Record<string, string> = { schema: 'SchemaMismatch', 'not-a-flow': 'NotFlowFile' };
export function ruleName(id: string): string {
  return NAMES[id] ?? id.replace(/(^|-)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

/**
 * A rule as GitHub code scanning reads it: short and full descriptions, help in text and markdown
 * (the rule's packaged documentation, so the alert explains itself), tags, precision and severity.
 * Security severity is left out on purpose: these are not security findings.
 */
function ruleDescriptor(rule: Rule) {
  const url = docsUrl(rule.id);
  const body = ruleDocBody(rule.id);
  const full = ruleSummary(rule.id) ?? rule.meta.description;
  const markdown = body ? `${body}\n\n[Documentation of ${rule.id}](${url})` : `${rule.meta.description}\n\n[Documentation of ${rule.id}](${url})`;
  const text = body ? `${plainText(full)}\n\nDocumentation: ${url}` : `${rule.meta.description} Documentation: ${url}`;
  return {
    id: rule.id,
    name: ruleName(rule.id),
    shortDescription: { text: rule.meta.description },
    fullDescription: { text: full },
    helpUri: url,
    help: { text, markdown },
    defaultConfiguration: { level: levelOf[rule.meta.defaultSeverity] },
    properties: {
      tags: ['retell', 'conversation-flow', CATEGORY[rule.id] ?? 'correctness'],
      precision: PRECISION[rule.id] ?? 'very-high',
      'problem.severity': problemSeverity[rule.meta.defaultSeverity],
    },
  };
}

/** SARIF regions need startLine >= 1 and an end that does not precede the start. */
function region(d: Pick<Diagnostic, 'line' | 'column' | 'endLine' | 'endColumn'>) {
  const startLine = Math.max(1, d.line);
  const startColumn = Math.max(1, d.column);
  const endLine = Math.max(startLine, d.endLine);
  const endColumn = endLine === startLine ? Math.max(startColumn, d.endColumn) : Math.max(1, d.endColumn);
  return { startLine, startColumn, endLine, endColumn };
}

function fingerprint(key: string, occurrence: number): string {
  return createHash('sha256').update(`${key}\u0000${occurrence}`).digest('hex');
}

/**
 * SARIF 2.1.0 for GitHub code scanning: one run, every rule in the driver, one result per finding.
 * partialFingerprints come from the one finding identity (diagnostic.ts: rule, flow, node/edge key,
 * subject; an id-less flow by its path from %SRCROOT%), never its line, so alerts survive reformatting
 * and moving nodes. Identical identities are told apart by their order of occurrence.
 */
const sarif: Formatter = (results, context) => {
  const rules = [...context.rules];
  const indexById = new Map(rules.map((r, i) => [r.id, i]));
  // Baseline-hidden findings stay in the log as suppressed, so code scanning shows them as such
  // instead of closing their alerts as fixed. Each file's findings in one sorted order, so a
  // finding's fingerprint does not depend on whether the baseline hides it.
  const hiddenByFile = new Map((context.suppressed ?? []).map((r) => [r.file, r.diagnostics]));
  const hidden = new Set([...hiddenByFile.values()].flat());
  const all = results.flatMap((r) => {
    const mine = hiddenByFile.get(r.file) ?? [];
    return mine.length ? [...r.diagnostics, ...mine].sort(compareDiagnostics) : r.diagnostics;
  });

  // Rules that reported but are not registered (never expected) still need a descriptor.
  for (const d of all) {
    if (!indexById.has(d.ruleId)) {
      indexById.set(d.ruleId, rules.length);
      rules.push({ id: d.ruleId, meta: { description: d.ruleId, defaultSeverity: d.severity, messages: {} }, check() {} });
    }
  }

  const base = { cwd: context.cwd, root: context.cwd };
  const seen = new Map<string, number>();
  const sarifResults = all.map((d) => {
    const key = findingKey(d, base);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    const properties: Record<string, string> = { pointer: d.pointer, messageId: d.messageId };
    if (d.flowId !== undefined) properties.flowId = d.flowId;
    if (d.nodeId !== undefined) properties.nodeId = d.nodeId;
    if (d.edgeId !== undefined) properties.edgeId = d.edgeId;
    return {
      severity: d.severity,
      result: {
        ruleId: d.ruleId,
        ruleIndex: indexById.get(d.ruleId)!,
        level: levelOf[d.severity],
        message: { text: d.hint ? `${d.message} (${d.hint})` : d.message },
        locations: [{ physicalLocation: { artifactLocation: artifactLocation(d.file), region: region(d) } }],
        // The members of a region (trap, unreachable part, silent loop): code scanning lists them under the alert.
        ...(d.related?.length ? { relatedLocations: d.related.map((r, id) => ({ id, message: { text: r.message }, physicalLocation: { artifactLocation: artifactLocation(d.file), region: region(r) } })) } : {}),
        partialFingerprints: { [FINGERPRINT_KEY]: fingerprint(key, occurrence) },
        ...(hidden.has(d) ? { suppressions: [{ kind: 'external', justification: 'recorded in the retell-kit lint baseline' }] } : {}),
        properties,
      },
    };
  });

  // Over GitHub's hard limit the whole upload is rejected: keep the most severe, say what was dropped.
  let kept = sarifResults;
  const notifications: object[] = [];
  if (sarifResults.length > MAX_RESULTS_PER_RUN) {
    kept = sarifResults
      .map((r, i) => ({ ...r, i }))
      .sort((a, b) => Number('suppressions' in a.result) - Number('suppressions' in b.result) || severityRank[a.severity] - severityRank[b.severity] || a.i - b.i)
      .slice(0, MAX_RESULTS_PER_RUN)
      .sort((a, b) => a.i - b.i);
    const dropped = sarifResults.length - kept.length;
    notifications.push({
      level: 'warning',
      message: {
        text: `${dropped} of ${sarifResults.length} findings were left out: GitHub code scanning accepts at most ${MAX_RESULTS_PER_RUN} results per run. Run retell-kit lint --format json to see them all.`,
      },
    });
  }

  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'retell-kit',
            version: context.version,
            informationUri: INFORMATION_URI,
            rules: rules.map(ruleDescriptor),
          },
        },
        invocations: [{ executionSuccessful: true, toolExecutionNotifications: notifications }],
        originalUriBaseIds: { '%SRCROOT%': { uri: pathToFileURL(context.cwd.endsWith(path.sep) ? context.cwd : context.cwd + path.sep).href } },
        columnKind: 'utf16CodeUnits',
        results: kept.map((r) => r.result),
      },
    ],
  };
  return JSON.stringify(log, null, 2) + '\n';
};

export default sarif;
