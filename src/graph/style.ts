// Colours every renderer uses (Mermaid, DOT/SVG, the HTML legend), so a picture reads the same in each.
import type { LintStatus, ModelEdge } from './model.js';

export interface Paint {
  fill: string;
  stroke: string;
  /** What the legend calls it. */
  meaning: string;
}

export const STATUS_PAINT: Readonly<Record<LintStatus, Paint>> = {
  error: { fill: '#ffebe9', stroke: '#cf222e', meaning: 'lint error' },
  warning: { fill: '#fff8c5', stroke: '#9a6700', meaning: 'lint warning' },
  info: { fill: '#ddf4ff', stroke: '#0969da', meaning: 'lint note' },
  clean: { fill: '#dafbe1', stroke: '#1a7f37', meaning: 'no findings' },
  unchecked: { fill: '#f6f8fa', stroke: '#57606a', meaning: 'not linted (--no-lint)' },
};

export const TEXT = '#1f2328';
export const PSEUDO = { start: '#1f2328', back: '#57606a', missing: '#cf222e' };
export const COVERAGE = {
  /** A node or edge no recorded call reached. */
  unreached: '#8c959f',
  /** A node where calls ended without reaching an end node. */
  stuck: '#bc4c00',
  /** Edges recorded calls took. */
  taken: '#0969da',
};

/** Edge line width by the share of calls that took it: 1 for none, up to 6 for the busiest edge. */
export function edgeWidth(calls: number, max: number): number {
  if (calls <= 0 || max <= 0) return 1;
  return Math.round((1.5 + 4.5 * (Math.log1p(calls) / Math.log1p(max))) * 10) / 10;
}

export function maxEdgeCalls(edges: readonly ModelEdge[]): number {
  let max = 0;
  for (const e of edges) if ((e.calls ?? 0) > max) max = e.calls!;
  return max;
}

/** Edge kinds drawn dashed: the ones that are not a transition the LLM or an equation picks. */
export function dashedEdge(edge: ModelEdge): boolean {
  return edge.kind === 'go-back' || edge.kind === 'component-enter' || edge.kind === 'component-exit' || edge.kind === 'transfer-failed' || edge.kind === 'swap-failed' || edge.kind === 'sms-failed';
}
