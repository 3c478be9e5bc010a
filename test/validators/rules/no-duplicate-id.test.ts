import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const conv = (id: string, to?: string, edgeId = `e-${id}`) => ({
  id,
  type: 'conversation',
  instruction: { type: 'prompt', text: 'Talk' },
  edges: to ? [{ id: edgeId, transition_condition: { type: 'prompt', prompt: 'Done' }, destination_node_id: to }] : [],
});
const tool = (tool_id: string, name: string) => ({ type: 'custom', tool_id, name, url: 'https://example.com/x', description: 'd' });
const component = (id: string, nodes: unknown[], tools?: unknown[]) => ({ conversation_flow_component_id: id, name: id, start_node_id: 'c1', nodes, ...(tools ? { tools } : {}) });

ruleTester('no-duplicate-id', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    {
      name: 'a component may reuse node and edge ids of the flow',
      flow: baseFlow({ components: [component('comp', [conv('greet', 'bye', 'e-greet'), { id: 'bye', type: 'end' }])] }),
    },
    {
      name: 'different subagents may each have an inline end_call tool',
      flow: baseFlow({
        nodes: [
          ...base(),
          { id: 's1', type: 'subagent', instruction: { type: 'prompt', text: 'a' }, tools: [{ type: 'end_call', name: 'end_call' }] },
          { id: 's2', type: 'subagent', instruction: { type: 'prompt', text: 'b' }, tools: [{ type: 'end_call', name: 'end_call' }] },
        ],
      }),
    },
    { name: 'distinct tools', flow: baseFlow({ tools: [tool('t1', 'lookup'), tool('t2', 'book')] }) },
  ],
  invalid: [
    {
      name: 'two components with one name',
      flow: baseFlow({
        components: [
          { conversation_flow_component_id: 'c1', name: 'Verify identity', start_node_id: 'a', nodes: [{ id: 'a', type: 'end' }] },
          { conversation_flow_component_id: 'c2', name: 'Verify identity', start_node_id: 'a', nodes: [{ id: 'a', type: 'end' }] },
        ],
      }),
      errors: [{ messageId: 'componentName', severity: 'warning', pointer: '/components/1/name', data: { name: 'Verify identity', first: '/components/0' } }],
    },
    {
      name: 'a repeated node id in the flow',
      flow: baseFlow({ nodes: [...base(), conv('greet', 'bye', 'e-other')] }),
      errors: [{ messageId: 'node', pointer: '/nodes/2/id', severity: 'error', data: { id: 'greet', scope: 'the flow', first: '/nodes/0' } }],
    },
    {
      name: 'a repeated node id inside a component',
      flow: baseFlow({ components: [component('comp', [conv('c1', 'x'), { id: 'x', type: 'end' }, { id: 'x', type: 'end' }])] }),
      errors: [{ messageId: 'node', pointer: '/components/0/nodes/2/id', data: { id: 'x', scope: 'component "comp"', first: '/components/0/nodes/1' } }],
    },
    {
      name: 'nodes without an id do not hide a repeated one (the quick count of ids)',
      flow: baseFlow({ nodes: [...base(), { type: 'end' }, { type: 'end' }, conv('greet', 'bye', 'e-other')] }),
      errors: [{ messageId: 'node', pointer: '/nodes/4/id', data: { id: 'greet', scope: 'the flow', first: '/nodes/0' } }],
    },
    {
      name: 'a repeated edge id on one node',
      flow: baseFlow({
        nodes: [...base(), { ...conv('two'), edges: ['Yes', 'No'].map((prompt) => ({ id: 'e-two', transition_condition: { type: 'prompt', prompt }, destination_node_id: 'bye' })) }],
      }),
      errors: [{ messageId: 'edge', pointer: '/nodes/2/edges/1/id', data: { id: 'e-two', node: '"two"', first: '/nodes/2/edges/0' } }],
    },
    {
      name: 'a repeated edge id across nodes of one scope',
      flow: baseFlow({ nodes: [...base(), conv('other', 'bye', 'e-greet')] }),
      errors: [{ messageId: 'edge', pointer: '/nodes/2/edges/0/id', data: { id: 'e-greet', node: '"other"', first: '/nodes/0/edges/0' } }],
    },
    {
      name: 'repeated edge ids in the flow and in a component are each reported in their own scope',
      flow: baseFlow({
        nodes: [...base(), conv('other', 'bye', 'e-greet')],
        components: [component('comp', [conv('c1', 'x', 'e-c'), conv('c2', 'x', 'e-c'), { id: 'x', type: 'end' }])],
      }),
      errors: [
        { messageId: 'edge', pointer: '/nodes/2/edges/0/id', data: { id: 'e-greet', scope: 'the flow', first: '/nodes/0/edges/0' } },
        { messageId: 'edge', pointer: '/components/0/nodes/1/edges/0/id', data: { id: 'e-c', scope: 'component "comp"', first: '/components/0/nodes/0/edges/0' } },
      ],
    },
    {
      name: 'a repeated tool id is reported once, not again for its name',
      flow: baseFlow({ tools: [tool('t1', 'lookup'), tool('t1', 'lookup')] }),
      errors: [{ messageId: 'toolId', pointer: '/tools/1/tool_id', data: { id: 't1', first: '/tools/0' } }],
    },
    {
      name: 'a repeated tool name among flow tools',
      flow: baseFlow({ tools: [tool('t1', 'lookup'), tool('t2', 'lookup')] }),
      errors: [{ messageId: 'toolName', pointer: '/tools/1/name', data: { name: 'lookup', first: '/tools/0' } }],
    },
    {
      name: 'a component tool that repeats a flow tool name',
      flow: baseFlow({ tools: [tool('t1', 'lookup')], components: [component('comp', [{ id: 'c1', type: 'end' }], [tool('t9', 'lookup')])] }),
      errors: [{ messageId: 'toolName', pointer: '/components/0/tools/0/name', data: { name: 'lookup', first: '/tools/0' } }],
    },
    {
      name: 'a subagent inline tool named like a tool it lists in tool_ids',
      flow: baseFlow({
        tools: [tool('t1', 'lookup')],
        nodes: [
          ...base(),
          { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'a' }, tool_ids: ['t1'], tools: [{ type: 'custom', name: 'lookup', url: 'https://x' }, { type: 'end_call', name: 'bye' }, { type: 'end_call', name: 'bye' }] },
        ],
      }),
      errors: [
        { messageId: 'toolName', pointer: '/nodes/2/tools/0/name', data: { name: 'lookup', first: '/tools/0' } },
        { messageId: 'toolName', pointer: '/nodes/2/tools/2/name', data: { name: 'bye', first: '/nodes/2/tools/1' } },
      ],
    },
  ],
});
