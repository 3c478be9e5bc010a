import { label, type FlowGraph, type GraphNode, type Scope } from '../../flow/graph.js';
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
    const marks = new RegionMarks(graph.nodes.length);
    for (const scope of scopes) {
      if (!scope.start) continue;
      for (const { root, members } of unreachableRegions(scope, graph, analysis, marks)) {
        const data = { type: root.type || 'untyped', node: label(root), count: members.length, nodes: members.map((m) => m.id) };
        report({ messageId: members.length > 1 ? 'unreachableRegion' : 'unreachable', data, node: root, ...(members.length > 1 ? { related: members } : {}) });
      }
    }
  },
});

/**
 * Per node marks for the walks below, by node index. Scopes share no nodes, so one set serves every
 * scope of a flow without being cleared.
 */
class RegionMarks {
  readonly lost: Uint8Array;
  readonly visited: Uint8Array;
  /** The region (its number + 1) a node was put in, 0 while in none; likewise the root cycle. */
  readonly region: Int32Array;
  readonly cycle: Int32Array;
  regions = 0;
  constructor(n: number) {
    this.lost = new Uint8Array(n);
    this.visited = new Uint8Array(n);
    this.region = new Int32Array(n);
    this.cycle = new Int32Array(n);
  }
}

/**
 * Splits a scope's unreachable nodes into regions, each hanging off one root: a node of a source
 * strongly connected set of the unreachable subgraph. Kosaraju's first pass gives the order: the
 * unvisited node that finished last always lies in a source set of what is left. The walks follow
 * the graph's adjacency arrays (node indexes), not the edge objects.
 */
function unreachableRegions(scope: Scope, graph: FlowGraph, analysis: FlowAnalysis, marks: RegionMarks): { root: GraphNode; members: GraphNode[] }[] {
  const reachable = analysis.reachable;
  const nodes = graph.nodes;
  const { outStart, outTarget, inStart, inSource } = graph.adjacency;
  const { lost: isLost, visited, region: regionOf, cycle: cycleOf } = marks;
  // A node that repeats an earlier id can never be reached by id: no-duplicate-id says so.
  const lost: number[] = [];
  // Indexed: a cold for...of makes an iterator result for every node.
  const own = scope.nodes;
  for (let k = 0; k < own.length; k++) {
    const n = own[k]!;
    if (!reachable[n.index] && (!n.id || scope.nodesById.get(n.id) === n)) {
      lost.push(n.index);
      isLost[n.index] = 1;
    }
  }
  if (lost.length === 0) return [];

  const finishOrder: number[] = [];
  // The depth-first walk's own stack: a node and the place in its targets to go on from.
  const workNode = new Int32Array(lost.length);
  const workNext = new Int32Array(lost.length);
  // Starting from the last node makes earlier nodes finish last, so shared nodes go to the first root.
  for (let i = lost.length - 1; i >= 0; i--) {
    const start = lost[i]!;
    if (visited[start]) continue;
    visited[start] = 1;
    let top = 0;
    workNode[0] = start;
    workNext[0] = outStart[start]!;
    while (top >= 0) {
      const v = workNode[top]!;
      const end = outStart[v + 1]!;
      let k = workNext[top]!;
      while (k < end && (!isLost[outTarget[k]!] || visited[outTarget[k]!])) k++;
      if (k < end) {
        const to = outTarget[k]!;
        workNext[top] = k + 1;
        visited[to] = 1;
        top++;
        workNode[top] = to;
        workNext[top] = outStart[to]!;
      } else {
        top--;
        finishOrder.push(v);
      }
    }
  }

  const regions: { root: GraphNode; members: GraphNode[] }[] = [];
  for (let i = finishOrder.length - 1; i >= 0; i--) {
    const first = finishOrder[i]!;
    if (regionOf[first] !== 0) continue;
    const id = ++marks.regions;
    regionOf[first] = id;
    const members = [first];
    for (let head = 0; head < members.length; head++) {
      const v = members[head]!;
      for (let k = outStart[v]!, end = outStart[v + 1]!; k < end; k++) {
        const to = outTarget[k]!;
        if (isLost[to] && regionOf[to] === 0) {
          regionOf[to] = id;
          members.push(to);
        }
      }
    }
    // Name the region by the earliest node of its root cycle (the nodes in it that lead back to `first`).
    let root = first;
    cycleOf[first] = id;
    const back = [first];
    while (back.length > 0) {
      const v = back.pop()!;
      for (let k = inStart[v]!, end = inStart[v + 1]!; k < end; k++) {
        const from = inSource[k]!;
        if (regionOf[from] === id && cycleOf[from] !== id) {
          cycleOf[from] = id;
          back.push(from);
          if (from < root) root = from;
        }
      }
    }
    members.sort((x, y) => x - y);
    regions.push({ root: nodes[root]!, members: members.map((v) => nodes[v]!) });
  }
  return regions.sort((x, y) => x.root.index - y.root.index);
}
