import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { recognise } from '../../src/retell/wire.js';
import { fixture } from '../helpers/cli.js';

const read = (...parts: string[]): unknown => JSON.parse(readFileSync(fixture(...parts), 'utf8'));

describe('recognise: documents that carry a flow', () => {
  it('a bare flow (fixture)', () => {
    const doc = read('flows', 'valid', 'salon-booking.json');
    expect(recognise(doc)).toEqual({ kind: 'flow', pointer: '', flow: doc });
  });

  it('a dashboard agent export: where the flow sits and the agent name (fixture)', () => {
    const doc = read('flows', 'invalid', 'agent-export-unknown-start.json') as Record<string, unknown>;
    expect(recognise(doc)).toEqual({
      kind: 'agent-export',
      pointer: '',
      flowPointer: '/conversationFlow',
      flow: doc.conversationFlow,
      name: 'Studio Lumen Receptionist',
    });
  });

  it('an agent with the API spelling conversation_flow', () => {
    const flow = { nodes: [] };
    expect(recognise({ agent_id: 'agent_1', conversation_flow: flow })).toEqual({ kind: 'agent-export', pointer: '', flowPointer: '/conversation_flow', flow, name: 'agent_1' });
  });

  it('a list response: every item recognised, pointers under /items', () => {
    const doc = { items: [{ nodes: [] }, { agent_name: 'A', conversationFlow: { nodes: [] } }, 'x'], has_more: false };
    expect(recognise(doc)).toMatchObject({
      kind: 'list',
      itemsPointer: '/items',
      items: [
        { kind: 'flow', pointer: '/items/0' },
        { kind: 'agent-export', pointer: '/items/1', flowPointer: '/items/1/conversationFlow', name: 'A' },
        { kind: 'not-an-object', pointer: '/items/2', found: 'string' },
      ],
    });
  });

  it('a top-level array of objects is a list; an empty one is not an object', () => {
    expect(recognise([{ nodes: [] }, { call_id: 'c', call_status: 'ended' }])).toMatchObject({
      kind: 'list',
      itemsPointer: '',
      items: [{ kind: 'flow', pointer: '/0' }, { kind: 'call', pointer: '/1', callId: 'c' }],
    });
    expect(recognise([])).toEqual({ kind: 'not-an-object', pointer: '', found: 'array' });
    expect(recognise({ items: [] })).toEqual({ kind: 'list', pointer: '', itemsPointer: '/items', items: [] });
  });

  it('lists are recognised at the top level only', () => {
    expect(recognise({ items: [{ items: [{ nodes: [] }] }] })).toMatchObject({ items: [{ kind: 'unrecognised', pointer: '/items/0', keys: ['items'] }] });
  });
});

describe('recognise: Retell objects that are not flows', () => {
  it('an agent on a Retell LLM (fixture)', () => {
    expect(recognise(read('flows', 'not-flows', 'retell-llm-agent.json'))).toEqual({ kind: 'retell-llm-agent', pointer: '', name: 'Studio Lumen (single prompt)' });
    expect(recognise({ retellLlmData: {}, conversationFlow: null, agent_id: 'agent_9' })).toEqual({ kind: 'retell-llm-agent', pointer: '', name: 'agent_9' });
  });

  it('an agent on a custom LLM', () => {
    expect(recognise({ response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://x' } })).toEqual({ kind: 'custom-llm-agent', pointer: '' });
  });

  it('an agent that points at a flow without including it', () => {
    expect(recognise({ agent_name: 'Desk', response_engine: { type: 'conversation-flow', conversation_flow_id: 'cf_1' } })).toEqual({
      kind: 'agent-without-flow',
      pointer: '',
      name: 'Desk',
      flowId: 'cf_1',
    });
  });

  it('a Retell LLM config', () => {
    expect(recognise({ llm_id: 'llm_1', general_prompt: 'hi' })).toEqual({ kind: 'llm', pointer: '', llmId: 'llm_1' });
    expect(recognise({ general_prompt: 'hi', general_tools: [] })).toEqual({ kind: 'llm', pointer: '' });
  });

  it('a webhook payload, for calls, chats and inbound calls', () => {
    expect(recognise({ event: 'call_ended', call: { call_id: 'c' } })).toEqual({ kind: 'webhook', pointer: '', event: 'call_ended' });
    expect(recognise({ event: 'chat_started', chat: { chat_id: 'c' } })).toEqual({ kind: 'webhook', pointer: '', event: 'chat_started' });
    expect(recognise({ event: 'call_inbound', call_inbound: { from_number: '+1' } })).toEqual({ kind: 'webhook', pointer: '', event: 'call_inbound' });
  });

  it('a call object', () => {
    expect(recognise({ call_id: 'call_1', call_type: 'phone_call', transcript: '' })).toEqual({ kind: 'call', pointer: '', callId: 'call_1' });
  });

  it('names that are not scalars are left out, not stringified', () => {
    expect(recognise({ agent_name: { toString: null }, response_engine: { type: 'retell-llm' } })).toEqual({ kind: 'retell-llm-agent', pointer: '' });
  });
});

describe('recognise: anything else', () => {
  it('an object of another shape keeps its first five keys (fixture)', () => {
    expect(recognise(read('flows', 'invalid', 'not-a-flow-shape.json'))).toEqual({ kind: 'unrecognised', pointer: '', keys: ['name', 'steps'] });
    expect(recognise({ a: 1, b: 2, c: 3, d: 4, e: 5, f: 6 })).toMatchObject({ keys: ['a', 'b', 'c', 'd', 'e'] });
  });

  it('scalars and null', () => {
    expect([null, 'text', 3, true].map((v) => recognise(v))).toEqual(['null', 'string', 'number', 'boolean'].map((found) => ({ kind: 'not-an-object', pointer: '', found })));
  });
});
