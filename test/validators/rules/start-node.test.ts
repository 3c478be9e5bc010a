import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('start-node', {
  valid: [
    { name: 'start node exists', flow: baseFlow() },
    { name: 'a flow with no nodes has nothing to start (schema reports it)', flow: baseFlow({ nodes: [], start_node_id: undefined }) },
    {
      name: 'component with its own start',
      flow: baseFlow({
        components: [{ name: 'Verify', conversation_flow_component_id: 'c1', start_node_id: 'v1', nodes: [{ id: 'v1', type: 'end' }] }],
      }),
    },
  ],
  invalid: [
    { name: 'missing start_node_id', flow: baseFlow({ start_node_id: undefined }), errors: [{ messageId: 'missing', pointer: '', data: { scope: 'the flow' } }] },
    { name: 'empty start_node_id', flow: baseFlow({ start_node_id: '' }), errors: [{ messageId: 'missing' }] },
    {
      name: 'unknown start node',
      flow: baseFlow({ start_node_id: 'hello' }),
      errors: [{ messageId: 'unknown', pointer: '/start_node_id', data: { id: 'hello' }, severity: 'error', line: 7 }],
    },
    {
      name: 'component start missing and unknown',
      flow: baseFlow({
        components: [
          { name: 'Verify', conversation_flow_component_id: 'c1', nodes: [{ id: 'v1', type: 'end' }] },
          { name: 'Pay', conversation_flow_component_id: 'c2', start_node_id: 'greet', nodes: [{ id: 'p1', type: 'end' }] },
        ],
      }),
      errors: [
        { messageId: 'missing', pointer: '/components/0', data: { scope: 'component "Verify"' } },
        { messageId: 'unknown', pointer: '/components/1/start_node_id', data: { scope: 'component "Pay"', id: 'greet' } },
      ],
    },
  ],
});
