import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const elseTo = (to?: string) => ({ id: 'else', transition_condition: { type: 'prompt', prompt: 'Else' }, ...(to ? { destination_node_id: to } : {}) });
const branch = (extra: Record<string, unknown>) => ({ id: 'route', name: 'Route', type: 'branch', edges: [{ id: 'e1', transition_condition: { type: 'prompt', prompt: 'x' }, destination_node_id: 'bye' }], ...extra });
const componentNode = (extra: Record<string, unknown>) => ({ id: 'enter', type: 'component', component_type: 'local', component_id: 'c', ...extra });
const components = [{ conversation_flow_component_id: 'c', name: 'c', start_node_id: 'x', nodes: [{ id: 'x', type: 'end' }] }];

ruleTester('branch-needs-else', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    { name: 'a branch with a connected else', flow: baseFlow({ nodes: [...base(), branch({ else_edge: elseTo('bye') })] }) },
    { name: 'a component node with a connected else', flow: baseFlow({ nodes: [...base(), componentNode({ else_edge: elseTo('bye') })], components }) },
    { name: 'other node types may go without else', flow: baseFlow({ nodes: [...base(), { id: 'f', type: 'function', tool_id: 't', tool_type: 'local', wait_for_result: true, else_edge: elseTo() }] }) },
  ],
  invalid: [
    {
      name: 'a branch without else_edge',
      flow: baseFlow({ nodes: [...base(), branch({})] }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2', severity: 'error', nodeId: 'route', data: { type: 'branch', node: '"Route"', when: 'when no condition matches' } }],
    },
    {
      name: 'a branch whose else is not attached',
      flow: baseFlow({ nodes: [...base(), branch({ else_edge: elseTo() })] }),
      errors: [{ messageId: 'unconnected', pointer: '/nodes/2/else_edge', data: { type: 'branch' } }],
    },
    {
      name: 'a malformed else_edge is a missing one',
      flow: baseFlow({ nodes: [...base(), branch({ else_edge: 'bye' })] }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2/else_edge' }],
    },
    {
      name: 'a component node whose else is not attached',
      flow: baseFlow({ nodes: [...base(), componentNode({ else_edge: elseTo() })], components }),
      errors: [{ messageId: 'unconnected', pointer: '/nodes/2/else_edge', data: { type: 'component', when: 'when the component exits and no condition matches' } }],
    },
    {
      name: 'a component node without else_edge',
      flow: baseFlow({ nodes: [...base(), componentNode({})], components }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2', data: { type: 'component' } }],
    },
  ],
});
