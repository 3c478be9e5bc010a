import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sign } from 'retell-sdk/lib/webhook_auth';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { freshDatabase } from '../helpers/pg.js';
import { startEmbeddedPostgres } from '../helpers/postgres-setup.js';
import { killChildren, serveChild, type Child } from './child.js';
import { API_KEY, callObject, request, until } from './helpers.js';

// Exactly-once under sustained load across 3 real `retell-kit serve` replicas on one Postgres, while
// (a) one replica is SIGKILLed mid-handler and (b) Postgres itself stops for ~2 s and comes back.
// A load generator plays Retell behind a load balancer: each simulated call sends call_started, a
// function call and call_ended, round-robin over the replicas, and delivers again (on the next
// replica) whatever did not get a 2xx: a refused connection, a 503, a 504. Every side effect is a
// line (what, its idempotency key, pid) appended to one file.
const CONFIG = `
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const log = process.env.EFFECTS_LOG;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const anything = { safeParse: (value) => ({ success: true, data: value }) };
const record = async (event, ctx) => {
  await sleep(Number(process.env.HANDLER_MS));
  appendFileSync(log, 'event ' + event.event + ':' + ctx.callId + ' ' + process.pid + '\\n');
};
export default {
  server: { eventLeaseMs: Number(process.env.LEASE_MS), functionTimeoutMs: Number(process.env.FN_TIMEOUT_MS), rateLimit: false, webhookRateLimit: false },
  webhooks: { call_started: record, call_ended: record },
  functions: {
    book: {
      args: anything,
      async handler(args) {
        await sleep(Number(process.env.HANDLER_MS));
        appendFileSync(log, 'book ' + args.slot + ' ' + process.pid + '\\n');
        return { booked: args.slot, ref: randomUUID(), by: process.pid };
      },
    },
  },
};
`;

let dir: string | undefined;
afterEach(() => {
  killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});
afterAll(() => killChildren());

