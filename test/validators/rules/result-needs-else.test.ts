import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const cond = (id: string, prompt: string, to?: string) => ({ id, transition_condition: { type: 'prompt', prompt }, ...(to ? { destination_node_id: to } : {}) });
const fn = (extra: Record<string, unknown>) => ({ id: 'f', name: 'Check slots', type: 'function', tool_id: 't', tool_type: 'local', wait_for_result: true, ...extra });
const withNode = (node: unknown) => baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), node] });

ruleTester('result-needs-else', {
  valid: [
    { name: 'conditions and an else', flow: withNode(fn({ edges: [cond('a', 'Slot free', 'bye')], else_edge: { id: 'x', destination_node_id: 'bye' } })) },
    { name: 'an else never attached is no-unconnected-edge\'s', flow: withNode(fn({ edges: [cond('a', 'Slot free', 'bye')], else_edge: { id: 'x' } })) },
    { name: 'an always edge is a fallback', flow: withNode(fn({ edges: [cond('a', 'Slot free', 'bye')], always_edge: { id: 'x', destination_node_id: 'bye' } })) },
    { name: 'no conditions leading anywhere is no-dead-end\'s', flow: withNode(fn({ edges: [cond('a', 'Slot free')] })) },
    { name: 'a conversation node waits for the caller and may re-evaluate', flow: baseFlow() },
  ],
  invalid: [
    {
      name: 'a function node with conditions only',
      flow: withNode(fn({ edges: [cond('a', 'A slot is free', 'bye'), cond('b', 'No slot is free', 'bye')] })),
      errors: [{ messageId: 'noElse', pointer: '/nodes/2', nodeId: 'f', severity: 'warning', data: { type: 'function', node: '"Check slots"', count: 2 } }],
    },
    {
      name: 'an extract node with one condition',
      flow: withNode({ id: 'x', type: 'extract_dynamic_variables', variables: [], edges: [cond('a', 'Caller gave a date', 'bye')] }),
      errors: [{ messageId: 'noElse', nodeId: 'x', data: { type: 'extract_dynamic_variables', count: 1 } }],
    },
  ],
});
