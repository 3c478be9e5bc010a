import { describe, expect, it } from 'vitest';
import { sign } from '../../src/retell/signature.js';
import { buildTrigger, explainSignature, sampleCall, targetUrl } from '../../src/trigger/index.js';

const KEY = 'key_webhook_badge_0000';
const NOW = 1_773_655_200_000;
const BODY = JSON.stringify({ event: 'call_ended', call: { call_id: 'c1', transcript: 'Agent: Grüß Gott! Wie kann ich helfen?' } });

describe('trigger --explain (the signature doctor)', () => {
  it('says a good signature verifies', () => {
    const d = explainSignature({ body: BODY, header: sign(BODY, KEY, NOW - 2000), keys: [KEY], now: NOW });
    expect(d).toMatchObject({ ok: true, verdict: 'the signature verifies with the key' });
  });

  it('matches Retell\'s published test vector', () => {
    const d = explainSignature({ body: '{"event":"call_ended"}', header: 'v=1700000000000,d=07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e', keys: ['test-api-key'], now: 1700000000000 });
    expect(d.ok).toBe(true);
  });

  it('tells a body re-serialised by a framework from a wrong key', () => {
    const pretty = JSON.stringify(JSON.parse(BODY), null, 2);
    const header = sign(BODY, KEY, NOW);
    const d = explainSignature({ body: pretty, header, keys: [KEY], now: NOW });
    expect(d.verdict).toBe('the body was changed after it was signed: verify the raw request bytes, before any JSON parsing (express.raw(), request.get_data(), ...)');
    expect(d.checks.at(-1)).toEqual({ ok: false, name: 'body bytes', detail: 'Retell signed the compact JSON of this body; yours was re-serialised (re-spaced, pretty-printed or its non-ASCII characters \\u-escaped)' });
    // A Python server that json.dumps()es with ensure_ascii: the accented transcript was escaped.
    const escaped = BODY.replace('ü', '\\u00fc').replace('ß', '\\u00df');
    expect(explainSignature({ body: escaped, header, keys: [KEY], now: NOW }).checks.at(-1)!.detail).toMatch(/^Retell signed the compact JSON of this body/);
    expect(explainSignature({ body: BODY, header: sign(escaped, KEY, NOW), keys: [KEY], now: NOW }).checks.at(-1)!.detail).toBe('Retell signed the body with its non-ASCII characters \\u-escaped; yours has them as UTF-8');
    expect(explainSignature({ body: BODY, header: sign(`${BODY}\n`, KEY, NOW), keys: [KEY], now: NOW }).checks.at(-1)!.detail).toBe('the trailing newline of the signed body was lost');
    expect(explainSignature({ body: BODY, header: sign(BODY, 'key_some_other_000', NOW), keys: [KEY], now: NOW }).verdict).toMatch(/^wrong API key \(Retell signs with the key that has the "webhook" badge/);
  });

  it('finds a key with a trailing newline, a stale timestamp, seconds instead of ms, and a malformed header', () => {
    expect(explainSignature({ body: BODY, header: sign(BODY, KEY, NOW), keys: [`${KEY}\n`], now: NOW }).verdict).toMatch(/^the key has surrounding whitespace, a newline or quotes/);
    const stale = explainSignature({ body: BODY, header: sign(BODY, KEY, NOW - 600_000), keys: [KEY], now: NOW });
    expect(stale.verdict).toBe('the digest is right but the timestamp is 600 s old: check the server clock (NTP), or this is a replayed request');
    expect(stale.checks.find((c) => c.name === 'timestamp window')).toMatchObject({ ok: false });
    expect(explainSignature({ body: BODY, header: `v=${NOW / 1000},d=${'a'.repeat(64)}`, keys: [KEY], now: NOW }).verdict).toMatch(/timestamp is in seconds/);
    expect(explainSignature({ body: BODY, header: 'a'.repeat(64), keys: [KEY], now: NOW }).verdict).toMatch(/^malformed header: it is a bare digest/);
    expect(explainSignature({ body: BODY, header: `v=${NOW},d=abc`, keys: [KEY], now: NOW }).verdict).toBe('malformed header: the digest has 3 hex digits, not 64');
    expect(explainSignature({ body: BODY, header: '', keys: [KEY], now: NOW }).verdict).toMatch(/^no signature/);
    // The header copied with its name still reads.
    expect(explainSignature({ body: BODY, header: `x-retell-signature: ${sign(BODY, KEY, NOW)}`, keys: [KEY], now: NOW }).ok).toBe(true);
  });

  it('never puts a key in what it says', () => {
    const d = explainSignature({ body: BODY, header: sign(BODY, 'key_other_secret_99', NOW), keys: [KEY, 'key_old_secret_42'], now: NOW });
    const text = JSON.stringify(d);
    expect(text).not.toContain(KEY);
    expect(text).not.toContain('key_old_secret_42');
  });
});

describe('trigger requests', () => {
  it('builds webhook events in Retell\'s shape as far along as the event implies', () => {
    const started = buildTrigger('call_started', { now: NOW }).payload as { event: string; call: Record<string, unknown> };
    expect(started.event).toBe('call_started');
    expect(started.call).toMatchObject({ call_status: 'ongoing', call_type: 'phone_call' });
    expect(started.call.transcript_with_tool_calls).toBeUndefined();
    const analyzed = buildTrigger('call_analyzed', { now: NOW }).payload as { call: Record<string, unknown> };
    expect(analyzed.call).toMatchObject({ call_status: 'ended', disconnection_reason: 'user_hangup', call_analysis: { call_successful: true } });
  });

  it('builds a function call from a call\'s own invocation, and call_inbound from its numbers', () => {
    const call = sampleCall('call_ended', NOW);
    expect(buildTrigger('function:check_availability', { call })).toMatchObject({ path: '/functions/check_availability', payload: { name: 'check_availability', args: { service: 'haircut' }, tool_call_id: 'tool_call_trigger1' } });
    expect(() => buildTrigger('function:book_appointment', { call })).toThrow(/no arguments for book_appointment/);
    expect(buildTrigger('call_inbound', { call })).toMatchObject({ path: '/webhook/inbound', payload: { event: 'call_inbound', call_inbound: { from_number: '+14155550199', to_number: '+14155550100' } } });
    expect(() => buildTrigger('call_exploded')).toThrow(/unknown event "call_exploded"/);
  });

  it('adds serve\'s route to a bare origin and keeps a full URL', () => {
    const request = buildTrigger('call_ended', { now: NOW });
    expect(targetUrl('http://127.0.0.1:8787', request)).toBe('http://127.0.0.1:8787/webhook');
    expect(targetUrl('https://example.com/retell/hook?x=1', request)).toBe('https://example.com/retell/hook?x=1');
  });
});
