export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

export type DiagnosticData = Record<string, string | number | boolean>;

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
  /** Stable identity of the flow inside the file: conversation_flow_id when present, else the flow's pointer. */
  flowId?: string;
  nodeId?: string;
  edgeId?: string;
  hint?: string;
  docsUrl: string;
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
