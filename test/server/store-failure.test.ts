import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../src/handlers/define.js';
import { functionCallKey } from '../../src/handlers/keys.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { callObject, request, signedPost, start, until, type Started } from './helpers.js';

// The store refusing writes, injected at the Store interface: a real SqliteStore whose write methods
// throw SQLite's own "disk full" error while `full` is set. Runs everywhere (the tmpfs test in
// disk-full.test.ts does the same with a real full disk, as root).

const WRITES = new Set(['complete', 'appendEvent', 'markEvent', 'recordTraces', 'kvSet', 'kvInsert', 'kvDelete', 'ping']);

function fullDisk(store: SqliteStore): { store: Store; full: { value: boolean } } {
  const full = { value: false };
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const write = WRITES.has(String(prop)) && (prop !== 'ping' || (args[0] as { write?: boolean } | undefined)?.write);
        if (full.value && write) return Promise.reject(new Database.SqliteError('database or disk is full', 'SQLITE_FULL'));
        return value.apply(target, args);
      };
    },
  });
  return { store: proxy, full };
}

let s: Started | undefined;
let dir: string | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve when the store refuses writes', () => {
  it('answers 503 + Retry-After, turns /readyz 503, keeps run answers and event states in memory, and recovers', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-storefail-'));
    const { store, full } = fullDisk(new SqliteStore({ file: path.join(dir, 'state.db') }));
    const handled: string[] = [];
    let bookings = 0;
    s = await start(
      {
        webhooks: { call_started: async (event, ctx) => void (await sleep(200), handled.push(`${event.event}:${ctx.callId}`)) },
        functions: { book: defineFunction({ args: z.object({ slot: z.string() }), handler: (args) => ({ booked: args.slot, n: ++bookings }) }) },
      },
      { store },
    );
    expect((await signedPost(s.url, '/webhook', { event: 'call_started', call: callObject('c1') })).status).toBe(200);
    full.value = true;

    const refused = await signedPost(s.url, '/webhook', { event: 'call_started', call: callObject('c2') });
    expect([refused.status, refused.headers['retry-after'], refused.json().error]).toEqual([503, '5', 'store_unavailable']);
    const ready = await request(s.url, { method: 'GET', path: '/readyz' });
    expect([ready.status, ready.json().status]).toEqual([503, 'store_write_failing']);

    const call = { name: 'book', call: callObject('c3'), args: { slot: '10:00' } };
    expect((await signedPost(s.url, '/functions/book', call)).json()).toEqual({ booked: '10:00', n: 1 });
    const retry = await signedPost(s.url, '/functions/book', call);
    expect([retry.json(), retry.headers['x-retell-kit-duplicate']]).toEqual([{ booked: '10:00', n: 1 }, '1']);
    expect(bookings).toBe(1);

    // c1's handler was running: it finishes; its "done" waits in memory, not re-run.
    await until(() => handled.length === 1, 5_000, 'the running handler');
    await sleep(50);
    expect(s.server.health.backlog).toBeGreaterThanOrEqual(2); // the answer and c1's state (and traces)
    expect((await store.getEvent(1))?.state).toBe('pending');

    full.value = false;
    await until(async () => (await request(s!.url, { method: 'GET', path: '/readyz' })).status === 200, 5_000, 'readyz 200');
    expect(s.server.health.backlog).toBe(0);
    expect((await store.getEvent(1))?.state).toBe('done');
    expect(await store.claim(functionCallKey({ callId: 'c3', handler: 'book', args: { slot: '10:00' } }), 'x', Date.now())).toMatchObject({ state: 'done', response: { body: { n: 1 } } });
    expect(await store.tracesForCall('c3')).toHaveLength(2);
    expect(handled).toEqual(['call_started:c1']);
    const logs = s.entries().map((e) => e.msg);
    expect(logs.filter((m) => m.startsWith('the store refuses writes'))).toHaveLength(1);
    expect(logs).toContain('the store takes writes again');
  });

  it('refuses new work with 503 before running it once too many answers wait in memory', async () => {
    const { Idempotency } = await import('../../src/server/idempotency.js');
    const { StoreHealth } = await import('../../src/server/store-health.js');
    const { silentLogger } = await import('../../src/handlers/context.js');
    const { store, full } = fullDisk(new SqliteStore({ file: ':memory:' }));
    const health = new StoreHealth(store, silentLogger, 60_000);
    const idem = new Idempotency(store, 'me', health, 2);
    full.value = true;
    let runs = 0;
    const work = async () => ({ response: { status: 200, body: ++runs }, keep: true });
    for (const key of ['a', 'b']) expect((await idem.run(key, 1000, { status: 504, body: null }, work)).response.body).toBe(runs);
    expect(idem.unsavedCount).toBe(2);
    await expect(idem.run('c', 1000, { status: 504, body: null }, work)).rejects.toMatchObject({ name: 'StoreUnavailableError' });
    expect(runs).toBe(2);
    // Retries of the kept answers are still answered.
    expect(await idem.run('a', 1000, { status: 504, body: null }, work)).toEqual({ response: { status: 200, body: 1 }, duplicate: true });
    health.stop();
    await store.close();
  });
});
