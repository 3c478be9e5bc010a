import { describe, expect, it } from 'vitest';
import { eventCallId, parseFunctionCall, parseInboundRequest, parseWebhookEvent } from '../../src/retell/wire.js';

describe("Retell's webhook, inbound and function-call bodies", () => {
  it('webhook: the call id is the call\'s, or the chat\'s for chat agents', () => {
    expect(parseWebhookEvent({ event: 'call_ended', call: { call_id: 'c1' } })).toMatchObject({ ok: true, callId: 'c1' });
    expect(parseWebhookEvent({ event: 'chat_ended', chat: { chat_id: 'ch1' } })).toMatchObject({ ok: true, callId: 'ch1' });
    expect(eventCallId({ event: 'call_ended', call: { call_id: '' } })).toBeUndefined();
    expect(parseWebhookEvent({ call: {} })).toEqual({ ok: false, problem: 'expected a Retell webhook: {"event": "...", "call": {...}}' });
    expect(parseWebhookEvent({ event: 'call_started', call: { call_id: 7 } })).toEqual({ ok: false, problem: '"call_started" carries no call.call_id (or chat.chat_id)' });
  });

  it('inbound: the event key may be absent, but no other event is accepted', () => {
    expect(parseInboundRequest({ call_inbound: { from_number: '+1', to_number: '+2' } })).toEqual({ ok: true, callInbound: { from_number: '+1', to_number: '+2' }, callId: undefined });
    expect(parseInboundRequest({ event: 'call_inbound', call_inbound: { call_id: 'c1', from_number: '+1', to_number: '+2' } })).toMatchObject({ ok: true, callId: 'c1' });
    expect(parseInboundRequest({ event: 'call_started', call_inbound: {} })).toMatchObject({ ok: false });
  });

  it('function call, default shape {name, call, args}: args and call id from the body', () => {
    const parsed = parseFunctionCall({ name: 'book_v2', call: { call_id: 'c1', agent_version: 3 }, args: { date: 'x' }, tool_call_id: 'tc1' }, {});
    expect(parsed).toEqual({ ok: true, request: { name: 'book_v2', args: { date: 'x' }, call: { call_id: 'c1', agent_version: 3 }, callId: 'c1', toolCallId: 'tc1' } });
    // The path names the function even when the body does too.
    expect(parseFunctionCall({ name: 'other', call: { call_id: 'c1' }, args: {} }, { nameFromPath: 'book' })).toMatchObject({ request: { name: 'book' } });
  });

  it('function call, args_at_root: the body is the args, the call id comes from ?call_id=', () => {
    const query = new URLSearchParams('call_id=c9');
    expect(parseFunctionCall({ date: 'x', name: 'kept' }, { nameFromPath: 'book', query })).toEqual({ ok: true, request: { name: 'book', args: { date: 'x', name: 'kept' }, call: {}, callId: 'c9', toolCallId: undefined } });
    // Without a path name, `name` (and a stray `call`) are not args.
    expect(parseFunctionCall({ name: 'book', date: 'x' }, { query: new URLSearchParams() })).toEqual({ ok: true, request: { name: 'book', args: { date: 'x' }, call: {}, callId: '', toolCallId: undefined } });
    expect(parseFunctionCall({ date: 'x' }, {})).toEqual({ ok: false, problem: 'no function name: POST to /functions/<name>, or send {"name": ..., "args": ...}' });
    expect(parseFunctionCall('text', {})).toEqual({ ok: false, problem: 'expected a JSON object body' });
  });
});
