import { compareDiagnostics, docsUrl, RELATED_LIMIT, type Diagnostic, type FileResult, type Severity } from '../diagnostic.js';
import { FlowAnalysis } from '../flow/analysis.js';
import { buildGraph, label } from '../flow/graph.js';
import { edgeKey, flowAt, nodeKey } from '../flow/identity.js';
import { get } from '../flow/pointer.js';
import type { LoadedFile } from '../flow/load.js';
import type { Range } from '../flow/source.js';
import { findingOf } from './loader-problems.js';
import { interpolate } from './messages.js';
import { rules as registry } from './registry.js';
import type { LintSettings, Report, Rule, RuleContext } from './rule.js';

export type RuleSetting = Severity | 'off';

export interface LintOptions {
  /** Per-rule severity ('off' disables); rules not named run at their default severity. */
  rules?: Record<string, RuleSetting>;
  /** Per-rule options, already validated against each rule's meta.options. */
  ruleOptions?: Record<string, unknown>;
  /** When set, only these rules run (the rule tester uses it). */
  only?: readonly string[];
  settings?: Partial<LintSettings>;
  /** When given, the engine adds the milliseconds each stage and each rule takes (--stats, the benchmark). */
  timings?: LintTimings;
}

/** Milliseconds spent per stage, summed over files; `rules` per rule id. */
export interface LintTimings {
  parse: number;
  graph: number;
  rules: Record<string, number>;
  positions: number;
}

export function emptyTimings(): LintTimings {
  return { parse: 0, graph: 0, rules: {}, positions: 0 };
}

export type { FileResult } from '../diagnostic.js';

interface Pending {
  rule: Rule;
  report: Report;
  pointer: string;
  flowId?: string;
  range?: Range;
}

export function getRule(id: string): Rule | undefined {
  return registry.get(id);
}

function severityOf(rule: Rule, options: LintOptions, report?: Report): Severity | 'off' {
  if (options.only && !options.only.includes(rule.id)) return 'off';
  const configured = options.rules?.[rule.id];
  if (configured) return configured;
  return report?.severity ?? rule.meta.defaultSeverity;
}

/**
 * Lint one loaded file: loader findings plus every enabled rule on every flow in it. `ruleSet` is the
 * registry; a test passes its own rules to drive the engine's handling of misbehaving ones.
 */
