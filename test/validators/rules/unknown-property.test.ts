import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const [greet, bye] = baseFlow().nodes as Record<string, unknown>[];

ruleTester('unknown-property', {
  valid: [
    { name: 'the newer model settings keys', flow: baseFlow({ model_choice: { type: 'cascading', model: 'gpt-4.1', primary: 'gpt-4.1', backup: 'gpt-4.1-mini', temperature: 0.2 } }) },
    { name: 'the base flow', flow: baseFlow() },
    {
      name: 'keys Retell itself writes into GET responses and dashboard exports',
      flow: baseFlow({
        conversation_flow_id: 'conversation_flow_1a2b',
        version: 7,
        is_published: false,
        last_modification_timestamp: 1767225600000,
        begin_tag_display_position: { x: 0, y: 0 },
        notes: [],
        nodes: [
          {
            ...greet,
            start_speaker: 'agent',
            display_position: { x: 1, y: 2 },
            edges: [{ id: 'e', condition: 'Caller said what they need', destination_node_id: 'bye', transition_condition: { type: 'prompt', prompt: 'Caller said what they need' } }],
          },
          { ...bye, edges: [] },
          { id: 'c', type: 'component', component_id: 'cmp-1', component_type: 'local', user_modified_timestamp: 1, else_edge: { id: 'ce', transition_condition: { type: 'prompt', prompt: 'Else' } } },
        ],
        components: [{ name: 'Verify', conversation_flow_component_id: 'cmp-1', user_modified_timestamp: 1, nodes: [{ id: 'x', type: 'end' }] }],
      }),
    },
    {
      name: 'a bad node type is schema\'s finding, not a pile of unknown keys',
      flow: baseFlow({ nodes: [greet, { id: 'bye', type: 'finish', instruction: { type: 'prompt', text: 'Bye' }, whatever: 1 }] }),
    },
    {
      name: 'a wrong value is schema\'s finding',
      flow: baseFlow({ model_temperature: 'warm', tools: null }),
    },
  ],
  invalid: [
    {
      name: 'the same key on several objects of one kind is one finding with a count and the places',
      flow: baseFlow({
        nodes: [
          { ...greet, parameter_mapping: {} },
          { ...bye, parameter_mapping: {} },
          { id: 'bye2', type: 'end', parameter_mapping: {}, _note: 'x' },
        ],
      }),
      errors: [
        { messageId: 'unknown', pointer: '/nodes/0/parameter_mapping', data: { what: 'conversation node', key: 'parameter_mapping', count: 1, version: '5.66.1' } },
        { messageId: 'unknownMany', pointer: '/nodes/1/parameter_mapping', data: { what: 'end node', key: 'parameter_mapping', count: 2, places: ['nodes/1', 'nodes/2'] } },
        { messageId: 'unknown', pointer: '/nodes/2/_note', data: { key: '_note' } },
      ],
    },
    {
      name: 'a typo gets a did-you-mean over the keys of that object',
      flow: baseFlow({ nodes: [{ ...greet, edges: [{ id: 'e', destination_node_Id: 'bye', transition_condition: { type: 'prompt', prompt: 'Done' } }] }, bye] }),
      errors: [
        {
          messageId: 'didYouMean',
          pointer: '/nodes/0/edges/0/destination_node_Id',
          nodeId: 'greet',
          severity: 'warning',
          data: { path: 'nodes/0/edges/0', what: 'edge', key: 'destination_node_Id', suggestion: 'destination_node_id' },
        },
      ],
    },
    {
      name: 'team notes at the top level and on a node',
      flow: baseFlow({ _fix_date: '2025-11-10', metadata: { owner: 'ops' }, nodes: [{ ...greet, _note: 'ask for the name first' }, bye] }),
      errors: [
        // Reported in file order: the nodes come before the keys appended after them.
        { messageId: 'unknown', pointer: '/nodes/0/_note', nodeId: 'greet', data: { what: 'conversation node', key: '_note' } },
        { messageId: 'unknown', pointer: '/_fix_date', data: { path: '(flow)', what: 'the flow', key: '_fix_date' } },
        { messageId: 'unknown', pointer: '/metadata', data: { key: 'metadata' } },
      ],
    },
    {
      name: 'a key that belongs to another node type',
      flow: baseFlow({
        nodes: [
          greet,
          bye,
          { id: 'f', type: 'function', tool_id: 't', tool_type: 'local', wait_for_result: true, always_edge: { id: 'a', destination_node_id: 'bye', transition_condition: { type: 'prompt', prompt: 'Always' } } },
        ],
      }),
      errors: [{ messageId: 'unknown', pointer: '/nodes/2/always_edge', data: { what: 'function node', key: 'always_edge' } }],
    },
    {
      name: 'no misleading suggestion for a different setting',
      flow: baseFlow({ knowledge_base_settings: { top_k: 3 } }),
      errors: [{ messageId: 'unknown', pointer: '/knowledge_base_settings' }],
    },
    {
      name: 'keys with / and ~ are escaped in the pointer',
      flow: baseFlow({ 'a/b~c': 1 }),
      errors: [{ messageId: 'unknown', pointer: '/a~1b~0c', data: { key: 'a/b~c' } }],
    },
    {
      name: 'an unknown key on an inline subagent tool',
      flow: baseFlow({
        nodes: [greet, bye, { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'Help' }, tools: [{ type: 'end_call', name: 'end_call', descripton: 'Hang up' }] }],
      }),
      errors: [{ messageId: 'didYouMean', pointer: '/nodes/2/tools/0/descripton', nodeId: 's', data: { what: 'end_call tool', suggestion: 'description' } }],
    },
  ],
});
