import { label, type GraphNode } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-trap',
  meta: {
    description: 'From every reachable node some path of edges leads to an end, transfer or swap node (in a component: to an exit), without relying on a global node.',
    defaultSeverity: 'error',
    messages: {
      trap: '{{type}} node {{node}} starts a trap of {{count}} nodes: no edge path from it reaches an end, transfer or exit node, so only a global node can get the caller out (path in: {{path}}; add an edge toward an end node)',
    },
  },
  check({ graph, analysis, report }) {
    const { canFinish, reachesDeadEnd } = analysis;
    // Nodes that can reach a dead end are explained by no-dead-end / no-unconnected-edge already.
    const trapped = (n: GraphNode) => analysis.isReachable(n) && !canFinish[n.index] && !reachesDeadEnd[n.index];
    const entryPoints = new Set<GraphNode>();
    for (const scope of [graph.root, ...graph.components]) for (const e of analysis.entries(scope)) entryPoints.add(e);

    for (const node of graph.nodes) {
      if (!trapped(node)) continue;
      // A component whose start is trapped has no reachable exit at all: component-exit says so.
      if (node.scope.kind === 'component' && node === node.scope.start) continue;
      const isEntry = entryPoints.has(node) || node.in.some((e) => analysis.isReachable(e.from) && !trapped(e.from));
      if (!isEntry) continue;
      const path = analysis.pathTo(node).map(label).join(' -> ');
      report({ messageId: 'trap', data: { type: node.type || 'untyped', node: label(node), path, count: regionSize(node, trapped) }, node });
    }
  },
});

/** How many trapped nodes the entry leads to (the trap is closed under successors). */
function regionSize(entry: GraphNode, trapped: (n: GraphNode) => boolean): number {
  const seen = new Set<GraphNode>([entry]);
  const queue = [entry];
  for (let head = 0; head < queue.length; head++) {
    for (const e of queue[head]!.out) {
      if (e.to && trapped(e.to) && !seen.has(e.to)) {
        seen.add(e.to);
        queue.push(e.to);
      }
    }
  }
  return seen.size;
}