export function lintLoaded(file: LoadedFile, options: LintOptions = {}, ruleSet: Iterable<Rule> = registry.values()): FileResult {
  const pending: Pending[] = [];
  const settings: LintSettings = {
    requiredFunctions: options.settings?.requiredFunctions ?? [],
    variables: options.settings?.variables ?? [],
    idempotentFunctions: options.settings?.idempotentFunctions ?? [],
  };

  for (const problem of file.problems) {
    const { rule, messageId, data } = findingOf(problem);
    const range = problem.kind === 'syntax' || problem.kind === 'encoding' ? problem.range : undefined;
    pending.push({ rule, report: { messageId, data }, pointer: problem.pointer, range, flowId: flowAt(file.flows, problem.pointer)?.flowId });
  }

  const enabled = [...ruleSet].filter((r) => !r.meta.reportedByLoader && severityOf(r, options) !== 'off');
  const timings = options.timings;
  let mark = timings ? performance.now() : 0;
  /** Milliseconds since the last call (0 without timings). */
  const lap = (): number => {
    if (!timings) return 0;
    const now = performance.now();
    const ms = now - mark;
    mark = now;
    return ms;
  };
  const text = file.source.format === 'json' ? file.source.text : undefined;
  for (const flow of file.flows) {
    lap();
    const graph = buildGraph(flow, file.path);
    const analysis = new FlowAnalysis(graph);
    if (timings) timings.graph += lap();
    for (const rule of enabled) {
      const context: RuleContext = {
        file: file.path,
        graph,
        analysis,
        settings,
        options: options.ruleOptions?.[rule.id],
        text,
        report(report) {
          const scope = report.node?.scope ?? report.edge?.from.scope;
          if (scope && scope.kind === 'component' && !rule.meta.structural && !analysis.usedComponents.has(scope)) return;
          const pointer = report.pointer ?? report.edge?.pointer ?? report.node?.pointer ?? flow.pointer;
          pending.push({ rule, report, pointer, flowId: flow.flowId });
        },
      };
      try {
        rule.check(context);
      } catch (error) {
        // A rule bug must not hide every other finding; it surfaces as one diagnostic instead.
        pending.push({
          rule: registry.get('internal-error')!,
          report: { messageId: 'crash', data: { rule: rule.id, message: (error as Error)?.message ?? String(error) } },
          pointer: flow.pointer,
          flowId: flow.flowId,
        });
      }
      if (timings) timings.rules[rule.id] = (timings.rules[rule.id] ?? 0) + lap();
    }
  }

  lap();
  const relatedOf = (p: Pending) => p.report.related?.slice(0, RELATED_LIMIT) ?? [];
  const ranges = file.source.locate([...pending.filter((p) => !p.range).map((p) => p.pointer), ...pending.flatMap((p) => relatedOf(p).map((n) => n.pointer))]);
  if (timings) timings.positions += lap();
  const diagnostics: Diagnostic[] = [];
  for (let p of pending) {
    if (!Object.hasOwn(p.rule.meta.messages, p.report.messageId)) p = unknownMessage(p);
    const severity = severityOf(p.rule, options, p.report);
    if (severity === 'off') continue;
    const range = p.range ?? narrowed(file, ranges.get(p.pointer)!, p);
    const template = p.rule.meta.messages[p.report.messageId]!;
    const data = p.report.data ?? {};
    const d: Diagnostic = {
      ruleId: p.rule.id,
      severity,
      messageId: p.report.messageId,
      data,
      message: interpolate(template, data),
      file: file.path,
      pointer: p.pointer,
      line: range.line,
      column: range.column,
      endLine: range.endLine,
      endColumn: range.endColumn,
      docsUrl: docsUrl(p.rule.id),
    };
    if (p.flowId !== undefined) d.flowId = p.flowId;
    const nodeId = p.report.node?.id ?? p.report.edge?.from.id;
    if (nodeId) d.nodeId = nodeId;
    if (p.report.edge?.id) d.edgeId = p.report.edge.id;
    if (p.report.edge) d.targetKey = edgeKey(p.report.edge);
    else if (p.report.node) d.targetKey = nodeKey(p.report.node);
    if (p.report.hint) d.hint = p.report.hint;
    if (p.report.fix) d.fix = p.report.fix;
    const related = relatedOf(p);
    if (related.length) {
      d.related = related.map((n) => {
        const r = ranges.get(n.pointer)!;
        return { pointer: n.pointer, line: r.line, column: r.column, endLine: r.endLine, endColumn: r.endColumn, message: `${n.type || 'untyped'} node ${label(n)}`, ...(n.id ? { nodeId: n.id } : {}) };
      });
    }
    diagnostics.push(d);
  }
  diagnostics.sort(compareDiagnostics);
  return { file: file.path, diagnostics };
}

/** A finding's range, narrowed to the part of the string it names (Report.span) where the text shows that part. */
function narrowed(file: LoadedFile, range: Range, p: Pending): Range {
  const span = p.report.span;
  if (!span) return range;
  const value = get(file.value, p.pointer);
  return typeof value === 'string' ? file.source.narrow(range, value, span) : range;
}

/** defineRule makes an unknown messageId a type error; one that slips through (plain JS, a cast) is a bug to report, not a bare id to print. */
function unknownMessage(p: Pending): Pending {
  return {
    ...p,
    rule: registry.get('internal-error')!,
    report: { messageId: 'unknownMessage', data: { rule: p.rule.id, messageId: p.report.messageId }, node: p.report.node, edge: p.report.edge },
  };
}

export function listRules(): Rule[] {
  return [...registry.values()];
}
