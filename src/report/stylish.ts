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

/** ESLint-style human output: a block per file, one line per finding, a summary line. */
const stylish: Formatter = (results, context) => {
  const c = new Chalk({ level: context.color ? 1 : 0 });
  const lines: string[] = [];
  for (const r of results) {
    if (r.diagnostics.length === 0) continue;
    lines.push(c.underline(printable(r.file)));
    const rows = r.diagnostics.map((d) => {
      const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.blue('info');
      const where = `${d.line}:${d.column}`;
      const hint = d.hint ? c.dim(` (${printable(d.hint)})`) : '';
      return { where, sev, plainSev: d.severity, text: `${printable(d.message)}${hint}`, rule: c.dim(d.ruleId), members: members(d) };
    });
    const whereWidth = Math.max(...rows.map((r) => r.where.length));
    const sevWidth = Math.max(...rows.map((r) => r.plainSev.length));
    for (const row of rows) {
      lines.push(`  ${c.dim(row.where.padEnd(whereWidth))}  ${row.sev}${' '.repeat(sevWidth - row.plainSev.length)}  ${row.text}  ${row.rule}`);
      if (row.members) lines.push(`  ${' '.repeat(whereWidth + sevWidth + 4)}${c.dim(row.members)}`);
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
