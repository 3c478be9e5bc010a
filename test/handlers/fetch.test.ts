import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Breaker, createFetch, FetchError, nextDelay, retryableStatus, retryAfterMs, type Fetcher, type FetchPolicyInput } from '../../src/handlers/fetch.js';
import { flakyDownstream, type Flaky } from '../helpers/flaky.js';

let down: Flaky;
const fetchers: Fetcher[] = [];
beforeAll(async () => {
  down = await flakyDownstream();
});
afterAll(async () => {
  await Promise.all(fetchers.map((f) => f.close()));
  await down.close();
});
beforeEach(() => {
  down.hits.length = 0;
  down.bookings.length = 0;
});

let n = 0;
function setup(policy: FetchPolicyInput = {}, budgetMs = 3000, options: Parameters<typeof createFetch>[0] = {}) {
  const fetcher = createFetch({ policy: { backoff: { baseMs: 5, capMs: 20 }, ...policy }, ...options });
  fetchers.push(fetcher);
  const callId = `call_${++n}`;
  const { fetch, log } = fetcher.forCall({ callId, functionName: 'book', idempotencyKey: `fn:${callId}`, deadline: Date.now() + budgetMs });
  return { fetcher, fetch, log, callId };
}

describe('retries', () => {
  it('a 500 then a 200 answers 200 after two attempts', async () => {
    down.script('/slots', [{ status: 500 }, { status: 200, body: { slots: ['10:00'] } }]);
    const { fetch, log } = setup();
    const res = await fetch(`${down.url}/slots`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ slots: ['10:00'] });
    expect(down.hits).toHaveLength(2);
    expect(log.attempts.map((a) => [a.status, a.retryReason])).toEqual([
      [500, 'status 500'],
      [200, undefined],
    ]);
  });

  it.each([400, 401, 403, 404, 409, 422])('a %i is the answer: never retried', async (status) => {
    down.script('/slots', [{ status }, { status: 200 }]);
    const { fetch } = setup();
    const res = await fetch(`${down.url}/slots`);
    expect(res.status).toBe(status);
    expect(down.hits).toHaveLength(1);
  });

  it('a connection reset is retried', async () => {
    down.script('/slots', [{ reset: true }, { status: 200 }]);
    const { fetch, log } = setup();
    expect((await fetch(`${down.url}/slots`)).status).toBe(200);
    expect(log.attempts[0]).toMatchObject({ retryReason: 'connection' });
  });

  it('a failure no attempt can fix (a port fetch refuses) is not retried, and says what it was', async () => {
    const { fetch, log } = setup();
    await expect(fetch('http://127.0.0.1:9/slots')).rejects.toThrow('GET 127.0.0.1:9/slots could not be reached (bad port)');
    expect(log.attempts).toHaveLength(1);
  });

  it('a 429 waits for its Retry-After', async () => {
    down.script('/slots', [{ status: 429, headers: { 'retry-after': '1' } }, { status: 200 }]);
    const { fetch } = setup();
    const started = Date.now();
    expect((await fetch(`${down.url}/slots`)).status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it('a Retry-After past the deadline is not waited for: it fails at once', async () => {
    down.script('/slots', [{ status: 503, headers: { 'retry-after': '30' } }, { status: 200 }]);
    const { fetch } = setup({}, 2000);
    const started = Date.now();
    const error = await fetch(`${down.url}/slots`).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FetchError);
    expect((error as FetchError).code).toBe('deadline');
    expect((error as FetchError).message).toMatch(/GET 127\.0\.0\.1:\d+\/slots answered 503 and a retry would not fit before the caller's deadline/);
    expect(Date.now() - started).toBeLessThan(500);
    expect(down.hits).toHaveLength(1);
  });

  it('gives up after maxAttempts with a FetchError naming the host and status', async () => {
    down.script('/slots', [{ status: 502 }]);
    const { fetch } = setup({ maxAttempts: 3, breaker: false });
    const error = (await fetch(`${down.url}/slots`).catch((e: unknown) => e)) as FetchError;
    expect(error.code).toBe('unavailable');
    expect(error.details).toMatchObject({ status: 502, attempts: 3 });
    expect(down.hits).toHaveLength(3);
  });

  it('a stalled host is cut off before the deadline minus the margin', async () => {
    down.script('/slots', [{ stallMs: 5000 }]);
    const { fetch } = setup({ marginMs: 200 }, 800);
    const started = Date.now();
    const error = (await fetch(`${down.url}/slots`).catch((e: unknown) => e)) as FetchError;
    expect(error).toBeInstanceOf(FetchError);
    expect(Date.now() - started).toBeLessThan(800);
    expect(down.hits.length).toBeGreaterThanOrEqual(1);
  });

  it('the retry budget is per phone call, shared by its function calls', async () => {
    down.script('/slots', [{ status: 500 }]);
    const fetcher = createFetch({ policy: { retryBudgetPerCall: 2, maxAttempts: 5, backoff: { baseMs: 1, capMs: 2 }, breaker: false } });
    fetchers.push(fetcher);
    const scope = { callId: 'call_budget', functionName: 'a', idempotencyKey: 'fn:a', deadline: Date.now() + 3000 };
    await fetcher.forCall(scope).fetch(`${down.url}/slots`).catch(() => {});
    expect(down.hits).toHaveLength(3);
    await fetcher.forCall({ ...scope, functionName: 'b' }).fetch(`${down.url}/slots`).catch(() => {});
    expect(down.hits).toHaveLength(4);
  });
});

describe('cutting an attempt off (no AbortSignal is handed to undici)', () => {
  it('the function’s deadline signal cuts off a request in flight: a deadline FetchError at once, logged as such', async () => {
    down.script('/slots', [{ stallMs: 5000 }]);
    const fetcher = createFetch({ policy: { breaker: false } });
    fetchers.push(fetcher);
    const deadline = new AbortController();
    const { fetch, log } = fetcher.forCall({ callId: 'call_cut', functionName: 'f', idempotencyKey: 'fn:cut', deadline: Date.now() + 10_000, signal: deadline.signal });
    const started = Date.now();
    setTimeout(() => deadline.abort(new Error('f timed out after 150 ms')), 150);
    const error = (await fetch(`${down.url}/slots`).catch((e: unknown) => e)) as FetchError;
    expect(error).toBeInstanceOf(FetchError);
    expect(error.code).toBe('deadline');
    expect((error.cause as Error).message).toBe('f timed out after 150 ms');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(log.attempts.map((a) => a.error)).toEqual(['deadline']);
    // A later request of the same run, after the deadline: refused without touching the host.
    const hits = down.hits.length;
    await expect(fetch(`${down.url}/slots`)).rejects.toMatchObject({ code: 'deadline' });
    expect(down.hits.length).toBe(hits);
  });

  it('the caller’s own signal cuts off its request, and only that one', async () => {
    down.script('/slow', [{ stallMs: 400, then: { status: 200, body: { ok: 'slow' } } }]);
    const { fetch } = setup({ breaker: false }, 5000);
    const mine = new AbortController();
    const cut = fetch(`${down.url}/slow`, { signal: mine.signal, maxAttempts: 1 }).catch((e: unknown) => e);
    const other = fetch(`${down.url}/slow`, { maxAttempts: 1 });
    setTimeout(() => mine.abort(), 50);
    expect(await cut).toMatchObject({ code: 'deadline' });
    expect(await (await other).json()).toEqual({ ok: 'slow' });
  });

  it('a request still queued for a connection when its time is up fails then, and is never sent', async () => {
    down.script('/slots', [{ stallMs: 5000 }]);
    const dispatcher = new Agent({ connections: 1 });
    const { fetch } = setup({ attemptTimeoutMs: 200, maxAttempts: 1, breaker: false }, 5000, { dispatcher });
    const started = Date.now();
    const results = await Promise.all([fetch(`${down.url}/slots`).catch((e: unknown) => e), fetch(`${down.url}/slots`).catch((e: unknown) => e)]);
    expect(Date.now() - started).toBeLessThan(1500);
    for (const r of results) expect(r).toMatchObject({ code: 'unavailable', message: expect.stringContaining('did not answer within 200 ms') });
    await new Promise((r) => setTimeout(r, 300));
    expect(down.hits).toHaveLength(1);
    await dispatcher.close();
  });

  it('attempts of one Fetcher share a timer: a later, shorter attempt is cut off at its own time, not the earlier one’s', async () => {
    down.script('/slots', [{ stallMs: 5000 }]);
    const fetcher = createFetch({ policy: { maxAttempts: 1, breaker: false } });
    fetchers.push(fetcher);
    const scope = (id: string, budgetMs: number) => ({ callId: id, functionName: 'f', idempotencyKey: `fn:${id}`, deadline: Date.now() + budgetMs });
    const long = fetcher.forCall(scope('call_long', 2000)).fetch(`${down.url}/slots`).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 20));
    const started = Date.now();
    const short = (await fetcher.forCall(scope('call_short', 550)).fetch(`${down.url}/slots`).catch((e: unknown) => e)) as FetchError;
    // 550 ms less the 250 ms margin: cut off at ~300 ms; the long one is due at ~1.73 s.
    expect(short).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/did not answer within (29\d|300) ms/) });
    expect(Date.now() - started).toBeLessThan(1500);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(await long).toMatchObject({ code: 'unavailable', message: expect.stringMatching(/did not answer within 17\d\d ms/) });
  });
});

