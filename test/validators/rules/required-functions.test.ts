import { describe, expect, it } from 'vitest';
import { loadText } from '../../../src/flow/load.js';
import { lintLoaded } from '../../../src/validators/engine.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const tool = (tool_id: string, name: string) => ({ type: 'custom', tool_id, name, url: 'https://example.com/x', description: 'd' });
const fn = (id: string, tool_id: string) => ({
  id,
  type: 'function',
  tool_id,
  tool_type: 'local',
  wait_for_result: true,
  edges: [{ id: `e-${id}`, transition_condition: { type: 'prompt', prompt: 'done' }, destination_node_id: 'bye' }],
});
const greetTo = (to: string) => ({ ...(base()[0] as object), edges: [{ id: 'g', transition_condition: { type: 'prompt', prompt: 'x' }, destination_node_id: to }] });
const tools = [tool('t_book', 'book_appointment'), tool('t_log', 'log_call')];
const required = { requiredFunctions: ['book_appointment'] };

ruleTester('required-functions', {
  valid: [
    { name: 'nothing required', flow: baseFlow() },
    { name: 'called by a reachable function node', flow: baseFlow({ tools, nodes: [greetTo('f'), base()[1], fn('f', 't_book')] }), settings: required },
    {
      name: 'listed by a reachable subagent',
      flow: baseFlow({ tools, nodes: [greetTo('s'), base()[1], { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'h' }, tool_ids: ['t_book'], tools: [{ type: 'end_call', name: 'end_call' }] }] }),
      settings: required,
    },
    {
      name: 'an inline tool of a reachable subagent',
      flow: baseFlow({ nodes: [greetTo('s'), base()[1], { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'h' }, tools: [{ type: 'custom', name: 'book_appointment', url: 'https://x' }, { type: 'end_call', name: 'end_call' }] }] }),
      settings: required,
    },
  ],
  invalid: [
    {
      name: 'defined but called by no node',
      flow: baseFlow({ tools }),
      settings: required,
      errors: [{ messageId: 'notCalled', pointer: '/tools', severity: 'error', data: { name: 'book_appointment' } }],
    },
    {
      name: 'called only from an unreachable node',
      flow: baseFlow({ tools, nodes: [...base(), fn('f', 't_book')] }),
      settings: required,
      errors: [{ messageId: 'notCalled', data: { name: 'book_appointment' } }],
    },
    {
      name: 'not defined at all, reported at the flow root when it has no tools',
      flow: baseFlow(),
      settings: { requiredFunctions: ['book_appointment', 'log_call'] },
      errors: [
        { messageId: 'missing', pointer: '', data: { name: 'book_appointment' } },
        { messageId: 'missing', pointer: '', data: { name: 'log_call' } },
      ],
    },
  ],
});

describe('required-functions hints', () => {
  it('suggests a close tool name', () => {
    const file = loadText(JSON.stringify(baseFlow({ tools })), { path: 'flow.json' });
    const [d] = lintLoaded(file, { only: ['required-functions'], settings: { requiredFunctions: ['book_appointments'] } }).diagnostics;
    expect(d?.messageId).toBe('missing');
    expect(d?.hint).toBe('did you mean "book_appointment"?');
  });
});
