import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const conv = (id: string, ...to: string[]) => ({
  id,
  type: 'conversation',
  instruction: { type: 'prompt', text: 'Talk' },
  edges: to.map((d, i) => ({ id: `e-${id}-${i}`, transition_condition: { type: 'prompt', prompt: `Go to ${d}` }, destination_node_id: d })),
});
/** greet -> ask; ask <-> loop: nothing in the loop reaches an end. */
const loopFlow = (extra: Record<string, unknown>[] = []) =>
  baseFlow({ nodes: [{ ...conv('greet', 'ask', 'bye'), name: 'Greet' }, { id: 'bye', type: 'end' }, conv('ask', 'loop'), conv('loop', 'ask'), ...extra] });

ruleTester('no-trap', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    { name: 'a loop with a way to an end', flow: baseFlow({ nodes: [...base(), conv('a', 'b'), conv('b', 'a', 'bye')] }) },
    {
      name: 'a subagent with an end_call tool can finish',
      flow: baseFlow({ nodes: [conv('greet', 'help'), { id: 'bye', type: 'end' }, { id: 'help', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'end_call', name: 'end_call' }], edges: [{ id: 'x', transition_condition: { type: 'prompt', prompt: 'again' }, destination_node_id: 'greet' }] }] }),
    },
    {
      name: 'a loop that reaches a dead end is no-dead-end\'s finding',
      flow: baseFlow({ nodes: [conv('greet', 'a'), { id: 'bye', type: 'end' }, conv('a', 'b', 'stuck'), conv('b', 'a'), conv('stuck')] }),
    },
    { name: 'an unreachable loop is no-unreachable-node\'s finding', flow: baseFlow({ nodes: [...base(), conv('a', 'b'), conv('b', 'a')] }) },
    {
      name: 'inside a component an end node is its exit',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [
          { id: 'enter', type: 'component', component_type: 'local', component_id: 'comp', else_edge: { id: 'el', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' } },
          { id: 'bye', type: 'end' },
        ],
        components: [{ conversation_flow_component_id: 'comp', name: 'comp', start_node_id: 'c1', nodes: [conv('c1', 'c2'), { id: 'c2', type: 'end' }] }],
      }),
    },
  ],
  invalid: [
    {
      name: 'an edge into a global node that only goes back does not hide the trap it returns to',
      flow: baseFlow({
        nodes: [
          conv('greet', 'ask', 'bye'),
          { id: 'bye', type: 'end' },
          conv('ask', 'loop', 'faq'),
          conv('loop', 'ask'),
          { ...conv('faq'), global_node_setting: { condition: 'Caller asks about prices', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Answered' } }] } },
        ],
      }),
      errors: [{ messageId: 'trap', nodeId: 'ask', data: { nodes: ['ask', 'loop'] } }],
    },
    {
      name: 'a flow with no end, transfer or swap node at all is one flow-level finding',
      flow: baseFlow({ nodes: [conv('greet', 'ask'), conv('ask', 'greet'), conv('x', 'greet')] }),
      errors: [{ messageId: 'noEnding', pointer: '', severity: 'error', data: { nodes: 3 } }],
    },
    {
      name: 'a two-node loop is reported once, at its entry, with the path in',
      flow: loopFlow(),
      errors: [{ messageId: 'trap', pointer: '/nodes/2', severity: 'error', nodeId: 'ask', data: { type: 'conversation', node: '"ask"', path: '"Greet" -> "ask"', count: 2, nodes: ['ask', 'loop'], cycle: '"ask" -> "loop" -> "ask"' } }],
    },
    {
      name: 'a global node that can end the call is named, and it is still an error',
      flow: loopFlow([{ ...conv('g', 'bye'), name: 'Hang up', global_node_setting: { condition: 'Caller wants to hang up' } }]),
      errors: [{ messageId: 'globalOnly', nodeId: 'ask', severity: 'error', data: { global: '"Hang up"', count: 2 } }],
    },
    {
      name: 'a global node that only goes back is no way out',
      flow: loopFlow([{ ...conv('g'), global_node_setting: { condition: 'Caller asks about prices', go_back_conditions: [{ id: 'gb', transition_condition: { type: 'prompt', prompt: 'Answered' } }] } }]),
      errors: [{ messageId: 'trap', nodeId: 'ask', severity: 'error' }],
    },
    {
      name: 'a flow-level global does not count inside a component',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [
          { id: 'enter', type: 'component', component_type: 'local', component_id: 'comp', else_edge: { id: 'el', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' } },
          { id: 'bye', type: 'end' },
          { ...conv('g', 'bye'), global_node_setting: { condition: 'Caller wants to hang up' } },
        ],
        components: [{ conversation_flow_component_id: 'comp', name: 'comp', start_node_id: 'c1', nodes: [conv('c1', 'exit', 'spin'), { id: 'exit', type: 'end' }, conv('spin', 'spin')] }],
      }),
      errors: [{ messageId: 'trap', pointer: '/components/0/nodes/2', severity: 'error' }],
    },
    {
      name: 'each entry into one trap is reported',
      flow: baseFlow({ nodes: [{ ...conv('greet', 'a', 'b', 'bye'), name: 'Greet' }, { id: 'bye', type: 'end' }, conv('a', 'b'), conv('b', 'a')] }),
      errors: [
        { messageId: 'trap', nodeId: 'a', data: { path: '"Greet" -> "a"' } },
        { messageId: 'trap', nodeId: 'b', data: { path: '"Greet" -> "b"' } },
      ],
    },
    {
      name: 'a long path in is shortened to its start and its last steps',
      flow: baseFlow({
        nodes: [conv('greet', 'p1', 'bye'), { id: 'bye', type: 'end' }, conv('p1', 'p2', 'bye'), conv('p2', 'p3', 'bye'), conv('p3', 'p4', 'bye'), conv('p4', 'p5', 'bye'), conv('p5', 'p6', 'bye'), conv('p6', 'trap'), conv('trap', 'trap')],
      }),
      errors: [{ messageId: 'trap', nodeId: 'p6', data: { path: '"greet" -> "p1" -> ... (2 more) -> "p4" -> "p5" -> "p6"', count: 2, nodes: ['p6', 'trap'], cycle: '"trap" -> "trap"' } }],
    },
    {
      name: 'a trapped start node',
      flow: baseFlow({ nodes: [conv('greet', 'ask'), { id: 'bye', type: 'end' }, conv('ask', 'greet')] }),
      errors: [{ messageId: 'trap', pointer: '/nodes/0', data: { path: '"greet"', count: 2 } }],
    },
    {
      name: 'a trap inside a component, past its start',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [
          { id: 'enter', type: 'component', component_type: 'local', component_id: 'comp', else_edge: { id: 'el', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'bye' } },
          { id: 'bye', type: 'end' },
        ],
        components: [{ conversation_flow_component_id: 'comp', name: 'comp', start_node_id: 'c1', nodes: [conv('c1', 'exit', 'spin'), { id: 'exit', type: 'end' }, conv('spin', 'spin')] }],
      }),
      errors: [{ messageId: 'trap', pointer: '/components/0/nodes/2', data: { path: '"c1" -> "spin"', count: 1 } }],
    },
  ],
});
