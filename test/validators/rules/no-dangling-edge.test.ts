import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const withEdges = (edges: unknown[], extraNodes: unknown[] = []) =>
  baseFlow({
    nodes: [
      { id: 'greet', type: 'conversation', instruction: { type: 'prompt', text: 'Hi' }, edges },
      { id: 'bye', type: 'end' },
      ...extraNodes,
    ],
  });
const prompt = (text: string) => ({ type: 'prompt', prompt: text });

ruleTester('no-dangling-edge', {
  valid: [
    { name: 'edge to an existing node', flow: baseFlow() },
    { name: 'unattached edge is another rule', flow: withEdges([{ id: 'e1', transition_condition: prompt('Caller is done') }]) },
    {
      name: 'go-back conditions have no destination by design',
      flow: baseFlow({
        nodes: [
          ...(baseFlow().nodes as unknown[]),
          { id: 'g', type: 'conversation', instruction: { type: 'prompt', text: 'x' }, global_node_setting: { condition: 'Caller asks for help', go_back_conditions: [{ id: 'gb', transition_condition: prompt('Done') }] } },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'typo in destination',
      flow: withEdges([{ id: 'e1', transition_condition: prompt('Caller is done'), destination_node_id: 'by' }]),
      errors: [{ messageId: 'dangling', pointer: '/nodes/0/edges/0/destination_node_id', data: { to: 'by', from: '"greet"' }, nodeId: 'greet' }],
    },
    {
      name: 'every edge kind is checked',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'conversation', instruction: { type: 'prompt', text: 'Hi' }, else_edge: { id: 'x1', transition_condition: prompt('Else'), destination_node_id: 'nope1' }, skip_response_edge: { id: 'x2', transition_condition: prompt('Skip response'), destination_node_id: 'nope2' } },
          { id: 't', type: 'transfer_call', transfer_destination: { type: 'predefined', number: '+14155550100' }, transfer_option: { type: 'cold_transfer' }, edge: { id: 'x3', transition_condition: prompt('Transfer failed'), destination_node_id: 'nope3' } },
          { id: 's', type: 'sms', instruction: { type: 'static_text', text: 'Link' }, success_edge: { id: 'x4', transition_condition: prompt('Sent successfully'), destination_node_id: 'nope4' }, failed_edge: { id: 'x5', transition_condition: prompt('Failed to send'), destination_node_id: 'bye' } },
          { id: 'bye', type: 'end' },
        ],
      }),
      errors: [
        { messageId: 'dangling', data: { to: 'nope1' } },
        { messageId: 'dangling', data: { to: 'nope2' } },
        { messageId: 'dangling', data: { to: 'nope3' } },
        { messageId: 'dangling', data: { to: 'nope4' } },
      ],
    },
    {
      name: 'edge into a component node from the flow',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'conversation', instruction: { type: 'prompt', text: 'Hi' }, edges: [{ id: 'e1', transition_condition: prompt('Caller wants to verify'), destination_node_id: 'v1' }] },
          { id: 'bye', type: 'end' },
        ],
        components: [{ name: 'Verify', conversation_flow_component_id: 'c1', start_node_id: 'v1', nodes: [{ id: 'v1', type: 'end' }] }],
      }),
      errors: [{ messageId: 'otherScope', data: { where: 'component "Verify"' } }],
    },
  ],
});
