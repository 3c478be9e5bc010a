import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const base = () => baseFlow().nodes as Record<string, unknown>[];
const conv = (id: string, ...to: string[]) => ({
  id,
  type: 'conversation',
  instruction: { type: 'prompt', text: 'Talk' },
  edges: to.map((d, i) => ({ id: `e-${id}-${i}`, transition_condition: { type: 'prompt', prompt: 'Done' }, destination_node_id: d })),
});
const componentNode = (id: string, component: string, to = 'bye') => ({
  id,
  type: 'component',
  component_type: 'local',
  component_id: component,
  else_edge: { id: `else-${id}`, transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: to },
});
const component = (id: string, nodes: unknown[]) => ({ conversation_flow_component_id: id, name: id, start_node_id: 'c1', nodes });

ruleTester('no-unreachable-node', {
  valid: [
    { name: 'the base flow', flow: baseFlow() },
    {
      name: 'a global node needs no incoming edge, and what it leads to is reachable',
      flow: baseFlow({ nodes: [...base(), { ...conv('faq', 'after'), global_node_setting: { condition: 'Caller asks a question' } }, conv('after', 'bye')] }),
    },
    {
      name: 'nodes of a used component are reached from its start',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [componentNode('enter', 'comp', 'greet'), ...base()],
        components: [component('comp', [conv('c1', 'c2'), { id: 'c2', type: 'end' }])],
      }),
    },
    {
      name: 'nodes of an unused component are component-exit\'s finding',
      flow: baseFlow({ components: [component('comp', [conv('c1'), conv('lost')])] }),
    },
    { name: 'a flow without a start is start-node\'s finding', flow: baseFlow({ start_node_id: undefined }) },
    { name: 'a node that repeats an id is no-duplicate-id\'s finding', flow: baseFlow({ nodes: [...base(), conv('greet', 'bye')] }) },
  ],
  invalid: [
    {
      name: 'what only a repeated-id node leads to is still reported',
      flow: baseFlow({ nodes: [...base(), conv('greet', 'after'), conv('after', 'bye')] }),
      errors: [{ messageId: 'unreachable', nodeId: 'after' }],
    },
    {
      name: 'one lone node',
      flow: baseFlow({ nodes: [...base(), conv('orphan', 'bye')] }),
      errors: [{ messageId: 'unreachable', pointer: '/nodes/2', severity: 'warning', nodeId: 'orphan', data: { type: 'conversation', node: '"orphan"' } }],
    },
    {
      name: 'a region is reported once, at its root, with its size',
      flow: baseFlow({ nodes: [...base(), conv('a', 'b'), conv('b', 'c'), conv('c', 'bye'), conv('d', 'b')] }),
      errors: [
        { messageId: 'unreachableRegion', nodeId: 'a', data: { node: '"a"', count: 3 } },
        { messageId: 'unreachable', nodeId: 'd', data: { node: '"d"' } },
      ],
    },
    {
      name: 'a cycle with no way in is reported at its earliest node',
      flow: baseFlow({ nodes: [...base(), conv('x', 'y'), conv('y', 'z'), conv('z', 'x', 'w'), conv('w', 'bye')] }),
      errors: [{ messageId: 'unreachableRegion', pointer: '/nodes/2', nodeId: 'x', data: { count: 4 } }],
    },
    {
      name: 'a cycle fed by a root belongs to that root',
      flow: baseFlow({ nodes: [...base(), conv('y', 'z'), conv('z', 'y'), conv('root', 'y')] }),
      errors: [{ messageId: 'unreachableRegion', nodeId: 'root', data: { count: 3 } }],
    },
    {
      name: 'unreachable nodes inside a used component',
      flow: baseFlow({
        start_node_id: 'enter',
        nodes: [componentNode('enter', 'comp', 'greet'), ...base()],
        components: [component('comp', [conv('c1', 'c2'), { id: 'c2', type: 'end' }, conv('stray', 'c2')])],
      }),
      errors: [{ messageId: 'unreachable', pointer: '/components/0/nodes/2', nodeId: 'stray' }],
    },
    {
      name: 'a node reached only through an unattached edge',
      flow: baseFlow({ nodes: [{ ...conv('greet', 'bye'), edges: [{ id: 'e1', transition_condition: { type: 'prompt', prompt: 'x' } }] }, { id: 'bye', type: 'end' }] }),
      errors: [{ messageId: 'unreachable', pointer: '/nodes/1', data: { type: 'end', node: '"bye"' } }],
    },
  ],
});
