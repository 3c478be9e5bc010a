import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Logger } from '../../src/handlers/context.js';
import { defineFunction } from '../../src/handlers/define.js';
import { functionCallKey, inboundKey } from '../../src/handlers/keys.js';
import { createRegistry, type HandlerConfig } from '../../src/handlers/registry.js';
import { HttpError } from '../../src/http/errors.js';
import { createExchange } from '../../src/http/exchange.js';
import { EventProcessor } from '../../src/server/events.js';
import { Idempotency } from '../../src/server/idempotency.js';
import { ServerMetrics } from '../../src/server/metrics.js';
import { RateLimiter } from '../../src/server/rate-limit.js';
import { functionRoute } from '../../src/server/routes/function.js';
import { healthzRoute, readyzRoute } from '../../src/server/routes/health.js';
import { inboundRoute } from '../../src/server/routes/inbound.js';
import { createServeRoutes } from '../../src/server/routes/index.js';
import { metricsRoute } from '../../src/server/routes/metrics.js';
import type { RouteDeps } from '../../src/server/routes/route.js';
import { webhookRoute } from '../../src/server/routes/webhook.js';
import { TraceWriter } from '../../src/server/trace.js';
import { StoreHealth } from '../../src/server/store-health.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { callObject, until } from './helpers.js';

// Each route driven directly: a constructed exchange in, the reply out; no socket, no signature.
// The parts behind it are the real ones (SQLite in memory, the registry, idempotency, events).

interface Built {
  deps: RouteDeps;
  lines: { level: string; msg: string; fields?: Record<string, unknown> }[];
  closing: { value: boolean };
}
let built: Built | undefined;
afterEach(async () => {
  await built?.deps.events.drain();
  await built?.deps.traces.flush();
  await built?.deps.store.close();
  built = undefined;
});

function deps(config: HandlerConfig, options: { rateLimit?: RateLimiter } = {}): Built {
  const lines: Built['lines'] = [];
  const logger: Logger = {
    debug: (msg, fields) => lines.push({ level: 'debug', msg, fields }),
    info: (msg, fields) => lines.push({ level: 'info', msg, fields }),
    warn: (msg, fields) => lines.push({ level: 'warn', msg, fields }),
    error: (msg, fields) => lines.push({ level: 'error', msg, fields }),
    child: () => logger,
  };
  const store = new SqliteStore({ file: ':memory:' });
  const registry = createRegistry(config);
  const metrics = new ServerMetrics();
  const context = { store, logger, replay: false };
  const closing = { value: false };
  built = {
    lines,
    closing,
    deps: {
      store,
      registry,
      context,
      logger,
      metrics,
      events: new EventProcessor({ store, registry, context, logger, metrics }),
      traces: new TraceWriter(store, logger),
      health: new StoreHealth(store, logger),
      idempotency: new Idempotency(store, 'test-owner'),
      rateLimiter: options.rateLimit,
      functionTimeoutMs: 1_000,
      isClosing: () => closing.value,
    },
  };
  return built;
}

async function refusal(promise: Promise<unknown>): Promise<HttpError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(HttpError);
  return error as HttpError;
}

