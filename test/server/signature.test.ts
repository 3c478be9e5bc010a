import http from 'node:http';
import { symmetric } from 'retell-sdk/lib/webhook_auth';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { KitError } from '../../src/errors.js';
import { createServer } from '../../src/server/app.js';
import { defineFunction } from '../../src/handlers/define.js';
import { API_KEY, callObject, request, signedPost, start, until, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const seen: string[] = [];
const config = {
  functions: { echo: defineFunction({ args: z.object({ text: z.string() }), handler: ({ text }: { text: string }) => ({ heard: text }) }) },
  webhooks: { call_ended: (event: any) => void seen.push(event.call.transcript) },
};

describe('serve: signatures', () => {
  it('accepts V= / D= in upper case, as the SDK does', async () => {
    s = await start(config);
    const body = JSON.stringify({ name: 'echo', call: callObject('call_upper'), args: { text: 'hi' } });
    const header = (await symmetric.sign(body, API_KEY, Date.now())).replace('v=', 'V=').replace(',d=', ',D=');
    expect(await symmetric.verify(body, API_KEY, header)).toBe(true);
    const res = await request(s.url, { path: '/functions/echo', body, headers: { 'x-retell-signature': header } });
    expect([res.status, res.json()]).toEqual([200, { heard: 'hi' }]);
  });

  it('refuses a request with no or a malformed or stale signature before reading its body', async () => {
    s = await start(config);
    for (const header of [undefined, 'v=1,d=zz', `v=${Date.now() - 3_600_000},d=${'a'.repeat(64)}`]) {
      // Declare 4 MiB, send 64 KiB, and wait: the answer must come without the rest.
      const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = http.request(new URL('/webhook', s!.url), { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': String(4 * 1024 * 1024), ...(header ? { 'x-retell-signature': header } : {}) } }, (res) => {
          let text = '';
          res.on('data', (c: Buffer) => (text += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' || error.code === 'EPIPE' ? undefined : reject(error)));
        req.write(Buffer.alloc(64 * 1024, 32));
        setTimeout(() => reject(new Error('no answer without the whole body')), 3_000).unref();
      });
      expect(answer.status).toBe(401);
      expect(JSON.parse(answer.text).error).toBe('invalid_signature');
    }
    expect(s.server.metrics.signatureFailures.get({ reason: 'missing' })).toBe(1);
  });

  it('accepts what the official SDK signs, including non-ASCII transcripts', async () => {
    s = await start(config);
    const transcript = 'User: Hallo, ich heiße Zoë. ¿Mañana a las 10? 明日 💇‍♀️';
    // Retell sends compact JSON with non-ASCII unescaped; hash the bytes as they arrive.
    const res = await signedPost(s.url, '/webhook', { event: 'call_ended', call: callObject('call_ascii', { transcript }) });
    expect(res.status).toBe(200);
    await until(() => seen.includes(transcript), 5000, 'call_ended handler');
    const fn = await signedPost(s.url, '/functions/echo', { name: 'echo', call: callObject('call_ascii'), args: { text: 'Ça coûte 30 €' } });
    expect(fn.status).toBe(200);
    expect(fn.json()).toEqual({ heard: 'Ça coûte 30 €' });
    // Same body with escaped unicode is different bytes: still fine when signed as sent.
    const escaped = JSON.stringify({ event: 'call_ended', call: callObject('call_esc', { transcript: 'Zo\u00eb' }) }).replace('ë', '\\u00eb');
    expect((await signedPost(s.url, '/webhook', escaped)).status).toBe(200);
  });

  it('rejects tampered bodies, stale and future timestamps, wrong keys and malformed headers, saying why without the key', async () => {
    s = await start(config);
    const body = JSON.stringify({ event: 'call_started', call: callObject('call_x') });
    const now = Date.now();
    const good = await symmetric.sign(body, API_KEY, now);
    const cases: { header?: string; body?: string; reason: string }[] = [
      { header: good, body: body.replace('call_x', 'call_y'), reason: 'mismatch' },
      { header: await symmetric.sign(body, API_KEY, now - 301_000), reason: 'stale' },
      { header: await symmetric.sign(body, API_KEY, now + 301_000), reason: 'future' },
      { header: await symmetric.sign(body, 'key_wrong_0000000000', now), reason: 'mismatch' },
      { header: 'v=123,d=abc', reason: 'malformed' },
      { header: `d=${good.split('d=')[1]},v=${now}`, reason: 'malformed' },
      { reason: 'missing' },
    ];
    for (const c of cases) {
      const res = await request(s.url, { path: '/webhook', body: c.body ?? body, headers: c.header ? { 'x-retell-signature': c.header } : {} });
      expect(res.status, c.reason).toBe(401);
      expect(res.json()).toEqual({ error: 'invalid_signature', message: `signature rejected: ${c.reason}` });
    }
    const rejections = s.entries().filter((e) => e.msg === 'signature rejected');
    expect(rejections.map((e) => e.reason)).toEqual(cases.map((c) => c.reason));
    for (const r of rejections) expect(r.detail).toEqual(expect.any(String));
    expect(s.logs.join('')).not.toContain(API_KEY);
    expect(s.server.metrics.signatureFailures.get({ reason: 'mismatch' })).toBe(2);
    expect(s.server.metrics.render()).toMatch(/retell_kit_signature_failures_total\{reason="stale"\} 1/);
    // Nothing reached the store.
    expect(await s.server.store.eventsForCall('call_x')).toEqual([]);
    expect(await s.server.store.eventsForCall('call_y')).toEqual([]);
  });

  it('never echoes the API key, even when a handler puts it in an error or a log', async () => {
    s = await start({
      functions: {
        leak: defineFunction({
          args: z.object({}),
          handler: (_args: unknown, ctx: any) => {
            ctx.logger.info(`using ${API_KEY}`);
            throw new Error(`auth failed for ${API_KEY}`);
          },
        }),
      },
    });
    const res = await signedPost(s.url, '/functions/leak', { name: 'leak', call: callObject('call_leak'), args: {} });
    expect(res.status).toBe(500);
    expect(s.logs.join('')).toContain('auth failed');
    expect(s.logs.join('')).not.toContain(API_KEY);
    expect(res.text).not.toContain(API_KEY);
  });

  it('refuses to start without a key, unless --insecure-no-verify, which warns on every request', async () => {
    let error: unknown;
    try {
      createServer({}, { env: {}, storePath: ':memory:' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).oneLine()).toMatch(/no Retell API key.*RETELL_API_KEY.*--insecure-no-verify/);

    s = await start(config, { apiKey: undefined, insecureNoVerify: true });
    for (let i = 0; i < 2; i++) {
      const res = await request(s.url, { path: '/functions/echo', body: JSON.stringify({ name: 'echo', call: callObject(`c${i}`), args: { text: 'hi' } }) });
      expect(res.status).toBe(200);
    }
    expect(s.entries().filter((e) => e.level === 'warn' && /NOT verified/.test(e.msg)).length).toBe(2);
  });

  it('takes the key from RETELL_API_KEY', async () => {
    s = await start(config, { apiKey: undefined, env: { RETELL_API_KEY: 'key_from_env_123' } });
    const res = await signedPost(s.url, '/functions/echo', { name: 'echo', call: callObject('c'), args: { text: 'x' } }, { key: 'key_from_env_123' });
    expect(res.status).toBe(200);
    expect((await signedPost(s.url, '/functions/echo', { name: 'echo', call: callObject('c'), args: { text: 'y' } })).status).toBe(401);
  });
});
