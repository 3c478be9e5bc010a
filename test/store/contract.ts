import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ClaimHolder, FunctionTrace, Store } from '../../src/store/store.js';

/**
 * The one suite every Store must pass (SQLite today, Postgres tomorrow). `open` returns a fresh,
 * empty store; `reopen` (optional) opens the same data again, to prove durability.
 */
export function storeContract(name: string, factory: { open(): Promise<Store>; reopen?(): Promise<Store> }): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await factory.open();
    });
    afterEach(async () => {
      await store.close();
    });

    it('pings while open', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    /** Claim `key` for `owner` (it must be free) and return the holder. */
    const claimed = async (key: string, owner: string, now = 1): Promise<ClaimHolder> => {
      const result = await store.claim(key, owner, now);
      if (result.state !== 'claimed') throw new Error(`${key} was not free: ${result.state}`);
      return { owner, fence: result.fence };
    };

    it('claims a key once, shows the holder, then the stored answer', async () => {
      const first = await store.claim('k1', 'a', 1000);
      expect(first).toEqual({ state: 'claimed', fence: expect.any(Number) });
      const a = { owner: 'a', fence: (first as { fence: number }).fence };
      expect(await store.claim('k1', 'b', 1001)).toEqual({ state: 'pending', owner: 'a', claimedAt: 1000 });
      expect(await store.complete('k1', { owner: 'b', fence: a.fence }, { status: 200, body: { wrong: true } })).toBe(false); // not the owner: refused
      expect(await store.claim('k1', 'b', 1002)).toMatchObject({ state: 'pending', owner: 'a' });
      expect(await store.complete('k1', a, { status: 201, body: { booked: true, note: 'Zoë 💇' } })).toBe(true);
      expect(await store.claim('k1', 'b', 1003)).toEqual({ state: 'done', response: { status: 201, body: { booked: true, note: 'Zoë 💇' } } });
      expect(await store.complete('k1', a, { status: 200, body: 'again' })).toBe(false); // done: never overwritten
      expect(await store.release('k1', a)).toBe(false); // done records are kept
      expect(await store.claim('k1', 'c', 1004)).toEqual({ state: 'done', response: { status: 201, body: { booked: true, note: 'Zoë 💇' } } });
    });

    it('writes the trace given with an answer, and only when the answer is kept', async () => {
      const trace: FunctionTrace = { traceId: 'tr1', callId: 'cx', name: 'book', handler: 'book', args: { a: 1 }, status: 200, result: { ok: true }, outcome: 'ok', durationMs: 2, startedAt: 5, duplicate: false };
      const a = await claimed('kt', 'a');
      expect(await store.complete('kt', { owner: 'b', fence: a.fence }, { status: 200, body: 'no' }, { ...trace, traceId: 'not-owner' })).toBe(false); // nothing written
      expect(await store.complete('kt', a, { status: 200, body: { ok: true } }, trace)).toBe(true);
      expect(await store.complete('kt', a, { status: 200, body: 'twice' }, { ...trace, traceId: 'twice' })).toBe(false);
      expect(await store.tracesForCall('cx')).toEqual([trace]);
    });

    it('keeps string, null and array answers as they were', async () => {
      for (const [key, body] of [['s', 'sunny'], ['n', null], ['a', [1, 'two']]] as const) {
        await store.complete(key, await claimed(key, 'a'), { status: 200, body });
        expect(await store.claim(key, 'b', 2)).toEqual({ state: 'done', response: { status: 200, body } });
      }
    });

    it('releases a pending claim so a retry can run', async () => {
      const a = await claimed('k2', 'a');
      expect(await store.release('k2', { owner: 'b', fence: a.fence })).toBe(false); // not the owner: refused
      expect(await store.claim('k2', 'b', 2)).toMatchObject({ state: 'pending', owner: 'a' });
      expect(await store.release('k2', a)).toBe(true);
      expect(await store.claim('k2', 'b', 3)).toEqual({ state: 'claimed', fence: expect.any(Number) });
    });

    it('takes over only a stale pending claim', async () => {
      await claimed('k3', 'dead', 1000);
      expect(await store.takeOver('k3', 'alive', 1000, 5000)).toBeUndefined(); // not older than 1000
      const fence = await store.takeOver('k3', 'alive', 1001, 5000);
      expect(fence).toEqual(expect.any(Number));
      expect(await store.claim('k3', 'x', 6000)).toEqual({ state: 'pending', owner: 'alive', claimedAt: 5000 });
      expect(await store.complete('k3', { owner: 'alive', fence: fence! }, { status: 200, body: 1 })).toBe(true);
      expect(await store.takeOver('k3', 'other', 10_000, 10_000)).toBeUndefined(); // done: never taken
    });

    it('fences claims: a holder taken over can neither answer nor release, even when it takes the claim back later', async () => {
      const stalled = await claimed('kf', 'A', 1000);
      // A stalls past its claim (GC pause, SIGSTOP): B takes over with a higher token.
      const bFence = (await store.takeOver('kf', 'B', 2000, 3000))!;
      expect(bFence).toBeGreaterThan(stalled.fence);
      // B stalls too; A's process takes the claim back for a retry: a third token, same owner name.
      const again = (await store.takeOver('kf', 'A', 4000, 5000))!;
      expect(again).toBeGreaterThan(bFence);
      // The first run of A and the run of B wake up: both refused, nothing written.
      expect(await store.complete('kf', stalled, { status: 200, body: 'stale A' })).toBe(false);
      expect(await store.release('kf', stalled)).toBe(false);
      expect(await store.complete('kf', { owner: 'B', fence: bFence }, { status: 200, body: 'stale B' })).toBe(false);
      expect(await store.claim('kf', 'x', 6000)).toEqual({ state: 'pending', owner: 'A', claimedAt: 5000 });
      // Only the current holder settles it, once.
      expect(await store.complete('kf', { owner: 'A', fence: again }, { status: 200, body: 'current' })).toBe(true);
      expect(await store.claim('kf', 'x', 7000)).toEqual({ state: 'done', response: { status: 200, body: 'current' } });
    });

    it('a release then a new claim gives a new token: the old holder cannot settle the new claim', async () => {
      const first = await claimed('kr', 'A');
      expect(await store.release('kr', first)).toBe(true);
      const second = await claimed('kr', 'A');
      expect(second.fence).not.toBe(first.fence);
      expect(await store.complete('kr', first, { status: 200, body: 'old run' })).toBe(false);
      expect(await store.complete('kr', second, { status: 200, body: 'new run' })).toBe(true);
      expect(await store.claim('kr', 'x', 2)).toMatchObject({ state: 'done', response: { body: 'new run' } });
    });

    it('markEvent says whether the event was there to mark', async () => {
      const { event } = await store.appendEvent({ dedupeKey: 'call_ended:me', event: 'call_ended', callId: 'me', body: '{}', receivedAt: 1 });
      expect(await store.markEvent(event.id, { state: 'done', attempts: 1 })).toBe(true);
      expect(await store.markEvent(987_654, { state: 'done', attempts: 1 })).toBe(false);
    });

    it('stores one-shot events once per dedupe key and every repeating event', async () => {
      const first = await store.appendEvent({ dedupeKey: 'call_ended:c1', event: 'call_ended', callId: 'c1', body: '{"a":1}', receivedAt: 10 });
      expect(first.inserted).toBe(true);
      expect(first.event).toMatchObject({ id: expect.any(Number), state: 'pending', attempts: 0, body: '{"a":1}', callId: 'c1', dedupeKey: 'call_ended:c1' });
      const again = await store.appendEvent({ dedupeKey: 'call_ended:c1', event: 'call_ended', callId: 'c1', body: '{"a":2}', receivedAt: 11 });
      expect(again).toEqual({ inserted: false, event: first.event });
      const t1 = await store.appendEvent({ event: 'transcript_updated', callId: 'c1', body: '{}', receivedAt: 12 });
      const t2 = await store.appendEvent({ event: 'transcript_updated', callId: 'c1', body: '{}', receivedAt: 13 });
      expect(t1.inserted && t2.inserted).toBe(true);
      expect(t1.event.dedupeKey).toBeUndefined();
      expect((await store.eventsForCall('c1')).map((e) => e.id)).toEqual([first.event.id, t1.event.id, t2.event.id]);
      expect(await store.eventsForCall('other')).toEqual([]);
    });

    it('supersede: a call keeps only its latest handled event of a kind; pending ones are never dropped', async () => {
      const t = (n: number) => store.appendEvent({ event: 'transcript_updated', callId: 'cs', body: `{"n":${n}}`, receivedAt: n, supersede: true });
      const a = (await t(1)).event;
      const b = (await t(2)).event;
      expect((await store.eventsForCall('cs')).map((e) => e.id)).toEqual([a.id, b.id]); // both pending: both kept
      await store.markEvent(a.id, { state: 'done', attempts: 1 });
      await store.markEvent(b.id, { state: 'done', attempts: 1 });
      const c = (await t(3)).event;
      expect((await store.eventsForCall('cs')).map((e) => e.body)).toEqual(['{"n":3}']);
      expect(c.state).toBe('pending');
      await store.appendEvent({ dedupeKey: 'call_ended:cs', event: 'call_ended', callId: 'cs', body: '{}', receivedAt: 4 });
      await store.markEvent(c.id, { state: 'done', attempts: 1 });
      await t(5);
      expect((await store.eventsForCall('cs')).map((e) => e.event)).toEqual(['call_ended', 'transcript_updated']);
    });

    it('prunes by kind: handled events and traces past their retention, never a pending event, kv only when asked', async () => {
      const old = (await store.appendEvent({ dedupeKey: 'call_ended:p1', event: 'call_ended', callId: 'p1', body: '{}', receivedAt: Date.now() })).event;
      const pending = (await store.appendEvent({ dedupeKey: 'call_started:p1', event: 'call_started', callId: 'p1', body: '{}', receivedAt: Date.now() })).event;
      await store.markEvent(old.id, { state: 'done', attempts: 1 });
      await store.recordTraces([{ traceId: 't', callId: 'p1', name: 'f', handler: 'f', args: {}, status: 200, result: 1, outcome: 'ok', durationMs: 1, startedAt: 1, duplicate: false }]);
      await store.kvSet('ns', 'booking', 1);
      expect(await store.prune(Date.now())).toEqual({ answers: 0, events: 0, traces: 0, kv: 0 });
      const later = Date.now() + 400 * 86_400_000;
      expect(await store.prune(later)).toMatchObject({ events: 1, traces: 1, kv: 0 });
      expect((await store.eventsForCall('p1')).map((e) => e.id)).toEqual([pending.id]);
      expect(await store.tracesForCall('p1')).toEqual([]);
      expect(await store.kvGet('ns', 'booking')).toBe(1);
    });

    it('rewrites a call’s handled events and traces in one go, never a pending event', async () => {
      const done = (await store.appendEvent({ dedupeKey: 'call_ended:rw', event: 'call_ended', callId: 'rw', body: '{"n":"raw"}', receivedAt: 1 })).event;
      const pending = (await store.appendEvent({ dedupeKey: 'call_analyzed:rw', event: 'call_analyzed', callId: 'rw', body: '{"n":"raw"}', receivedAt: 2 })).event;
      await store.markEvent(done.id, { state: 'done', attempts: 1 });
      await store.recordTraces([{ traceId: 't', callId: 'rw', name: 'f', handler: 'f', args: { n: 'raw' }, status: 200, result: 1, outcome: 'ok', durationMs: 1, startedAt: 1, duplicate: false }]);
      let seen: unknown;
      await store.rewriteCall('rw', (records) => {
        seen = records.events.map((e) => e.id);
        return { events: records.events.map((e) => ({ ...e, body: e.body.replace('raw', 'red') })), traces: records.traces.map((t) => ({ ...t, args: { n: 'red' } })) };
      });
      expect(seen).toEqual([done.id]);
      expect((await store.eventsForCall('rw')).map((e) => e.body)).toEqual(['{"n":"red"}', '{"n":"raw"}']);
      expect((await store.getEvent(pending.id))?.body).toBe('{"n":"raw"}');
      expect((await store.tracesForCall('rw'))[0]?.args).toEqual({ n: 'red' });
    });

    it('lists ended calls not yet rewritten', async () => {
      const ended = (await store.appendEvent({ dedupeKey: 'call_ended:aw', event: 'call_ended', callId: 'aw', body: '{}', receivedAt: 10 })).event;
      await store.appendEvent({ dedupeKey: 'call_ended:aw2', event: 'call_ended', callId: 'aw2', body: '{}', receivedAt: 10 }); // still pending
      expect(await store.callsAwaitingRewrite(100)).toEqual([]);
      await store.markEvent(ended.id, { state: 'done', attempts: 1 });
      expect(await store.callsAwaitingRewrite(5)).toEqual([]); // ended after the cut-off
      expect(await store.callsAwaitingRewrite(100)).toEqual(['aw']);
      await store.rewriteCall('aw', (r) => r);
      expect(await store.callsAwaitingRewrite(100)).toEqual([]);
    });

    it('lists pending events oldest first and tracks their state', async () => {
      const a = (await store.appendEvent({ dedupeKey: 'call_started:c1', event: 'call_started', callId: 'c1', body: '{}', receivedAt: 1 })).event;
      const b = (await store.appendEvent({ dedupeKey: 'call_started:c2', event: 'call_started', callId: 'c2', body: '{}', receivedAt: 2 })).event;
      expect((await store.pendingEvents()).map((e) => e.id)).toEqual([a.id, b.id]);
      expect((await store.pendingEvents(1)).map((e) => e.id)).toEqual([a.id]);
      await store.markEvent(a.id, { state: 'done', attempts: 1, handledAt: 50 });
      await store.markEvent(b.id, { state: 'failed', attempts: 3, error: 'boom' });
      expect(await store.pendingEvents()).toEqual([]);
      expect(await store.getEvent(a.id)).toMatchObject({ state: 'done', attempts: 1, handledAt: 50 });
      expect(await store.getEvent(b.id)).toMatchObject({ state: 'failed', attempts: 3, error: 'boom' });
      expect(await store.getEvent(99_999)).toBeUndefined();
    });

    it('keeps traces per call in order', async () => {
      const trace = (n: number, callId: string): FunctionTrace => ({
        traceId: `t${n}`, callId, name: 'book_appointment_v2', handler: 'book_appointment', agentVersion: 2, args: { n }, status: 200,
        result: { ok: n }, outcome: 'ok', durationMs: 1.5, startedAt: n, duplicate: n === 3,
      });
      await store.recordTraces([trace(1, 'c1'), trace(2, 'c2')]);
      await store.recordTraces([]);
      await store.recordTraces([trace(3, 'c1')]);
      expect(await store.tracesForCall('c1')).toEqual([trace(1, 'c1'), trace(3, 'c1')]);
    });

    it('gives handlers a namespaced key-value space with insert-if-absent', async () => {
      expect(await store.kvGet('ns', 'a')).toBeUndefined();
      await store.kvSet('ns', 'a', { v: 1 });
      await store.kvSet('ns', 'a', { v: 2 });
      expect(await store.kvGet('ns', 'a')).toEqual({ v: 2 });
      expect(await store.kvGet('other', 'a')).toBeUndefined();
      expect(await store.kvInsert('ns', 'slot:1', 'x')).toBe(true);
      expect(await store.kvInsert('ns', 'slot:1', 'y')).toBe(false);
      expect(await store.kvGet('ns', 'slot:1')).toBe('x');
      await store.kvSet('ns', 'slot%_2', 'z');
      await store.kvSet('ns', 'slox', 'no');
      expect(await store.kvList('ns', 'slot')).toEqual([{ key: 'slot%_2', value: 'z' }, { key: 'slot:1', value: 'x' }]);
      expect(await store.kvList('ns', 'slot%')).toEqual([{ key: 'slot%_2', value: 'z' }]);
      expect((await store.kvList('ns')).length).toBe(4);
      expect(await store.kvDelete('ns', 'slot:1')).toBe(true);
      expect(await store.kvDelete('ns', 'slot:1')).toBe(false);
    });

    if (factory.reopen) {
      it('keeps everything across close and reopen', async () => {
        await store.complete('k', await claimed('k', 'a'), { status: 200, body: { kept: true } });
        const { event } = await store.appendEvent({ dedupeKey: 'call_ended:c9', event: 'call_ended', callId: 'c9', body: '{"x":"ü"}', receivedAt: 5 });
        await store.kvSet('ns', 'k', [1]);
        await store.close();
        store = await factory.reopen!();
        expect(await store.claim('k', 'b', 2)).toEqual({ state: 'done', response: { status: 200, body: { kept: true } } });
        expect(await store.pendingEvents()).toEqual([event]);
        expect(await store.kvGet('ns', 'k')).toEqual([1]);
      });
    }
  });
}
