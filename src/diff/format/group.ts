import type { Change } from '../change.js';
import { groupKey } from '../index.js';

export interface Group {
  /** `agent`, `the flow`, `node "Greeting" (welcome)`, `tool tool_x`. */
  title: string;
  flow?: string;
  changes: Change[];
}

/** Changes (already sorted) grouped by flow and node, for the text and markdown reports. */
export function groupChanges(changes: readonly Change[]): Group[] {
  const groups: Group[] = [];
  let current: Group | undefined;
  let currentKey = '';
  for (const change of changes) {
    const key = `${change.flow ?? ''}\u0000${groupKey(change)}`;
    if (!current || key !== currentKey) {
      current = { title: titleOf(change), ...(change.flow !== undefined && { flow: change.flow }), changes: [] };
      currentKey = key;
      groups.push(current);
    }
    current.changes.push(change);
  }
  return groups;
}

function titleOf(change: Change): string {
  if (change.node) {
    const id = change.node.id;
    return change.node.label === `"${id}"` ? `node "${id}"` : `node ${change.node.label} (${id})`;
  }
  const t = change.target;
  if (t.startsWith('agent')) return 'agent';
  const tool = /(?:^|\/)tool:(.*)$/.exec(t);
  if (tool) return t.startsWith('component') ? `${t.slice(0, t.indexOf('/'))} tool ${tool[1]}` : `tool ${tool[1]}`;
  if (t === 'flow') return 'flow';
  if (t.startsWith('file:')) return `file ${t.slice('file:'.length)}`;
  if (t.startsWith('component:')) return `component ${t.slice('component:'.length)}`;
  return t;
}
