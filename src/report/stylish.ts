import { Chalk } from 'chalk';
import { countBySeverity, type Diagnostic } from '../diagnostic.js';
import type { Formatter } from './types.js';

/**
 * Text from a flow file goes to a terminal: a newline would split a finding's line and an escape
 * sequence could rewrite the screen, so control characters are shown as \n, \t or \uXXXX instead.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001F\u007F-\u009F]/g, (ch) =>
    ch === '\n' ? '\\n' : ch === '\t' ? '\\t' : ch === '\r' ? '\\r' : `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** A region's members on one compact line under its finding: `nodes: "A" (12:5), "B" (40:5) and 3 more`. */
function members(d: Diagnostic): string | undefined {
  const related = d.related ?? [];
  if (related.length < 2) return undefined;
  const total = Array.isArray(d.data.nodes) ? d.data.nodes.length : related.length;
  const shown = related.slice(0, 4).map((r) => `${printable(r.message.replace(/^\S+ node /, ''))} (${r.line}:${r.column})`);
  return `nodes: ${shown.join(', ')}${total > shown.length ? ` and ${total - shown.length} more` : ''}`;
}

/** A kind of finding repeated more than this many times in one file is collapsed (stylish only). */
export const COLLAPSE_ABOVE = 5;
/** How many of a collapsed kind stay shown, at their places. */
export const COLLAPSE_SHOW = 3;

/** Findings are "alike" when one rule says the same kind of thing at the same severity. */
const kindOf = (d: Diagnostic) => `${d.ruleId}\u0000${d.messageId}\u0000${d.severity}`;

/**
 * Which findings of a file stylish shows: of a kind repeated more than COLLAPSE_ABOVE times, the first
 * COLLAPSE_SHOW, the last of them followed by a line that counts the rest and gives their places.
 * JSON, SARIF and the other machine formats keep every finding.
 */
function collapse(diagnostics: readonly Diagnostic[]): { shown: Diagnostic; more?: Diagnostic[] }[] {
  const byKind = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const list = byKind.get(kindOf(d));
    if (list) list.push(d);
    else byKind.set(kindOf(d), [d]);
  }
  const out: { shown: Diagnostic; more?: Diagnostic[] }[] = [];
  for (const d of diagnostics) {
    const alike = byKind.get(kindOf(d))!;
    if (alike.length <= COLLAPSE_ABOVE) {
      out.push({ shown: d });
      continue;
    }
    const at = alike.indexOf(d);
    if (at < COLLAPSE_SHOW - 1) out.push({ shown: d });
    else if (at === COLLAPSE_SHOW - 1) out.push({ shown: d, more: alike.slice(COLLAPSE_SHOW) });
  }
  return out;
}

/** `… and 37 more like this at 40:5, 77:5, 91:5, 120:5, 130:5, 140:5 and 31 more (all of them: ...)` */
function moreLine(more: Diagnostic[]): string {
  const places = more.slice(0, 6).map((d) => `${d.line}:${d.column}`);
  const rest = more.length - places.length;
  return `… and ${more.length} more like this at ${places.join(', ')}${rest > 0 ? ` and ${rest} more` : ''} (all of them: --format json or sarif)`;
}

/** ESLint-style human output: a block per file, one line per finding (repeats collapsed), a summary line. */
const stylish: Formatter = (results, context) => {
  const c = new Chalk({ level: context.color ? 1 : 0 });
  const lines: string[] = [];
  for (const r of results) {
    if (r.diagnostics.length === 0) continue;
    lines.push(c.underline(printable(r.file)));
    // A hint says what to do about a kind of finding: printed at its first finding in the file, not at each
    // (ten undefined variables would repeat the same 180 characters ten times). JSON and SARIF keep every one.
    const hinted = new Set<string>();
    const rows = collapse(r.diagnostics).map(({ shown: d, more }) => {
      const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      const where = `${d.line}:${d.column}`;
      let hint = '';
      if (d.hint !== undefined && !hinted.has(d.hint)) {
        hinted.add(d.hint);
        hint = c.dim(` (${printable(d.hint)})`);
      }
      return { where, sev, plainSev: d.severity, text: `${printable(d.message)}${hint}`, rule: c.dim(d.ruleId), members: members(d), more: more && moreLine(more) };
    });
    const whereWidth = Math.max(...rows.map((r) => r.where.length));
    const sevWidth = Math.max(...rows.map((r) => r.plainSev.length));
    for (const row of rows) {
      lines.push(`  ${c.dim(row.where.padEnd(whereWidth))}  ${row.sev}${' '.repeat(sevWidth - row.plainSev.length)}  ${row.text}  ${row.rule}`);
      if (row.members) lines.push(`  ${' '.repeat(whereWidth + sevWidth + 4)}${c.dim(row.members)}`);
      if (row.more) lines.push(`  ${' '.repeat(whereWidth + sevWidth + 4)}${c.dim(row.more)}`);
    }
    lines.push('');
  }
  const counts = countBySeverity(results.flatMap((r) => r.diagnostics));
  const total = counts.errors + counts.warnings + counts.infos;
  if (total > 0) {
    const plural = (n: number, w: string) => `${n} ${w}${n === 1 ? '' : 's'}`;
    const summary = `✖ ${plural(total, 'problem')} (${plural(counts.errors, 'error')}, ${plural(counts.warnings, 'warning')}${counts.infos ? `, ${counts.infos} info` : ''})`;
    lines.push(counts.errors ? c.red.bold(summary) : counts.warnings ? c.yellow.bold(summary) : c.bold(summary));
    return lines.join('\n') + '\n';
  }
  return '';
};

export default stylish;
