import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const edge = (id: string, to: string) => ({ id, transition_condition: { type: 'prompt', prompt: `Go to ${to}` }, destination_node_id: to });
const branch = (id: string, to: string, elseTo: string) => ({ id, type: 'branch', edges: [edge(`e-${id}`, to)], else_edge: { ...edge(`else-${id}`, elseTo), transition_condition: { type: 'prompt', prompt: 'Else' } } });
const fn = (id: string, to: string) => ({ id, type: 'function', name: id.toUpperCase(), tool_id: 't', tool_type: 'local', wait_for_result: true, edges: [edge(`e-${id}`, to)] });
const conv = (id: string, to: string, extra: Record<string, unknown> = {}) => ({ id, type: 'conversation', instruction: { type: 'prompt', text: 'Talk' }, edges: [edge(`e-${id}`, to)], ...extra });

ruleTester('no-silent-loop', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    { name: 'a loop through a conversation node waits for the caller', flow: baseFlow({ nodes: [...base(), conv('ask', 'check'), fn('check', 'route'), branch('route', 'bye', 'ask')] }) },
    { name: 'a chain of silent nodes without a cycle', flow: baseFlow({ nodes: [...base(), fn('a', 'b'), branch('b', 'bye', 'bye')] }) },
  ],
  invalid: [
    {
      name: 'function -> branch -> function',
      flow: baseFlow({ nodes: [...base(), fn('check', 'route'), branch('route', 'bye', 'check')] }),
      errors: [{ messageId: 'silentLoop', pointer: '/nodes/2', severity: 'error', nodeId: 'check', data: { path: '"CHECK" -> "route" -> "CHECK"', size: 2 } }],
    },
    {
      name: 'a branch that routes to itself',
      flow: baseFlow({ nodes: [...base(), branch('spin', 'bye', 'spin')] }),
      errors: [{ messageId: 'silentLoop', pointer: '/nodes/2', data: { path: '"spin" -> "spin"', size: 1 } }],
    },
    {
      name: 'skip-response edges do not wait either',
      flow: baseFlow({
        nodes: [
          ...base(),
          conv('a', 'bye', { skip_response_edge: { ...edge('s-a', 'b'), transition_condition: { type: 'prompt', prompt: 'Skip response' } } }),
          { id: 'b', type: 'code', code: 'return 1', wait_for_result: true, edges: [edge('e-b', 'a')] },
        ],
      }),
      errors: [{ messageId: 'silentLoop', nodeId: 'a', data: { path: '"a" -> "b" -> "a"' } }],
    },
    {
      name: 'two separate loops are two findings',
      flow: baseFlow({ nodes: [...base(), branch('x', 'bye', 'x'), fn('p', 'q'), branch('q', 'bye', 'p')] }),
      errors: [
        { messageId: 'silentLoop', nodeId: 'x' },
        { messageId: 'silentLoop', nodeId: 'p', data: { size: 2 } },
      ],
    },
  ],
});
