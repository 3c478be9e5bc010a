import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const prompt = (text: string, to: string | undefined = 'bye', id = 'e1') => ({
  id,
  transition_condition: { type: 'prompt', prompt: text },
  ...(to ? { destination_node_id: to } : {}),
});

/** greet -> one conversation node "ask" whose edges are under test -> bye. */
function askFlow(edges: unknown[], extra: Record<string, unknown> = {}) {
  return baseFlow({
    nodes: [
      { id: 'greet', type: 'conversation', instruction: { type: 'static_text', text: 'Hello.' }, edges: [prompt('Caller said what they need', 'ask', 'e0')] },
      { id: 'ask', type: 'conversation', name: 'Ask', instruction: { type: 'prompt', text: 'Ask if they want a callback.' }, edges, ...extra },
      { id: 'bye', type: 'end' },
    ],
  });
}

/** greet -> function node "Lookup" (tool writes lookup_found, member_id) whose edges are under test. */
function functionFlow(edges: unknown[], node: Record<string, unknown> = {}) {
  return baseFlow({
    tools: [
      { type: 'custom', tool_id: 't1', name: 'lookup', url: 'https://example.com/lookup', response_variables: { lookup_found: '$.found', member_id: '$.member.id' } },
    ],
    nodes: [
      { id: 'greet', type: 'conversation', instruction: { type: 'static_text', text: 'Hello.' }, edges: [prompt('Caller gave their member number', 'fn', 'e0')] },
      { id: 'fn', type: 'function', name: 'Lookup', tool_id: 't1', tool_type: 'local', wait_for_result: true, edges, else_edge: prompt('Else', 'bye', 'else'), ...node },
      { id: 'bye', type: 'end' },
    ],
  });
}

const at = (i: number, node = 1) => `/nodes/${node}/edges/${i}/transition_condition/prompt`;

ruleTester('no-vague-transition', {
  valid: [
    { name: 'an unattached placeholder edge is no-unconnected-edge\'s one finding', flow: askFlow([prompt('Caller wants a callback'), prompt('Describe the transition condition', '', 'e2')]) },
    { name: 'a specific condition', flow: baseFlow() },
    {
      name: 'special edges keep their fixed literals',
      flow: askFlow([prompt('Caller wants a callback')], {
        else_edge: prompt('Else', 'bye', 'else'),
        skip_response_edge: prompt('Skip response', 'bye', 'skip'),
        always_edge: prompt('Always', 'bye', 'always'),
      }),
    },
    { name: 'one domain word is specific enough in its node', flow: askFlow([prompt('Pharmacy'), prompt('Insurance question', 'bye', 'e2')]) },
    { name: 'a role with a generic word names who', flow: askFlow([prompt('Caller is done.')]) },
    { name: 'equation conditions are not prompts', flow: askFlow([{ id: 'e1', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{x}}', operator: 'exists' }] }, destination_node_id: 'bye' }]) },
    { name: 'a result condition on a node that stores nothing matching', flow: functionFlow([prompt('The appointment was booked')]) },
    { name: 'a non-result condition on a function node', flow: functionFlow([prompt('Caller asks about their member number')]) },
    { name: 'no preferEquation when the node does not wait (wait-for-result reports it)', flow: functionFlow([prompt('Lookup found the member')], { wait_for_result: false }) },
  ],
  invalid: [
    {
      name: 'the dashboard placeholder, also on an unconnected edge',
      flow: askFlow([prompt('Describe the transition condition', undefined)]),
      errors: [{ messageId: 'placeholder', pointer: at(0), severity: 'warning', data: { where: 'edge of "Ask"', text: 'Describe the transition condition' } }],
    },
    {
      name: 'an empty condition',
      flow: askFlow([prompt('   ')]),
      errors: [{ messageId: 'empty', pointer: at(0), data: { where: 'edge of "Ask"' } }],
    },
    {
      name: 'answers and flow words without a subject',
      flow: askFlow([prompt('Yes', 'bye', 'e1'), prompt('if needed, proceed', 'bye', 'e2'), prompt('OK then continue', 'bye', 'e3'), prompt('next_step', 'bye', 'e4')]),
      errors: [
        { messageId: 'generic', pointer: at(0), data: { text: 'Yes' } },
        { messageId: 'generic', pointer: at(1), data: { text: 'if needed, proceed' } },
        { messageId: 'generic', pointer: at(2), data: { text: 'OK then continue' } },
        { messageId: 'generic', pointer: at(3), data: { text: 'next_step' } },
      ],
    },
    {
      name: 'special literals written on ordinary edges',
      flow: askFlow([prompt('Always end'), prompt('skip response', 'bye', 'e2')]),
      errors: [
        { messageId: 'literal', pointer: at(0), data: { text: 'Always end', instead: "for an unconditional move use the node's always_edge" } },
        { messageId: 'literal', pointer: at(1), data: { instead: "to move on without waiting for the caller use the node's skip_response_edge" } },
      ],
    },
    {
      name: '"Always" on a function node points to else_edge (it has no always_edge)',
      flow: functionFlow([prompt('Always')]),
      errors: [{ messageId: 'literal', pointer: at(0), data: { instead: "for a fallback taken when nothing else matches use the node's else_edge" } }],
    },
    {
      name: 'a placeholder go-back condition of a global node',
      flow: askFlow([prompt('Caller wants a callback')], {
        global_node_setting: { condition: 'Caller asks for a callback', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Describe the transition condition' } }] },
      }),
      errors: [{ messageId: 'placeholder', pointer: '/nodes/1/global_node_setting/go_back_conditions/0/transition_condition/prompt', data: { where: 'go-back condition of "Ask"' } }],
    },
    {
      name: 'a result judged by the LLM although the node stores it',
      flow: functionFlow([prompt('Tickets were found for the caller'), prompt('Successfully got the member information', 'bye', 'e2')]),
      errors: [
        { messageId: 'preferEquation', pointer: at(0), severity: 'info', data: { variable: '{{lookup_found}}', example: '{{lookup_found}} == "true"', node: '"Lookup"' } },
        { messageId: 'preferEquation', pointer: at(1), severity: 'info', data: { variable: '{{member_id}}', example: '{{member_id}} exists' } },
      ],
    },
    {
      name: 'one finding per edge: a placeholder wins over preferEquation',
      flow: functionFlow([prompt('Describe the transition condition')]),
      errors: [{ messageId: 'placeholder', pointer: at(0) }],
    },
  ],
});
