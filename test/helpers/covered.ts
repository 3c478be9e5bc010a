import type { Range } from '../../src/flow/source.js';

/** The text a 1-based line/column range covers (columns in UTF-16 code units, as diagnostics give them). */
export function covered(text: string, r: Range): string {
  const starts = [0, ...[...text.matchAll(/\n/g)].map((m) => m.index! + 1)];
  return text.slice(starts[r.line - 1]! + r.column - 1, starts[r.endLine - 1]! + r.endColumn - 1);
}
