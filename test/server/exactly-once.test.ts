import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../src/handlers/define.js';
import { callObject, signedPost, start, until, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('serve: exactly once', () => {
  it('20 concurrent deliveries of one webhook event: stored once, handled once, 20 identical answers', async () => {
    let runs = 0;
    s = await start({ webhooks: { call_ended: async () => void (await sleep(50), runs++) } });
    const payload = { event: 'call_ended', call: callObject('call_dup', { call_status: 'ended', disconnection_reason: 'user_hangup' }) };
    const responses = await Promise.all(Array.from({ length: 20 }, () => signedPost(s!.url, '/webhook', payload)));
    expect(new Set(responses.map((r) => `${r.status} ${r.text}`))).toEqual(new Set(['200 {"received":true}']));
    expect(responses.filter((r) => r.headers['x-retell-kit-duplicate'] === '1').length).toBe(19);
    await until(async () => (await s!.server.store.eventsForCall('call_dup')).every((e) => e.state === 'done'), 5000, 'event handled');
    await sleep(100);
    expect(runs).toBe(1);
    expect(await s.server.store.eventsForCall('call_dup')).toHaveLength(1);
    expect(s.server.metrics.duplicates.get({ kind: 'webhook' })).toBe(19);
    // A later redelivery is still ignored.
    expect((await signedPost(s.url, '/webhook', payload)).headers['x-retell-kit-duplicate']).toBe('1');
    await sleep(100);
    expect(runs).toBe(1);
  });

  it('handles every transcript_updated, and each one-shot event of a call once', async () => {
    const seen: string[] = [];
    const record = (event: any) => void seen.push(event.event);
    s = await start({ webhooks: { transcript_updated: record, call_started: record, call_analyzed: record } });
    for (const event of ['call_started', 'transcript_updated', 'transcript_updated', 'call_started', 'call_analyzed', 'call_analyzed']) {
      expect((await signedPost(s.url, '/webhook', { event, call: callObject('call_t', { transcript: 'same' }) })).status).toBe(200);
    }
    await until(() => seen.length >= 4, 5000, 'handlers');
    await sleep(100);
    // In arrival order: one call's events are handled one after another.
    expect(seen).toEqual(['call_started', 'transcript_updated', 'transcript_updated', 'call_analyzed']);
    // Each transcript_updated holds the whole transcript so far: the store keeps the latest only.
    await signedPost(s.url, '/webhook', { event: 'transcript_updated', call: callObject('call_t', { transcript: 'latest' }) });
    await until(() => seen.length >= 5, 5000, 'the last transcript_updated');
    const stored = await s.server.store.eventsForCall('call_t');
    expect(stored.map((e) => e.event)).toEqual(['call_started', 'call_analyzed', 'transcript_updated']);
    expect(JSON.parse(stored[2]!.body).call.transcript).toBe('latest');
  });

  it('20 concurrent identical function calls: the side effect happens once and all 20 get the same answer', async () => {
    let bookings = 0;
    s = await start({
      functions: {
        book_appointment: defineFunction({
          args: z.object({ date: z.string(), time: z.string() }),
          async handler(args: { date: string; time: string }) {
            await sleep(100);
            bookings++;
            return { booked: true, ref: `B${bookings}`, ...args };
          },
        }),
      },
    });
    const call = callObject('call_fn');
    const bodies = Array.from({ length: 20 }, (_, i) =>
      // Same args in a different key order are the same call.
      i % 2 ? { name: 'book_appointment', call, args: { date: '2026-03-14', time: '10:00' } } : { args: { time: '10:00', date: '2026-03-14' }, call, name: 'book_appointment' },
    );
    const responses = await Promise.all(bodies.map((b) => signedPost(s!.url, '/functions/book_appointment', b)));
    expect(bookings).toBe(1);
    expect(new Set(responses.map((r) => `${r.status} ${r.text}`))).toEqual(new Set([`200 ${JSON.stringify({ booked: true, ref: 'B1', date: '2026-03-14', time: '10:00' })}`]));
    expect(s.server.metrics.duplicates.get({ kind: 'function' })).toBe(19);
    // Later retry: the stored answer, without running the handler.
    const later = await signedPost(s.url, '/functions/book_appointment', bodies[1]);
    expect(later.json()).toMatchObject({ ref: 'B1' });
    expect(later.headers['x-retell-kit-duplicate']).toBe('1');
    expect(bookings).toBe(1);
    // Other args, or another call, are other calls.
    expect((await signedPost(s.url, '/functions/book_appointment', { name: 'book_appointment', call, args: { date: '2026-03-14', time: '11:00' } })).json()).toMatchObject({ ref: 'B2' });
    expect((await signedPost(s.url, '/functions/book_appointment', { name: 'book_appointment', call: callObject('call_other'), args: bodies[1]!.args })).json()).toMatchObject({ ref: 'B3' });
    await s.server.flushTraces();
    const traces = await s.server.store.tracesForCall('call_fn');
    expect(traces).toHaveLength(22);
    expect(traces.filter((t) => !t.duplicate)).toHaveLength(2);
    expect(traces[0]).toMatchObject({ name: 'book_appointment', handler: 'book_appointment', callId: 'call_fn', agentVersion: 17, outcome: 'ok', status: 200 });
  });

  it('uses tool_call_id as the key when Retell sends one', async () => {
    let runs = 0;
    s = await start({ functions: { ping: defineFunction({ args: z.object({}), handler: () => ({ run: ++runs }) }) } });
    const call = callObject('call_tc');
    expect((await signedPost(s.url, '/functions/ping', { name: 'ping', call, args: {}, tool_call_id: 'tc1' })).json()).toEqual({ run: 1 });
    expect((await signedPost(s.url, '/functions/ping', { name: 'ping', call, args: {}, tool_call_id: 'tc1' })).json()).toEqual({ run: 1 });
    expect((await signedPost(s.url, '/functions/ping', { name: 'ping', call, args: {}, tool_call_id: 'tc2' })).json()).toEqual({ run: 2 });
  });

  it('lets a retry run again after the handler failed, and keeps a late result of a timed-out handler', async () => {
    let attempts = 0;
    let slowRuns = 0;
    s = await start({
      functions: {
        flaky: defineFunction({
          args: z.object({}),
          handler: () => {
            if (++attempts === 1) throw new Error('calendar API unreachable');
            return { ok: attempts };
          },
        }),
        slow: defineFunction({
          args: z.object({}),
          timeoutMs: 100,
          async handler(_args: unknown, ctx: any) {
            slowRuns++;
            await sleep(300);
            return { done: true, aborted: ctx.signal.aborted };
          },
        }),
      },
    });
    const call = callObject('call_retry');
    const failed = await signedPost(s.url, '/functions/flaky', { name: 'flaky', call, args: {} });
    expect(failed.status).toBe(500);
    expect(failed.json()).toEqual({ error: 'error', message: expect.stringMatching(/^flaky failed: calendar API unreachable\./) });
    expect((await signedPost(s.url, '/functions/flaky', { name: 'flaky', call, args: {} })).json()).toEqual({ ok: 2 });

    const timedOut = await signedPost(s.url, '/functions/slow', { name: 'slow', call, args: {} });
    expect(timedOut.status).toBe(504);
    expect(timedOut.json().message).toMatch(/slow did not answer within 100 ms/);
    // A retry while the handler still runs waits (up to its own timeout) instead of running it again.
    expect((await signedPost(s.url, '/functions/slow', { name: 'slow', call, args: {} })).status).toBe(504);
    expect(slowRuns).toBe(1);
    // Once the late handler finishes, its answer is kept for the next retry.
    await sleep(250);
    const retry = await signedPost(s.url, '/functions/slow', { name: 'slow', call, args: {} });
    expect(retry.status).toBe(200);
    expect(retry.json()).toEqual({ done: true, aborted: true });
    expect(slowRuns).toBe(1);
  });
});
