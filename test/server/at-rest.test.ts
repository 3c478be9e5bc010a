import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../src/handlers/define.js';
import { functionCallKey } from '../../src/handlers/keys.js';
import { API_KEY, callObject, signedPost, start, until, type Started } from './helpers.js';

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const config = {
  functions: {
    book: defineFunction({ args: z.object({ name: z.string(), phone: z.string() }), handler: (args) => ({ confirmed: `booked for ${args.name}, we will text ${args.phone}` }) }),
    leaky: defineFunction({ args: z.object({}), handler: () => ({ debug: `using ${API_KEY}` }) }),
    thrower: defineFunction({ args: z.object({}), handler: () => { throw new Error(`auth failed for ${API_KEY}`); } }),
  },
};

describe('what serve keeps at rest', () => {
  it('redacts a call’s events and traces once it is over; the answer kept for retries stays as sent', async () => {
    s = await start(config);
    const call = callObject('call_rest', { transcript: 'User: I am Maria, my number is 4155550123' });
    const args = { name: 'Maria Lopez', phone: '4155550123' };
    const answer = await signedPost(s.url, '/functions/book', { name: 'book', call, args });
    expect(answer.json()).toEqual({ confirmed: 'booked for Maria Lopez, we will text 4155550123' });
    expect((await signedPost(s.url, '/webhook', { event: 'call_ended', call: { ...call, call_status: 'ended' } })).status).toBe(200);
    // call_analyzed is the call's last event: then its records are redacted at rest.
    expect((await signedPost(s.url, '/webhook', { event: 'call_analyzed', call: { ...call, call_status: 'ended', call_analysis: { call_summary: 'Maria booked.' } } })).status).toBe(200);
    await until(async () => (await s!.server.store.eventsForCall('call_rest')).every((e) => e.state === 'done' && !e.body.includes('4155550123')), 5_000, 'redaction at rest');

    const stored = JSON.stringify([await s.server.store.eventsForCall('call_rest'), await s.server.store.tracesForCall('call_rest')]);
    for (const secret of ['4155550123', 'Maria', '+14155559876']) expect(stored).not.toContain(secret);
    const [trace] = await s.server.store.tracesForCall('call_rest');
    const phone = (trace!.args as { phone: string }).phone;
    expect(phone).toMatch(/^<phone-\d+>$/);
    // One session over the call: the number is the same placeholder in the args, the result and the transcript.
    expect(trace).toMatchObject({ name: 'book', args: { name: '<name-1>' }, result: { confirmed: `booked for <name-1>, we will text ${phone}` } });
    expect(stored).toContain(`my number is ${phone}`);
    // A retry still gets the answer as it was sent.
    const claim = await s.server.store.claim(functionCallKey({ callId: 'call_rest', handler: 'book', args }), 'x', Date.now());
    expect(claim).toEqual({ state: 'done', response: { status: 200, body: { confirmed: 'booked for Maria Lopez, we will text 4155550123' } } });
    expect((await signedPost(s.url, '/functions/book', { name: 'book', call, args })).json()).toEqual(answer.json());
  });

  it('a call that never gets call_analyzed is redacted by the sweep once it ended long enough ago', async () => {
    s = await start(config, { redactSweep: { afterMs: 100, everyMs: 50 } });
    const call = callObject('call_sweep', { transcript: 'User: call me on 4155550123' });
    expect((await signedPost(s.url, '/webhook', { event: 'call_ended', call })).status).toBe(200);
    await until(async () => (await s!.server.store.eventsForCall('call_sweep')).some((e) => e.state === 'done'), 5_000, 'handled');
    expect((await s.server.store.eventsForCall('call_sweep'))[0]!.body).toContain('4155550123');
    await until(async () => !(await s!.server.store.eventsForCall('call_sweep'))[0]!.body.includes('4155550123'), 5_000, 'the sweep');
    expect(await s.server.store.callsAwaitingRewrite(Date.now())).toEqual([]);
  });

  it('never stores the API key a handler returns or throws', async () => {
    s = await start(config);
    const call = callObject('call_key');
    const leaky = await signedPost(s.url, '/functions/leaky', { name: 'leaky', call, args: {} });
    expect(leaky.json()).toEqual({ debug: 'using <secret>' });
    const thrown = await signedPost(s.url, '/functions/thrower', { name: 'thrower', call, args: {} });
    expect(thrown.status).toBe(500);
    await s.server.flushTraces();
    const claim = await s.server.store.claim(functionCallKey({ callId: 'call_key', handler: 'leaky', args: {} }), 'x', Date.now());
    expect(JSON.stringify(claim)).not.toContain(API_KEY);
    const traces = JSON.stringify(await s.server.store.tracesForCall('call_key'));
    expect(traces).toContain('<secret>');
    expect(traces).not.toContain(API_KEY);
    expect(s.logs.join('')).not.toContain(API_KEY);
  });
});
