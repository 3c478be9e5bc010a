import { randomUUID } from 'node:crypto';
import type { ContextDeps, Logger } from '../handlers/context.js';
import type { CallInbound, WebhookEvent } from '../handlers/define.js';
import { invokeFunction, invokeInbound, DEFAULT_INBOUND_TIMEOUT_MS, RESULT_LIMIT_CHARS } from '../handlers/invoke.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { FunctionOutcomeKind, Store, StoredResponse } from '../store/store.js';
import type { Exchange } from './app.js';
import { eventCallId, type EventProcessor } from './events.js';
import { HttpError } from './http-error.js';
import { functionCallKey, type Idempotency } from './idempotency.js';
import type { ServerMetrics } from './metrics.js';
import type { RateLimiter } from './rate-limit.js';
import type { TraceWriter } from './trace.js';

export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set for non-JSON bodies (metrics text). */
  contentType?: string;
}

export interface RouteDeps {
  store: Store;
  registry: HandlerRegistry;
  context: ContextDeps;
  logger: Logger;
  metrics: ServerMetrics;
  events: EventProcessor;
  traces: TraceWriter;
  idempotency: Idempotency;
  rateLimiter?: RateLimiter;
  functionTimeoutMs: number;
  isClosing: () => boolean;
}

export interface Route {
  id: string;
  /** Signed routes get the raw body verified and parsed before run. */
  signed: boolean;
  run(ex: Exchange): Promise<Reply>;
}

const DUPLICATE_HEADER = 'x-retell-kit-duplicate';

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function outcomeOf(response: StoredResponse): FunctionOutcomeKind {
  const code = isObject(response.body) ? response.body.error : undefined;
  if (response.status < 300) return 'ok';
  return code === 'invalid_args' || code === 'unknown_function' || code === 'timeout' ? code : 'error';
}

