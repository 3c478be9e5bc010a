import type { LintTimings } from '../validators/engine.js';
import type { SkippedFile } from '../flow/load.js';

/**
 * One stderr line for the files lint read and left alone because nothing in them is Retell's, and
 * for files named on the command line that an ignore pattern skips. Files skipped by name (lock
 * files, compose files) or ignored while walking a folder are what the user asked for: not mentioned.
 * Empty when there is nothing to say.
 */
export function renderSkipped(skipped: readonly SkippedFile[]): string {
  const shownNames = (list: readonly SkippedFile[]) => {
    const names = list.slice(0, 4).map((s) => s.file);
    return list.length > 4 ? `${names.join(', ')} and ${list.length - 4} more` : names.join(', ');
  };
  const foreign = skipped.filter((s) => s.reason === 'not-retell');
  const ignored = skipped.filter((s) => s.reason === 'ignored' && s.explicit);
  if (!foreign.length && !ignored.length) return '';
  const parts: string[] = [];
  if (foreign.length) parts.push(`${foreign.length} file${foreign.length === 1 ? '' : 's'} with nothing of Retell in ${foreign.length === 1 ? 'it' : 'them'} (${shownNames(foreign)})`);
  if (ignored.length) parts.push(`${shownNames(ignored)}: ignored by a pattern in the config or --ignore-pattern`);
  return `retell-kit: skipped ${parts.join('; ')}\n`;
}

/** --stats: time per stage and the slowest rules, as a small table on stderr. */
export function renderStats(t: LintTimings, files: number): string {
  const ms = (n: number) => `${n.toFixed(1)} ms`;
  const ruleTotal = Object.values(t.rules).reduce((a, b) => a + b, 0);
  const rows: [string, string][] = [
    ['parse', ms(t.parse)],
    ['graph', ms(t.graph)],
    ['rules', ms(ruleTotal)],
    ['positions', ms(t.positions)],
  ];
  const byRule = Object.entries(t.rules).sort((a, b) => b[1] - a[1]);
  const width = Math.max(...rows.map((r) => r[0].length), ...byRule.map(([id]) => id.length + 2));
  const lines = [`retell-kit: stats for ${files} file${files === 1 ? '' : 's'}`];
  for (const [name, value] of rows) lines.push(`  ${name.padEnd(width)}  ${value.padStart(10)}`);
  for (const [id, value] of byRule) lines.push(`    ${id.padEnd(width - 2)}  ${ms(value).padStart(10)}`);
  return `${lines.join('\n')}\n`;
}
