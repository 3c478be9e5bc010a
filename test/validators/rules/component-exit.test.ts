import { describe, expect, it } from 'vitest';
import { loadText } from '../../../src/flow/load.js';
import { lintLoaded } from '../../../src/validators/engine.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const edge = (id: string, to: string) => ({ id, transition_condition: { type: 'prompt', prompt: `to ${to}` }, destination_node_id: to });
const conv = (id: string, ...to: string[]) => ({ id, type: 'conversation', instruction: { type: 'prompt', text: 'Talk' }, edges: to.map((d, i) => edge(`e-${id}-${i}`, d)) });
const componentNode = (id: string, component_id?: string, extra: Record<string, unknown> = {}) => ({
  id,
  name: `Enter ${component_id ?? 'nothing'}`,
  type: 'component',
  component_type: 'local',
  ...(component_id === undefined ? {} : { component_id }),
  else_edge: { ...edge(`else-${id}`, 'bye'), transition_condition: { type: 'prompt', prompt: 'Else' } },
  ...extra,
});
const component = (id: string, name: string, nodes: unknown[], start = 'c1') => ({ conversation_flow_component_id: id, name, start_node_id: start, nodes });
const withExit = (id: string, name: string) => component(id, name, [conv('c1', 'exit'), { id: 'exit', type: 'end', name: 'Exit Component' }]);
/** start -> component node `enter` (component `comp`) -> bye. */
const flowUsing = (components: unknown[], nodes: unknown[] = []) =>
  baseFlow({ start_node_id: 'enter', nodes: [componentNode('enter', 'comp'), { id: 'bye', type: 'end' }, ...nodes], components });

ruleTester('component-exit', {
  valid: [
    { name: 'no components', flow: baseFlow() },
    { name: 'a used component with a reachable exit', flow: flowUsing([withExit('comp', 'Intake')]) },
    {
      name: 'an exit reached through a global node of the component',
      flow: flowUsing([component('comp', 'Intake', [conv('c1', 'c1'), { ...conv('g', 'exit'), global_node_setting: { condition: 'Caller is done' } }, { id: 'exit', type: 'end' }])]),
    },
    { name: 'a shared component is not ours to check', flow: baseFlow({ nodes: [...(baseFlow().nodes as unknown[]), componentNode('s', 'shared_1', { component_type: 'shared' })] }) },
  ],
  invalid: [
    {
      name: 'a used component whose exit is not linked',
      flow: flowUsing([component('comp', 'Intake', [conv('c1', 'c2'), conv('c2', 'c1'), { id: 'exit', type: 'end' }])]),
      errors: [{ messageId: 'noExit', pointer: '/components/0', severity: 'error', data: { component: '"Intake"', callers: 'component node "Enter comp"' } }],
    },
    {
      name: 'a component with no end node at all',
      flow: flowUsing([component('comp', 'Transfer', [conv('c1', 'c1')])]),
      errors: [{ messageId: 'noExit', pointer: '/components/0' }],
    },
    {
      name: 'an unused component is a warning',
      flow: flowUsing([withExit('comp', 'Intake'), withExit('spare', 'Spare')]),
      errors: [{ messageId: 'unused', pointer: '/components/1', severity: 'warning', data: { component: '"Spare"' } }],
    },
    {
      name: 'a component node inside a component',
      flow: flowUsing([component('comp', 'Outer', [componentNode('c1', 'inner', { else_edge: { ...edge('el', 'exit'), transition_condition: { type: 'prompt', prompt: 'Else' } } }), { id: 'exit', type: 'end' }]), withExit('inner', 'Inner')]),
      errors: [{ messageId: 'nested', pointer: '/components/0/nodes/0', severity: 'error', nodeId: 'c1', data: { component: '"Outer"' } }],
    },
    {
      name: 'a component node naming no local component',
      flow: flowUsing([withExit('comp', 'Intake')], [componentNode('lost', 'compp')]),
      errors: [{ messageId: 'unknown', pointer: '/nodes/2/component_id', severity: 'error', data: { id: 'compp', node: '"Enter compp"' } }],
    },
    {
      name: 'a local component node without component_id',
      flow: flowUsing([withExit('comp', 'Intake')], [componentNode('lost')]),
      errors: [{ messageId: 'noComponentId', pointer: '/nodes/2', data: { node: '"Enter nothing"' } }],
    },
  ],
});

describe('component-exit hints', () => {
  const hints = (flow: unknown) => lintLoaded(loadText(JSON.stringify(flow), { path: 'flow.json' }), { only: ['component-exit'] }).diagnostics.map((d) => d.hint);
  it('suggests a near component id', () => {
    expect(hints(flowUsing([withExit('comp', 'Intake')], [componentNode('lost', 'compp')]))).toEqual(['did you mean "comp"?']);
  });
  it('points from a component name to its id', () => {
    expect(hints(flowUsing([withExit('comp', 'Intake')], [componentNode('lost', 'Intake')]))).toEqual(['"Intake" is the name of a component; component_id takes its id "comp"']);
  });
});

describe('an unused component is one finding', () => {
  it('no error fires inside it (stub dead ends, missing tools), and the warning lists its nodes', () => {
    const flow = baseFlow({
      components: [
        {
          conversation_flow_component_id: 'stub',
          name: 'Stub',
          start_node_id: 'a',
          nodes: [
            { id: 'a', type: 'conversation', instruction: { type: 'prompt', text: 'TODO' } },
            { id: 'b', type: 'function', tool_id: 'nope', tool_type: 'local', wait_for_result: true },
            { id: 'c', type: 'conversation', instruction: { type: 'prompt', text: 'TODO' }, edges: [{ id: 'u', transition_condition: { type: 'prompt', prompt: 'Caller is done' } }] },
          ],
        },
      ],
    });
    const { diagnostics } = lintLoaded(loadText(JSON.stringify(flow, null, 2), { path: 'flow.json' }));
    expect(diagnostics.map((d) => `${d.ruleId}:${d.severity}`)).toEqual(['component-exit:warning']);
    expect(diagnostics[0]!.data).toMatchObject({ count: 3, nodes: ['a', 'b', 'c'] });
    expect(diagnostics[0]!.message).toBe('component "Stub" is never used: no component node enters it, so its 3 nodes are not checked further (use it, or delete it)');
  });
});
