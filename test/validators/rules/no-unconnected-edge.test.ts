import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const prompt = (text: string) => ({ type: 'prompt', prompt: text });

ruleTester('no-unconnected-edge', {
  valid: [
    { name: 'all edges attached', flow: baseFlow() },
    {
      name: 'a branch else without destination is branch-needs-else, not this rule',
      flow: baseFlow({
        nodes: [
          ...(baseFlow().nodes as unknown[]),
          { id: 'b', type: 'branch', edges: [{ id: 'b1', transition_condition: prompt('x'), destination_node_id: 'bye' }], else_edge: { id: 'be', transition_condition: prompt('Else') } },
        ],
      }),
    },
    {
      name: 'transfer failure edge is failure-path, not this rule',
      flow: baseFlow({
        nodes: [
          ...(baseFlow().nodes as unknown[]),
          { id: 't', type: 'transfer_call', transfer_destination: { type: 'predefined', number: '+1' }, transfer_option: { type: 'cold_transfer' }, edge: { id: 'tf', transition_condition: prompt('Transfer failed') } },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'dashboard leftover beside a connected edge is a warning',
      flow: baseFlow({
        nodes: [
          {
            id: 'greet',
            type: 'conversation',
            instruction: { type: 'prompt', text: 'Hi' },
            edges: [
              { id: 'e1', transition_condition: prompt('Caller is done'), destination_node_id: 'bye' },
              { id: 'e2', transition_condition: prompt('Describe the transition condition') },
            ],
          },
          { id: 'bye', type: 'end' },
        ],
      }),
      errors: [{ messageId: 'unconnected', severity: 'warning', pointer: '/nodes/0/edges/1', nodeId: 'greet' }],
    },
    {
      name: 'the only way on stays a warning (the stuck node is no-dead-end\'s one error)',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'conversation', instruction: { type: 'prompt', text: 'Hi' }, always_edge: { id: 'a1', transition_condition: prompt('Always') } },
          { id: 'bye', type: 'end' },
        ],
        start_node_id: 'greet',
      }),
      errors: [{ messageId: 'unconnected', severity: 'warning', data: { kind: 'always edge' } }],
    },
  ],
});
