import { sign as sdkSign, verify as sdkVerify } from 'retell-sdk/lib/webhook_auth';
import { describe, expect, it } from 'vitest';
import { sign, verify, SIGNATURE_TOLERANCE_MS } from '../../src/retell/signature.js';

// Test vector from retell-reference §5.2 (SDK and PySDK tests, recomputed with openssl).
const VECTOR = {
  body: '{"event":"call_ended"}',
  key: 'test-api-key',
  ts: 1700000000000,
  digest: '07024cabe7dd8f6d1c6e4a8324ca92c812e6ad4a7ee506c04f7e462e3321823e',
};

describe('signature', () => {
  it('matches the reference test vector', () => {
    expect(sign(VECTOR.body, VECTOR.key, VECTOR.ts)).toBe(`v=${VECTOR.ts},d=${VECTOR.digest}`);
    expect(verify(VECTOR.body, VECTOR.key, `v=${VECTOR.ts},d=${VECTOR.digest}`, { now: VECTOR.ts })).toEqual({ ok: true, timestamp: VECTOR.ts });
  });

  it('accepts what the official SDK signs, including non-ASCII bodies, as bytes or text', async () => {
    const body = JSON.stringify({ event: 'call_ended', call: { call_id: 'c1', transcript: 'Agent: Ça va, Zoë? 予約は明日です 💇' } });
    const header = await sdkSign(body, 'key_abc');
    expect(verify(body, 'key_abc', header)).toMatchObject({ ok: true });
    expect(verify(Buffer.from(body, 'utf8'), 'key_abc', header)).toMatchObject({ ok: true });
  });

  it('signs what the official SDK accepts', async () => {
    const body = '{"event":"call_started","call":{"call_id":"é"}}';
    expect(await sdkVerify(body, 'key_abc', sign(body, 'key_abc'))).toBe(true);
  });

  it('says why a signature fails, without the key or the expected digest', () => {
    const now = VECTOR.ts;
    const good = `v=${now},d=${VECTOR.digest}`;
    const cases: [string | undefined, string, string][] = [
      [undefined, VECTOR.body, 'missing'],
      ['', VECTOR.body, 'missing'],
      ['v=1700000000000', VECTOR.body, 'malformed'],
      [`v=${now},d=${VECTOR.digest.slice(0, 63)}`, VECTOR.body, 'malformed'],
      [`v=${now},d=${VECTOR.digest}0`, VECTOR.body, 'malformed'],
      [` ${good}`, VECTOR.body, 'malformed'],
      [`v=-1,d=${VECTOR.digest}`, VECTOR.body, 'malformed'],
      [`t=${now},v1=${VECTOR.digest}`, VECTOR.body, 'malformed'],
      [good, '{"event":"call_ended" }', 'mismatch'],
      [good.replace(/.$/, (c) => (c === '0' ? '1' : '0')), VECTOR.body, 'mismatch'],
    ];
    for (const [header, body, reason] of cases) {
      const result = verify(body, VECTOR.key, header, { now });
      expect(result, String(header)).toMatchObject({ ok: false, reason });
      if (!result.ok) {
        expect(result.detail).not.toContain(VECTOR.key);
        expect(result.detail).not.toContain(VECTOR.digest);
      }
    }
    expect(verify(VECTOR.body, 'other-key', good, { now })).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('accepts uppercase hex, as the SDK does', () => {
    expect(verify(VECTOR.body, VECTOR.key, `v=${VECTOR.ts},d=${VECTOR.digest.toUpperCase()}`, { now: VECTOR.ts })).toMatchObject({ ok: true });
  });

  it('holds a ±5 minute window, inclusive at both ends', () => {
    const header = `v=${VECTOR.ts},d=${VECTOR.digest}`;
    const at = (now: number) => verify(VECTOR.body, VECTOR.key, header, { now });
    expect(at(VECTOR.ts + SIGNATURE_TOLERANCE_MS)).toMatchObject({ ok: true });
    expect(at(VECTOR.ts - SIGNATURE_TOLERANCE_MS)).toMatchObject({ ok: true });
    expect(at(VECTOR.ts + SIGNATURE_TOLERANCE_MS + 1)).toMatchObject({ ok: false, reason: 'stale' });
    expect(at(VECTOR.ts - SIGNATURE_TOLERANCE_MS - 1)).toMatchObject({ ok: false, reason: 'future' });
  });
});