describe('idempotency', () => {
  it('a POST retried after a timeout reaches the host twice with one key and is booked once', async () => {
    down.script('/book', [{ stallMs: 1500, then: { status: 200 } }, { status: 200 }]);
    const { fetch } = setup({ attemptTimeoutMs: 300 }, 3000);
    const res = await fetch(`${down.url}/book`, { json: { slot: '10:00' } });
    expect(await res.json()).toEqual({ booking_id: 'bk_1' });
    expect(down.hits).toHaveLength(2);
    const keys = down.hits.map((h) => h.headers['idempotency-key']);
    expect(keys[0]).toMatch(/^[0-9a-f]{48}$/);
    expect(keys[1]).toBe(keys[0]);
    expect(down.bookings).toHaveLength(1);
  });

  it('the key is the same for the same call and request, and differs for another body', async () => {
    const a = setup();
    const b = a.fetcher.forCall({ callId: a.callId, functionName: 'book', idempotencyKey: `fn:${a.callId}`, deadline: Date.now() + 3000 });
    await a.fetch(`${down.url}/book`, { json: { slot: '10:00' } });
    await b.fetch(`${down.url}/book`, { json: { slot: '10:00' } });
    await b.fetch(`${down.url}/book`, { json: { slot: '11:00' } });
    const keys = down.hits.map((h) => h.headers['idempotency-key']);
    expect(keys[1]).toBe(keys[0]);
    expect(keys[2]).not.toBe(keys[0]);
    expect(down.bookings).toHaveLength(2);
  });

  it('sends the caller’s headers as given (its content-type wins), adds the key, and never changes the caller’s object', async () => {
    const { fetch } = setup();
    const headers = { 'X-Trace': 't1', 'Content-Type': 'application/vnd.salon+json' };
    await fetch(`${down.url}/book`, { json: { slot: '12:00' }, headers });
    await fetch(`${down.url}/plain`, { headers });
    await fetch(`${down.url}/plain`);
    expect(headers).toEqual({ 'X-Trace': 't1', 'Content-Type': 'application/vnd.salon+json' });
    const [post, get, bare] = down.hits;
    expect(post!.headers).toMatchObject({ 'x-trace': 't1', 'content-type': 'application/vnd.salon+json', 'idempotency-key': expect.stringMatching(/^[0-9a-f]{48}$/) });
    expect(post!.body).toBe('{"slot":"12:00"}');
    expect(get!.headers['x-trace']).toBe('t1');
    expect(get!.headers['idempotency-key']).toBeUndefined();
    expect(bare!.headers['x-trace']).toBeUndefined();
  });

  it('a POST with idempotencyKey: false is never retried; the header name is configurable', async () => {
    down.script('/book', [{ status: 503 }, { status: 200 }]);
    const { fetch } = setup({ idempotencyHeader: 'X-Request-Id' });
    await expect(fetch(`${down.url}/book`, { method: 'POST', body: '{}', idempotencyKey: false })).rejects.toThrow(FetchError);
    expect(down.hits).toHaveLength(1);
    down.script('/book', [{ status: 503 }, { status: 200 }]);
    await fetch(`${down.url}/book`, { method: 'POST', body: '{}' });
    expect(down.hits[1]!.headers['x-request-id']).toMatch(/^[0-9a-f]{48}$/);
    expect(down.hits[1]!.headers['idempotency-key']).toBeUndefined();
  });
});

