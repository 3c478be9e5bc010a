import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

/** baseFlow plus a global node "Human" with the given setting. */
function withGlobal(setting: unknown) {
  const flow = baseFlow();
  (flow.nodes as unknown[]).push({
    id: 'human',
    type: 'conversation',
    name: 'Human',
    instruction: { type: 'prompt', text: 'Offer a transfer.' },
    global_node_setting: setting,
    edges: [{ id: 'h', transition_condition: { type: 'prompt', prompt: 'Caller accepts the transfer' }, destination_node_id: 'bye' }],
  });
  return flow;
}

const SETTING = '/nodes/2/global_node_setting';

ruleTester('global-node-condition', {
  valid: [
    { name: 'no global nodes', flow: baseFlow() },
    { name: 'a condition that shares a few words with the instruction', flow: withGlobal({ condition: 'Caller wants a transfer to a person' }) },
    { name: 'a real condition', flow: withGlobal({ condition: 'Caller asks to speak with a person' }) },
    {
      name: 'go-back conditions without a destination',
      flow: withGlobal({ condition: 'Caller asks a billing question', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Question answered' } }] }),
    },
    { name: 'an empty destination string is no destination', flow: withGlobal({ condition: 'Caller asks a billing question', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Question answered' }, destination_node_id: '' }] }) },
  ],
  invalid: [
    {
      name: 'a condition that copies the node\'s own instruction is a warning',
      flow: (() => {
        const flow = withGlobal({ condition: 'Offer a transfer to a person, then wait' });
        (flow.nodes as Record<string, unknown>[])[2]!.instruction = { type: 'prompt', text: 'Offer a transfer to a person, then wait.' };
        return flow;
      })(),
      errors: [{ messageId: 'copiesInstruction', pointer: `${SETTING}/condition`, severity: 'warning', nodeId: 'human' }],
    },
    {
      name: 'no condition at all',
      flow: withGlobal({ cool_down: 3 }),
      errors: [{ messageId: 'missingCondition', pointer: SETTING, severity: 'error', nodeId: 'human', data: { node: '"Human"' } }],
    },
    {
      name: 'an empty condition',
      flow: withGlobal({ condition: '  ' }),
      errors: [{ messageId: 'missingCondition', pointer: `${SETTING}/condition` }],
    },
    {
      name: 'a condition that is not text',
      flow: withGlobal({ condition: 42 }),
      errors: [{ messageId: 'missingCondition', pointer: `${SETTING}/condition` }],
    },
    {
      name: 'the dashboard placeholder',
      flow: withGlobal({ condition: 'Describe the condition to jump to this node' }),
      errors: [{ messageId: 'placeholder', pointer: `${SETTING}/condition`, severity: 'error', data: { text: 'Describe the condition to jump to this node' } }],
    },
    {
      name: 'a go-back condition with a destination Retell ignores',
      flow: withGlobal({
        condition: 'Caller asks a billing question',
        go_back_conditions: [
          { id: 'gb0', transition_condition: { type: 'prompt', prompt: 'Question answered' } },
          { id: 'gb1', transition_condition: { type: 'prompt', prompt: 'Caller wants to leave' }, destination_node_id: 'bye' },
        ],
      }),
      errors: [{ messageId: 'goBackDestination', pointer: `${SETTING}/go_back_conditions/1/destination_node_id`, severity: 'warning', data: { index: 2, destination: 'bye', node: '"Human"' } }],
    },
  ],
});
