import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';
import { describe, expect, it } from 'vitest';
import { checkFlowSchema } from '../../../src/validators/schema/check.js';

const nodes = (...extra: unknown[]) => [...(baseFlow().nodes as unknown[]), ...extra];
const NODE_TYPES = 'conversation, subagent, end, function, code, transfer_call, press_digit, branch, sms, extract_dynamic_variables, agent_swap, mcp, component, bridge_transfer, cancel_transfer';

ruleTester('schema', {
  valid: [
    {
      name: 'the newer {type, primary, backup, temperature} model settings',
      flow: baseFlow({ model_choice: { type: 'cascading', primary: 'gpt-4.1', backup: 'gpt-4.1-mini', temperature: 0.2 } }),
    },
    {
      name: 'defects a dedicated rule explains are left to it (equation-syntax, branch-needs-else, failure-path, no-missing-tool)',
      flow: baseFlow({
        nodes: nodes(
          {
            id: 'route',
            type: 'branch',
            edges: [{ id: 'vip', destination_node_id: 'bye', transition_condition: { type: 'equation', operator: 'AND', equations: [{ left: '{{tier}}', operator: '=', right: 'vip' }] } }],
          },
          { id: 'xfer', type: 'transfer_call', transfer_destination: { type: 'predefined', number: '+14155550100' }, transfer_option: { type: 'cold_transfer' } },
          { id: 'fn', type: 'function', tool_type: 'local', wait_for_result: true },
        ),
      }),
    },
    { name: 'the base flow', flow: baseFlow() },
    {
      name: 'a GET response with server keys and canvas keys Retell writes',
      flow: baseFlow({
        conversation_flow_id: 'conversation_flow_1a2b',
        version: 3,
        is_published: true,
        last_modification_timestamp: 1767225600000,
        begin_tag_display_position: { x: 10, y: 20 },
        notes: [],
        nodes: [
          { ...(baseFlow().nodes as Record<string, unknown>[])[0], start_speaker: 'agent', display_position: { x: 1, y: 2 } },
          { id: 'bye', type: 'end', edges: [] },
        ],
      }),
    },
    { name: 'an agent export', flow: { agent_name: 'Front desk', conversationFlow: baseFlow() } },
    {
      name: 'unknown keys are unknown-property\'s finding, also inside a nullable list',
      flow: baseFlow({
        _note: 'draft',
        tools: [{ type: 'custom', name: 'lookup', url: 'https://example.com/lookup', tool_id: 't1', parameter_mapping: {} }],
        nodes: [{ ...(baseFlow().nodes as Record<string, unknown>[])[0], actions: [] }, (baseFlow().nodes as unknown[])[1]],
      }),
    },
    { name: 'nullable values may be null', flow: baseFlow({ tools: null, components: null, global_prompt: null }) },
    {
      name: 'an equation condition and an else edge',
      flow: baseFlow({
        nodes: nodes({
          id: 'route',
          type: 'branch',
          edges: [{ id: 'vip', destination_node_id: 'bye', transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{tier}}', operator: '==', right: 'vip' }] } }],
          else_edge: { id: 'else', destination_node_id: 'bye', transition_condition: { type: 'prompt', prompt: 'Else' } },
        }),
      }),
    },
  ],
  invalid: [
    {
      name: 'a node type newer than the SDK (escalate) is a warning, and the rest is linted',
      flow: baseFlow({ nodes: nodes({ id: 'esc', type: 'escalate', instruction: { type: 'prompt', text: 'Hand off' } }) }),
      errors: [{ messageId: 'unknownNodeType', pointer: '/nodes/2/type', severity: 'warning', data: { value: '"escalate"', version: '5.66.1' } }],
    },
    {
      name: 'a model the SDK does not list is a warning, not an error',
      flow: baseFlow({ model_choice: { type: 'cascading', model: 'gpt-4o-mini-legacy' } }),
      errors: [{ messageId: 'unknownModel', severity: 'warning', pointer: '/model_choice/model' }],
    },
    {
      name: 'a misspelt node type is an error naming the node types',
      flow: baseFlow({ nodes: nodes({ id: 'x', type: 'conversaton', instruction: { type: 'prompt', text: 'Hi' } }) }),
      errors: [{ messageId: 'badTag', pointer: '/nodes/2/type', nodeId: 'x', severity: 'error', data: { path: 'nodes/2/type', value: '"conversaton"', what: 'node type', expected: NODE_TYPES } }],
    },
    {
      name: 'a node without a type',
      flow: baseFlow({ nodes: nodes({ id: 'x', instruction: { type: 'prompt', text: 'Hi' } }) }),
      errors: [{ messageId: 'missingTag', pointer: '/nodes/2', data: { what: 'node', tag: 'type', expected: NODE_TYPES } }],
    },
    {
      name: 'only the errors of the variant the type names (not a wall from every node type)',
      flow: baseFlow({ nodes: nodes({ id: 'f', type: 'function', tool_id: 't1', edges: [] }) }),
      errors: [{ messageId: 'missing', pointer: '/nodes/2', nodeId: 'f', data: { path: 'nodes/2', what: 'function node', properties: '"tool_type", "wait_for_result"', count: 2 } }],
    },
    {
      name: 'missing top-level keys point at the flow and name them',
      flow: { start_node_id: 'a', nodes: [{ id: 'a', type: 'end' }] },
      errors: [{ messageId: 'missing', pointer: '', data: { path: '(flow)', what: 'the flow', properties: '"model_choice", "start_speaker"' } }],
    },
    {
      name: 'an unknown condition type',
      flow: baseFlow({
        nodes: [
          {
            id: 'greet',
            type: 'conversation',
            instruction: { type: 'prompt', text: 'Hi' },
            edges: [{ id: 'e1', destination_node_id: 'bye', transition_condition: { type: 'regex', prompt: 'yes' } }],
          },
          { id: 'bye', type: 'end' },
        ],
      }),
      errors: [{ messageId: 'badTag', pointer: '/nodes/0/edges/0/transition_condition/type', data: { what: 'condition type', expected: 'prompt, equation' } }],
    },
    {
      name: 'an unknown flow tool type',
      flow: baseFlow({ tools: [{ type: 'webhook', name: 'lookup', url: 'https://example.com' }] }),
      errors: [{ messageId: 'badTag', pointer: '/tools/0/type', data: { what: 'tool type', expected: 'custom, check_availability_cal, book_appointment_cal' } }],
    },
    {
      name: 'a wrong value type, one finding for the value',
      flow: baseFlow({ model_temperature: 'warm' }),
      errors: [{ messageId: 'type', pointer: '/model_temperature', data: { expected: 'number or null', found: 'string "warm"' } }],
    },
    {
      name: 'a value outside an enum',
      flow: baseFlow({ start_speaker: 'caller' }),
      errors: [{ messageId: 'enum', pointer: '/start_speaker', data: { value: '"caller"', expected: 'user, agent' } }],
    },
    {
      name: 'edges on an end node (Retell only writes an empty list there)',
      flow: baseFlow({ nodes: [(baseFlow().nodes as unknown[])[0], { id: 'bye', type: 'end', edges: [{ id: 'e', transition_condition: { type: 'prompt', prompt: 'x' } }] }] }),
      errors: [{ messageId: 'mustBeEmpty', pointer: '/nodes/1/edges', nodeId: 'bye', data: { what: 'end node', key: 'edges', count: 1 } }],
    },
    {
      name: 'an untagged union reports the shapes it accepts',
      flow: baseFlow({
        nodes: nodes({
          id: 't',
          type: 'transfer_call',
          transfer_destination: { type: 'predefined', number: '+15550100' },
          transfer_option: { type: 'warm_transfer', public_handoff_option: { text: 'Hi' } },
          edge: { id: 'tf', destination_node_id: 'bye', transition_condition: { type: 'prompt', prompt: 'Transfer failed' } },
        }),
      }),
      errors: [{ messageId: 'noShape', pointer: '/nodes/2/transfer_option/public_handoff_option', data: { expected: '{ prompt?, type?: "prompt" } or { message?, type?: "static_message" }' } }],
    },
    {
      name: 'a flow inside an agent export points into the export',
      flow: { agent_name: 'Front desk', conversationFlow: baseFlow({ start_speaker: 'bot' }) },
      errors: [{ messageId: 'enum', pointer: '/conversationFlow/start_speaker', data: { path: 'start_speaker' } }],
    },
    {
      name: 'JSON that is not an object',
      flow: 'nodes',
      errors: [{ messageId: 'notAnObject', pointer: '', data: { found: 'string' } }],
    },
    {
      name: 'an object that is no flow',
      flow: { steps: [], entry: 'a' },
      errors: [{ messageId: 'unrecognized', pointer: '', data: { keys: 'steps, entry' } }],
    },
  ],
});

describe('the validator keeps each value path on a stack (gen:schemas pathStack)', () => {
  it('reports paths inside components and list elements, and starts every validation at the root', () => {
    const deep = baseFlow({
      components: [
        {
          name: 'Verify',
          start_node_id: 'ask',
          nodes: [
            { id: 'ask', type: 'conversation', instruction: { type: 'prompt', text: 'Ask' }, edges: [] },
            { id: 'route', type: 'conversation', instruction: { type: 'prompt', text: 'Route' }, edges: [{ id: 'e', destination_node_id: 'ask', transition_condition: { type: 'prompt', prompt: 7 } }] },
          ],
        },
      ],
    });
    const paths = (flow: object) => {
      const { problems, unknown } = checkFlowSchema(flow);
      return [...problems.map((p) => p.path), ...unknown.map((u) => `${u.objectPath}:${u.key}`)].sort();
    };
    expect(paths(deep)).toEqual(['/components/0/nodes/1/edges/0/transition_condition/prompt']);
    // A second validation must not start where the first one's parts were left.
    expect(paths(baseFlow({ start_speaker: 'caller', extra_field: 1 }))).toEqual(['/start_speaker', ':extra_field']);
    expect(paths(baseFlow())).toEqual([]);
  });
});

describe('the validator makes its errors in one place (gen:schemas errorsOutOfLine)', () => {
  it('gives every error the keys ajv gives, in its order, and keeps all of them', async () => {
    const { default: validate } = await import('../../../src/validators/schema/flow-validator.js');
    const flow = baseFlow({
      start_speaker: 'caller',
      extra_field: 1,
      nodes: [{ id: 7, type: 'conversation', instruction: { type: 'prompt', text: 'Hi' }, display_position: { x: 'left', y: 0 } }],
    });
    expect(validate(flow)).toBe(false);
    const errors = validate.errors ?? [];
    for (const error of errors) expect(Object.keys(error)).toEqual(['instancePath', 'schemaPath', 'keyword', 'params']);
    expect(errors.map((e) => `${e.instancePath} ${e.keyword}`).sort()).toEqual([
      ' additionalProperties',
      '/nodes/0/display_position/x type',
      '/nodes/0/id type',
      '/start_speaker enum',
    ]);
    expect(errors.find((e) => e.keyword === 'enum')).toMatchObject({ schemaPath: '#/definitions/Flow/properties/start_speaker/enum', params: { allowedValues: ['user', 'agent'] } });
    expect(errors.find((e) => e.keyword === 'additionalProperties')?.params).toEqual({ additionalProperty: 'extra_field' });
  });
});
