// Where recorded calls went in a flow: from the `node_transition` entries of each call's transcript
// (the one parser, retell/transcript.ts), read through replay's loader (recordings and Retell call
// objects). Each node and edge gets the number of calls that passed through it; the node each call
// ended in says where callers got stuck. Calls whose node ids are not in the flow are set apart and
// reported, never mixed in.
import { isTerminal, type FlowGraph, type GraphEdge, type GraphNode } from '../flow/graph.js';
import { edgeKey, globalEntryKey, nodeKey } from '../flow/identity.js';
import { loadReplayables, type ReplayCall } from '../replay/load.js';
import { parseCallTranscript, type NodeTransition } from '../retell/transcript.js';
import type { NodeCoverageMark } from './model.js';

/** One recorded call as coverage reads it. */
export interface CallPath {
  callId: string;
  file?: string;
  transitions: NodeTransition[];
  /** Seconds from the start to the end of the call, when the call object says. */
  durationSec?: number;
}

/** Retell's pseudo node before the start node (`former_node_id: "begin"` on the first transition). */
const BEGIN = 'begin';

export interface ForeignCall {
  callId: string;
  file?: string;
  /** Node ids the call went through that the flow does not have (at most 5). */
  unknownNodeIds: string[];
  /** `other-flow`: none of its node ids are in this flow; `other-version`: some are. */
  kind: 'other-flow' | 'other-version';
}

export interface StuckNode {
  nodeId: string;
  name?: string;
  /** Calls that ended in this node without reaching an end or a transfer. */
  calls: number;
}

export interface CoverageSummary {
  /** Calls read. */
  calls: number;
  /** Calls drawn (read, with node transitions, all of whose nodes are in the flow). */
  counted: number;
  foreign: ForeignCall[];
  /** Calls without any node_transition (a single-prompt agent, or an older transcript): nothing to place. */
  withoutTransitions: { callId: string; file?: string }[];
  nodesReached: number;
  nodesTotal: number;
  edgesTaken: number;
  edgesTotal: number;
  /** Node ids no counted call reached. */
  unreached: string[];
  /** Nodes calls ended in without reaching an end node, most calls first. */
  stuck: StuckNode[];
  /** The node where calls stayed longest on average (from transcript times), when known. */
  longest?: { nodeId: string; name?: string; meanSec: number };
  /** Transitions between nodes of the flow that no edge of the flow explains (the flow changed since). */
  unexplained: number;
}

export interface Coverage {
  /** By flow/identity.ts node key. */
  nodes: Map<string, NodeCoverageMark>;
  /** By flow/identity.ts edge key. */
  edges: Map<string, number>;
  /** Calls that entered a component, by the component node's key. */
  componentEntries: Map<string, number>;
  /** Calls that jumped into a global node, by its global-entry key. */
  globalEntries: Map<string, number>;
  summary: CoverageSummary;
}

function durationOf(call: Record<string, unknown>, start?: number, end?: number): number | undefined {
  if (typeof call.duration_ms === 'number' && Number.isFinite(call.duration_ms)) return call.duration_ms / 1000;
  if (start !== undefined && end !== undefined && end >= start) return (end - start) / 1000;
  return undefined;
}

/** The node path of each call replay's loader read. */
export function callPathsOf(calls: readonly ReplayCall[]): CallPath[] {
  return calls.map((c) => {
    const t = parseCallTranscript(c.call);
    const durationSec = durationOf(c.call, t.startTimestamp, t.endTimestamp);
    return { callId: c.callId, file: c.file, transitions: t.nodeTransitions, ...(durationSec !== undefined && { durationSec }) };
  });
}

/** Recordings and call objects (files, folders, globs) into call paths: replay's loader, so the same inputs work. */
export async function loadCallPaths(inputs: readonly string[], cwd = process.cwd()): Promise<CallPath[]> {
  return callPathsOf(await loadReplayables(inputs, cwd));
}

/** Edges the flow really has between its nodes: resolved (or go-back) and followed by the node's type. */
function countable(edge: GraphEdge): boolean {
  return (edge.to !== undefined || edge.kind === 'go-back') && edge.from.facts.follows.has(edge.kind);
}

