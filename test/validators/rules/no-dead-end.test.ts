import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

ruleTester('no-dead-end', {
  valid: [
    { name: 'end, transfer and swap need no edges', flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'bt', type: 'bridge_transfer' }, { id: 'ct', type: 'cancel_transfer' }] }) },
    {
      name: 'a subagent that can end the call by tool',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'end_call', name: 'end_call' }] }] }),
    },
    {
      name: 'a global node that goes back',
      flow: baseFlow({
        nodes: [
          ...(baseFlow().nodes as unknown[]),
          { id: 'g', type: 'conversation', instruction: { type: 'prompt', text: 'FAQ' }, global_node_setting: { condition: 'Caller asks about prices', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Question answered' } }] } },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'conversation node with no edges',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'stuck', type: 'conversation', name: 'Confirm', instruction: { type: 'prompt', text: 'Confirm' } }] }),
      errors: [{ messageId: 'deadEnd', pointer: '/nodes/2', data: { type: 'conversation', node: '"Confirm"' }, nodeId: 'stuck' }],
    },
    {
      name: 'function and branch nodes with no edges',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'f', type: 'function', tool_id: 't', tool_type: 'local', wait_for_result: true }, { id: 'b', type: 'branch' }] }),
      errors: [{ messageId: 'deadEnd', data: { type: 'function' } }, { messageId: 'deadEnd', data: { type: 'branch' } }],
    },
  ],
});
