import type { DiffResult } from '../index.js';
import type { DiffSeverity } from '../kinds.js';
import { shown, type WordPart } from '../words.js';
import { groupChanges } from './group.js';

/** Room left under GitHub's 65,536-character comment limit for the note that cuts the report. */
const MAX_COMMENT = 60_000;

const ICON: Record<DiffSeverity, string> = { breaking: '🔴 breaking', warning: '🟠 warning', info: '⚪ info' };

/** Text safe inside a markdown list item and inside <details>: no HTML, no stray emphasis or code. */
function md(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#~]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

function mdWords(parts: readonly WordPart[]): string {
  const view = shown(parts);
  if (typeof view === 'string') return `_${md(view)}_`;
  let out = '';
  let lastChanged = false;
  for (const p of view) {
    if (p.op === '=') {
      out += md(p.text);
      lastChanged = false;
      continue;
    }
    const text = md(p.text).trim();
    if (!text) continue;
    out += `${lastChanged ? ' ' : ''}${p.op === '-' ? `~~${text}~~` : `**${text}**`}`;
    lastChanged = true;
  }
  return out.trim();
}

/** A PR comment: a summary table, then one collapsible section per node (open when it holds a breaking change). */
export function formatMarkdown(result: DiffResult): string {
  const s = result.summary;
  const out: string[] = [`### retell-kit diff`, '', `\`${result.a.replace(/`/g, "'")}\` → \`${result.b.replace(/`/g, "'")}\``, ''];
  if (result.usage) out.push(`Usage: ${result.usage.calls} recorded calls used ${result.usage.nodes} nodes and ${result.usage.tools} tools; 🔥 marks changes on what they used.`, '');
  if (s.total === 0) return [...out, 'No changes.', ''].join('\n');
  out.push('| breaking | warning | info |', '|---:|---:|---:|', `| ${s.breaking} | ${s.warning} | ${s.info} |`, '');
  const groups = groupChanges(result.changes);
  let length = out.join('\n').length;
  for (const [i, group] of groups.entries()) {
    const before = out.length;
    const counts = (['breaking', 'warning', 'info'] as const).map((sev) => [sev, group.changes.filter((c) => c.severity === sev).length] as const).filter(([, n]) => n > 0).map(([sev, n]) => `${n} ${sev}`);
    const open = group.changes.some((c) => c.severity === 'breaking') ? ' open' : '';
    out.push(`<details${open}><summary>${md(group.title)}${group.flow ? ` (flow ${md(group.flow)})` : ''}: ${counts.join(', ')}</summary>`, '');
    for (const c of group.changes) {
      out.push(`- ${c.hot ? '🔥 ' : ''}${ICON[c.severity]} \`${c.kind}\` ${md(c.message)}${c.notes ? ` _(${md(c.notes.join('; '))})_` : ''}`);
      if (c.words) out.push(`  > ${mdWords(c.words)}`);
    }
    out.push('', '</details>', '');
    length += out.slice(before).join('\n').length + 1;
    // GitHub refuses comments over 65,536 characters: stop in time and say what is left out.
    if (length > MAX_COMMENT && i < groups.length - 1) {
      const rest = groups.slice(i + 1).reduce((n, g) => n + g.changes.length, 0);
      out.push(`_…and ${rest} more change${rest === 1 ? '' : 's'} in ${groups.length - i - 1} more section${groups.length - i - 1 === 1 ? '' : 's'}: the full list is in \`--format json\` or \`--format text\`._`, '');
      break;
    }
  }
  return out.join('\n');
}
