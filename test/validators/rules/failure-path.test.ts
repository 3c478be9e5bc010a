import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const edge = (id: string, prompt: string, to?: string) => ({ id, transition_condition: { type: 'prompt', prompt }, ...(to ? { destination_node_id: to } : {}) });
const transfer = (extra: Record<string, unknown>) => ({
  id: 'xfer',
  name: 'Transfer',
  type: 'transfer_call',
  transfer_destination: { type: 'predefined', number: '+14155550100' },
  transfer_option: { type: 'cold_transfer' },
  ...extra,
});
const swap = (extra: Record<string, unknown>) => ({ id: 'swap', type: 'agent_swap', agent_id: 'agent_x', post_call_analysis_setting: 'both_agents', ...extra });
const sms = (extra: Record<string, unknown>) => ({ id: 'sms', type: 'sms', instruction: { type: 'prompt', text: 'Send the link' }, ...extra });

ruleTester('failure-path', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    { name: 'a transfer with a connected failure edge', flow: baseFlow({ nodes: [...base(), transfer({ edge: edge('f', 'Transfer failed', 'bye') })] }) },
    { name: 'a swap with a connected failure edge', flow: baseFlow({ nodes: [...base(), swap({ edge: edge('f', 'Transfer failed', 'bye') })] }) },
    { name: 'an sms with both edges connected', flow: baseFlow({ nodes: [...base(), sms({ success_edge: edge('s', 'Sent successfully', 'bye'), failed_edge: edge('f', 'Failed to send', 'bye') })] }) },
  ],
  invalid: [
    {
      name: 'a transfer whose failure edge is not attached',
      flow: baseFlow({ nodes: [...base(), transfer({ edge: edge('f', 'Transfer failed') })] }),
      errors: [{ messageId: 'unconnected', pointer: '/nodes/2/edge', severity: 'warning', nodeId: 'xfer', data: { type: 'transfer_call', node: '"Transfer"', field: 'edge', edge: 'Transfer failed edge', when: 'the transfer fails' } }],
    },
    {
      name: 'a transfer with no failure edge at all',
      flow: baseFlow({ nodes: [...base(), transfer({})] }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2', data: { field: 'edge' } }],
    },
    {
      name: 'an agent swap whose failure edge is not attached',
      flow: baseFlow({ nodes: [...base(), swap({ edge: edge('f', 'Transfer failed') })] }),
      errors: [{ messageId: 'unconnected', pointer: '/nodes/2/edge', data: { type: 'agent_swap', when: 'the agent swap fails' } }],
    },
    {
      name: 'an sms missing one edge and with the other unattached',
      flow: baseFlow({ nodes: [...base(), sms({ success_edge: edge('s', 'Sent successfully') })] }),
      errors: [
        { messageId: 'missing', pointer: '/nodes/2', data: { field: 'failed_edge', edge: 'Failed to send edge', when: 'the SMS fails to send' } },
        { messageId: 'unconnected', pointer: '/nodes/2/success_edge', data: { field: 'success_edge' } },
      ],
    },
  ],
});