describe('serve routes, called without a socket', () => {
  it('function by path: runs the handler once per key, records a trace, answers its result', async () => {
    const seen: unknown[] = [];
    const { deps: d } = deps({ functions: { book: defineFunction({ args: z.object({ date: z.string() }), handler: (args, ctx) => (seen.push([args, ctx.idempotencyKey]), { booked: args.date }) }) } });
    const run = functionRoute(d, 'path');
    const call = callObject('call_fn');
    const ex = () => createExchange({ url: '/functions/book_v3', params: { name: 'book_v3' }, json: { name: 'book_v3', call, args: { date: '2026-03-14' } } });
    const first = await run(ex());
    expect(first).toEqual({ status: 200, body: { booked: '2026-03-14' }, headers: undefined });
    const again = await run(ex());
    expect(again).toEqual({ status: 200, body: { booked: '2026-03-14' }, headers: { 'x-retell-kit-duplicate': '1' } });
    // The handler saw the key keys.ts derives, and ran once.
    expect(seen).toEqual([[{ date: '2026-03-14' }, functionCallKey({ callId: 'call_fn', handler: 'book', args: { date: '2026-03-14' } })]]);
    await d.traces.flush();
    expect(await d.store.tracesForCall('call_fn')).toMatchObject([{ name: 'book_v3', handler: 'book', args: { date: '2026-03-14' }, status: 200, outcome: 'ok', duplicate: false }, { duplicate: true }]);
  });

  it('function by body, args at the root with ?call_id=: same handler, call id from the query', async () => {
    const { deps: d, lines } = deps({ functions: { lookup: defineFunction({ args: z.object({ n: z.number() }), handler: (args, ctx) => ({ n: args.n, call: ctx.callId }) }) } });
    const reply = await functionRoute(d, 'body')(createExchange({ url: '/functions?call_id=call_q', json: { name: 'lookup', n: 7 } }));
    expect(reply.body).toEqual({ n: 7, call: 'call_q' });
    const noId = await functionRoute(d, 'body')(createExchange({ url: '/functions', json: { name: 'lookup', n: 8 } }));
    expect(noId.status).toBe(200);
    expect(lines.some((l) => l.level === 'warn' && /cannot be deduplicated/.test(l.msg))).toBe(true);
  });

  it('function: a body that names no function is a 400 that says where the name goes', async () => {
    const { deps: d } = deps({});
    const error = await refusal(functionRoute(d, 'body')(createExchange({ url: '/functions', json: { args: { n: 1 } } })));
    expect([error.status, error.code]).toEqual([400, 'bad_request']);
    expect(error.message).toMatch(/POST to \/functions\/<name>/);
    expect((await refusal(functionRoute(d, 'path')(createExchange({ url: '/functions/x', params: { name: 'x' }, json: [1] })))).message).toBe('expected a JSON object body');
  });

  it('function: the per-call rate limit answers 429 with Retry-After', async () => {
    const { deps: d } = deps({ functions: { f: defineFunction({ args: z.object({}), handler: () => 'ok' }) } }, { rateLimit: new RateLimiter(1, 1) });
    const ex = (n: number) => createExchange({ url: '/functions/f', params: { name: 'f' }, json: { call: callObject('call_rl'), args: { n } } });
    expect((await functionRoute(d, 'path')(ex(1))).status).toBe(200);
    const limited = await refusal(functionRoute(d, 'path')(ex(2)));
    expect([limited.status, limited.options.headers]).toEqual([429, { 'retry-after': '1' }]);
  });

  it('webhook: stores the event once (a redelivery is marked duplicate) and the handler runs from the record', async () => {
    const handled: string[] = [];
    const { deps: d } = deps({ webhooks: { call_ended: (event, ctx) => void handled.push(`${event.event}:${ctx.idempotencyKey}`) } });
    const body = { event: 'call_ended', call: callObject('call_wh') };
    const ex = () => createExchange({ url: '/webhook', json: body });
    expect(await webhookRoute(d)(ex())).toEqual({ status: 200, body: { received: true }, headers: undefined });
    expect((await webhookRoute(d)(ex())).headers).toEqual({ 'x-retell-kit-duplicate': '1' });
    await until(() => handled.length === 1, 5_000, 'the webhook handler');
    expect(handled).toEqual(['call_ended:call_ended:call_wh']);
    const error = await refusal(webhookRoute(d)(createExchange({ url: '/webhook', json: { event: 'call_started', call: {} } })));
    expect(error.message).toBe('"call_started" carries no call.call_id (or chat.chat_id)');
  });

  it('inbound: answers from the hook, and a retry with the same call_id gets the first answer', async () => {
    let runs = 0;
    const { deps: d } = deps({
      inbound: (callInbound, ctx) => ({ dynamic_variables: { run: String(++runs), key: ctx.idempotencyKey, from: callInbound.from_number } }),
    });
    const ex = () => createExchange({ url: '/webhook/inbound', json: { event: 'call_inbound', call_inbound: { call_id: 'call_in', from_number: '+1415', to_number: '+1416' } } });
    const first = await inboundRoute(d)(ex());
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ call_inbound: { dynamic_variables: { run: '1', key: inboundKey('call_in'), from: '+1415' } } });
    const retry = await inboundRoute(d)(ex());
    expect([retry.body, retry.headers]).toEqual([first.body, { 'x-retell-kit-duplicate': '1' }]);
    expect((await refusal(inboundRoute(d)(createExchange({ url: '/webhook/inbound', json: { event: 'call_started', call_inbound: {} } })))).status).toBe(400);
  });

  it('healthz, readyz (503 while closing) and metrics', async () => {
    const { deps: d, closing } = deps({});
    expect(await healthzRoute()(createExchange({ method: 'GET', url: '/healthz' }))).toEqual({ status: 200, body: { status: 'ok' } });
    expect((await readyzRoute(d)(createExchange({ method: 'GET', url: '/readyz' }))).status).toBe(200);
    closing.value = true;
    expect(await readyzRoute(d)(createExchange({ method: 'GET', url: '/readyz' }))).toEqual({ status: 503, body: { status: 'shutting_down' } });
    d.metrics.rateLimited.inc();
    const metrics = await metricsRoute(d)(createExchange({ method: 'GET', url: '/metrics' }));
    expect(metrics.contentType).toMatch(/^text\/plain/);
    expect(metrics.body).toMatch(/rate_limited\S* 1$/m);
  });

  it("serve's table: a 404 names the path and lists every route; a 405 carries Allow", () => {
    const table = createServeRoutes(deps({}).deps);
    const notFound = (() => {
      try {
        table.match('GET', '/nope');
      } catch (error) {
        return error as HttpError;
      }
    })()!;
    expect([notFound.status, notFound.code]).toEqual([404, 'not_found']);
    expect(notFound.message).toBe('no route for /nope; serve answers POST /webhook, POST /webhook/inbound, POST /functions/<name>, POST /functions, GET /healthz, GET /readyz, GET /metrics');
    expect(() => table.match('GET', '/functions/book')).toThrow(expect.objectContaining({ status: 405, options: expect.objectContaining({ headers: { allow: 'POST' } }) }));
    expect(() => table.match('POST', '/metrics')).toThrow(expect.objectContaining({ status: 405, options: expect.objectContaining({ headers: { allow: 'GET, HEAD' } }) }));
    expect(table.match('POST', '/functions/book_v2/')).toMatchObject({ route: { id: 'function', signed: true }, params: { name: 'book_v2' } });
    expect(table.match('HEAD', '/healthz').route.id).toBe('healthz');
  });
});
