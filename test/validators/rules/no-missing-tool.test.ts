import { describe, expect, it } from 'vitest';
import { loadText } from '../../../src/flow/load.js';
import { lintLoaded } from '../../../src/validators/engine.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const tool = (tool_id: string, name: string) => ({ type: 'custom', tool_id, name, url: 'https://example.com/x', description: 'd' });
const fn = (id: string, tool_id?: unknown, extra: Record<string, unknown> = {}) => ({
  id,
  type: 'function',
  ...(tool_id === undefined ? {} : { tool_id }),
  tool_type: 'local',
  wait_for_result: true,
  edges: [{ id: `e-${id}`, transition_condition: { type: 'prompt', prompt: 'done' }, destination_node_id: 'bye' }],
  ...extra,
});
const subagent = (id: string, tool_ids: unknown[]) => ({ id, type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tool_ids });
const tools = [tool('tool_lookup', 'lookup_customer'), tool('tool_book', 'book_appointment')];

ruleTester('no-missing-tool', {
  valid: [
    {
      name: 'inside a component nothing uses: no finding (component-exit reports the component once)',
      flow: baseFlow({ components: [{ conversation_flow_component_id: 'c', name: 'Booking', start_node_id: 'f1', nodes: [fn('f1', 'nope'), { id: 'bye', type: 'end' }] }] }),
    },
    { name: 'function node and subagent name existing tools', flow: baseFlow({ tools, nodes: [...base(), fn('f', 'tool_lookup'), subagent('s', ['tool_lookup', 'tool_book'])] }) },
    { name: 'a shared tool cannot be checked', flow: baseFlow({ nodes: [...base(), fn('f', 'tool_elsewhere', { tool_type: 'shared' })] }) },
    {
      name: 'a component node may use its own tools and the flow\'s',
      flow: baseFlow({
        tools,
        components: [{ conversation_flow_component_id: 'c', name: 'c', start_node_id: 'f1', tools: [tool('tool_own', 'own')], nodes: [fn('f1', 'tool_own'), fn('f2', 'tool_book'), { id: 'bye', type: 'end' }] }],
      }),
    },
  ],
  invalid: [
    {
      name: 'the tool name written where the id belongs',
      flow: baseFlow({ tools, nodes: [...base(), fn('f', 'book_appointment')] }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2/tool_id', severity: 'error', nodeId: 'f', data: { type: 'function', id: 'book_appointment', scope: 'the flow' } }],
    },
    {
      name: 'a typo in a subagent tool_ids entry',
      flow: baseFlow({ tools, nodes: [...base(), subagent('s', ['tool_lookup', 'tool_bok'])] }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2/tool_ids/1', data: { type: 'subagent', id: 'tool_bok' } }],
    },
    {
      name: 'a function node with no tool_id',
      flow: baseFlow({ tools, nodes: [...base(), fn('f')] }),
      errors: [{ messageId: 'noToolId', pointer: '/nodes/2', data: { node: '"f"' } }],
    },
    {
      name: 'a function node with an empty tool_id',
      flow: baseFlow({ tools, nodes: [...base(), fn('f', '')] }),
      errors: [{ messageId: 'noToolId', pointer: '/nodes/2/tool_id' }],
    },
    {
      name: 'a component tool is not visible to the flow',
      flow: baseFlow({
        nodes: [...base(), fn('f', 'tool_own')],
        components: [{ conversation_flow_component_id: 'c', name: 'c', start_node_id: 'x', tools: [tool('tool_own', 'own')], nodes: [{ id: 'x', type: 'end' }] }],
      }),
      errors: [{ messageId: 'missing', data: { id: 'tool_own', scope: 'the flow' } }],
    },
    {
      name: 'inside a component the message names the component',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [{ id: 'enter', type: 'component', component_type: 'local', component_id: 'c', else_edge: { id: 'x', destination_node_id: 'bye' } }, { id: 'bye', type: 'end' }],
        components: [{ conversation_flow_component_id: 'c', name: 'Booking', start_node_id: 'f1', nodes: [fn('f1', 'nope'), { id: 'bye', type: 'end' }] }],
      }),
      errors: [{ messageId: 'missing', pointer: '/components/0/nodes/0/tool_id', data: { scope: 'component "Booking" (nor the flow)' } }],
    },
  ],
});

// The rule tester does not look at hints; "did you mean" is half of this rule's value.
describe('no-missing-tool hints', () => {
  const hintOf = (flow: unknown) =>
    lintLoaded(loadText(JSON.stringify(flow), { path: 'flow.json' }), { only: ['no-missing-tool'] }).diagnostics.map((d) => d.hint);
  it('points from a tool name to its tool_id', () => {
    expect(hintOf(baseFlow({ tools, nodes: [...base(), fn('f', 'book_appointment')] }))).toEqual([
      '"book_appointment" is the name of a tool; function nodes and tool_ids use its tool_id "tool_book"',
    ]);
  });
  it('suggests the nearest tool_id', () => {
    expect(hintOf(baseFlow({ tools, nodes: [...base(), fn('f', 'tool_bok')] }))).toEqual(['did you mean "tool_book" (tool "book_appointment")?']);
  });
  it('suggests by a misspelt name', () => {
    expect(hintOf(baseFlow({ tools, nodes: [...base(), fn('f', 'lookup_custmer')] }))).toEqual(['did you mean tool "lookup_customer"? Its tool_id is "tool_lookup"']);
  });
  it('stays quiet when nothing is close', () => {
    expect(hintOf(baseFlow({ tools, nodes: [...base(), fn('f', 'zzzzzzzzzzzz')] }))).toEqual([undefined]);
  });
});
