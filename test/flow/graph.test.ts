import { describe, expect, it } from 'vitest';
import { syntheticFlow } from '../../bench/synthetic-flow.mjs';
import { FlowAnalysis } from '../../src/flow/analysis.js';
import { buildGraph, isSilentEdge, isTerminal, type FlowGraph, type GraphNode } from '../../src/flow/graph.js';

function graphOf(flow: Record<string, unknown>): FlowGraph {
  return buildGraph({ pointer: '', value: flow, flowId: '#', shape: 'flow' }, 'flow.json');
}

const prompt = (text: string) => ({ type: 'prompt', prompt: text });
const to = (id: string | undefined, text = 'Next') => ({ id: `e-${Math.random()}`, ...(id === undefined ? {} : { destination_node_id: id }), transition_condition: prompt(text) });

/**
 * Every way an edge can fail to connect, silent and waiting edges, a go-back condition, a trap, a dead
 * end, an unreachable region and a component: what the adjacency arrays must leave out or keep.
 */
function awkward(): Record<string, unknown> {
  return {
    start_node_id: 'start',
    nodes: [
      { id: 'start', type: 'conversation', edges: [to('ask'), to('nowhere'), to(undefined)], skip_response_edge: to('calc') },
      { id: 'ask', type: 'conversation', edges: [to('loop_a'), to('done'), to('comp')] },
      { id: 'calc', type: 'function', tool_id: 't1', edges: [to('calc2')], else_edge: to('ask') },
      { id: 'calc2', type: 'function', tool_id: 't1', edges: [to('calc')] },
      { id: 'loop_a', type: 'conversation', edges: [to('loop_b')] },
      { id: 'loop_b', type: 'conversation', edges: [to('loop_a')] },
      { id: 'stuck', type: 'conversation', edges: [] },
      { id: 'lost', type: 'conversation', edges: [to('stuck'), to('lost2')] },
      { id: 'lost2', type: 'conversation', edges: [to('lost')] },
      { id: 'global', type: 'conversation', global_node_setting: { condition: 'Caller asks for help', go_back_conditions: [{ id: 'gb', transition_condition: prompt('Done') }] }, edges: [] },
      { id: 'comp', type: 'component', component_id: 'c1', edges: [to('done')] },
      { id: 'done', type: 'end' },
    ],
    components: [{ conversation_flow_component_id: 'c1', name: 'C', start_node_id: 'c_start', nodes: [{ id: 'c_start', type: 'conversation', edges: [to('c_end'), to('done')] }, { id: 'c_end', type: 'end' }] }],
    tools: [{ type: 'custom', tool_id: 't1', name: 'lookup', url: 'https://example.com', description: 'd' }],
  };
}

const flows: [string, Record<string, unknown>][] = [
  ['a hand-made flow with every kind of edge', awkward()],
  ['a synthetic 1,500-node flow', syntheticFlow(1500, 3) as Record<string, unknown>],
  ['a synthetic 800-node flow with another seed', syntheticFlow(800, 11) as Record<string, unknown>],
];

/** The connected edges of a node as the objects say, for the arrays to match. */
const connectedOut = (n: GraphNode) => n.out.filter((e) => e.to !== undefined);

describe('FlowGraph.adjacency', () => {
  it.each(flows)('lists exactly the connected edges of %s, in the order of the out and in lists', (_, flow) => {
    const graph = graphOf(flow);
    const { outStart, outTarget, outSilent, inStart, inSource } = graph.adjacency;
    expect(outStart).toHaveLength(graph.nodes.length + 1);
    expect(inStart).toHaveLength(graph.nodes.length + 1);
    for (const node of graph.nodes) {
      const v = node.index;
      const out = connectedOut(node);
      expect([...outTarget.subarray(outStart[v], outStart[v + 1])]).toEqual(out.map((e) => e.to!.index));
      expect([...outSilent.subarray(outStart[v], outStart[v + 1])]).toEqual(out.map((e) => (isSilentEdge(e) ? 1 : 0)));
      expect([...inSource.subarray(inStart[v], inStart[v + 1])]).toEqual(node.in.map((e) => e.from.index));
    }
    expect(outTarget).toHaveLength(graph.edges.filter((e) => e.to !== undefined).length);
  });

  it('leaves out unattached, dangling and go-back edges, and marks skip-response and non-waiting edges silent', () => {
    const graph = graphOf(awkward());
    const start = graph.root.nodesById.get('start')!;
    const { outStart, outTarget, outSilent } = graph.adjacency;
    const targets = [...outTarget.subarray(outStart[start.index], outStart[start.index + 1])].map((i) => graph.nodes[i]!.id);
    expect(targets).toEqual(['ask', 'calc']);
    expect([...outSilent.subarray(outStart[start.index], outStart[start.index + 1])]).toEqual([0, 1]);
    const calc = graph.root.nodesById.get('calc')!;
    expect([...outSilent.subarray(outStart[calc.index], outStart[calc.index + 1])]).toEqual([1, 1]);
    const global = graph.root.nodesById.get('global')!;
    expect(outStart[global.index + 1]! - outStart[global.index]!).toBe(0);
  });
});

