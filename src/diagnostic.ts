import path from 'node:path';
import { docsBase, ruleDocsUrl } from './docs/index.js';

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type DiagnosticData = Record<string, string | number | boolean | string[]>;

/** The one finding type. Every rule produces it, every formatter reads it. Positions are 1-based. */
export interface Diagnostic {
  ruleId: string;
  severity: Severity;
  messageId: string;
  data: DiagnosticData;
  message: string;
  file: string;
  /** JSON pointer into the file (RFC 6901), including the path to the flow inside the file. */
  pointer: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** conversation_flow_id of the flow the finding is in; for a flow without one, `#` + its pointer in the file. */
  flowId?: string;
  nodeId?: string;
  edgeId?: string;
  /** The flow/identity.ts key of the edge or node the finding is about (the edge when both). */
  targetKey?: string;
  hint?: string;
  /** A mechanical fix at `pointer`, or at `fix.at` when given (--fix applies it; not part of the JSON report). */
  fix?: ({ action: 'replace-value'; value: string } | { action: 'rename-key'; to: string }) & { at?: string };
  /** Other places the finding is about: the members of a region (a trap, an unreachable part, a silent loop), capped at RELATED_LIMIT. */
  related?: RelatedLocation[];
  docsUrl: string;
}

export interface RelatedLocation {
  pointer: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** What is there: `conversation node "Confirm"`. */
  message: string;
  nodeId?: string;
}

/** Related locations a finding carries at most (SARIF viewers list them all; data.nodes keeps every id). */
export const RELATED_LIMIT = 50;

/** The findings of one file, sorted by compareDiagnostics. */
export interface FileResult {
  /** Path as shown in reports: relative to the working directory when inside it, forward slashes. */
  file: string;
  diagnostics: Diagnostic[];
}

/** The rules page online, derived from package.json's repository (src/docs/ has the offline copy). */
export const DOCS_BASE = docsBase();

export function docsUrl(ruleId: string): string {
  return ruleDocsUrl(ruleId);
}

/**
 * What makes two findings the same finding across revisions of a flow, linted from anywhere: the
 * rule, the flow, the node or edge (by its identity key), and the subject (the messageId). Never a
 * line or a position, so reformatting and reordering keep it. Baselines, SARIF fingerprints and lint
 * deltas all use this one identity.
 */
export interface FindingIdentity {
  rule: string;
  flow: string;
  /** flow/identity.ts key of the node or edge; '' for findings about the flow, a tool or the file. */
  target: string;
  subject: string;
}

/** Where display paths were made (the cwd of the run) and what flow identities are relative to. */
export interface IdentityBase {
  cwd: string;
  root: string;
}

/**
 * A flow's identity: its conversation_flow_id, which survives renaming and moving the file. A flow
 * without one (hand-written, or exported without it) can only be known by where it is: the file's
 * path relative to `root` (a directory that travels with the repo, such as the baseline's), plus the
 * flow's pointer inside the file. Not the display path, which changes with the directory lint runs
 * in. The trade-off: renaming or moving such a file, or moving `root`, makes it a new flow.
 */
export function flowIdentity(d: Pick<Diagnostic, 'file' | 'flowId'>, base: IdentityBase): string {
  if (d.flowId && !d.flowId.startsWith('#')) return d.flowId;
  return relativeFile(d.file, base) + (d.flowId ?? '');
}

function relativeFile(file: string, { cwd, root }: IdentityBase): string {
  // stdin ('-', '<stdin>') has no place on disk: its name is all there is.
  if (file === '-' || file.startsWith('<')) return file;
  const relative = path.relative(root, path.resolve(cwd, file)) || '.';
  return relative.split(path.sep).join('/');
}

export function findingIdentity(d: Diagnostic, base: IdentityBase): FindingIdentity {
  return { rule: d.ruleId, flow: flowIdentity(d, base), target: d.targetKey ?? '', subject: d.messageId };
}

/** The finding identity as one string, for maps and hashes. */
export function findingKey(d: Diagnostic, base: IdentityBase): string {
  return identityKey(findingIdentity(d, base));
}

export function identityKey(id: FindingIdentity): string {
  return [id.rule, id.flow, id.target, id.subject].join('\u0000');
}

export interface SeverityCounts {
  errors: number;
  warnings: number;
  infos: number;
}

const severityRank: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** Sort order of every report: file, line, column, rule, then message for full determinism. */
export function compareDiagnostics(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.line !== b.line) return a.line - b.line;
  if (a.column !== b.column) return a.column - b.column;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  if (a.severity !== b.severity) return severityRank[a.severity] - severityRank[b.severity];
  if (a.message !== b.message) return a.message < b.message ? -1 : 1;
  return 0;
}

export function countBySeverity(diagnostics: Iterable<Diagnostic>): SeverityCounts {
  const counts: SeverityCounts = { errors: 0, warnings: 0, infos: 0 };
  for (const d of diagnostics) {
    if (d.severity === 'error') counts.errors++;
    else if (d.severity === 'warning') counts.warnings++;
    else counts.infos++;
  }
  return counts;
}
