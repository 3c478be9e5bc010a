import { describe, expect, it } from 'vitest';
import { resolveLintOptions } from '../../../src/validators/lint.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

function subagent(toolIds: number, inline: number) {
  return baseFlow({
    tools: Array.from({ length: toolIds }, (_, i) => ({ type: 'custom', tool_id: `t${i}`, name: `tool_${i}`, url: 'https://example.com' })),
    nodes: [
      {
        id: 'greet',
        type: 'subagent',
        name: 'Helper',
        instruction: { type: 'prompt', text: 'Help the caller.' },
        tool_ids: Array.from({ length: toolIds }, (_, i) => `t${i}`),
        tools: Array.from({ length: inline }, (_, i) => ({ type: 'end_call', name: `end_${i}` })),
        edges: [{ id: 'e', transition_condition: { type: 'prompt', prompt: 'Caller is done' }, destination_node_id: 'bye' }],
      },
      { id: 'bye', type: 'end' },
    ],
  });
}

function longInstruction(length: number) {
  const flow = baseFlow();
  (flow.nodes as Record<string, unknown>[])[1]!.instruction = { type: 'prompt', text: 'x'.repeat(length) };
  return flow;
}

ruleTester('prompt-limits', {
  valid: [
    { name: 'short prompts', flow: baseFlow({ global_prompt: 'Be kind.' }) },
    { name: 'exactly at the limit', flow: baseFlow({ global_prompt: 'x'.repeat(10_000) }) },
    { name: 'twenty tools', flow: subagent(18, 2) },
    { name: 'a raised limit', flow: longInstruction(12_000), options: { maxPromptChars: 15_000 } },
  ],
  invalid: [
    {
      name: 'a long global prompt',
      flow: baseFlow({ global_prompt: 'x'.repeat(10_001) }),
      errors: [{ messageId: 'promptTooLong', pointer: '/global_prompt', severity: 'warning', data: { where: 'the global prompt', length: 10_001, max: 10_000 } }],
    },
    {
      name: 'a long node instruction',
      flow: longInstruction(10_500),
      errors: [{ messageId: 'promptTooLong', pointer: '/nodes/1/instruction/text', nodeId: 'bye', data: { where: 'the instruction of end node "bye"', length: 10_500 } }],
    },
    {
      name: 'a subagent with too many tools, ids and inline together',
      flow: subagent(19, 2),
      errors: [{ messageId: 'tooManyTools', pointer: '/nodes/0', data: { node: '"Helper"', count: 21, max: 20 } }],
    },
    {
      name: 'lowered limits from options',
      flow: subagent(3, 0),
      options: { maxTools: 2, maxPromptChars: 10 },
      errors: [
        { messageId: 'tooManyTools', data: { count: 3, max: 2 } },
        { messageId: 'promptTooLong', pointer: '/nodes/0/instruction/text', data: { length: 16, max: 10 } },
      ],
    },
  ],
});

describe('prompt-limits options', () => {
  it('are validated when config is loaded', () => {
    expect(resolveLintOptions({ rules: { 'prompt-limits': ['warning', { maxTools: 30 }] } }).ruleOptions?.['prompt-limits']).toEqual({ maxTools: 30 });
    expect(() => resolveLintOptions({ rules: { 'prompt-limits': ['warning', { maxTools: 0 }] } })).toThrow(/maxTools/);
    expect(() => resolveLintOptions({ rules: { 'prompt-limits': ['warning', { maxTool: 3 }] } })).toThrow(/prompt-limits/);
  });
});
