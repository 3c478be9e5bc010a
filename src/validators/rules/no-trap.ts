import { returns } from '../../flow/analysis.js';
import { isTerminal, label, type FlowGraph, type GraphNode, type Scope } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-trap',
  meta: {
    description: 'From every reachable node some path of edges leads to an end, transfer or swap node (in a component: to an exit), without relying on a global node.',
    defaultSeverity: 'error',
    messages: {
      trap: '{{type}} node {{node}} leads into a trap of {{count}} nodes: callers circle {{cycle}} and no path reaches an end, transfer or exit node (add an edge toward an end node)',
      noEnding: 'the flow has no end, transfer or agent swap node: no call can end or be handed on unless the caller hangs up (add an end node, or an end_call tool)',
      globalOnly: '{{type}} node {{node}} leads into a trap of {{count}} nodes: callers circle {{cycle}}, and only global node {{global}} gets them out, if its condition fires (add an edge toward an end node)',
    },
  },
  check({ graph, analysis, report }) {
    // No way to end a call anywhere: one finding for the flow, not one trap per region.
    const endsCalls = graph.nodes.some((n) => isTerminal(n) && (n.scope.kind === 'flow' || !n.facts.exitsComponent));
    if (!endsCalls && graph.nodes.length > 0) {
      report({ messageId: 'noEnding', data: { nodes: graph.nodes.length }, pointer: graph.pointer });
      return;
    }
    const { canFinish, reachesDeadEnd } = analysis;
    // Nodes that can reach a dead end are explained by no-dead-end / no-unconnected-edge already.
    // A node with go-back conditions hands the caller back to where they came from: its fate is theirs.
    // Decided once per node: the walks below ask again for every edge they follow.
    const reachable = analysis.reachable;
    const nodes = graph.nodes;
    const isTrapped = new Uint8Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (!reachable[n.index] || canFinish[n.index] || reachesDeadEnd[n.index] || returns(n)) continue;
      isTrapped[n.index] = 1;
    }
    const trapped = (n: GraphNode) => isTrapped[n.index] === 1;
    const entryPoints = new Set<GraphNode>();
    for (const scope of [graph.root, ...graph.components]) for (const e of analysis.entries(scope)) entryPoints.add(e);

    const regions = trappedRegions(graph, isTrapped);
    // Named in the message, but still an error: a global fires only when its condition happens to
    // match (e.g. "caller asks for a person"), which a caller stuck in a loop may never say. Only
    // globals of the same scope count: whether flow globals fire inside a component is not documented.
    const globalExit = new Map<Scope, GraphNode>();
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (n.isGlobal && canFinish[n.index] && !globalExit.has(n.scope)) globalExit.set(n.scope, n);
    }
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      if (!isTrapped[node.index]) continue;
      // A component whose start is trapped has no reachable exit at all: component-exit says so.
      if (node.scope.kind === 'component' && node === node.scope.start) continue;
      const isEntry = entryPoints.has(node) || node.in.some((e) => analysis.isReachable(e.from) && !trapped(e.from));
      if (!isEntry) continue;
      const path = shortPath(analysis.pathTo(node));
      const members = regions.get(node)!;
      const cycle = cycleFrom(node, trapped);
      const data = { type: node.type || 'untyped', node: label(node), path, count: members.length, cycle: shortPath(cycle), nodes: members.map((m) => m.id) };
      const escape = globalExit.get(node.scope);
      const hint = `path in: ${path}`;
      if (escape) report({ messageId: 'globalOnly', data: { ...data, global: label(escape) }, node, hint, related: members });
      else report({ messageId: 'trap', data, node, hint, related: members });
    }
  },
});

/** Long paths keep their start and the last steps into the trap. */
function shortPath(path: GraphNode[]): string {
  if (path.length <= 6) return path.map(label).join(' -> ');
  return [...path.slice(0, 2).map(label), `... (${path.length - 5} more)`, ...path.slice(-3).map(label)].join(' -> ');
}

/**
 * The loop a caller entering at `start` ends up circling: every trapped node has a connected edge to
 * another trapped node (it can neither finish nor reach a dead end), so following the first one must
 * come back to a node already on the walk.
 */
function cycleFrom(start: GraphNode, trapped: (n: GraphNode) => boolean): GraphNode[] {
  const at = new Map<GraphNode, number>();
  const walk: GraphNode[] = [];
  let node: GraphNode | undefined = start;
  while (node && !at.has(node)) {
    at.set(node, walk.length);
    walk.push(node);
    node = node.out.find((e) => e.to && trapped(e.to))?.to;
  }
  return node ? [...walk.slice(at.get(node)!), node] : walk;
}

/** Each trapped node's region: trapped nodes joined by connected edges in either direction, shared by its members. */
function trappedRegions(graph: FlowGraph, isTrapped: Uint8Array): Map<GraphNode, GraphNode[]> {
  const nodes = graph.nodes;
  const { outStart, outTarget, inStart, inSource } = graph.adjacency;
  const regions = new Map<GraphNode, GraphNode[]>();
  const placed = new Uint8Array(nodes.length);
  for (let seed = 0; seed < nodes.length; seed++) {
    if (!isTrapped[seed] || placed[seed]) continue;
    placed[seed] = 1;
    const members = [seed];
    for (let head = 0; head < members.length; head++) {
      const v = members[head]!;
      for (let k = outStart[v]!, end = outStart[v + 1]!; k < end; k++) {
        const w = outTarget[k]!;
        if (isTrapped[w] && !placed[w]) {
          placed[w] = 1;
          members.push(w);
        }
      }
      for (let k = inStart[v]!, end = inStart[v + 1]!; k < end; k++) {
        const w = inSource[k]!;
        if (isTrapped[w] && !placed[w]) {
          placed[w] = 1;
          members.push(w);
        }
      }
    }
    members.sort((x, y) => x - y);
    const region = members.map((v) => nodes[v]!);
    for (const n of region) regions.set(n, region);
  }
  return regions;
}
