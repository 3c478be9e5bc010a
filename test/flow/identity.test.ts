import { describe, expect, it } from 'vitest';
import { buildGraph, type FlowGraph } from '../../src/flow/graph.js';
import { edgeKey, flowAt, globalEntryKey, keysOf, nodeKey, scopeKey } from '../../src/flow/identity.js';
import { findFlows } from '../../src/flow/load.js';

function graphOf(flow: Record<string, unknown>): FlowGraph {
  return buildGraph({ pointer: '', value: flow, flowId: '#', shape: 'flow' }, 'flow.json');
}

const prompt = (text: string) => ({ type: 'prompt', prompt: text });

/** One node of every edge-bearing shape, a global node with go-back conditions, and a component. */
function sample() {
  return {
    start_node_id: 'greet',
    nodes: [
      {
        id: 'greet',
        type: 'conversation',
        edges: [
          { id: 'e_book', destination_node_id: 'transfer', transition_condition: prompt('Caller wants a person') },
          { id: 'e_sms', destination_node_id: 'text', transition_condition: prompt('Caller wants a text') },
        ],
        else_edge: { id: 'gen_1', destination_node_id: 'bye', transition_condition: prompt('Else') },
        always_edge: { id: 'gen_2', destination_node_id: 'bye', transition_condition: prompt('Always') },
        skip_response_edge: { id: 'gen_3', destination_node_id: 'bye', transition_condition: prompt('Skip response') },
      },
      { id: 'transfer', type: 'transfer_call', edge: { id: 'gen_4', destination_node_id: 'bye', transition_condition: prompt('Transfer failed') } },
      {
        id: 'text',
        type: 'sms',
        success_edge: { id: 'gen_5', destination_node_id: 'bye', transition_condition: prompt('Sent successfully') },
        failed_edge: { id: 'gen_6', destination_node_id: 'bye', transition_condition: prompt('Failed to send') },
      },
      { id: 'swap', type: 'agent_swap', edge: { id: 'gen_7', destination_node_id: 'bye', transition_condition: prompt('Failed') } },
      {
        id: 'help',
        type: 'conversation',
        global_node_setting: { condition: 'Caller is lost', go_back_conditions: [{ id: 'back_1', transition_condition: prompt('Caller is fine again') }] },
        edges: [],
      },
      { id: 'bye', type: 'end' },
    ],
    components: [
      { conversation_flow_component_id: 'comp_verify', name: 'Verify', start_node_id: 'greet', nodes: [{ id: 'greet', type: 'end' }] },
      { name: 'Unnamed id', start_node_id: 'x', nodes: [{ id: 'x', type: 'end' }] },
    ],
  };
}

function keyList(graph: FlowGraph): string[] {
  return [...keysOf(graph).keys()].sort();
}

