import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const tool = (tool_id: string | undefined, name: string) => ({ type: 'custom', ...(tool_id ? { tool_id } : {}), name, url: 'https://example.com/x', description: 'd' });
const fn = (id: string, tool_id: string) => ({
  id,
  type: 'function',
  tool_id,
  tool_type: 'local',
  wait_for_result: true,
  edges: [{ id: `e-${id}`, transition_condition: { type: 'prompt', prompt: 'done' }, destination_node_id: 'bye' }],
});
/** greet -> f -> bye, with f calling `toolId`. */
const calling = (toolId: string) => [{ ...(base()[0] as object), edges: [{ id: 'g', transition_condition: { type: 'prompt', prompt: 'x' }, destination_node_id: 'f' }] }, base()[1], fn('f', toolId)];

ruleTester('no-unused-tool', {
  valid: [
    { name: 'no tools', flow: baseFlow() },
    { name: 'a flow whose start is unknown leaves the one cause to start-node', flow: baseFlow({ start_node_id: 'gone', tools: [tool('t1', 'lookup')], nodes: calling('t1') }) },
    { name: 'a tool called by a reachable function node', flow: baseFlow({ tools: [tool('t1', 'lookup')], nodes: calling('t1') }) },
    {
      name: 'a tool listed by a reachable subagent',
      flow: baseFlow({
        tools: [tool('t1', 'lookup')],
        nodes: [{ ...(base()[0] as object), edges: [{ id: 'g', transition_condition: { type: 'prompt', prompt: 'x' }, destination_node_id: 's' }] }, base()[1], { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'h' }, tool_ids: ['t1'], tools: [{ type: 'end_call', name: 'end_call' }] }],
      }),
    },
    { name: 'inline subagent tools are not checked', flow: baseFlow({ nodes: [...base(), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'h' }, tools: [{ type: 'custom', name: 'x', url: 'https://x' }] }] }) },
  ],
  invalid: [
    {
      name: 'a tool nothing calls',
      flow: baseFlow({ tools: [tool('t1', 'lookup')] }),
      errors: [{ messageId: 'unused', pointer: '/tools/0/tool_id', severity: 'warning', data: { tool: 'lookup', id: 't1' } }],
    },
    {
      name: 'a tool called only from an unreachable node',
      flow: baseFlow({ tools: [tool('t1', 'lookup')], nodes: [...base(), fn('f', 't1')] }),
      errors: [{ messageId: 'unreachableOnly', pointer: '/tools/0/tool_id', data: { tool: 'lookup', nodes: '"f"' } }],
    },
    {
      name: 'a tool without a tool_id',
      flow: baseFlow({ tools: [tool(undefined, 'lookup')] }),
      errors: [{ messageId: 'noId', pointer: '/tools/0', data: { tool: 'lookup' } }],
    },
    {
      name: 'a component tool whose component nodes never call it',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [{ id: 'enter', type: 'component', component_type: 'local', component_id: 'c', else_edge: { id: 'el', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' } }, base()[1]],
        components: [{ conversation_flow_component_id: 'c', name: 'c', start_node_id: 'x', tools: [tool('t9', 'own')], nodes: [{ id: 'x', type: 'end' }] }],
      }),
      errors: [{ messageId: 'unused', pointer: '/components/0/tools/0/tool_id', data: { tool: 'own' } }],
    },
    {
      name: 'a flow tool shadowed in the only component that uses its id',
      flow: baseFlow({
        start_node_id: 'enter',
        tools: [tool('t1', 'flow_copy')],
        nodes: [{ id: 'enter', type: 'component', component_type: 'local', component_id: 'c', else_edge: { id: 'el', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' } }, base()[1]],
        components: [{ conversation_flow_component_id: 'c', name: 'c', start_node_id: 'f', tools: [tool('t1', 'own_copy')], nodes: [fn('f', 't1'), { id: 'bye', type: 'end' }] }],
      }),
      errors: [{ messageId: 'unused', pointer: '/tools/0/tool_id', data: { tool: 'flow_copy' } }],
    },
  ],
});
