import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const custom = (name: string) => ({ type: 'custom', tool_id: `tool_${name}`, name, description: 'x', url: 'https://example.com' });

ruleTester('tool-named-builtin', {
  valid: [
    { name: 'custom tools with their own names', flow: baseFlow({ tools: [custom('book_appointment'), custom('end_call_log')] }) },
    {
      name: 'the built-in end_call tool itself',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'end_call', name: 'end_call' }] }] }),
    },
  ],
  invalid: [
    {
      name: 'a custom end_call cannot hang up',
      flow: baseFlow({ tools: [custom('end_call')] }),
      errors: [{ messageId: 'builtinName', pointer: '/tools/0', severity: 'warning', data: { kind: 'custom', name: 'end_call', does: 'hang up' } }],
    },
    {
      name: 'an inline transfer_call on a subagent, named on the node',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ ...custom('Transfer_Call') }] }] }),
      errors: [{ messageId: 'builtinName', pointer: '/nodes/2/tools/0', nodeId: 's', severity: 'warning', data: { does: 'transfer the call' } }],
    },
    {
      name: 'a custom send_sms is an info (no caller is stranded)',
      flow: baseFlow({ tools: [custom('send_sms')] }),
      errors: [{ messageId: 'builtinName', severity: 'info', data: { does: 'send an SMS' } }],
    },
  ],
});