describe('circuit breaker', () => {
  it('opens after 5 consecutive failures, fails fast without touching the host, and a half-open probe closes it', async () => {
    down.script('/crm', [{ status: 500 }]);
    const fetcher = createFetch({ policy: { maxAttempts: 1, breaker: { halfOpenAfterMs: 300 } } });
    fetchers.push(fetcher);
    const run = () => fetcher.forCall({ callId: `c${++n}`, functionName: 'f', idempotencyKey: 'k', deadline: Date.now() + 2000 }).fetch(`${down.url}/crm`);
    for (let i = 0; i < 5; i++) await run().catch(() => {});
    expect(down.hits).toHaveLength(5);
    const host = new URL(down.url).host;
    expect(fetcher.breakerStates().get(host)).toBe('open');
    const error = (await run().catch((e: unknown) => e)) as FetchError;
    expect(error.code).toBe('breaker_open');
    expect(down.hits).toHaveLength(5);
    await new Promise((r) => setTimeout(r, 320));
    expect(fetcher.breakerStates().get(host)).toBe('half-open');
    down.script('/crm', [{ status: 200 }]);
    expect((await run()).status).toBe(200);
    expect(fetcher.breakerStates().get(host)).toBe('closed');
  });

  it('a count window opens on a failure rate even with successes between', () => {
    const b = new Breaker({ consecutiveFailures: 100, window: { size: 10, threshold: 0.5 }, slowCallMs: false, halfOpenAfterMs: 1000 });
    for (let i = 0; i < 10; i++) b.record(i % 2 === 0, 1);
    expect(b.state).toBe('open');
  });

  it('slow calls count as failures', () => {
    const b = new Breaker({ consecutiveFailures: 3, window: false, slowCallMs: 100, halfOpenAfterMs: 1000 });
    for (let i = 0; i < 3; i++) b.record(true, 150);
    expect(b.state).toBe('open');
  });

  it('a failed probe reopens it, and only one probe passes at a time', () => {
    let now = 0;
    const b = new Breaker({ consecutiveFailures: 1, window: false, slowCallMs: false, halfOpenAfterMs: 1000 }, () => now);
    b.record(false, 1);
    expect(b.admit()).toBe(false);
    now = 1000;
    expect(b.admit()).toBe(true);
    expect(b.admit()).toBe(false);
    b.record(false, 1);
    expect(b.current()).toBe('open');
  });
});

