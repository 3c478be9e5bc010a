import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { flakyDownstream, type Flaky } from '../helpers/flaky.js';
import { killChildren, serveChild, type Child } from './child.js';
import { callObject, request, signedPost, start } from './helpers.js';

// ctx.fetch through a real `retell-kit serve` child against a scripted flaky downstream on 127.0.0.1.

const CONFIG = `
const anything = { safeParse: (value) => ({ success: true, data: value }) };
const base = process.env.DOWNSTREAM;
export default {
  server: { fetch: { backoff: { baseMs: 5, capMs: 20 }, attemptTimeoutMs: 400, breaker: { consecutiveFailures: 5, halfOpenAfterMs: 400 } } },
  functions: {
    slots: {
      args: anything,
      timeoutMs: 2000,
      async handler(args, ctx) {
        const res = await ctx.fetch(base + '/slots');
        return { status: res.status, body: await res.json() };
      },
    },
    book: {
      args: anything,
      timeoutMs: 2000,
      fallback: (error) => ({ booked: false, say: 'The booking system is slow; I will text you a confirmation.' }),
      async handler(args, ctx) {
        const res = await ctx.fetch(base + '/book', { json: args });
        return { booked: true, ...(await res.json()) };
      },
    },
    crm: {
      args: anything,
      timeoutMs: 1000,
      fallback: { found: false, say: 'I cannot look that up right now.' },
      async handler(args, ctx) {
        const res = await ctx.fetch(process.env.CRM + '/crm', { maxAttempts: 1 });
        return { found: true, status: res.status };
      },
    },
  },
};
`;

let dir: string;
let down: Flaky;
/** Another host, so its breaker is its own. */
let crm: Flaky;
let s: Child;
let n = 0;

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
  down = await flakyDownstream();
  crm = await flakyDownstream();
  dir = mkdtempSync(path.join(tmpdir(), 'rk-fetch-'));
  writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
  s = await serveChild(['--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', path.join(dir, 'state.db')], { cwd: dir, env: { DOWNSTREAM: down.url, CRM: crm.url } });
});
afterAll(async () => {
  killChildren();
  await down.close();
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => {
  down.hits.length = 0;
});
afterEach(() => {});

const call = (name: string, args: unknown) => signedPost(s.url, `/functions/${name}`, { name, call: callObject(`call_fetch_${++n}`), args });

describe('ctx.fetch through serve', () => {
  it('a 500 then a 200 succeeds in one function call within its deadline', async () => {
    down.script('/slots', [{ status: 500 }, { status: 200, body: { slots: ['10:00'] } }]);
    const started = Date.now();
    const res = await call('slots', {});
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ status: 200, body: { slots: ['10:00'] } });
    expect(down.hits).toHaveLength(2);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('a 400 is not retried', async () => {
    down.script('/slots', [{ status: 400, body: { error: 'bad day' } }, { status: 200 }]);
    const res = await call('slots', {});
    expect(res.json()).toEqual({ status: 400, body: { error: 'bad day' } });
    expect(down.hits).toHaveLength(1);
  });

  it('a POST retried after a timeout reaches the host twice with the same key and is booked once', async () => {
    down.script('/book', [{ stallMs: 1500, then: { status: 200 } }, { status: 200 }]);
    const res = await call('book', { slot: '10:00' });
    expect(res.json()).toEqual({ booked: true, booking_id: 'bk_1' });
    expect(down.hits).toHaveLength(2);
    expect(down.hits[1]!.headers['idempotency-key']).toBe(down.hits[0]!.headers['idempotency-key']);
    expect(down.bookings).toHaveLength(1);
  });

  it('a stalled host gets the fallback as a 200 before the function times out, counted in /metrics', async () => {
    down.script('/book', [{ stallMs: 5000 }]);
    const started = Date.now();
    const res = await call('book', { slot: '11:00' });
    expect(Date.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(200);
    expect(res.json()).toEqual({ booked: false, say: 'The booking system is slow; I will text you a confirmation.' });
    const metrics = (await request(s.url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toMatch(/retell_kit_function_fallbacks_total\{function="book"\} 1/);
    expect(metrics).toMatch(/retell_kit_fetch_attempts_total\{host="127\.0\.0\.1:\d+",method="POST",result="timeout",breaker="closed"\} \d/);
  });

  it('after 5 failures the breaker opens, later calls fail fast to the fallback without the host, and a half-open probe closes it', async () => {
    crm.script('/crm', [{ status: 503 }]);
    for (let i = 0; i < 5; i++) expect((await call('crm', {})).json()).toEqual({ found: false, say: 'I cannot look that up right now.' });
    expect(crm.hits).toHaveLength(5);
    const fast = await call('crm', {});
    expect(fast.json()).toEqual({ found: false, say: 'I cannot look that up right now.' });
    expect(crm.hits).toHaveLength(5);
    let metrics = (await request(s.url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toMatch(/retell_kit_fetch_breaker_state\{host="127\.0\.0\.1:\d+",state="open"\} 1/);
    await new Promise((r) => setTimeout(r, 450));
    crm.script('/crm', [{ status: 200 }]);
    expect((await call('crm', {})).json()).toEqual({ found: true, status: 200 });
    expect(crm.hits).toHaveLength(6);
    metrics = (await request(s.url, { method: 'GET', path: '/metrics' })).text;
    expect(metrics).toMatch(/retell_kit_fetch_breaker_state\{host="127\.0\.0\.1:\d+",state="closed"\} 1/);
  });
});

describe('the function trace', () => {
  it('holds every attempt and fallback: true', async () => {
    const anything = { safeParse: (value: unknown) => ({ success: true as const, data: value }) };
    const started = await start({
      server: { fetch: { backoff: { baseMs: 1, capMs: 2 } } },
      functions: {
        crm: {
          args: anything,
          fallback: { found: false },
          async handler(_args: unknown, ctx: { fetch: (url: string) => Promise<Response> }) {
            return (await ctx.fetch(`${crm.url}/gone`)).status;
          },
        },
      },
    } as never);
    try {
      crm.script('/gone', [{ status: 503 }]);
      const res = await signedPost(started.url, '/functions/crm', { name: 'crm', call: callObject('call_trace'), args: {} });
      expect(res.json()).toEqual({ found: false });
      await started.server.close();
      const { SqliteStore } = await import('../../src/store/sqlite.js');
      const store = new SqliteStore({ file: path.join(started.dir, 'state.db') });
      const [trace] = (await store.tracesForCall('call_trace')) as (Record<string, any> | undefined)[];
      await store.close();
      expect(trace).toMatchObject({ status: 200, fallback: true });
      expect(trace!.downstream.map((a: { status: number; retryReason?: string; breaker: string }) => [a.status, a.retryReason ?? null, a.breaker])).toEqual([
        [503, 'status 503', 'closed'],
        [503, 'status 503', 'closed'],
        [503, null, 'closed'],
      ]);
    } finally {
      await started.stop().catch(() => {});
    }
  });
});
