import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { PostgresStore } from '../../src/store/postgres.js';
import { freshDatabase } from '../helpers/pg.js';
import { startEmbeddedPostgres } from '../helpers/postgres-setup.js';
import { killChildren, serveChild, spawnServe, type Child } from './child.js';
import { callObject, request, signedPost, until } from './helpers.js';

// Several real `retell-kit serve` processes on one Postgres, as behind a load balancer: Retell's
// retries and redeliveries land on any of them. Every side effect is a line appended to one file.
const CONFIG = `
import { appendFileSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
const log = process.env.EFFECTS_LOG;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const anything = { safeParse: (value) => ({ success: true, data: value }) };
const record = async (event, ctx) => {
  await sleep(Number(process.env.HANDLER_MS));
  appendFileSync(log, 'event ' + event.event + ' ' + ctx.callId + ' ' + process.pid + '\\n');
};
export default {
  server: { eventLeaseMs: Number(process.env.LEASE_MS), functionTimeoutMs: Number(process.env.FN_TIMEOUT_MS || 10000) },
  webhooks: { call_started: record, call_ended: record, call_analyzed: record },
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

let dir: string;
let url: string;
let drop: () => Promise<void>;

beforeAll(async () => {
  if (!existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
});
afterEach(async () => {
  killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
  await drop?.();
});
afterAll(() => killChildren());

async function replicas(n: number, env: Record<string, string>, each: (i: number) => Record<string, string> = () => ({})): Promise<Child[]> {
  dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-replicas-'));
  writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
  ({ url, drop } = await freshDatabase('replicas'));
  const start = (i: number) => serveChild(['--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs')], { cwd: dir, env: { DATABASE_URL: url, EFFECTS_LOG: path.join(dir, 'effects.log'), HANDLER_MS: '50', LEASE_MS: '1500', ...env, ...each(i) } });
  // The first one migrates; the rest start together.
  const first = await start(0);
  return [first, ...(await Promise.all(Array.from({ length: n - 1 }, (_, i) => start(i + 1))))];
}

function effects(): string[] {
  const file = path.join(dir, 'effects.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

/** The effect lines without the pid that did them. */
const what = (line: string) => line.split(' ').slice(0, -1).join(' ');

describe('serve: several replicas on one Postgres', () => {
  it('every function call and webhook delivered to 2-3 replicas at once and again later: each side effect once, identical answers', async () => {
    const servers = await replicas(3, {});
    expect(servers[0]!.stderr()).toMatch(/"store":"postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
    for (const s of servers) expect(s.stderr()).not.toContain('test-only');
    const pick = (i: number) => (i % 2 ? servers : servers.slice(0, 2 + (i % 2)));
    const calls = Array.from({ length: 12 }, (_, i) => `call_r${i}`);
    const answers = new Map<string, Set<string>>();
    await Promise.all(
      calls.map(async (callId, i) => {
        const call = callObject(callId);
        const deliver = (payload: unknown, route: string) => Promise.all(pick(i).map((s) => signedPost(s.url, route, payload)));
        for (const event of ['call_started', 'call_ended', 'call_analyzed']) {
          const responses = await deliver({ event, call }, '/webhook');
          expect(responses.map((r) => r.status)).toEqual(responses.map(() => 200));
        }
        for (const slot of ['09:00', '10:00']) {
          const body = { name: 'book', call, args: { slot: `${callId}@${slot}` } };
          const responses = [...(await deliver(body, '/functions/book')), ...(await deliver(body, '/functions/book'))];
          answers.set(`${callId}@${slot}`, new Set(responses.map((r) => `${r.status} ${r.text}`)));
        }
      }),
    );
    const expected = calls.length * 5;
    await until(() => effects().length >= expected, 15_000, 'every side effect');
    await new Promise((r) => setTimeout(r, 300));
    const lines = effects();
    // Each side effect exactly once...
    expect(lines).toHaveLength(expected);
    expect(new Set(lines.map(what)).size).toBe(expected);
    // ...each call's events in order...
    for (const callId of calls) {
      expect(lines.filter((l) => l.startsWith('event ') && l.includes(` ${callId} `)).map((l) => l.split(' ')[1])).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    }
    // ...and every delivery of one function call got the same answer.
    for (const [slot, set] of answers) {
      expect(set.size, slot).toBe(1);
      expect([...set][0]).toMatch(/^200 /);
    }
    // The work was shared: more than one replica did something.
    expect(new Set(lines.map((l) => l.split(' ').at(-1))).size).toBeGreaterThan(1);
  });

  it('SIGKILL a replica mid-handler under load: no acknowledged event lost, another replica resumes it after the lease, nothing run twice that finished', async () => {
    const servers = await replicas(3, { HANDLER_MS: '400' });
    const [victim, ...rest] = servers;
    const calls = Array.from({ length: 10 }, (_, i) => `call_k${i}`);
    // All events go to the victim: it acknowledges them (stored), starts handling, and dies.
    for (const callId of calls) {
      expect((await signedPost(victim!.url, '/webhook', { event: 'call_started', call: callObject(callId) })).status).toBe(200);
      expect((await signedPost(victim!.url, '/webhook', { event: 'call_ended', call: callObject(callId) })).status).toBe(200);
    }
    await new Promise((r) => setTimeout(r, 150));
    victim!.proc.kill('SIGKILL');
    await victim!.exit;
    // Meanwhile the survivors keep taking new work.
    for (const callId of ['call_live1', 'call_live2']) expect((await signedPost(rest[0]!.url, '/webhook', { event: 'call_started', call: callObject(callId) })).status).toBe(200);
    await until(() => effects().length >= calls.length * 2 + 2, 20_000, 'the dead replica’s events handled by the others');
    await new Promise((r) => setTimeout(r, 300));
    const lines = effects();
    for (const callId of calls) {
      const mine = lines.filter((l) => l.includes(` ${callId} `)).map((l) => l.split(' ')[1]);
      // Every acknowledged event ran to completion, in order (a handler cut off mid-way runs again: at-least-once for that one).
      expect(mine.filter((e) => e === 'call_ended').length, callId).toBeGreaterThanOrEqual(1);
      expect(mine[0], callId).toBe('call_started');
    }
    // Nothing that finished ran twice: lines written by the survivors are new, never a repeat of a finished one.
    const finishedByVictim = new Set(lines.filter((l) => l.endsWith(` ${victim!.proc.pid}`)).map(what));
    const bySurvivors = lines.filter((l) => !l.endsWith(` ${victim!.proc.pid}`)).map(what);
    for (const effect of bySurvivors) expect(finishedByVictim.has(effect), effect).toBe(false);
    expect(new Set(bySurvivors).size).toBe(bySurvivors.length);
    // And the store agrees: nothing left pending.
    const store = await PostgresStore.open({ url, poolSize: 1 });
    expect(await store.pendingEvents()).toEqual([]);
    await store.close();
  });
});

describe('serve: a function call whose replica died', () => {
  it('the retry on another replica waits, then takes the claim over once it is stale and runs it once', async () => {
    // The function timeout is 400 ms, so a claim is stale after 800 ms. On the first replica the
    // handler is slow (it gets killed in it); on the second it takes 50 ms.
    const [a, b] = await replicas(2, { FN_TIMEOUT_MS: '400' }, (i): Record<string, string> => (i === 0 ? { HANDLER_MS: '5000' } : {}));
    const body = { name: 'book', call: callObject('call_dead'), args: { slot: 'dead@1' } };
    // Its connection dies with the replica (no answer: Retell retries).
    void signedPost(a!.url, '/functions/book', body).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 150));
    a!.proc.kill('SIGKILL');
    await a!.exit;
    // Right away: the claim is someone else's and fresh, so the retry gets the timeout answer without running it.
    const early = await signedPost(b!.url, '/functions/book', body);
    expect(early.status).not.toBe(200);
    expect(effects()).toEqual([]);
    await new Promise((r) => setTimeout(r, 900));
    const late = await signedPost(b!.url, '/functions/book', body);
    expect(late.status).toBe(200);
    const again = await signedPost(b!.url, '/functions/book', body);
    expect(again.text).toBe(late.text);
    expect(effects().map(what)).toEqual(['book dead@1']);
  });
});

describe('serve on Postgres: bad URLs', () => {
  it('a wrong password or an unreachable server is one line, exit 2, the password never shown', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-badurl-'));
    ({ url, drop } = await freshDatabase('badurl'));
    const wrong = new URL(url);
    wrong.password = 'hunter22-wrong';
    const closed = new URL(wrong);
    closed.port = '1';
    for (const [target, why] of [[wrong.toString(), /password authentication failed/], [closed.toString(), /ECONNREFUSED 127\.0\.0\.1:1\b/]] as const) {
      const run = spawnServe(['--port', '0', '--store', target], { cwd: dir });
      expect((await run.exit).code).toBe(2);
      const lines = run.stderr().trim().split('\n');
      expect(lines).toHaveLength(1);
      expect(lines[0]).toMatch(/^retell-kit: cannot open the Postgres store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1:\d+\/badurl_\w+: /);
      expect(lines[0]).toMatch(why);
      expect(run.stderr()).not.toContain('hunter22');
    }
  });
});

describe('serve on Postgres: the database goes away', () => {
  it('answers 503 with Retry-After and /readyz 503 while Postgres is down, never crashes, and recovers with nothing lost', async () => {
    // A server of its own: this test stops it (the shared one serves other test files meanwhile).
    const pg = await startEmbeddedPostgres();
    try {
      dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-outage-'));
      writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
      const s = await serveChild(['--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', pg.url], { cwd: dir, env: { EFFECTS_LOG: path.join(dir, 'effects.log'), HANDLER_MS: '300', LEASE_MS: '1500' } });
      expect((await signedPost(s.url, '/webhook', { event: 'call_started', call: callObject('call_o1') })).status).toBe(200);
      // The handler is running: it finishes while Postgres is down, so its 'done' cannot be written
      // yet. Its lease runs out meanwhile; the event must still not run a second time.
      await new Promise((r) => setTimeout(r, 100));
      await pg.stop();
      const fn = await signedPost(s.url, '/functions/book', { name: 'book', call: callObject('call_o1'), args: { slot: 'down' } });
      expect(fn.status).toBe(503);
      expect(fn.headers['retry-after']).toBe('5');
      const hook = await signedPost(s.url, '/webhook', { event: 'call_ended', call: callObject('call_o1') });
      expect(hook.status).toBe(503);
      expect((await request(s.url, { method: 'GET', path: '/readyz' })).status).toBe(503);
      await new Promise((r) => setTimeout(r, 1500)); // the poller and the probe meet the outage too
      expect(s.proc.exitCode).toBeNull();
      await pg.start();
      // Retell redelivers what got 503: now it is stored and handled; the retried call runs once.
      await until(async () => (await request(s.url, { method: 'GET', path: '/readyz' })).status === 200, 10_000, '/readyz 200 again');
      expect((await signedPost(s.url, '/webhook', { event: 'call_ended', call: callObject('call_o1') })).status).toBe(200);
      const again = await signedPost(s.url, '/functions/book', { name: 'book', call: callObject('call_o1'), args: { slot: 'down' } });
      expect(again.status).toBe(200);
      await until(() => effects().length >= 3, 10_000, 'effects after recovery');
      await new Promise((r) => setTimeout(r, 200));
      expect(effects().map(what).sort()).toEqual(['book down', 'event call_ended call_o1', 'event call_started call_o1']);
      expect(s.stderr()).not.toContain('test-only');
    } finally {
      killChildren();
      await pg.remove();
    }
  });
});
