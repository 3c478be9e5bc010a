import { label, type GraphNode, type Scope } from '../../flow/graph.js';
import type { FlowAnalysis } from '../../flow/analysis.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-unreachable-node',
  meta: {
    description: 'Every node can be reached from the start node or a global node (one finding per unreachable region, at its roots).',
    defaultSeverity: 'warning',
    messages: {
      unreachable: '{{type}} node {{node}} is never reached: no edge from the start or a global node leads here (connect it, make it global, or delete it)',
      unreachableRegion: '{{type}} node {{node}} is never reached, nor is anything after it: {{count}} unreachable nodes in all (connect it, or delete them)',
    },
  },
  check({ graph, analysis, report }) {
    // Nodes of unused components are component-exit's finding; a scope without a start is start-node's.
    const scopes = [graph.root, ...graph.components.filter((c) => analysis.usedComponents.has(c))];
    for (const scope of scopes) {
      if (!scope.start) continue;
      for (const { root, members } of unreachableRegions(scope, analysis)) {
        const data = { type: root.type || 'untyped', node: label(root), count: members.length, nodes: members.map((m) => m.id) };
        report({ messageId: members.length > 1 ? 'unreachableRegion' : 'unreachable', data, node: root, ...(members.length > 1 ? { related: members } : {}) });
      }
    }
  },
});

/**
 * Splits a scope's unreachable nodes into regions, each hanging off one root: a node of a source
 * strongly connected set of the unreachable subgraph. Kosaraju's first pass gives the order: the
 * unvisited node that finished last always lies in a source set of what is left.
 */
function unreachableRegions(scope: Scope, analysis: FlowAnalysis): { root: GraphNode; members: GraphNode[] }[] {
  // A node that repeats an earlier id can never be reached by id: no-duplicate-id says so.
  const isOut = (n: GraphNode) => !analysis.isReachable(n) && (!n.id || scope.nodesById.get(n.id) === n);
  const lost = scope.nodes.filter(isOut);
  if (lost.length === 0) return [];
  const inLost = new Set(lost);
  const next = (n: GraphNode) => n.out.flatMap((e) => (e.to && inLost.has(e.to) ? [e.to] : []));

  const finishOrder: GraphNode[] = [];
  const visited = new Set<GraphNode>();
  // Starting from the last node makes earlier nodes finish last, so shared nodes go to the first root.
  for (let i = lost.length - 1; i >= 0; i--) {
    const start = lost[i]!;
    if (visited.has(start)) continue;
    visited.add(start);
    const work: [GraphNode, GraphNode[], number][] = [[start, next(start), 0]];
    while (work.length > 0) {
      const frame = work[work.length - 1]!;
      if (frame[2] < frame[1].length) {
        const to = frame[1][frame[2]++]!;
        if (!visited.has(to)) {
          visited.add(to);
          work.push([to, next(to), 0]);
        }
      } else {
        work.pop();
        finishOrder.push(frame[0]);
      }
    }
  }

  const covered = new Set<GraphNode>();
  const regions: { root: GraphNode; members: GraphNode[] }[] = [];
  for (let i = finishOrder.length - 1; i >= 0; i--) {
    const first = finishOrder[i]!;
    if (covered.has(first)) continue;
    const region = new Set<GraphNode>([first]);
    const queue = [first];
    for (let head = 0; head < queue.length; head++) {
      for (const to of next(queue[head]!)) {
        if (!covered.has(to) && !region.has(to)) {
          region.add(to);
          queue.push(to);
        }
      }
    }
    // Name the region by the earliest node of its root cycle (the nodes in it that lead back to `first`).
    let root = first;
    const back = [first];
    const cycle = new Set<GraphNode>([first]);
    while (back.length > 0) {
      for (const e of back.pop()!.in) {
        const from = e.from;
        if (region.has(from) && !cycle.has(from)) {
          cycle.add(from);
          back.push(from);
          if (from.index < root.index) root = from;
        }
      }
    }
    for (const n of region) covered.add(n);
    regions.push({ root, members: [...region].sort((a, b) => a.index - b.index) });
  }
  return regions.sort((a, b) => a.root.index - b.root.index);
}
