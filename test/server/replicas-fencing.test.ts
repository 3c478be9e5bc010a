import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { functionCallKey } from '../../src/handlers/keys.js';
import { freshDatabase } from '../helpers/pg.js';
import { killChildren, serveChild, type Child } from './child.js';
import { API_KEY, callObject, signedPost, until } from './helpers.js';

// Lease fencing with real processes on one Postgres: a replica frozen mid-handler (SIGSTOP, as a long
// GC pause or a descheduled VM) past its lease is taken over; when it wakes up (SIGCONT) whatever it
// settles is refused by the store, so the event and the answer each have one settled outcome.
const CONFIG = `
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const log = process.env.EFFECTS_LOG;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  // Odd durations on purpose: Node runs every expired timer of one duration together, so after SIGCONT a
  // 1000 ms timeout sharing its list with the 1 s event poll could fire before the handler's sleep.
  server: { eventLeaseMs: 600, functionTimeoutMs: 1013 },
  webhooks: {
    call_ended: async (event, ctx) => {
      await sleep(Number(process.env.HANDLER_MS));
      appendFileSync(log, 'event ' + ctx.callId + ' attempt ' + ctx.attempt + ' ' + process.pid + '\\n');
    },
  },
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
let drop: (() => Promise<void>) | undefined;
afterEach(async () => {
  killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await drop?.();
  dir = undefined;
  drop = undefined;
});
afterAll(() => killChildren());

async function twoReplicas(): Promise<{ a: Child; b: Child; url: string; effects: () => string[] }> {
  dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-fencing-'));
  writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
  const db = await freshDatabase('fencing');
  drop = db.drop;
  const log = path.join(dir, 'effects.log');
  const start = (handlerMs: string) => serveChild(['--port', '0', '--config', path.join(dir!, 'retell-kit.config.mjs')], { cwd: dir!, env: { DATABASE_URL: db.url, EFFECTS_LOG: log, HANDLER_MS: handlerMs } });
  // A is slow (it gets frozen in its handler); B is quick.
  const a = await start('397');
  const b = await start('50');
  return { a, b, url: db.url, effects: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []) };
}

const noSecrets = (child: Child) => {
  expect(child.stderr()).not.toContain('test-only'); // the database password
  expect(child.stderr()).not.toContain(API_KEY);
};

describe('serve on Postgres: lease fencing with a replica frozen past its lease (SIGSTOP / SIGCONT)', () => {
  it('a webhook event: the replica that took it over settles it; the frozen one’s late “done” is refused and logged', async () => {
    const { a, b, url, effects } = await twoReplicas();
    expect((await signedPost(a.url, '/webhook', { event: 'call_ended', call: callObject('call_frozen') })).status).toBe(200);
    // A leased the event and runs its 397 ms handler: freeze it there, past its 600 ms lease.
    await new Promise((r) => setTimeout(r, 150));
    a.proc.kill('SIGSTOP');
    const store = await PostgresStore.open({ url, poolSize: 1 });
    try {
      // B's poll leases it once A's lease ran out, runs it (attempt 2) and settles it.
      await until(async () => (await store.eventsForCall('call_frozen'))[0]?.state === 'done', 10_000, 'B settles the event');
      const settled = (await store.eventsForCall('call_frozen'))[0]!;
      expect(settled).toMatchObject({ state: 'done', attempts: 2 });
      expect(effects()).toEqual([`event call_frozen attempt 2 ${b.proc.pid}`]);
      // A wakes up: its handler finishes (its own side effect cannot be taken back: the handler saw
      // ctx.attempt 1 and the same ctx.idempotencyKey as B's run), and its settle is refused.
      a.proc.kill('SIGCONT');
      await until(() => /stale webhook event lease/.test(a.stderr()), 10_000, 'A reports the refused settle');
      const after = (await store.eventsForCall('call_frozen'))[0]!;
      expect(after).toEqual(settled); // not overwritten: B's attempts and handledAt stand
      expect(a.stderr()).toMatch(/"level":"warn","msg":"stale webhook event lease: another process leased this event since, so this state is refused".*"event_id":\d+.*"fence":\d+.*"state":"done"/);
      expect(await store.pendingEvents()).toEqual([]);
      noSecrets(a);
      // The metric counts it apart from handled events.
      const metrics = await fetch(`${a.url}/metrics`).then((r) => r.text());
      expect(metrics).toMatch(/retell_kit_webhook_events_handled_total\{event="call_ended",outcome="stale"\} 1/);
      expect(metrics).not.toMatch(/retell_kit_webhook_events_handled_total\{event="call_ended",outcome="ok"\}/);
    } finally {
      a.proc.kill('SIGCONT');
      await store.close();
    }
  });

  it('a function call: the retry on another replica takes the stale claim over; the frozen replica’s answer is refused and it answers with the stored one', async () => {
    const { a, b, url, effects } = await twoReplicas();
    const body = { name: 'book', call: callObject('call_fn_frozen'), args: { slot: 'frozen@9' } };
    // A claims the call and runs its 397 ms handler; freeze it at 150 ms. Its request stays open.
    const fromA = signedPost(a.url, '/functions/book', body);
    await new Promise((r) => setTimeout(r, 150));
    a.proc.kill('SIGSTOP');
    try {
      // Retell retries on B: the claim is stale after twice the 1013 ms timeout, then B takes it over.
      await new Promise((r) => setTimeout(r, 2200));
      const fromB = await signedPost(b.url, '/functions/book', body);
      expect(fromB.status).toBe(200);
      expect(fromB.json()).toMatchObject({ booked: 'frozen@9', by: b.proc.pid });
      a.proc.kill('SIGCONT');
      const late = await fromA;
      // A's run finished, its answer was refused: every delivery gets the one stored answer.
      expect(late.status).toBe(200);
      expect(late.text).toBe(fromB.text);
      expect(late.headers['x-retell-kit-duplicate']).toBe('1');
      expect(a.stderr()).toMatch(/"level":"warn","msg":"stale function-call claim: this process was taken over before it settled, its answer is refused".*"fence":\d+/);
      noSecrets(a);
      // The store keeps B's answer; the effect lines show both runs (A's was under way when frozen).
      const store = await PostgresStore.open({ url, poolSize: 1 });
      const key = functionCallKey({ callId: 'call_fn_frozen', handler: 'book', args: body.args });
      expect(await store.claim(key, 'check', Date.now())).toEqual({ state: 'done', response: { status: 200, body: fromB.json() } });
      await store.close();
      expect(effects().sort()).toEqual([`book frozen@9 ${a.proc.pid}`, `book frozen@9 ${b.proc.pid}`].sort());
      // A retry after all this, on either replica, gets the same answer again.
      expect((await signedPost(a.url, '/functions/book', body)).text).toBe(fromB.text);
    } finally {
      a.proc.kill('SIGCONT');
    }
  });
});
