import type { DiffResult } from '../index.js';
import { shown, type WordPart } from '../words.js';
import { groupChanges } from './group.js';

/** Word diff the way `git diff --word-diff=plain` shows it: [-removed-]{+added+}. */
export function plainWords(parts: readonly WordPart[]): string {
  const view = shown(parts);
  if (typeof view === 'string') return view;
  return view
    .map((p) => (p.op === '=' ? p.text : p.op === '-' ? `[-${p.text}-]` : `{+${p.text}+}`))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

export function formatText(result: DiffResult): string {
  const lines: string[] = [`a: ${result.a}`, `b: ${result.b}`];
  if (result.usage) lines.push(`usage: ${result.usage.calls} recorded calls (${result.usage.callsWithNodes} with node transitions) used ${result.usage.nodes} nodes and ${result.usage.tools} tools`);
  lines.push('');
  if (result.changes.length === 0) return [...lines, 'No changes.', ''].join('\n');
  let flow: string | undefined;
  for (const group of groupChanges(result.changes)) {
    if (group.flow !== flow && group.flow !== undefined) lines.push(`=== ${group.flow}`, '');
    flow = group.flow;
    lines.push(group.title);
    for (const c of group.changes) {
      lines.push(`${c.hot ? '* ' : '  '}${c.severity.padEnd(8)} ${c.kind.padEnd(28)} ${c.message}${c.notes ? ` (${c.notes.join('; ')})` : ''}`);
      if (c.words) lines.push(`           ${plainWords(c.words)}`);
    }
    lines.push('');
  }
  const s = result.summary;
  lines.push(`${s.total} change${s.total === 1 ? '' : 's'}: ${s.breaking} breaking, ${s.warning} warning, ${s.info} info`);
  return lines.join('\n') + '\n';
}
