import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../src/handlers/define.js';
import { describeRoutes } from '../../src/http/routes.js';
import { SERVE_ROUTES } from '../../src/server/routes/table.js';
import { cli } from '../helpers/cli.js';
import { callObject, request, signedPost, start, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const calls: { args: unknown; version: unknown; fn: string }[] = [];
const config = {
  functions: {
    check_availability: defineFunction({
      args: z.object({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'use YYYY-MM-DD'), stylist: z.string().optional() }),
      handler: (args: { date: string }, ctx: any) => {
        calls.push({ args, version: ctx.agentVersion, fn: ctx.functionName });
        return { date: args.date, slots: ['10:00'] };
      },
    }),
    stuck: defineFunction({ args: z.object({}), timeoutMs: 50, handler: () => sleep(200).then(() => 'late') }),
  },
};

describe('serve: routes and answers', () => {
  it('routes versioned names to the base handler, and takes args at the root', async () => {
    s = await start(config);
    calls.length = 0;
    const call = callObject('call_r');
    expect((await signedPost(s.url, '/functions/check_availability_v17', { name: 'check_availability_v17', call, args: { date: '2026-03-14' } })).json()).toEqual({ date: '2026-03-14', slots: ['10:00'] });
    // name from the body
    expect((await signedPost(s.url, '/functions', { name: 'check_availability_v3', call, args: { date: '2026-03-15' } })).status).toBe(200);
    // args_at_root: the body is the args; the call id comes from the query string
    expect((await signedPost(s.url, '/functions/check_availability?call_id=call_root', { date: '2026-03-16' })).status).toBe(200);
    expect((await signedPost(s.url, '/functions', { name: 'check_availability', date: '2026-03-17' })).status).toBe(200);
    expect(calls.map((c) => [c.fn, (c.args as { date: string }).date, c.version])).toEqual([
      ['check_availability', '2026-03-14', 17],
      ['check_availability', '2026-03-15', 17],
      ['check_availability', '2026-03-16', undefined],
      ['check_availability', '2026-03-17', undefined],
    ]);
    await s.server.flushTraces();
    expect((await s.server.store.tracesForCall('call_root'))[0]).toMatchObject({ name: 'check_availability', args: { date: '2026-03-16' } });
    expect(s.entries().some((e) => /cannot be deduplicated/.test(e.msg))).toBe(true);
  });

  it('answers invalid args, unknown functions and timeouts with short messages and telling statuses', async () => {
    s = await start(config);
    const call = callObject('call_e');
    const invalid = await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call, args: { date: 'tomorrow' } });
    expect(invalid.status).toBe(422);
    expect(invalid.json()).toEqual({ error: 'invalid_args', message: 'Invalid arguments for check_availability: date: use YYYY-MM-DD. Ask the caller for the missing or wrong details and try again.' });
    const unknown = await signedPost(s.url, '/functions/book_flight', { name: 'book_flight', call, args: {} });
    expect(unknown.status).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'unknown_function', message: expect.stringContaining('No function named "book_flight"') });
    const timeout = await signedPost(s.url, '/functions/stuck', { name: 'stuck', call, args: {} });
    expect(timeout.status).toBe(504);
    expect(timeout.json()).toMatchObject({ error: 'timeout' });
    for (const r of [invalid, unknown, timeout]) expect(r.text).not.toMatch(/\n\s+at /);
    await s.server.flushTraces();
    const outcomes = (await s.server.store.tracesForCall('call_e')).map((t) => t.outcome);
    expect(outcomes).toEqual(['invalid_args', 'unknown_function', 'timeout']);
  });

  it('refuses big bodies (413), malformed JSON (400), wrong methods (405), unknown paths (404)', async () => {
    s = await start({ ...config, server: { bodyLimit: 2048 } });
    const big = JSON.stringify({ event: 'call_started', call: callObject('c', { pad: 'x'.repeat(4096) }) });
    expect((await signedPost(s.url, '/webhook', big)).status).toBe(413);
    // Chunked, so no content-length to refuse early: the stream is cut at the limit.
    const chunked = await request(s.url, { path: '/webhook', body: big, headers: { 'transfer-encoding': 'chunked', 'x-retell-signature': `v=${Date.now()},d=${'0'.repeat(64)}` } });
    expect(chunked.status).toBe(413);
    const bad = await signedPost(s.url, '/webhook', '{"event": "call_started",');
    expect(bad.status).toBe(400);
    expect(bad.json()).toMatchObject({ error: 'malformed_json' });
    // Valid JSON of the wrong shape is a 400 too.
    expect((await signedPost(s.url, '/webhook', '[1,2]')).status).toBe(400);
    expect((await signedPost(s.url, '/webhook', { event: 'call_started', call: {} })).json()).toMatchObject({ message: expect.stringContaining('call_id') });
    const get = await request(s.url, { method: 'GET', path: '/webhook' });
    expect(get.status).toBe(405);
    expect(get.headers.allow).toBe('POST');
    expect((await request(s.url, { method: 'DELETE', path: '/functions/check_availability' })).status).toBe(405);
    expect((await request(s.url, { method: 'POST', path: '/healthz' })).status).toBe(405);
    const notFound = await request(s.url, { method: 'GET', path: '/nope?x=1' });
    expect(notFound.status).toBe(404);
    // The 404 names the path and lists what is served: the same table `serve --help` prints.
    const served = describeRoutes(SERVE_ROUTES);
    expect(notFound.json()).toEqual({ error: 'not_found', message: `no route for /nope; serve answers ${served.join(', ')}` });
    const help = cli(['serve', '--help']).stdout.replace(/\s+/g, ' ');
    for (const route of served) expect(help).toContain(route);
    const head = await request(s.url, { method: 'HEAD', path: '/healthz' });
    expect([head.status, head.text]).toEqual([200, '']);
  });

  it('rate-limits per call (429) without touching other calls', async () => {
    s = await start({ ...config, server: { rateLimit: { perSecond: 1, burst: 3 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) {
      statuses.push((await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call: callObject('call_busy'), args: { date: `2026-03-1${i}` } })).status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    const other = await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call: callObject('call_calm'), args: { date: '2026-03-10' } });
    expect(other.status).toBe(200);
    const limited = await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call: callObject('call_busy'), args: { date: '2026-03-19' } });
    expect(limited.headers['retry-after']).toBe('1');
    // Retries of answered calls are never limited: they run nothing.
    for (let i = 0; i < 5; i++) {
      const retry = await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call: callObject('call_busy'), args: { date: '2026-03-10' } });
      expect([retry.status, retry.headers['x-retell-kit-duplicate']]).toEqual([200, '1']);
    }
    // Webhooks have their own budget, and one-shot events are never refused: call_ended is stored.
    for (const event of ['call_started', 'call_ended', 'call_analyzed']) expect((await signedPost(s.url, '/webhook', { event, call: callObject('call_busy') })).status).toBe(200);
    expect((await s.server.store.eventsForCall('call_busy')).map((e) => e.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
  });

  it('gives transcript_updated a per-call budget of its own', async () => {
    s = await start({ ...config, server: { rateLimit: { perSecond: 1, burst: 1 }, webhookRateLimit: { perSecond: 1, burst: 2 } } });
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await signedPost(s.url, '/webhook', { event: 'transcript_updated', call: callObject('call_tu', { transcript: `t${i}` }) })).status);
    expect(statuses).toEqual([200, 200, 429]);
    // The functions' budget is untouched.
    expect((await signedPost(s.url, '/functions/check_availability', { name: 'check_availability', call: callObject('call_tu'), args: { date: '2026-03-10' } })).status).toBe(200);
  });

  it('serves health, readiness and Prometheus metrics', async () => {
    s = await start(config);
    expect((await request(s.url, { method: 'GET', path: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await request(s.url, { method: 'GET', path: '/readyz' })).json()).toEqual({ status: 'ready' });
    const call = callObject('call_m');
    await signedPost(s.url, '/functions/check_availability_v17', { name: 'check_availability_v17', call, args: { date: '2026-03-14' } });
    await signedPost(s.url, '/functions/check_availability_v17', { name: 'check_availability_v17', call, args: { date: '2026-03-14' } });
    await signedPost(s.url, '/webhook', { event: 'call_started', call });
    await request(s.url, { path: '/webhook', body: '{}' });
    const metrics = await request(s.url, { method: 'GET', path: '/metrics' });
    expect(metrics.status).toBe(200);
    expect(metrics.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = metrics.text;
    expect(text).toMatch(/^retell_kit_requests_total\{route="function",status="200"\} 2$/m);
    expect(text).toMatch(/^retell_kit_requests_total\{route="webhook",status="200"\} 1$/m);
    expect(text).toMatch(/^retell_kit_requests_total\{route="webhook",status="401"\} 1$/m);
    expect(text).toMatch(/^retell_kit_function_duration_seconds_count\{function="check_availability",agent_version="17",outcome="ok"\} 1$/m);
    expect(text).toMatch(/^retell_kit_function_duration_seconds_bucket\{function="check_availability",agent_version="17",outcome="ok",le="\+Inf"\} 1$/m);
    expect(text).toMatch(/^retell_kit_duplicates_suppressed_total\{kind="function"\} 1$/m);
    expect(text).toMatch(/^retell_kit_signature_failures_total\{reason="missing"\} 1$/m);
    expect(text).toMatch(/^# TYPE retell_kit_function_duration_seconds histogram$/m);
  });

  it('logs every function call as a trace with redacted args', async () => {
    s = await start({
      functions: { book: defineFunction({ args: z.object({ customer_name: z.string(), phone: z.string() }), handler: () => ({ ok: true }) }) },
    });
    await signedPost(s.url, '/functions/book_v2', { name: 'book_v2', call: callObject('call_log'), args: { customer_name: 'Maria Lopez', phone: '+1 415 555 0199' } });
    const trace = s.entries().find((e) => e.msg === 'function call')!;
    expect(trace).toMatchObject({ function: 'book', name: 'book_v2', call_id: 'call_log', agent_version: 17, outcome: 'ok', status: 200, duplicate: false, args: { customer_name: '<name>', phone: '<phone>' }, result: { ok: true } });
    expect(trace.duration_ms).toEqual(expect.any(Number));
    expect(trace.trace_id).toEqual(expect.any(String));
    expect(s.logs.join('')).not.toMatch(/Maria|0199/);
  });
});