describe('lockdown and record', () => {
  it('record keeps each exchange; lockdown answers from them without the network, and names an unmatched request', async () => {
    down.script('/slots', [{ status: 200, body: { slots: ['09:30'] } }]);
    const live = setup({}, 3000, { mode: 'record' });
    await (await live.fetch(`${down.url}/slots?day=mon`)).json();
    expect(live.log.exchanges).toEqual([{ method: 'GET', url: `${down.url}/slots?day=mon`, status: 200, headers: { 'content-type': 'application/json' }, body: '{"slots":["09:30"]}' }]);

    const hitsBefore = down.hits.length;
    const locked = setup({}, 3000, { mode: 'lockdown', exchanges: live.log.exchanges });
    const res = await locked.fetch(`${down.url}/slots?day=mon`);
    expect(await res.json()).toEqual({ slots: ['09:30'] });
    expect(down.hits).toHaveLength(hitsBefore);
    await expect(locked.fetch(`${down.url}/book`, { json: { slot: '09:30' } })).rejects.toThrow(`replay runs without the network and the recording has no answer for POST ${down.url}/book (pass --allow-network to reach it)`);
    expect(down.hits).toHaveLength(hitsBefore);
  });
});

describe('pieces', () => {
  it('classifies statuses', () => {
    expect([408, 425, 429, 500, 502, 503, 504].every(retryableStatus)).toBe(true);
    expect([200, 400, 401, 403, 404, 409, 422, 501, 505].some(retryableStatus)).toBe(false);
  });
  it('reads Retry-After as seconds or a date', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs('soon')).toBeUndefined();
  });
  it('decorrelated jitter stays within [base, min(cap, 3 x previous)]', () => {
    const backoff = { baseMs: 50, capMs: 1000 };
    let prev = 50;
    for (let i = 0; i < 200; i++) {
      const d = nextDelay(prev, backoff);
      expect(d).toBeGreaterThanOrEqual(50);
      expect(d).toBeLessThanOrEqual(Math.min(1000, prev * 3));
      prev = d;
    }
    expect(nextDelay(50, backoff, () => 1)).toBe(150);
    expect(nextDelay(900, backoff, () => 1)).toBe(1000);
  });
});