async function startReplicas(n: number, storeUrl: string, env: Record<string, string>, each: (i: number) => Record<string, string> = () => ({})): Promise<{ servers: Child[]; effects: () => string[] }> {
  dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-load-'));
  const config = path.join(dir, 'retell-kit.config.mjs');
  writeFileSync(config, CONFIG);
  const log = path.join(dir, 'effects.log');
  const start = (i: number) => serveChild(['--port', '0', '--config', config, '--store', storeUrl], { cwd: dir!, env: { EFFECTS_LOG: log, HANDLER_MS: '60', ...env, ...each(i) } });
  const first = await start(0); // it migrates; the others start together
  const servers = [first, ...(await Promise.all(Array.from({ length: n - 1 }, (_, i) => start(i + 1))))];
  return { servers, effects: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

interface Delivery {
  status: number | 'network';
  retryAfter?: string;
  at: number;
}

/** One signed POST with a bounded wait; a dead replica is a 'network' status, not a thrown error. */
async function post(url: string, route: string, payload: unknown): Promise<{ status: number | 'network'; text: string; retryAfter?: string }> {
  const body = JSON.stringify(payload);
  try {
    const res = await fetch(new URL(route, url), { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-retell-signature': await sign(body, API_KEY) }, signal: AbortSignal.timeout(8_000) });
    return { status: res.status, text: await res.text(), retryAfter: res.headers.get('retry-after') ?? undefined };
  } catch {
    return { status: 'network', text: '' };
  }
}

/**
 * Simulated calls, `concurrency` at a time, until `runMs` is over: each delivers call_started, a
 * function call, call_ended, each again on the next replica until it gets a 2xx.
 */
function loadGenerator(servers: Child[], options: { concurrency: number; runMs: number; prefix: string }) {
  const acked = new Set<string>(); // event:call acknowledged with a 2xx
  const answers = new Map<string, Set<string>>(); // slot -> distinct 200 bodies
  const deliveries: Delivery[] = [];
  const started: string[] = [];
  let next = 0;
  let rr = 0;
  const stopAt = Date.now() + options.runMs;
  const deliver = async (route: string, payload: unknown): Promise<string> => {
    const giveUp = Date.now() + 20_000;
    for (;;) {
      const target = servers[rr++ % servers.length]!;
      const res = await post(target.url, route, payload);
      deliveries.push({ status: res.status, retryAfter: res.retryAfter, at: Date.now() });
      if (typeof res.status === 'number' && res.status >= 200 && res.status < 300) return res.text;
      if (Date.now() > giveUp) throw new Error(`${route} never got a 2xx (last: ${res.status})`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const oneCall = async (callId: string) => {
    const call = callObject(callId);
    await deliver('/webhook', { event: 'call_started', call });
    acked.add(`call_started:${callId}`);
    const text = await deliver('/functions/book', { name: 'book', call, args: { slot: callId } });
    if (!answers.has(callId)) answers.set(callId, new Set());
    answers.get(callId)!.add(text);
    await deliver('/webhook', { event: 'call_ended', call });
    acked.add(`call_ended:${callId}`);
  };
  const worker = async () => {
    while (Date.now() < stopAt) {
      const callId = `${options.prefix}${next++}`;
      started.push(callId);
      await oneCall(callId);
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, worker));
  return { done, acked, answers, deliveries, started };
}

/** Effect lines grouped by what they did: `event call_started:call_x` or `book call_x` -> pids. */
function byEffect(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const line of lines) {
    const parts = line.split(' ');
    const pid = parts.pop()!;
    const what = parts.join(' ');
    if (!out.has(what)) out.set(what, []);
    out.get(what)!.push(pid);
  }
  return out;
}

describe('serve on Postgres under sustained load: 3 replicas', () => {
  it('SIGKILL one replica mid-handler: every acknowledged event handled, every answer identical, nothing run twice except what the dead one had under way', async () => {
    const db = await freshDatabase('load_kill');
    try {
      // The victim's handlers take 400 ms (the others' 60 ms), so it always has several under way.
      const { servers, effects } = await startReplicas(3, db.url, { LEASE_MS: '1000', FN_TIMEOUT_MS: '500' }, (i): Record<string, string> => (i === 0 ? { HANDLER_MS: '400' } : {}));
      const victim = servers[0]!;
      const load = loadGenerator(servers, { concurrency: 6, runMs: 3_000, prefix: 'call_k' });
      // Mid-load, with handlers running on it.
      await new Promise((r) => setTimeout(r, 1_000));
      victim.proc.kill('SIGKILL');
      await victim.exit;
      const killedAt = Date.now();
      await load.done;
      const store = await PostgresStore.open({ url: db.url, poolSize: 1 });
      try {
        // The dead replica's leased events go to the others once its leases run out.
        await until(async () => (await store.pendingEvents()).length === 0, 15_000, 'no event left pending');
        await new Promise((r) => setTimeout(r, 300));
        const calls = load.started.filter((c) => load.answers.has(c));
        expect(calls.length).toBeGreaterThan(20);
        // The victim really was taking work, and deliveries to it failed after the kill.
        expect(load.deliveries.some((d) => d.status === 'network' && d.at >= killedAt)).toBe(true);
        // Every acknowledged event is stored once and handled (done), none lost; some were cut off
        // mid-handler on the victim (attempt 1 counted there) and resumed by a survivor.
        let resumed = 0;
        for (const key of load.acked) {
          const [event, callId] = key.split(':') as [string, string];
          const stored = (await store.eventsForCall(callId)).filter((e) => e.event === event);
          expect(stored, key).toHaveLength(1);
          expect(stored[0]!.state, key).toBe('done');
          if (stored[0]!.attempts > 1) resumed++;
        }
        expect(resumed).toBeGreaterThan(0);
        // Every delivery of a function call that got a 200 got the same bytes.
        for (const [slot, set] of load.answers) expect(set.size, slot).toBe(1);
        // Side effects: each acknowledged event and each answered call at least once; a repeat only
        // where the dead replica had the handler under way (it ran, then died before its settle
        // committed): never twice by the survivors, never twice by the victim.
        const effectsBy = byEffect(effects());
        const victimPid = String(victim.proc.pid);
        const repeats: string[] = [];
        for (const key of load.acked) expect(effectsBy.get(`event ${key}`), key).toBeDefined();
        for (const callId of load.answers.keys()) expect(effectsBy.get(`book ${callId}`), callId).toBeDefined();
        for (const [what, pids] of effectsBy) {
          const survivors = pids.filter((p) => p !== victimPid);
          expect(survivors.length, what).toBeLessThanOrEqual(1);
          expect(pids.length - survivors.length, what).toBeLessThanOrEqual(1);
          if (pids.length > 1) repeats.push(what);
        }
        // Each call's events in order.
        const lines = effects();
        for (const callId of calls) {
          const started = lines.findIndex((l) => l.startsWith(`event call_started:${callId} `));
          const ended = lines.findIndex((l) => l.startsWith(`event call_ended:${callId} `));
          expect(started, callId).toBeGreaterThanOrEqual(0);
          expect(ended, callId).toBeGreaterThan(started);
        }
        for (const s of servers.slice(1)) expect(s.proc.exitCode).toBeNull();
        console.info(`[load: SIGKILL] ${calls.length} calls, ${load.deliveries.length} deliveries (${load.deliveries.filter((d) => d.status === 'network').length} to the dead replica), ${load.acked.size} events acknowledged, ${resumed} resumed after the kill, ${load.deliveries.filter((d) => d.status === 504).length} retries answered 504 while the dead replica's claim was fresh, ${repeats.length} effects repeated: ${repeats.join(', ') || 'none'}`);
      } finally {
        await store.close();
      }
    } finally {
      killChildren();
      await db.drop();
    }
  });

  it('Postgres stops for ~2 s under load: 503 + Retry-After meanwhile, no replica exits, recovery without a restart, every acknowledged event and call exactly once', async () => {
    const pg = await startEmbeddedPostgres();
    try {
      // Leases and claims outlive the outage: work finished during it is settled by its own replica.
      const { servers, effects } = await startReplicas(3, pg.url, { LEASE_MS: '8000', FN_TIMEOUT_MS: '3000' });
      const load = loadGenerator(servers, { concurrency: 6, runMs: 4_000, prefix: 'call_o' });
      await new Promise((r) => setTimeout(r, 800));
      const down = Date.now();
      await pg.stop();
      await new Promise((r) => setTimeout(r, 2_000));
      await pg.start();
      const up = Date.now();
      await load.done;
      for (const s of servers) {
        expect(s.proc.exitCode).toBeNull();
        await until(async () => (await request(s.url, { method: 'GET', path: '/readyz' })).status === 200, 10_000, '/readyz 200 again');
      }
      const outage = load.deliveries.filter((d) => d.at >= down && d.at <= up);
      const refused = outage.filter((d) => d.status === 503);
      expect(refused.length).toBeGreaterThan(0);
      for (const d of refused) expect(d.retryAfter).toBe('5');
      // Nothing else but answers and 503s: no crash (network errors), no 500.
      expect(load.deliveries.filter((d) => d.status !== 200 && d.status !== 503)).toEqual([]);
      // After the restart requests succeed again.
      expect(load.deliveries.some((d) => d.at > up && d.status === 200)).toBe(true);
      const store = await PostgresStore.open({ url: pg.url, poolSize: 1 });
      try {
        await until(async () => (await store.pendingEvents()).length === 0, 15_000, 'no event left pending');
        await new Promise((r) => setTimeout(r, 300));
        for (const key of load.acked) {
          const [event, callId] = key.split(':') as [string, string];
          const stored = (await store.eventsForCall(callId)).filter((e) => e.event === event);
          expect(stored, key).toHaveLength(1);
          expect(stored[0]!.state, key).toBe('done');
        }
      } finally {
        await store.close();
      }
      for (const [slot, set] of load.answers) expect(set.size, slot).toBe(1);
      // Exactly once: no process died, so no effect may repeat.
      const effectsBy = byEffect(effects());
      for (const key of load.acked) expect(effectsBy.get(`event ${key}`), key).toHaveLength(1);
      for (const callId of load.answers.keys()) expect(effectsBy.get(`book ${callId}`), callId).toHaveLength(1);
      for (const [what, pids] of effectsBy) expect(pids, what).toHaveLength(1);
      for (const s of servers) expect(s.stderr()).not.toContain('test-only');
      console.info(`[load: outage] ${load.answers.size} calls, ${load.deliveries.length} deliveries, ${refused.length} answered 503 during the ${up - down} ms outage, ${load.acked.size} events acknowledged, all handled once`);
    } finally {
      killChildren();
      await pg.remove();
    }
  });
});
