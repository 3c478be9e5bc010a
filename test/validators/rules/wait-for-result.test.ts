import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

/** greet -> function node "Book" (tool writes booking_id, booked_flag) with the given edges -> bye. */
function functionFlow(edges: unknown[], node: Record<string, unknown> = {}) {
  return baseFlow({
    tools: [{ type: 'custom', tool_id: 'book', name: 'book', url: 'https://example.com/book', response_variables: { booking_id: '$.id', booked_flag: '$.ok' } }],
    nodes: [
      { id: 'greet', type: 'conversation', instruction: { type: 'static_text', text: 'Hello.' }, edges: [{ id: 'e0', transition_condition: { type: 'prompt', prompt: 'Caller picked a time' }, destination_node_id: 'fn' }] },
      { id: 'fn', type: 'function', name: 'Book', tool_id: 'book', tool_type: 'local', wait_for_result: false, edges, ...node },
      { id: 'bye', type: 'end' },
    ],
  });
}

const prompt = (text: string, id = 'e1') => ({ id, transition_condition: { type: 'prompt', prompt: text }, destination_node_id: 'bye' });
const equation = (equations: unknown[], id = 'e1') => ({ id, transition_condition: { type: 'equation', operator: '||', equations }, destination_node_id: 'bye' });
const COND = (i: number) => `/nodes/1/edges/${i}/transition_condition`;

ruleTester('wait-for-result', {
  valid: [
    { name: 'waiting nodes may read the result', flow: functionFlow([prompt('The booking was confirmed')], { wait_for_result: true }) },
    { name: 'a fire-and-forget node that moves on', flow: functionFlow([prompt('Function is running')]) },
    { name: 'equations over variables the node does not write', flow: functionFlow([equation([{ left: '{{plan}}', operator: 'exists' }])], { wait_for_result: false }) },
    { name: 'wait_for_result missing is not false', flow: functionFlow([prompt('Booking returned an id')], { wait_for_result: undefined }) },
  ],
  invalid: [
    {
      name: 'prompt conditions about the result',
      flow: functionFlow([prompt('The booking was confirmed', 'e1'), prompt('Tool returned an error', 'e2'), prompt('Function finished', 'e3')]),
      errors: [
        { messageId: 'promptReadsResult', pointer: `${COND(0)}/prompt`, severity: 'warning', nodeId: 'fn', data: { word: 'confirmed', node: '"Book"', type: 'function' } },
        { messageId: 'promptReadsResult', pointer: `${COND(1)}/prompt`, data: { word: 'returned' } },
        { messageId: 'promptReadsResult', pointer: `${COND(2)}/prompt`, data: { word: 'finished' } },
      ],
    },
    {
      name: 'an equation over a response variable, once per edge',
      flow: functionFlow([equation([{ left: '{{booked_flag}}', operator: '==', right: 'true' }, { left: '{{booking_id}}', operator: 'exists' }])]),
      errors: [{ messageId: 'equationReadsResult', pointer: `${COND(0)}/equations/0/left`, data: { variable: '{{booked_flag}}' } }],
    },
    {
      name: 'code nodes with their own response variables',
      flow: baseFlow({
        nodes: [
          { id: 'greet', type: 'code', name: 'Score', code: 'return {score: 1}', wait_for_result: false, response_variables: { score: '$.score' }, edges: [{ id: 'e', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{score}}', operator: '>', right: '3' }] }, destination_node_id: 'bye' }] },
          { id: 'bye', type: 'end' },
        ],
      }),
      errors: [{ messageId: 'equationReadsResult', pointer: '/nodes/0/edges/0/transition_condition/equations/0/left', data: { type: 'code', variable: '{{score}}' } }],
    },
  ],
});
