import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { loadText } from '../../../src/flow/load.js';
import { lintLoaded } from '../../../src/validators/engine.js';
import { covered } from '../../helpers/covered.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

/** greet speaks `text`; everything else from baseFlow. */
function saying(text: string, overrides: Record<string, unknown> = {}) {
  const flow = baseFlow(overrides);
  const nodes = flow.nodes as Record<string, unknown>[];
  nodes[0] = { ...nodes[0], instruction: { type: 'prompt', text } };
  return flow;
}

const GREET_TEXT = '/nodes/0/instruction/text';

ruleTester('no-undefined-variable', {
  valid: [
    { name: 'no variables', flow: baseFlow() },
    { name: 'declared in default_dynamic_variables, whitespace trimmed', flow: saying('Hi {{ customer_name }}', { default_dynamic_variables: { customer_name: 'there' } }) },
    {
      name: 'Retell system variables, zoned ones included',
      flow: saying(
        'It is {{current_time}} ({{current_time_Europe/Berlin}}, hour {{current_hour_America/New_York}}). {{current_calendar_Australia/Sydney}} ' +
          '{{session_type}} {{session_duration}} {{direction}} {{user_number}} {{agent_number}} {{call_id}} {{call_type}} {{chat_id}}',
      ),
    },
    { name: 'listed in lint.variables', flow: saying('Hi {{first_name}}'), settings: { variables: ['first_name'] } },
    {
      name: 'written by an extract node and read by a later node',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'extract_dynamic_variables', variables: [{ type: 'string', name: 'email', description: 'The email' }], edges: [{ id: 'e', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{email}}', operator: 'exists' }] }, destination_node_id: 'bye' }] },
          { id: 'bye', type: 'end', instruction: { type: 'prompt', text: 'We will write to {{email}}.' } },
        ],
      }),
    },
    {
      name: 'response variables of tools and code nodes, and inline extract tools',
      flow: baseFlow({
        tools: [{ type: 'custom', tool_id: 't', name: 'lookup', url: 'https://x/{{booking_id}}', response_variables: { booking_id: '$.id' } }],
        nodes: [
          { id: 'greet', type: 'code', code: 'return {{not_a_template: 1}}', wait_for_result: true, response_variables: { total: '$.total' }, edges: [{ id: 'e', transition_condition: { type: 'prompt', prompt: 'Total is {{total}} and slot {{slot}}' }, destination_node_id: 'sub' }] },
          { id: 'sub', type: 'subagent', instruction: { type: 'prompt', text: 'Confirm {{slot}} for booking {{booking_id}}.' }, tools: [{ type: 'extract_dynamic_variable', name: 'get_slot', variables: [{ type: 'string', name: 'slot', description: 'the slot' }] }], edges: [{ id: 'e2', transition_condition: { type: 'prompt', prompt: 'Caller confirmed' }, destination_node_id: 'bye' }] },
          { id: 'bye', type: 'end' },
        ],
      }),
    },
    { name: 'ids, names and example transcripts are not templates', flow: saying('Hello', { nodes: [{ id: '{{x}}', type: 'end', name: '{{y}}', finetune_transition_examples: [{ transcript: [{ role: 'user', content: '{{z}}' }] }] }], start_node_id: '{{x}}' }) },
  ],
  invalid: [
    {
      name: 'an undeclared variable, with a did-you-mean and the hint',
      flow: saying('Hi {{customer_nme}}', { default_dynamic_variables: { customer_name: 'there' } }),
      errors: [{ messageId: 'undefined', pointer: GREET_TEXT, severity: 'warning', nodeId: 'greet', data: { ref: '{{customer_nme}}', name: 'customer_nme', where: 'conversation node "greet"', didYouMean: ' (did you mean {{customer_name}}?)' }, hint: 'if every call passes it (retell_llm_dynamic_variables, the inbound webhook), list it under lint.variables in your retell-kit config; otherwise give it a value in default_dynamic_variables' }],
    },
    {
      name: 'once per variable per node, at its first use',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'conversation', instruction: { type: 'prompt', text: 'Hi {{first_name}}, {{first_name}}!' }, edges: [{ id: 'e', transition_condition: { type: 'prompt', prompt: '{{first_name}} confirmed' }, destination_node_id: 'bye' }] },
          { id: 'bye', type: 'end', instruction: { type: 'prompt', text: 'Bye {{ first_name }}' } },
        ],
      }),
      errors: [
        { messageId: 'undefined', pointer: GREET_TEXT, data: { name: 'first_name', didYouMean: '' } },
        { messageId: 'undefined', pointer: '/nodes/1/instruction/text', data: { name: 'first_name', where: 'end node "bye"' } },
      ],
    },
    {
      name: 'the global prompt, conditions, equation operands, tools and transfer numbers',
      flow: baseFlow({
        global_prompt: 'You help {{company}}.',
        tools: [{ type: 'custom', tool_id: 't', name: 'crm', url: 'https://crm/{{account}}', headers: { Authorization: 'Bearer {{token}}' } }],
        nodes: [
          { id: 'greet', type: 'conversation', instruction: { type: 'static_text', text: 'Hello.' }, edges: [{ id: 'e', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{tier}}', operator: '==', right: '{{gold}}' }] }, destination_node_id: 'xfer' }] },
          { id: 'xfer', type: 'transfer_call', transfer_destination: { type: 'predefined', number: '{{desk_number}}' }, transfer_option: { type: 'cold_transfer' }, edge: { id: 'f', transition_condition: { type: 'prompt', prompt: 'Transfer failed' }, destination_node_id: 'bye' } },
          { id: 'bye', type: 'end' },
        ],
      }),
      errors: [
        // Sorted by line: baseFlow puts nodes before the overrides' global_prompt and tools.
        { messageId: 'undefined', pointer: '/nodes/0/edges/0/transition_condition/equations/0/left', data: { name: 'tier' } },
        { messageId: 'undefined', pointer: '/nodes/0/edges/0/transition_condition/equations/0/right', data: { name: 'gold' } },
        { messageId: 'undefined', pointer: '/nodes/1/transfer_destination/number', data: { name: 'desk_number', where: 'transfer_call node "xfer"' } },
        { messageId: 'undefined', pointer: '/global_prompt', data: { name: 'company', where: 'the global prompt' } },
        { messageId: 'undefined', pointer: '/tools/0/url', data: { name: 'account', where: 'tool "crm"' } },
        { messageId: 'undefined', pointer: '/tools/0/headers/Authorization', data: { name: 'token' } },
      ],
    },
    {
      name: 'a nested reference is checked from the inside out',
      flow: saying('It is {{current_time_{{caller_tz}}}}'),
      errors: [{ messageId: 'undefined', pointer: GREET_TEXT, data: { name: 'caller_tz' } }],
    },
    {
      name: 'a zoned system variable with a time zone that does not exist',
      flow: saying('It is {{current_time_America/NewYork}}'),
      errors: [{ messageId: 'unknownZone', pointer: GREET_TEXT, data: { zone: 'America/NewYork', ref: '{{current_time_America/NewYork}}' } }],
    },
  ],
});

