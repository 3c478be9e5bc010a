import { countBySeverity, type Diagnostic, type Severity } from '../diagnostic.js';
import { printable } from './stylish.js';
import type { Formatter } from './types.js';

/**
 * GitHub shows at most 10 annotations of each kind per step (and 50 per job); the rest vanish without
 * a word. We annotate up to the limit and print every other finding as a plain log line.
 */
export const ANNOTATIONS_PER_KIND = 10;

const command: Record<Severity, 'error' | 'warning' | 'notice'> = { error: 'error', warning: 'warning', info: 'notice' };

/** Workflow command data: GitHub decodes %25, %0D and %0A. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Property values additionally end at ':' and ',', so those are encoded too. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}


function annotation(d: Diagnostic): string {
  const props = [
    `file=${escapeProperty(d.file)}`,
    `line=${d.line}`,
    `col=${d.column}`,
    `endLine=${d.endLine}`,
    `endColumn=${d.endColumn}`,
    `title=${escapeProperty(`retell-kit (${d.ruleId})`)}`,
  ].join(',');
  const hint = d.hint ? ` (${d.hint})` : '';
  return `::${command[d.severity]} ${props}::${escapeData(`${d.message}${hint}\nSee ${d.docsUrl}`)}`;
}

/**
 * A plain log line must stay one line and must not start with '::' (the runner trims leading spaces
 * first), or text from a flow file could smuggle in a workflow command of its own.
 */
function plainLine(d: Diagnostic): string {
  const hint = d.hint ? ` (${d.hint})` : '';
  const file = /^[\s:]/.test(d.file) ? `./${d.file}` : d.file;
  return printable(`${file}:${d.line}:${d.column}: ${d.severity}: ${d.message}${hint} [${d.ruleId}]`);
}

/** GitHub Actions workflow commands: one annotation per finding up to GitHub's limits, then plain lines. */
const github: Formatter = (results) => {
  const all = results.flatMap((r) => r.diagnostics);
  if (all.length === 0) return '';
  const byKind = (s: Severity) => all.filter((d) => d.severity === s).length;
  const overflowing = (['error', 'warning', 'info'] as const).some((s) => byKind(s) > ANNOTATIONS_PER_KIND);
  // The overflow summary is itself a notice, so it takes one notice slot.
  const budget: Record<Severity, number> = {
    error: ANNOTATIONS_PER_KIND,
    warning: ANNOTATIONS_PER_KIND,
    info: overflowing ? ANNOTATIONS_PER_KIND - 1 : ANNOTATIONS_PER_KIND,
  };

  const annotated: string[] = [];
  const plain: string[] = [];
  for (const d of all) {
    if (budget[d.severity] > 0) {
      budget[d.severity]--;
      annotated.push(annotation(d));
    } else {
      plain.push(plainLine(d));
    }
  }

  const lines = [...annotated];
  if (plain.length > 0) {
    const n = plain.length;
    const summary =
      `${n} finding${n === 1 ? ' was' : 's were'} not annotated: GitHub shows at most ${ANNOTATIONS_PER_KIND} errors, ` +
      `${ANNOTATIONS_PER_KIND} warnings and ${ANNOTATIONS_PER_KIND} notices per step. They are listed in this log; ` +
      'for the full report run retell-kit lint --format json (or upload --format sarif to code scanning).';
    lines.push(...plain);
    lines.push(`::notice title=${escapeProperty('retell-kit')}::${escapeData(summary)}`);
  }
  const counts = countBySeverity(all);
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  lines.push(`retell-kit: ${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}, ${counts.infos} info in ${plural(results.length, 'file')}`);
  return lines.join('\n') + '\n';
};

export default github;
