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
    {
      name: 'only unattached edges: one error at the node, counting them',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'c', type: 'conversation', name: 'Confirm', instruction: { type: 'prompt', text: 'Confirm' }, edges: [{ id: 'e1', transition_condition: { type: 'prompt', prompt: 'Yes' } }, { id: 'e2', transition_condition: { type: 'prompt', prompt: 'No' } }] }] }),
      errors: [{ messageId: 'stuck', pointer: '/nodes/2', nodeId: 'c', severity: 'error', data: { why: 'its 2 edges are not attached to any node', unattached: 2, edges: 2 } }],
    },
    {
      name: 'only dangling edges',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'c', type: 'conversation', instruction: { type: 'prompt', text: 'Confirm' }, edges: [{ id: 'e1', transition_condition: { type: 'prompt', prompt: 'Yes' }, destination_node_id: 'nowhere' }] }] }),
      errors: [{ messageId: 'stuck', data: { why: 'its edge goes to no node of the flow', dangling: 1 } }],
    },
    {
      name: 'unattached and dangling together',
      flow: baseFlow({
        nodes: [
          ...(baseFlow().nodes as unknown[]),
          { id: 'c', type: 'conversation', instruction: { type: 'prompt', text: 'Confirm' }, edges: [{ id: 'e1', transition_condition: { type: 'prompt', prompt: 'Yes' }, destination_node_id: 'nowhere' }], always_edge: { id: 'a', transition_condition: { type: 'prompt', prompt: 'Always' } } },
        ],
      }),
      errors: [{ messageId: 'stuck', data: { why: 'its 2 edges lead nowhere (1 not attached, 1 going to no node)' } }],
    },
    {
      name: 'an sms node whose success and failure edges are unattached',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 's', type: 'sms', instruction: { type: 'prompt', text: 'Send' }, success_edge: { id: 'ok' }, failed_edge: { id: 'ko' } }] }),
      errors: [{ messageId: 'stuck', data: { type: 'sms', why: 'its 2 edges are not attached to any node' } }],
    },
    {
      name: 'a function node that leaves only by always_edge (outside the SDK types on function nodes): a warning saying so',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'f', type: 'function', tool_id: 't', tool_type: 'local', wait_for_result: true, always_edge: { id: 'a', transition_condition: { type: 'prompt', prompt: 'Always' }, destination_node_id: 'bye' } }] }),
      errors: [{ messageId: 'outsideSchema', severity: 'warning', data: { type: 'function', fields: 'always_edge' } }],
    },
    {
      name: 'a branch node whose only edge is an unattached always_edge Retell does not follow there',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 'b', type: 'branch', always_edge: { id: 'a' } }] }),
      errors: [{ messageId: 'notFollowed', severity: 'error', data: { type: 'branch', fields: 'always_edge' } }],
    },
  ],
});
