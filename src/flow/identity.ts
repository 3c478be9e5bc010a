/**
 * Stable keys for the parts of a flow: a scope (the flow or a component), a node, every kind of edge
 * and a global node's entry. Baselines, SARIF fingerprints and `diff` match two versions of a flow
 * by these keys, so they are built from ids, never from array positions: reordering nodes, edges or
 * components in the file, or moving nodes on the canvas, keeps every key.
 *
 * Shapes (ids escaped as JSON pointer tokens, so `/` always separates parts):
 *   flow | component:<id>                       scope
 *   <scope>/node:<id>                           node
 *   <node>/edge:<id>  <node>/go-back:<id>       edges that live in a list, by their own id
 *   <node>/else  <node>/always  <node>/transfer-failed ...   one-of-a-kind edges, by kind: their ids
 *                                               are not stable (the dashboard regenerates them)
 *   <node>/global                               the jump into a global node
 * Keys are unique as long as ids are (no-duplicate-id reports repeats). Only what has no id at all
 * falls back: an id-less component to its name, an id-less listed edge to its destination, and only
 * when even that is missing to its position.
 */
import { componentIdOf, type FlowGraph, type GraphEdge, type GraphNode, type Scope } from './graph.js';
import type { FlowInput } from './load.js';
import type { EdgeKind } from './node-types.js';
import { escapeToken } from './pointer.js';

export const FLOW_SCOPE_KEY = 'flow';

export function scopeKey(scope: Scope): string {
  if (scope.kind === 'flow') return FLOW_SCOPE_KEY;
  const id = componentIdOf(scope.raw);
  if (id !== undefined) return `component:${escapeToken(id)}`;
  // graph.ts names an id-less component by its position (`#2`); its name survives reordering.
  return scope.name ? `component=${escapeToken(scope.name)}` : `component${scope.id}`;
}

export function nodeKey(node: GraphNode): string {
  const scope = scopeKey(node.scope);
  if (node.id) return `${scope}/node:${escapeToken(node.id)}`;
  // A node without an id is a schema error and no edge can reach it: its position is all there is.
  // graph.ts adds a scope's nodes together, so its first node's index gives the position in O(1).
  return `${scope}/node#${node.index - node.scope.nodes[0]!.index}`;
}

/** Edge kinds a node holds a list of (each edge with its own id); every other kind is one per node. */
const LISTED: Partial<Record<EdgeKind, string>> = { normal: 'edge', 'go-back': 'go-back' };

export function edgeKey(edge: GraphEdge): string {
  const owner = nodeKey(edge.from);
  const tag = LISTED[edge.kind];
  if (tag === undefined) return `${owner}/${edge.kind}`;
  if (edge.id) return `${owner}/${tag}:${escapeToken(edge.id)}`;
  // Hand-written flows often leave edge ids out: the destination identifies the edge, and the
  // count among id-less siblings with that destination tells repeats apart.
  const destination = edge.destinationId ?? '';
  let nth = 0;
  for (const sibling of edge.from.out) {
    if (sibling === edge) break;
    if (sibling.kind === edge.kind && !sibling.id && (sibling.destinationId ?? '') === destination) nth++;
  }
  return `${owner}/${tag}${nth > 0 ? `#${nth + 1}` : ''}->${escapeToken(destination)}`;
}

/** The global-node entry: the condition under which Retell jumps into `node` from anywhere in its scope. */
export function globalEntryKey(node: GraphNode): string {
  return `${nodeKey(node)}/global`;
}

export type Keyed = { scope: Scope } | { node: GraphNode } | { edge: GraphEdge } | { globalEntry: GraphNode };

/** Every key of a flow with what it names; where ids repeat, the first holder keeps the key. */
export function keysOf(graph: FlowGraph): Map<string, Keyed> {
  const out = new Map<string, Keyed>();
  const add = (key: string, value: Keyed) => {
    if (!out.has(key)) out.set(key, value);
  };
  for (const scope of [graph.root, ...graph.components]) add(scopeKey(scope), { scope });
  for (const node of graph.nodes) {
    add(nodeKey(node), { node });
    if (node.isGlobal) add(globalEntryKey(node), { globalEntry: node });
  }
  for (const edge of graph.edges) add(edgeKey(edge), { edge });
  return out;
}

/** The flow a pointer into the file lies in (the innermost one), for findings made before any graph. */
export function flowAt(flows: readonly FlowInput[], pointer: string): FlowInput | undefined {
  let found: FlowInput | undefined;
  for (const flow of flows) {
    const inside = flow.pointer === '' || pointer === flow.pointer || pointer.startsWith(flow.pointer + '/');
    if (inside && (!found || flow.pointer.length > found.pointer.length)) found = flow;
  }
  return found;
}
