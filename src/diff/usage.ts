import { loadReplayables } from '../replay/load.js';
import { parseCallTranscript } from '../retell/transcript.js';
import type { Change } from './change.js';
import { lower } from './kinds.js';

/** What recorded calls used: how many calls went through each node and called each tool. */
export interface Usage {
  calls: number;
  /** Calls whose transcript carried node transitions: without any, node usage is unknown. */
  callsWithNodes: number;
  nodes: Map<string, number>;
  tools: Map<string, number>;
}

/**
 * Usage from recordings (serve --record) and Retell call objects, through replay's loader and the
 * one transcript parser: node ids from node transitions, tool names from function calls.
 */
export async function loadUsage(inputs: readonly string[], cwd = process.cwd()): Promise<Usage> {
  const calls = await loadReplayables(inputs, cwd);
  const usage: Usage = { calls: calls.length, callsWithNodes: 0, nodes: new Map(), tools: new Map() };
  for (const call of calls) {
    const nodes = new Set<string>();
    const tools = new Set<string>();
    for (const step of call.steps) if (step.kind === 'function') tools.add(step.name);
    const transcript = parseCallTranscript(call.call);
    for (const t of transcript.toolCalls) tools.add(t.name);
    for (const t of transcript.nodeTransitions) {
      if (t.formerNodeId) nodes.add(t.formerNodeId);
      nodes.add(t.newNodeId);
    }
    if (transcript.nodeTransitions.length > 0) usage.callsWithNodes++;
    for (const n of nodes) usage.nodes.set(n, (usage.nodes.get(n) ?? 0) + 1);
    for (const t of tools) usage.tools.set(t, (usage.tools.get(t) ?? 0) + 1);
  }
  return usage;
}

const plural = (n: number) => `${n} recorded call${n === 1 ? '' : 's'}`;

/**
 * graphql-inspector's considerUsage: a change on a node or tool no recorded call used drops a level;
 * one that calls went through is marked hot. Node usage counts only when some call recorded node
 * transitions; tool usage when some call made function calls.
 */
export function applyUsage(changes: Change[], usage: Usage): void {
  const toolsKnown = usage.tools.size > 0;
  const nodesKnown = usage.callsWithNodes > 0;
  for (const change of changes) {
    if (change.kind === 'lint-finding-introduced' || change.kind === 'lint-finding-fixed') continue;
    let count: number | undefined;
    if (change.tool !== undefined && toolsKnown) count = usage.tools.get(change.tool) ?? 0;
    else if (change.node && nodesKnown) count = usage.nodes.get(change.node.id) ?? 0;
    if (count === undefined) continue;
    if (count > 0) {
      change.hot = true;
      change.notes = [...(change.notes ?? []), `hot: ${plural(count)} used it`];
    } else if (change.severity !== 'info') {
      const was = change.severity;
      change.severity = lower(was);
      change.notes = [...(change.notes ?? []), `no recorded call used it: ${was} lowered to ${change.severity}`];
    }
  }
}
