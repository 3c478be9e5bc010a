import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

/** A branch node "Route" whose first edge carries the condition under test. */
function branchFlow(condition: unknown, extra: Record<string, unknown> = {}) {
  return baseFlow({
    default_dynamic_variables: { plan: 'basic', age: '30' },
    nodes: [
      { id: 'greet', type: 'conversation', instruction: { type: 'static_text', text: 'Hello.' }, edges: [{ id: 'e0', transition_condition: { type: 'prompt', prompt: 'Caller said what they need' }, destination_node_id: 'route' }] },
      {
        id: 'route',
        type: 'branch',
        name: 'Route',
        edges: [{ id: 'e1', transition_condition: condition, destination_node_id: 'bye' }],
        else_edge: { id: 'else', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' },
        ...extra,
      },
      { id: 'bye', type: 'end' },
    ],
  });
}

const eq = (equations: unknown, operator: unknown = '&&') => ({ type: 'equation', operator, equations });
const C = '/nodes/1/edges/0/transition_condition';

ruleTester('equation-syntax', {
  valid: [
    { name: 'no equations at all', flow: baseFlow() },
    { name: 'a comparison with {{variable}}', flow: branchFlow(eq([{ left: '{{plan}}', operator: '==', right: 'premium' }])) },
    { name: 'exists without a right side', flow: branchFlow(eq([{ left: '{{plan}}', operator: 'exists' }], '||')) },
    { name: 'every operator Retell knows', flow: branchFlow(eq(['==', '!=', 'contains', 'not_contains'].map((operator) => ({ left: '{{plan}}', operator, right: 'x' })).concat([{ left: '{{age}}', operator: '>=', right: '18' }, { left: '{{age}}', operator: '<', right: '{{plan}}' }, { left: '{{age}}', operator: 'not_exist', right: '' } as never]))) },
    { name: 'an equation on the fixed-literal always edge', flow: branchFlow(eq([{ left: '{{plan}}', operator: '==', right: 'x' }]), { always_edge: { id: 'a', transition_condition: { ...eq([{ left: '{{plan}}', operator: 'exists' }]), prompt: 'Always' }, destination_node_id: 'bye' } }) },
  ],
  invalid: [
    {
      name: 'a bare name where {{variable}} is meant',
      flow: branchFlow(eq([{ left: 'appointment_date', operator: 'exists' }])),
      errors: [{ messageId: 'bareName', pointer: `${C}/equations/0/left`, severity: 'error', data: { index: 1, left: 'appointment_date', braced: '{{appointment_date}}', where: 'edge of "Route"' } }],
    },
    {
      name: 'an unknown operator, with the spelling meant',
      flow: branchFlow(eq([{ left: '{{plan}}', operator: '=', right: 'x' }, { left: '{{plan}}', operator: 'not_exists' }, { left: '{{plan}}', operator: 'matches', right: 'x' }])),
      errors: [
        { messageId: 'badOperator', pointer: `${C}/equations/0/operator`, data: { operator: '=', didYouMean: ': did you mean "=="?' } },
        { messageId: 'badOperator', pointer: `${C}/equations/1/operator`, data: { index: 2, didYouMean: ': did you mean "not_exist"?' } },
        { messageId: 'badOperator', pointer: `${C}/equations/2/operator`, data: { index: 3, operator: 'matches', didYouMean: '' } },
      ],
    },
    {
      name: 'a combiner that is not && or ||',
      flow: branchFlow(eq([{ left: '{{plan}}', operator: 'exists' }, { left: '{{age}}', operator: 'exists' }], 'and')),
      errors: [{ messageId: 'badCombiner', pointer: `${C}/operator`, data: { operator: 'and', didYouMean: ': did you mean "&&"?' } }],
    },
    {
      name: 'missing left and missing right',
      flow: branchFlow(eq([{ operator: '==', right: 'x' }, { left: '  ', operator: 'exists' }, { left: '{{plan}}', operator: '!=' }])),
      errors: [
        { messageId: 'missingLeft', pointer: `${C}/equations/0`, data: { index: 1 } },
        { messageId: 'missingLeft', pointer: `${C}/equations/1/left`, data: { index: 2 } },
        { messageId: 'missingRight', pointer: `${C}/equations/2`, data: { index: 3, left: '{{plan}}', operator: '!=' } },
      ],
    },
    {
      name: 'exists with a right side Retell ignores',
      flow: branchFlow(eq([{ left: '{{plan}}', operator: 'exists', right: 'premium' }])),
      errors: [{ messageId: 'unexpectedRight', pointer: `${C}/equations/0/right`, severity: 'warning', data: { right: 'premium', operator: 'exists' } }],
    },
    {
      name: 'a numeric comparison with a non-number',
      flow: branchFlow(eq([{ left: '{{age}}', operator: '>', right: '5s' }])),
      errors: [{ messageId: 'notANumber', pointer: `${C}/equations/0/right`, severity: 'warning', data: { right: '5s', operator: '>' } }],
    },
    {
      name: 'an empty equations list, and the invented left_side shape',
      flow: branchFlow(eq([]), {
        edges: [
          { id: 'e1', transition_condition: eq([]), destination_node_id: 'bye' },
          { id: 'e2', transition_condition: { type: 'equation', left_side: 'silence', operator: '>', right_side: '5' }, destination_node_id: 'bye' },
        ],
      }),
      errors: [
        { messageId: 'noEquations', pointer: `${C}/equations`, data: { found: '' } },
        { messageId: 'noEquations', pointer: '/nodes/1/edges/1/transition_condition', data: { found: ' (found left_side, right_side directly on the condition; Retell reads only equations[])' } },
      ],
    },
    {
      name: 'an equation that is not an object',
      flow: branchFlow(eq(['{{plan}} == x'])),
      errors: [{ messageId: 'notAnEquation', pointer: `${C}/equations/0`, data: { index: 1 } }],
    },
    {
      name: 'go-back equation conditions of a global node are checked too',
      flow: branchFlow(eq([{ left: '{{plan}}', operator: 'exists' }]), {
        global_node_setting: { condition: 'Caller asks about plans', go_back_conditions: [{ id: 'gb', transition_condition: eq([{ left: 'plan', operator: 'exists' }]) }] },
      }),
      errors: [{ messageId: 'bareName', pointer: '/nodes/1/global_node_setting/go_back_conditions/0/transition_condition/equations/0/left', data: { where: 'go-back condition of "Route"' } }],
    },
  ],
});
