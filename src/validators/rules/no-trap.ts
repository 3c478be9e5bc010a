import { label, type GraphNode, type Scope } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-trap',
  meta: {
    description: 'From every reachable node some path of edges leads to an end, transfer or swap node (in a component: to an exit), without relying on a global node.',
    defaultSeverity: 'error',
    messages: {
      trap: '{{type}} node {{node}} starts a trap of {{count}} nodes: no edge path from it reaches an end, transfer or exit node, and no global node can end the call either (path in: {{path}}; add an edge toward an end node)',
      globalOnly: '{{type}} node {{node}} starts a trap of {{count}} nodes: no edge path from it reaches an end, transfer or exit node, so only global node {{global}} can get the caller out, and only if its condition fires (path in: {{path}}; add an edge toward an end node)',
    },
  },
  check({ graph, analysis, report }) {
    const { canFinish, reachesDeadEnd } = analysis;
    // Nodes that can reach a dead end are explained by no-dead-end / no-unconnected-edge already.
    const trapped = (n: GraphNode) => analysis.isReachable(n) && !canFinish[n.index] && !reachesDeadEnd[n.index];
    const entryPoints = new Set<GraphNode>();
    for (const scope of [graph.root, ...graph.components]) for (const e of analysis.entries(scope)) entryPoints.add(e);

    const regionSizes = trappedRegionSizes(graph.nodes, trapped);
    // Named in the message, but still an error: a global fires only when its condition happens to
    // match (e.g. "caller asks for a person"), which a caller stuck in a loop may never say. Only
    // globals of the same scope count: whether flow globals fire inside a component is not documented.
    const globalExit = new Map<Scope, GraphNode>();
    for (const n of graph.nodes) if (n.isGlobal && canFinish[n.index] && !globalExit.has(n.scope)) globalExit.set(n.scope, n);
    for (const node of graph.nodes) {
      if (!trapped(node)) continue;
      // A component whose start is trapped has no reachable exit at all: component-exit says so.
      if (node.scope.kind === 'component' && node === node.scope.start) continue;
      const isEntry = entryPoints.has(node) || node.in.some((e) => analysis.isReachable(e.from) && !trapped(e.from));
      if (!isEntry) continue;
      const path = shortPath(analysis.pathTo(node));
      const data = { type: node.type || 'untyped', node: label(node), path, count: regionSizes.get(node)! };
      const escape = globalExit.get(node.scope);
      if (escape) report({ messageId: 'globalOnly', data: { ...data, global: label(escape) }, node });
      else report({ messageId: 'trap', data, node });
    }
  },
});

/** Long paths keep their start and the last steps into the trap. */
function shortPath(path: GraphNode[]): string {
  if (path.length <= 6) return path.map(label).join(' -> ');
  return [...path.slice(0, 2).map(label), `... (${path.length - 5} more)`, ...path.slice(-3).map(label)].join(' -> ');
}

/** Size of each trapped node's region: trapped nodes joined by edges in either direction, counted once. */
function trappedRegionSizes(nodes: GraphNode[], trapped: (n: GraphNode) => boolean): Map<GraphNode, number> {
  const sizes = new Map<GraphNode, number>();
  for (const seed of nodes) {
    if (sizes.has(seed) || !trapped(seed)) continue;
    const region = [seed];
    sizes.set(seed, 0);
    const visit = (n: GraphNode | undefined) => {
      if (n && trapped(n) && !sizes.has(n)) {
        sizes.set(n, 0);
        region.push(n);
      }
    };
    for (let head = 0; head < region.length; head++) {
      const n = region[head]!;
      for (const e of n.out) visit(e.to);
      for (const e of n.in) visit(e.from);
    }
    for (const n of region) sizes.set(n, region.length);
  }
  return sizes;
}
