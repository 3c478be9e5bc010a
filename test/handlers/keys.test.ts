import { describe, expect, it } from 'vitest';
import { canonicalJson, eventDedupeKey, functionCallKey, inboundKey, webhookEventKey } from '../../src/handlers/keys.js';

describe('idempotency keys', () => {
  it('argument order, at any depth, does not change the function-call key', () => {
    const a = functionCallKey({ callId: 'c1', handler: 'book', args: { date: '2026-03-14', who: { last: 'Li', first: 'Ana' }, list: [1, 2] } });
    const b = functionCallKey({ callId: 'c1', handler: 'book', args: { list: [1, 2], who: { first: 'Ana', last: 'Li' }, date: '2026-03-14' } });
    expect(a).toBe(b);
    expect(a).toMatch(/^fn:[0-9a-f]{64}$/);
    expect(canonicalJson({ b: 1, a: [{ d: 1, c: undefined }] })).toBe('{"a":[{"d":1}],"b":1}');
  });

  it('different args, handler, call or array order give different keys', () => {
    const base = { callId: 'c1', handler: 'book', args: { list: [1, 2] } };
    const key = functionCallKey(base);
    expect(functionCallKey({ ...base, args: { list: [2, 1] } })).not.toBe(key);
    expect(functionCallKey({ ...base, handler: 'cancel' })).not.toBe(key);
    expect(functionCallKey({ ...base, callId: 'c2' })).not.toBe(key);
  });

  it("Retell's tool_call_id wins when sent: the same tool call is one key whatever the args", () => {
    const one = functionCallKey({ callId: 'c1', handler: 'book', args: { n: 1 }, toolCallId: 'tc_9' });
    expect(functionCallKey({ callId: 'c1', handler: 'book', args: { n: 2 }, toolCallId: 'tc_9' })).toBe(one);
    expect(functionCallKey({ callId: 'c1', handler: 'book', args: { n: 1 }, toolCallId: 'tc_10' })).not.toBe(one);
    expect(functionCallKey({ callId: 'c1', handler: 'book', args: { n: 1 } })).not.toBe(one);
  });

  it('inbound and webhook keys: per call, per one-shot event; repeating events key on the stored event', () => {
    expect(inboundKey('call_1')).toBe('inbound:call_1');
    expect(inboundKey(undefined)).not.toBe(inboundKey(undefined));
    expect(eventDedupeKey('call_ended', 'call_1')).toBe('call_ended:call_1');
    expect(eventDedupeKey('transcript_updated', 'call_1')).toBeUndefined();
    expect(webhookEventKey({ dedupeKey: 'call_ended:call_1', id: 4 })).toBe('call_ended:call_1');
    expect(webhookEventKey({ id: 5 })).toBe('event:5');
  });
});