export function computeCoverage(graph: FlowGraph, calls: readonly CallPath[]): Coverage {
  // Node ids across the flow and its components; the flow's own nodes first.
  const byId = new Map<string, GraphNode>();
  for (const node of graph.nodes) if (node.id && !byId.has(node.id)) byId.set(node.id, node);
  const keyOf = new Map<GraphNode, string>(graph.nodes.map((n) => [n, nodeKey(n)]));

  const nodeCalls = new Map<GraphNode, number>();
  const ended = new Map<GraphNode, number>();
  const stuck = new Map<GraphNode, number>();
  const dwell = new Map<GraphNode, { sec: number; visits: number }>();
  const edgeCalls = new Map<GraphEdge, number>();
  const componentEntries = new Map<GraphNode, number>();
  const globalEntries = new Map<GraphNode, number>();
  const summary: CoverageSummary = { calls: calls.length, counted: 0, foreign: [], withoutTransitions: [], nodesReached: 0, nodesTotal: graph.nodes.length, edgesTaken: 0, edgesTotal: 0, unreached: [], stuck: [], unexplained: 0 };
  const bump = <K>(map: Map<K, number>, key: K) => map.set(key, (map.get(key) ?? 0) + 1);

  for (const call of calls) {
    const where = call.file !== undefined ? { file: call.file } : {};
    if (call.transitions.length === 0) {
      summary.withoutTransitions.push({ callId: call.callId, ...where });
      continue;
    }
    const unknown = new Set<string>();
    let known = 0;
    for (const t of call.transitions) {
      for (const id of [t.formerNodeId, t.newNodeId]) {
        if (id === undefined || id === BEGIN) continue;
        if (byId.has(id)) known++;
        else unknown.add(id);
      }
    }
    if (unknown.size > 0) {
      summary.foreign.push({ callId: call.callId, ...where, unknownNodeIds: [...unknown].slice(0, 5), kind: known === 0 ? 'other-flow' : 'other-version' });
      continue;
    }
    summary.counted++;
    const visited = new Set<GraphNode>();
    const taken = new Set<GraphEdge>();
    const entered = new Set<GraphNode>();
    const jumped = new Set<GraphNode>();
    // Every call starts at the start node, whether or not its transcript records entering it.
    if (graph.root.start) visited.add(graph.root.start);
    for (const t of call.transitions) {
      const to = byId.get(t.newNodeId)!;
      visited.add(to);
      const from = t.formerNodeId && t.formerNodeId !== BEGIN ? byId.get(t.formerNodeId) : undefined;
      if (!from) continue;
      visited.add(from);
      const type = t.transitionType ?? '';
      if (type === 'global_go_back' || type === 'interrupt_go_back') {
        const back = from.out.find((e) => e.kind === 'go-back');
        if (back) taken.add(back);
        else summary.unexplained++;
        continue;
      }
      const edge = from.out.find((e) => e.to === to && e.kind !== 'go-back' && from.facts.follows.has(e.kind)) ?? from.out.find((e) => e.to === to);
      if (edge && type !== 'global') taken.add(edge);
      else if (to.isGlobal) jumped.add(to);
      else if (from.component && from.component.start === to) entered.add(from);
      else if (from.scope !== to.scope && from.scope.kind === 'component') {
        // Out of a component: the component node's edge to `to` is the one taken.
        const via = graph.nodes.find((n) => n.component === from.scope && n.out.some((e) => e.to === to));
        const out = via?.out.find((e) => e.to === to);
        if (out) taken.add(out);
        else summary.unexplained++;
      } else summary.unexplained++;
    }
    // Time in each node: from entering it to the next transition, the last one until the call ended.
    call.transitions.forEach((t, i) => {
      const start = t.timeSec;
      const next = call.transitions[i + 1];
      const end = next ? next.timeSec : call.durationSec;
      if (start === undefined || end === undefined || end < start) return;
      const node = byId.get(t.newNodeId)!;
      const d = dwell.get(node) ?? { sec: 0, visits: 0 };
      d.sec += end - start;
      d.visits++;
      dwell.set(node, d);
    });
    for (const node of visited) bump(nodeCalls, node);
    for (const edge of taken) bump(edgeCalls, edge);
    for (const node of entered) bump(componentEntries, node);
    for (const node of jumped) bump(globalEntries, node);
    const last = byId.get(call.transitions[call.transitions.length - 1]!.newNodeId)!;
    bump(ended, last);
    if (!isTerminal(last)) bump(stuck, last);
  }

  const nodes = new Map<string, NodeCoverageMark>();
  let longest: CoverageSummary['longest'];
  for (const node of graph.nodes) {
    const calls = nodeCalls.get(node) ?? 0;
    const mark: NodeCoverageMark = { calls, ended: ended.get(node) ?? 0, stuck: stuck.get(node) ?? 0 };
    const d = dwell.get(node);
    if (d && d.visits > 0) {
      mark.meanSec = d.sec / d.visits;
      if (!longest || mark.meanSec > longest.meanSec) longest = { nodeId: node.id, ...(node.name && { name: node.name }), meanSec: mark.meanSec };
    }
    nodes.set(keyOf.get(node)!, mark);
    if (calls > 0) summary.nodesReached++;
    else summary.unreached.push(node.id || `#${node.index}`);
    if (mark.stuck > 0) summary.stuck.push({ nodeId: node.id, ...(node.name && { name: node.name }), calls: mark.stuck });
  }
  summary.stuck.sort((a, b) => b.calls - a.calls || a.nodeId.localeCompare(b.nodeId));
  if (longest) {
    summary.longest = longest;
    const node = graph.nodes.find((n) => n.id === longest!.nodeId);
    if (node) nodes.get(keyOf.get(node)!)!.longest = true;
  }
  const edges = new Map<string, number>();
  for (const edge of graph.edges) {
    if (!countable(edge)) continue;
    summary.edgesTotal++;
    const n = edgeCalls.get(edge) ?? 0;
    if (n > 0) summary.edgesTaken++;
    edges.set(edgeKey(edge), n);
  }
  return {
    nodes,
    edges,
    componentEntries: new Map([...componentEntries].map(([n, c]) => [keyOf.get(n)!, c])),
    globalEntries: new Map([...globalEntries].map(([n, c]) => [globalEntryKey(n), c])),
    summary,
  };
}

/** `nodes reached 5/8, edges taken 6/11 (12 calls)`: the one-line summary. */
export function summaryLine(s: CoverageSummary): string {
  const parts = [`nodes reached ${s.nodesReached}/${s.nodesTotal}`, `edges taken ${s.edgesTaken}/${s.edgesTotal}`, `${s.counted} call${s.counted === 1 ? '' : 's'}`];
  return parts.join(', ');
}