/** The walks as plain object walks over the edge lists: what the typed-array walks must agree with. */
function oracle(graph: FlowGraph) {
  const reach = new Set<GraphNode>();
  const used = new Set<unknown>();
  const stack: GraphNode[] = [];
  const enter = (scope: FlowGraph['root']) => {
    for (const n of scope.nodes) if ((n === scope.start || n.isGlobal) && !reach.has(n)) (reach.add(n), stack.push(n));
  };
  enter(graph.root);
  while (stack.length) {
    const n = stack.pop()!;
    if (n.component && !used.has(n.component)) (used.add(n.component), enter(n.component));
    for (const e of connectedOut(n)) if (!reach.has(e.to!)) (reach.add(e.to!), stack.push(e.to!));
  }
  const back = (seeds: GraphNode[]) => {
    const mark = new Set(seeds);
    const work = [...seeds];
    while (work.length) for (const e of work.pop()!.in) if (!mark.has(e.from)) (mark.add(e.from), work.push(e.from));
    return mark;
  };
  const canFinish = back(graph.nodes.filter(isTerminal));
  const deadEnds = back(graph.nodes.filter((n) => !isTerminal(n) && !n.out.some((e) => e.to !== undefined || e.kind === 'go-back')));
  return { reach, used, canFinish, deadEnds };
}

/** Breadth-first distances from a scope's entries, to check that pathTo's paths are shortest and real. */
function distances(graph: FlowGraph, scope: FlowGraph['root']): Map<GraphNode, number> {
  const dist = new Map<GraphNode, number>();
  const queue = scope.nodes.filter((n) => n === scope.start || n.isGlobal);
  for (const n of queue) dist.set(n, 0);
  for (let head = 0; head < queue.length; head++) {
    for (const e of connectedOut(queue[head]!)) if (!dist.has(e.to!)) (dist.set(e.to!, dist.get(queue[head]!)! + 1), queue.push(e.to!));
  }
  return dist;
}

describe('FlowAnalysis over the adjacency arrays', () => {
  it.each(flows)('agrees with walks over the edge objects on %s', (_, flow) => {
    const graph = graphOf(flow);
    const analysis = new FlowAnalysis(graph);
    const want = oracle(graph);
    for (const n of graph.nodes) {
      expect(analysis.reachable[n.index], `reachable ${n.id}`).toBe(want.reach.has(n) ? 1 : 0);
      expect(analysis.canFinish[n.index], `canFinish ${n.id}`).toBe(want.canFinish.has(n) ? 1 : 0);
      expect(analysis.reachesDeadEnd[n.index], `reachesDeadEnd ${n.id}`).toBe(want.deadEnds.has(n) ? 1 : 0);
    }
    expect([...analysis.usedComponents].sort()).toEqual([...want.used].sort());
    for (const scope of [graph.root, ...graph.components]) {
      const dist = distances(graph, scope);
      for (const n of scope.nodes) {
        const path = analysis.pathTo(n);
        expect(path.at(-1)).toBe(n);
        if (!dist.has(n)) {
          expect(path).toEqual([n]);
          continue;
        }
        expect(path).toHaveLength(dist.get(n)! + 1);
        expect(path[0] === scope.start || path[0]!.isGlobal).toBe(true);
        for (let i = 1; i < path.length; i++) expect(connectedOut(path[i - 1]!).some((e) => e.to === path[i])).toBe(true);
      }
    }
  });

  it('finds the hand-made flow\'s loops, trap and dead end', () => {
    const graph = graphOf(awkward());
    const analysis = new FlowAnalysis(graph);
    const id = (n: GraphNode) => n.id;
    expect(analysis.silentCycles.map((c) => c.map(id))).toEqual([['calc', 'calc2']]);
    const node = (name: string) => graph.root.nodesById.get(name)!;
    expect(analysis.canFinish[node('loop_a').index]).toBe(0);
    expect(analysis.reachesDeadEnd[node('lost').index]).toBe(1);
    expect(analysis.reachable[node('lost').index]).toBe(0);
    expect(analysis.reachable[graph.components[0]!.nodesById.get('c_end')!.index]).toBe(1);
    expect(analysis.pathTo(node('done')).map(id)).toEqual(['start', 'ask', 'done']);
  });
});
