import { afterAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { KitError } from '../../src/errors.js';
import { MIGRATIONS, PostgresStore, redactUrl } from '../../src/store/postgres.js';
import { isStoreFailure, type FunctionTrace } from '../../src/store/store.js';
import { freshDatabase, pgServerUrl } from '../helpers/pg.js';
import { storeContract } from './contract.js';

const drops: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const drop of drops) await drop().catch(() => {});
});

let current = '';
storeContract('postgres', {
  open: async () => {
    const db = await freshDatabase('contract');
    drops.push(db.drop);
    current = db.url;
    return PostgresStore.open({ url: db.url, poolSize: 4 });
  },
  reopen: async () => PostgresStore.open({ url: current, poolSize: 4 }),
});

describe('PostgresStore', () => {
  it('applies its migrations once, even when replicas start together (advisory lock)', async () => {
    const db = await freshDatabase('migrate');
    drops.push(db.drop);
    const stores = await Promise.all([1, 2, 3, 4].map(() => PostgresStore.open({ url: db.url, poolSize: 2 })));
    expect(await stores[0]!.schemaVersion()).toBe(MIGRATIONS.length);
    const client = new pg.Client({ connectionString: db.url });
    await client.connect();
    const { rows } = await client.query('SELECT version FROM retell_kit_migrations ORDER BY version');
    expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    // A database migrated by a newer retell-kit is refused, in one line.
    await client.query('INSERT INTO retell_kit_migrations (version) VALUES (999)');
    await client.end();
    for (const store of stores) await store.close();
    const error = await PostgresStore.open({ url: db.url }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).message).toMatch(/schema version 999, newer than this retell-kit understands/);
  });

  it('keeps a claim exclusive across stores (replicas) sharing the database', async () => {
    const db = await freshDatabase('claims');
    drops.push(db.drop);
    const stores = await Promise.all([1, 2, 3].map(() => PostgresStore.open({ url: db.url, poolSize: 4 })));
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => stores[i % 3]!.claim('same', `owner-${i}`, 1)));
    expect(results.filter((r) => r.state === 'claimed')).toHaveLength(1);
    const events = await Promise.all(stores.map((s) => s.appendEvent({ dedupeKey: 'call_ended:x', event: 'call_ended', callId: 'x', body: '{}', receivedAt: 1 })));
    expect(events.filter((e) => e.inserted)).toHaveLength(1);
    expect(new Set(events.map((e) => e.event.id)).size).toBe(1);
    for (const store of stores) await store.close();
  });

  it('group-commits claims and answers asked for together: each caller gets its own result, a key twice in a group is never claimed twice', async () => {
    const db = await freshDatabase('group');
    drops.push(db.drop);
    const [a, b] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: db.url, poolSize: 2 })));
    const trace = (n: number): FunctionTrace => ({ traceId: `t${n}`, callId: `g${n % 7}`, name: 'f', handler: 'f', args: { n }, status: 200, result: n, outcome: 'ok', durationMs: 1, startedAt: n, duplicate: false });
    // 200 distinct keys from two replicas at once, plus the same key from every caller.
    const keys = Array.from({ length: 200 }, (_, i) => `g:${i}`);
    const claims = await Promise.all(keys.map((k, i) => (i % 2 ? a! : b!).claim(k, i % 2 ? 'A' : 'B', 1)));
    const same = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? a! : b!).claim('g:same', `o${i}`, 1)));
    expect(claims.every((c) => c.state === 'claimed')).toBe(true);
    expect(same.filter((c) => c.state === 'claimed')).toHaveLength(1);
    expect(new Set(claims.map((c) => (c as { fence: number }).fence)).size).toBe(200);
    // Answers together, every other one by a holder with a wrong fence: those are refused, alone.
    const kept = await Promise.all(
      keys.map((k, i) => {
        const holder = { owner: i % 2 ? 'A' : 'B', fence: (claims[i] as { fence: number }).fence + (i % 4 === 0 ? 100_000 : 0) };
        return (i % 2 ? a! : b!).complete(k, holder, { status: 200, body: { i } }, trace(i));
      }),
    );
    expect(kept).toEqual(keys.map((_, i) => i % 4 !== 0));
    for (const i of [1, 2, 3, 4, 5]) {
      expect(await a!.claim(keys[i]!, 'x', 2)).toEqual(i % 4 === 0 ? { state: 'pending', owner: 'B', claimedAt: 1 } : { state: 'done', response: { status: 200, body: { i } } });
    }
    const traced = (await Promise.all([0, 1, 2, 3, 4, 5, 6].map((c) => a!.tracesForCall(`g${c}`)))).flat();
    expect(traced.map((t) => t.traceId).sort()).toEqual(keys.map((_, i) => `t${i}`).filter((_, i) => i % 4 !== 0).sort());
    await a!.close();
    await b!.close();
  });

  it('leases each pending event to one replica, one call in order, and frees it when settled or expired', async () => {
    const db = await freshDatabase('lease');
    drops.push(db.drop);
    const [a, b] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: db.url, poolSize: 4 })));
    const add = (callId: string, event: string) => a!.appendEvent({ dedupeKey: `${event}:${callId}`, event, callId, body: '{}', receivedAt: 1 }).then((r) => r.event);
    const c1s = await add('c1', 'call_started');
    const c1e = await add('c1', 'call_ended');
    const c2s = await add('c2', 'call_started');
    // B asks for c1's end alone: its start is pending and not B's, so no.
    expect(await b!.leaseEvents!('B', 1000, 500, { id: c1e.id })).toEqual([]);
    // Two replicas polling at once never get the same event.
    const [la, lb] = await Promise.all([a!.leaseEvents!('A', 1000, 500), b!.leaseEvents!('B', 1000, 500)]);
    const ids = [...la, ...lb].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain(c1s.id);
    expect(ids).toContain(c2s.id);
    const holder = la.some((e) => e.id === c1s.id) ? { store: a!, name: 'A' } : { store: b!, name: 'B' };
    const other = holder.name === 'A' ? { store: b!, name: 'B' } : { store: a!, name: 'A' };
    // c1's end goes only to the holder of c1's start (in order, one replica per call).
    expect(await other.store.leaseEvents!(other.name, 1001, 500)).toEqual([]);
    const leased = [...la, ...lb];
    if (!ids.includes(c1e.id)) {
      const end = await holder.store.leaseEvents!(holder.name, 1001, 500);
      expect(end.map((e) => e.id)).toEqual([c1e.id]);
      leased.push(...end);
    }
    // Every lease has its own fencing token.
    const fence = (id: number) => leased.find((e) => e.id === id)!.fence!;
    expect(new Set(leased.map((e) => e.fence)).size).toBe(leased.length);
    // Renewed leases hold; expired ones go to whoever polls (the holder died).
    expect((await holder.store.renewEventLeases!(holder.name, [{ id: c1s.id, fence: fence(c1s.id) }, { id: c1e.id, fence: fence(c1e.id) }], 1400, 500)).sort()).toEqual([c1s.id, c1e.id].sort());
    const meanwhile = (await other.store.leaseEvents!(other.name, 1600, 500)).map((e) => e.id);
    expect(meanwhile).not.toContain(c1s.id);
    expect(meanwhile).not.toContain(c1e.id);
    // The start first; the end at the next poll, once its start is this replica's.
    expect((await other.store.leaseEvents!(other.name, 2000, 500)).map((e) => e.id)).toEqual([c1s.id]);
    expect((await other.store.leaseEvents!(other.name, 2001, 500)).map((e) => e.id)).toEqual([c1e.id]);
    // Settled: the lease is given back and nobody leases it again.
    await other.store.markEvent(c1s.id, { state: 'done', attempts: 1 });
    await other.store.markEvent(c1e.id, { state: 'done', attempts: 1 });
    await a!.markEvent(c2s.id, { state: 'done', attempts: 1 });
    expect(await a!.leaseEvents!('A', 99_999, 500)).toEqual([]);
    // A clean shutdown gives leases back at once.
    const late = await add('c3', 'call_started');
    expect(await a!.leaseEvents!('A', 5000, 60_000)).toHaveLength(1);
    expect(await b!.leaseEvents!('B', 5001, 60_000)).toEqual([]);
    await a!.releaseEventLeases!('A');
    expect((await b!.leaseEvents!('B', 5002, 60_000)).map((e) => e.id)).toEqual([late.id]);
    await a!.close();
    await b!.close();
  });

  it('fences event leases: a replica that stalled past its lease cannot settle, re-open or renew the event', async () => {
    const db = await freshDatabase('fence');
    drops.push(db.drop);
    const [a, b] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: db.url, poolSize: 2 })));
    const { event } = await a!.appendEvent({ dedupeKey: 'call_ended:f1', event: 'call_ended', callId: 'f1', body: '{}', receivedAt: 1 });
    const [mine] = await a!.leaseEvents!('A', 1000, 500);
    expect(await a!.markEvent(event.id, { state: 'pending', attempts: 1 }, mine!.fence)).toBe(true);
    // A stalls past its lease; B leases the event (a higher token), runs it and settles it.
    const [theirs] = await b!.leaseEvents!('B', 2000, 500);
    expect(theirs!.fence).toBeGreaterThan(mine!.fence!);
    expect(await a!.renewEventLeases!('A', [{ id: event.id, fence: mine!.fence! }], 2100, 500)).toEqual([]); // lost
    expect(await b!.markEvent(event.id, { state: 'pending', attempts: 2 }, theirs!.fence)).toBe(true);
    // A wakes up before B finishes: its 'done' is refused, so is a retry it would schedule.
    expect(await a!.markEvent(event.id, { state: 'done', attempts: 1, handledAt: 2200 }, mine!.fence)).toBe(false);
    expect(await a!.markEvent(event.id, { state: 'pending', attempts: 1, error: 'x' }, mine!.fence)).toBe(false);
    expect(await b!.markEvent(event.id, { state: 'done', attempts: 2, handledAt: 2300 }, theirs!.fence)).toBe(true);
    // The same write again (its acknowledgement was lost) is accepted; re-opening a settled event is not.
    expect(await b!.markEvent(event.id, { state: 'done', attempts: 2, handledAt: 2300 }, theirs!.fence)).toBe(true);
    expect(await b!.markEvent(event.id, { state: 'pending', attempts: 3 }, theirs!.fence)).toBe(false);
    expect(await a!.markEvent(event.id, { state: 'failed', attempts: 1, error: 'late' }, mine!.fence)).toBe(false);
    expect(await a!.getEvent(event.id)).toMatchObject({ state: 'done', attempts: 2, handledAt: 2300 });
    expect((await a!.getEvent(event.id))!.error).toBeUndefined();
    await a!.close();
    await b!.close();
  });

  it('two replicas pruning and redacting at rest at once: each record pruned once, each call rewritten once, nothing else lost', async () => {
    const db = await freshDatabase('retain');
    drops.push(db.drop);
    const retention = { answersMs: 3_600_000, eventsMs: 3_600_000, tracesMs: 3_600_000, kvMs: false as const };
    const [a, b] = await Promise.all([1, 2].map(() => PostgresStore.open({ url: db.url, poolSize: 4, retention })));
    const now = Date.now();
    // Past retention (seeded in SQL: 2 h old): 1,300 handled events and 1,100 traces (several prune
    // chunks each), and 40 old events still pending (never pruned).
    const seed = new pg.Client({ connectionString: db.url });
    await seed.connect();
    await seed.query(`INSERT INTO retell_kit_events (dedupe_key, event, call_id, body, received_at, state, attempts) SELECT 'call_started:old' || g, 'call_started', 'old' || g, '{}', $1, CASE WHEN g <= 40 THEN 'pending' ELSE 'done' END, 1 FROM generate_series(1, 1340) g`, [now - 7_200_000]);
    await seed.query(`INSERT INTO retell_kit_traces (trace_id, call_id, data, recorded_at) SELECT 't' || g, 'old' || g, '{}', $1 FROM generate_series(1, 1100) g`, [now - 7_200_000]);
    // 30 calls that ended 10 minutes ago: handled call_ended, a pending call_analyzed, two traces each.
    const calls = Array.from({ length: 30 }, (_, i) => `rc${i}`);
    const raw = JSON.stringify({ n: 'raw', rewrites: 0 });
    for (const callId of calls) {
      const ended = (await a!.appendEvent({ dedupeKey: `call_ended:${callId}`, event: 'call_ended', callId, body: raw, receivedAt: now - 600_000 })).event;
      await a!.markEvent(ended.id, { state: 'done', attempts: 1 });
      await a!.appendEvent({ dedupeKey: `call_analyzed:${callId}`, event: 'call_analyzed', callId, body: raw, receivedAt: now - 500_000 });
      const trace = (n: number): FunctionTrace => ({ traceId: `${callId}-${n}`, callId, name: 'f', handler: 'f', args: { n: 'raw', rewrites: 0 }, status: 200, result: n, outcome: 'ok', durationMs: 1, startedAt: n, duplicate: false });
      await a!.recordTraces([trace(1), trace(2)]);
    }
    // Both replicas' background work at once: prune, and the redaction sweep over the same calls.
    const rewrites = new Map<string, number>();
    const bump = (body: string) => {
      const value = JSON.parse(body) as { rewrites: number };
      return JSON.stringify({ n: 'red', rewrites: value.rewrites + 1 });
    };
    const sweep = async (store: PostgresStore) => {
      for (const callId of await store.callsAwaitingRewrite(now, 1000)) {
        await store.rewriteCall(callId, (records) => {
          rewrites.set(callId, (rewrites.get(callId) ?? 0) + 1);
          return { events: records.events.map((e) => ({ ...e, body: bump(e.body) })), traces: records.traces.map((t) => ({ ...t, args: JSON.parse(bump(JSON.stringify(t.args))) })) };
        });
      }
    };
    const listed = await Promise.all([a!.callsAwaitingRewrite(now, 1000), b!.callsAwaitingRewrite(now, 1000)]);
    expect(listed.map((l) => l.length)).toEqual([30, 30]); // both see every call: they race for each
    const [pa, pb] = await Promise.all([a!.prune(now), b!.prune(now), sweep(a!), sweep(b!)]);
    // Pruned once: the two rounds' counts add up to what was past retention, no more.
    expect(pa!.events + pb!.events).toBe(1300);
    expect(pa!.traces + pb!.traces).toBe(1100);
    const left = await seed.query<{ state: string; n: string }>(`SELECT state, count(*) AS n FROM retell_kit_events WHERE call_id LIKE 'old%' GROUP BY state`);
    expect(left.rows).toEqual([{ state: 'pending', n: '40' }]);
    expect((await seed.query(`SELECT 1 FROM retell_kit_traces WHERE call_id LIKE 'old%'`)).rowCount).toBe(0);
    await seed.end();
    // Rewritten once: each call's handled event and traces went through exactly one rewrite.
    expect([...rewrites.keys()].sort()).toEqual([...calls].sort());
    expect([...rewrites.values()].every((n) => n === 1)).toBe(true);
    for (const callId of calls) {
      const events = await b!.eventsForCall(callId);
      expect(events.map((e) => [e.event, e.state, JSON.parse(e.body)])).toEqual([
        ['call_ended', 'done', { n: 'red', rewrites: 1 }],
        ['call_analyzed', 'pending', { n: 'raw', rewrites: 0 }], // pending: its handler needs it as sent
      ]);
      expect((await b!.tracesForCall(callId)).map((t) => t.args)).toEqual([{ n: 'red', rewrites: 1 }, { n: 'red', rewrites: 1 }]);
    }
    expect(await a!.callsAwaitingRewrite(now, 1000)).toEqual([]);
    await a!.close();
    await b!.close();
  });

  it('never shows the password of its URL: not in errors, not in the redacted URL', async () => {
    const url = new URL(pgServerUrl());
    url.password = 'S3cr3t-pa55word';
    const bad = url.toString();
    const error = await PostgresStore.open({ url: bad, connectTimeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KitError);
    const text = `${(error as KitError).oneLine()} ${JSON.stringify(error)} ${String((error as Error).stack)}`;
    expect(text).toMatch(/cannot open the Postgres store at postgres:\/\/postgres:\*\*\*@127\.0\.0\.1/);
    expect(text).not.toContain('S3cr3t-pa55word');
    expect(redactUrl('postgres://u:p%40ss@h:5432/db?sslpassword=x')).toBe('postgres://u:***@h:5432/db?sslpassword=***');
  });

  it('a server that is gone is a store failure (503), not a crash', async () => {
    const db = await freshDatabase('gone');
    drops.push(db.drop);
    const store = await PostgresStore.open({ url: db.url, poolSize: 2, connectTimeoutMs: 1000 });
    const admin = new pg.Client({ connectionString: pgServerUrl() });
    await admin.connect();
    const name = new URL(db.url).pathname.slice(1);
    // Terminating every connection to the database is what a server restart does to the pool.
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1`, [name]);
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS false`);
    const error = await store.ping().then(() => 'answered', (e: unknown) => e);
    expect(String(error)).toMatch(/unavailable/);
    expect(isStoreFailure(error)).toBe(true);
    await admin.query(`ALTER DATABASE ${name} WITH ALLOW_CONNECTIONS true`);
    await admin.end();
    await expect(store.ping({ write: true })).resolves.toBeUndefined(); // reconnects by itself
    await store.close();
  });
});