export function createRoutes(deps: RouteDeps) {
  const { logger, metrics } = deps;

  const limit = (callId: string | undefined): void => {
    if (!deps.rateLimiter || !callId) return;
    if (!deps.rateLimiter.take(callId)) {
      metrics.rateLimited.inc();
      throw new HttpError(429, `too many requests for call ${callId}; slow down`, { code: 'rate_limited', headers: { 'retry-after': '1' }, log: { call_id: callId } });
    }
  };

  const webhook: Route = {
    id: 'webhook',
    signed: true,
    async run(ex) {
      const body = ex.json;
      if (!isObject(body) || typeof body.event !== 'string') {
        throw new HttpError(400, 'expected a Retell webhook: {"event": "...", "call": {...}}', { code: 'bad_request' });
      }
      const event = body as WebhookEvent;
      const callId = eventCallId(event);
      if (!callId) throw new HttpError(400, `"${event.event}" carries no call.call_id (or chat.chat_id)`, { code: 'bad_request' });
      limit(callId);
      // Stored durably before the 2xx; the handler runs from the record after the answer.
      const { inserted, event: stored } = await deps.events.accept(ex.text!, event, callId);
      if (!inserted) metrics.duplicates.inc({ kind: 'webhook' });
      logger.info(inserted ? 'webhook received' : 'webhook redelivery ignored', { event: event.event, call_id: callId, event_id: stored.id, trace_id: ex.traceId });
      return { status: 200, body: { received: true }, headers: inserted ? undefined : { [DUPLICATE_HEADER]: '1' } };
    },
  };

  const inbound: Route = {
    id: 'inbound',
    signed: true,
    async run(ex) {
      const body = ex.json;
      if (!isObject(body) || !isObject(body.call_inbound) || (body.event !== undefined && body.event !== 'call_inbound')) {
        throw new HttpError(400, 'expected {"event": "call_inbound", "call_inbound": {...}}', { code: 'bad_request' });
      }
      const callInbound = body.call_inbound as CallInbound;
      const callId = typeof callInbound.call_id === 'string' && callInbound.call_id ? callInbound.call_id : undefined;
      limit(callId);
      const key = callId ? `inbound:${callId}` : `inbound:${randomUUID()}`;
      const timeoutResponse = { status: 504, body: { error: 'timeout', message: 'the inbound hook is still running' } };
      const run = async () => {
        const outcome = await invokeInbound(deps.registry, deps.context, callInbound, key, DEFAULT_INBOUND_TIMEOUT_MS);
        if (outcome.error) logger.error('inbound hook failed', { call_id: callId, error: outcome.error, trace_id: ex.traceId });
        return { response: { status: outcome.status, body: outcome.body }, keep: outcome.status === 200 };
      };
      // Retell retries the inbound webhook too; with a call_id the retry gets the first answer.
      const { response, duplicate } = callId ? await deps.idempotency.run(key, DEFAULT_INBOUND_TIMEOUT_MS, timeoutResponse, run) : { ...(await run()), duplicate: false };
      if (duplicate) metrics.duplicates.inc({ kind: 'inbound' });
      logger.info('call_inbound answered', { call_id: callId, from_number: callInbound.from_number, to_number: callInbound.to_number, status: response.status, duplicate, trace_id: ex.traceId });
      return { status: response.status, body: response.body, headers: duplicate ? { [DUPLICATE_HEADER]: '1' } : undefined };
    },
  };

  const fn = (fromPath: boolean): Route => ({
    id: fromPath ? 'function' : 'functions',
    signed: true,
    async run(ex) {
      const body = ex.json;
      if (!isObject(body)) throw new HttpError(400, 'expected a JSON object body', { code: 'bad_request' });
      // Default tools send {name, call, args}; args_at_root tools send the args as the body itself.
      const wrapped = isObject(body.args) || isObject(body.call);
      const name = fromPath ? ex.params.name! : body.name;
      if (typeof name !== 'string' || name === '') {
        throw new HttpError(400, 'no function name: POST to /functions/<name>, or send {"name": ..., "args": ...}', { code: 'bad_request' });
      }
      let args: unknown;
      if (wrapped) args = body.args ?? {};
      else if (fromPath) args = body;
      else {
        const { name: _name, call: _call, ...rest } = body;
        args = rest;
      }
      const call: Record<string, any> = isObject(body.call) ? body.call : {};
      const callIdValue = call.call_id ?? ex.query.get('call_id') ?? undefined;
      const callId = typeof callIdValue === 'string' ? callIdValue : '';
      const toolCallId = typeof body.tool_call_id === 'string' && body.tool_call_id ? body.tool_call_id : undefined;
      limit(callId || undefined);

      const resolved = deps.registry.resolveFunction(name);
      const handler = resolved?.handler ?? name;
      const timeoutMs = resolved?.definition.timeoutMs ?? deps.functionTimeoutMs;
      const key = functionCallKey({ callId, handler, args, toolCallId });
      const startedAt = Date.now();
      const started = performance.now();
      let ranMs = 0;
      const timeoutResponse: StoredResponse = { status: 504, body: { error: 'timeout', message: `${handler} did not answer within ${timeoutMs} ms. Tell the caller you could not complete it right now.` } };
      const work = async () => {
        const outcome = await invokeFunction(deps.registry, deps.context, { name, args, call, callId, toolCallId, idempotencyKey: key, defaultTimeoutMs: deps.functionTimeoutMs });
        ranMs = performance.now() - started;
        if (outcome.error) logger.error('function handler failed', { function: handler, call_id: callId, error: outcome.error, trace_id: ex.traceId });
        if (outcome.late) {
          void outcome.late.then((late) => logger.warn('function finished after its timeout; its result is kept for retries', { function: handler, call_id: callId, outcome: late.outcome, trace_id: ex.traceId }));
        }
        return {
          response: { status: outcome.status, body: outcome.body },
          keep: outcome.outcome === 'ok',
          late: outcome.late?.then((late) => ({ response: { status: late.status, body: late.body }, keep: late.outcome === 'ok' })),
        };
      };
      let result: { response: StoredResponse; duplicate: boolean };
      if (callId || toolCallId) result = await deps.idempotency.run(key, timeoutMs, timeoutResponse, work);
      else {
        // Nothing identifies the call (args_at_root without ?call_id=): exactly-once is impossible.
        logger.warn('function call without a call id cannot be deduplicated; add ?call_id={{call_id}} to the tool URL', { function: handler, trace_id: ex.traceId });
        result = { response: (await work()).response, duplicate: false };
      }
      const { response, duplicate } = result;
      const durationMs = duplicate ? performance.now() - started : ranMs;
      const outcome = outcomeOf(response);
      if (duplicate) metrics.duplicates.inc({ kind: 'function' });
      else metrics.functionDuration.observe({ function: handler, agent_version: call.agent_version === undefined ? '' : String(call.agent_version), outcome }, durationMs / 1000);
      const trace = {
        traceId: ex.traceId,
        callId,
        name,
        handler,
        agentVersion: call.agent_version as number | string | undefined,
        toolCallId,
        args,
        status: response.status,
        result: response.body,
        outcome,
        durationMs: Math.round(durationMs * 1000) / 1000,
        startedAt,
        duplicate,
      };
      deps.traces.add(trace);
      logger.info('function call', {
        trace_id: ex.traceId,
        function: handler,
        name: name === handler ? undefined : name,
        call_id: callId || undefined,
        agent_version: trace.agentVersion,
        args,
        result: response.body,
        status: response.status,
        outcome,
        duration_ms: trace.durationMs,
        duplicate,
      });
      const size = JSON.stringify(response.body ?? null).length;
      if (size > RESULT_LIMIT_CHARS) logger.warn('function result is longer than Retell keeps', { function: handler, chars: size, limit: RESULT_LIMIT_CHARS });
      return { status: response.status, body: response.body, headers: duplicate ? { [DUPLICATE_HEADER]: '1' } : undefined };
    },
  });

  const healthz: Route = { id: 'healthz', signed: false, run: async () => ({ status: 200, body: { status: 'ok' } }) };
  const readyz: Route = {
    id: 'readyz',
    signed: false,
    async run() {
      if (deps.isClosing()) return { status: 503, body: { status: 'shutting_down' } };
      try {
        await deps.store.ping();
        return { status: 200, body: { status: 'ready' } };
      } catch (error) {
        return { status: 503, body: { status: 'store_unreachable', message: (error as Error).message } };
      }
    },
  };
  const metricsRoute: Route = { id: 'metrics', signed: false, run: async () => ({ status: 200, body: metrics.render(), contentType: 'text/plain; version=0.0.4; charset=utf-8' }) };

  const functionByPath = fn(true);
  const functionByBody = fn(false);
  const table: { path: string; methods: string[]; route: Route }[] = [
    { path: '/webhook', methods: ['POST'], route: webhook },
    { path: '/webhook/inbound', methods: ['POST'], route: inbound },
    { path: '/functions', methods: ['POST'], route: functionByBody },
    { path: '/healthz', methods: ['GET', 'HEAD'], route: healthz },
    { path: '/readyz', methods: ['GET', 'HEAD'], route: readyz },
    { path: '/metrics', methods: ['GET', 'HEAD'], route: metricsRoute },
  ];
  const FUNCTION_PATH = /^\/functions\/([A-Za-z0-9_-]{1,64})\/?$/;

  return {
    match(method: string, path: string, params: Record<string, string>): Route {
      const clean = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
      let entry = table.find((t) => t.path === clean);
      if (!entry) {
        const m = FUNCTION_PATH.exec(path);
        if (m) {
          params.name = m[1]!;
          entry = { path, methods: ['POST'], route: functionByPath };
        }
      }
      if (!entry) throw new HttpError(404, `no route for ${path}; serve answers /webhook, /webhook/inbound, /functions/<name>, /functions, /healthz, /readyz, /metrics`, { code: 'not_found' });
      if (!entry.methods.includes(method)) {
        throw new HttpError(405, `${method} is not allowed on ${clean}; use ${entry.methods.join(' or ')}`, { code: 'method_not_allowed', headers: { allow: entry.methods.join(', ') } });
      }
      return entry.route;
    },
  };
}