describe('no-undefined-variable positions', () => {
  // A global prompt of a few thousand characters names several variables: each finding points at its own braces.
  const prompt = `You are Clara.\n\n## Rules\n- Say "hi" to {{first_name}}.\n${'Be kind. '.repeat(300)}\nRemind {{first_name}} of {{med_name}} at {{time}}.`;
  const flow = baseFlow({ global_prompt: prompt });
  const lint = (text: string, path: string) => lintLoaded(loadText(text, { path }), { only: ['no-undefined-variable'] }).diagnostics;
  /** What each finding's range covers in the text. */
  const coveredBy = (text: string, path: string) => lint(text, path).map((d) => covered(text, d));

  it('points at the braces of the first use in JSON, after escaped quotes and line breaks', () => {
    const text = JSON.stringify(flow, null, 2);
    expect(coveredBy(text, 'flow.json')).toEqual(['{{first_name}}', '{{med_name}}', '{{time}}']);
    const [first, med] = lint(text, 'flow.json');
    const line = text.split('\n')[first!.line - 1]!;
    expect(first!.column).toBe(line.indexOf('{{first_name}}') + 1);
    expect(med!.column).toBe(line.indexOf('{{med_name}}') + 1);
  });

  it('points at the braces in a YAML block scalar, on their own line', () => {
    const text = stringify(flow, { blockQuote: 'literal' });
    expect(text).toContain('global_prompt: |');
    expect(coveredBy(text, 'flow.yaml')).toEqual(['{{first_name}}', '{{med_name}}', '{{time}}']);
  });

  it('in YAML folded at line ends, points at the braces or keeps the whole prompt, never elsewhere', () => {
    const text = stringify(flow, { lineWidth: 40 });
    expect(text).toContain('global_prompt: >');
    const got = coveredBy(text, 'flow.yaml');
    expect(got).toHaveLength(3);
    for (const c of got) expect(c.startsWith('{{') || c.startsWith('>')).toBe(true);
  });
});
