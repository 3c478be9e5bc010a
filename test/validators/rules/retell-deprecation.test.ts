import { describe, expect, it } from 'vitest';
import { lintFlow } from '../../../src/validators/lint.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];

ruleTester('retell-deprecation', {
  valid: [
    { name: 'a current flow', flow: baseFlow({ is_transfer_cf: true }) },
    {
      name: 'a subagent node with tools and an SMS tool with text',
      flow: baseFlow({
        nodes: [
          ...base(),
          { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'send_sms', name: 'sms', sms_content: { type: 'predefined', text: 'Booked' } }] },
        ],
      }),
    },
  ],
  invalid: [
    {
      name: 'is_transfer_llm names its new key and the SDK version',
      flow: baseFlow({ is_transfer_llm: true }),
      errors: [{ messageId: 'renamed', pointer: '/is_transfer_llm', severity: 'warning', data: { from: 'is_transfer_llm', to: 'is_transfer_cf', since: 'retell-sdk 5.66' } }],
    },
    {
      name: 'an inline SMS tool still writing content',
      flow: baseFlow({
        nodes: [...base(), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'send_sms', name: 'sms', sms_content: { type: 'predefined', content: 'Booked' } }] }],
      }),
      errors: [{ messageId: 'renamed', pointer: '/nodes/2/tools/0/sms_content/content', nodeId: 's', data: { from: 'sms_content.content', to: 'sms_content.text' } }],
    },
    {
      name: 'tools on a conversation node, with the date of the notice',
      flow: baseFlow({ nodes: [{ ...base()[0], tool_ids: ['t1'] }, base()[1]] }),
      errors: [{ messageId: 'conversationTools', pointer: '/nodes/0/tool_ids', nodeId: 'greet', data: { date: '2026-04-18' } }],
    },
    {
      name: 'a Cal.com tool in the flow',
      flow: baseFlow({ tools: [{ type: 'book_appointment_cal', name: 'book', tool_id: 't', cal_api_key: 'k', event_type_id: 1 }] }),
      errors: [{ messageId: 'calTool', pointer: '/tools/0', data: { tool: '"book"', type: 'book_appointment_cal' } }],
    },
  ],
});

describe('a multi-prompt Retell LLM is not-a-flow with its retirement dates', () => {
  it('names the dates for an LLM with states and for an agent export carrying one; a single-prompt LLM keeps its message', () => {
    const llm = lintFlow({ llm_id: 'llm_1', general_prompt: 'x', general_tools: [], states: [{ name: 'intro', state_prompt: 'Hi' }] }).diagnostics;
    expect(llm.map((d) => [d.ruleId, d.messageId])).toEqual([['not-a-flow', 'multiPromptLlm']]);
    expect(llm[0]!.message).toBe('Retell LLM llm_1 is a multi-prompt agent (states): Retell creates none from 2026-12-15 and converts them into conversation flows from 2027-02-01');
    const agent = lintFlow({ agent_name: 'Front desk', retellLlmData: { states: [{ name: 'a' }] } }).diagnostics;
    expect(agent.map((d) => d.messageId)).toEqual(['multiPromptAgent']);
    expect(lintFlow({ llm_id: 'llm_2', general_prompt: 'x', general_tools: [] }).diagnostics.map((d) => d.messageId)).toEqual(['retellLlm']);
  });
});