describe('flow identity keys', () => {
  it('gives every edge kind its own key, by kind where the id is not stable', () => {
    const graph = graphOf(sample());
    const keys = graph.edges.map(edgeKey);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keys).toEqual([
      'flow/node:greet/edge:e_book',
      'flow/node:greet/edge:e_sms',
      'flow/node:greet/else',
      'flow/node:greet/always',
      'flow/node:greet/skip-response',
      'flow/node:transfer/transfer-failed',
      'flow/node:text/sms-success',
      'flow/node:text/sms-failed',
      'flow/node:swap/swap-failed',
      'flow/node:help/go-back:back_1',
    ]);
    const help = graph.nodes.find((n) => n.id === 'help')!;
    expect(globalEntryKey(help)).toBe('flow/node:help/global');
    expect(keysOf(graph).get('flow/node:help/global')).toEqual({ globalEntry: help });
  });

  it('tells scopes apart: the same node id in the flow and in a component', () => {
    const graph = graphOf(sample());
    const greets = graph.nodes.filter((n) => n.id === 'greet').map(nodeKey);
    expect(greets).toEqual(['flow/node:greet', 'component:comp_verify/node:greet']);
    expect(graph.components.map(scopeKey)).toEqual(['component:comp_verify', 'component=Unnamed id']);
    expect(scopeKey(graph.root)).toBe('flow');
  });

  it('keeps every key when nodes, edges and components are reordered and generated ids change', () => {
    const before = graphOf(sample());
    const flow = sample();
    flow.nodes.reverse();
    (flow.nodes.find((n) => n.id === 'greet')!.edges as unknown[]).reverse();
    flow.nodes.find((n) => n.id === 'greet')!.else_edge!.id = 'regenerated';
    flow.nodes.find((n) => n.id === 'transfer')!.edge!.id = 'regenerated_too';
    flow.components.reverse();
    const after = graphOf(flow);
    expect(keyList(after)).toEqual(keyList(before));
    // And each key still names the same thing.
    const dest = (g: FlowGraph, key: string) => {
      const hit = keysOf(g).get(key);
      return hit && 'edge' in hit ? hit.edge.destinationId : undefined;
    };
    for (const key of ['flow/node:greet/edge:e_sms', 'flow/node:greet/else', 'flow/node:text/sms-failed']) expect(dest(after, key)).toBe(dest(before, key));
  });

  it('escapes ids so a slash in an id cannot fake another key', () => {
    const graph = graphOf({ start_node_id: 'a/else', nodes: [{ id: 'a/else', type: 'conversation', edges: [] }, { id: 'a', type: 'conversation', else_edge: { destination_node_id: 'a' } }] });
    const keys = [...graph.nodes.map(nodeKey), ...graph.edges.map(edgeKey)];
    expect(keys).toEqual(['flow/node:a~1else', 'flow/node:a', 'flow/node:a/else']);
  });

  it('names id-less edges by destination, with repeats counted, not by position', () => {
    const edges = [
      { destination_node_id: 'b', transition_condition: prompt('one') },
      { destination_node_id: 'c', transition_condition: prompt('two') },
      { destination_node_id: 'b', transition_condition: prompt('three') },
      { transition_condition: prompt('never attached') },
    ];
    const graph = graphOf({ start_node_id: 'a', nodes: [{ id: 'a', type: 'conversation', edges }, { id: 'b', type: 'end' }, { id: 'c', type: 'end' }] });
    expect(graph.edges.map(edgeKey)).toEqual(['flow/node:a/edge->b', 'flow/node:a/edge->c', 'flow/node:a/edge#2->b', 'flow/node:a/edge->']);
    // Moving the edge to c first changes nothing.
    const moved = graphOf({ start_node_id: 'a', nodes: [{ id: 'a', type: 'conversation', edges: [edges[1], edges[0], edges[2], edges[3]] }, { id: 'b', type: 'end' }, { id: 'c', type: 'end' }] });
    expect(new Set(moved.edges.map(edgeKey))).toEqual(new Set(graph.edges.map(edgeKey)));
  });

  it('finds the flow a loader finding lies in', () => {
    const { flows } = findFlows({ items: [{ nodes: [], conversation_flow_id: 'f1' }, { nodes: [] }] });
    expect(flowAt(flows, '/items/0/nodes')?.flowId).toBe('f1');
    expect(flowAt(flows, '/items/1')?.flowId).toBe('#/items/1');
    expect(flowAt(flows, '/items/10')).toBeUndefined();
    expect(flowAt(flows, '')).toBeUndefined();
  });
});

describe('id-less nodes', () => {
  it('fall back to their position inside their own scope', () => {
    const graph = graphOf({ nodes: [{ type: 'end' }, { id: 'a', type: 'end' }, { type: 'end' }], components: [{ conversation_flow_component_id: 'c', nodes: [{ type: 'end' }] }] });
    expect(graph.nodes.map(nodeKey)).toEqual(['flow/node#0', 'flow/node:a', 'flow/node#2', 'component:c/node#0']);
  });
});
