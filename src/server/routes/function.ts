import { invokeFunction, RESULT_LIMIT_CHARS, type FunctionOutcome } from '../../handlers/invoke.js';
import type { DownstreamExchange, FetchAttempt } from '../../handlers/fetch.js';
import { functionCallKey } from '../../handlers/keys.js';
import { parseFunctionCall } from '../../retell/wire.js';
import type { FunctionOutcomeKind, FunctionTrace, StoredResponse } from '../../store/store.js';
import { badRequest, DUPLICATE_HEADER, takeRateLimit, type RouteDeps, type RouteHandler } from './route.js';

/** A trace with what ctx.fetch did and whether the answer is the fallback (stored with the trace's JSON). */
export type TraceWithDownstream = FunctionTrace & { fallback?: boolean; downstream?: FetchAttempt[]; exchanges?: DownstreamExchange[] };

function withDownstream(trace: FunctionTrace, outcome: FunctionOutcome): TraceWithDownstream {
  const out: TraceWithDownstream = trace;
  if (outcome.fallback) out.fallback = true;
  if (outcome.downstream?.attempts.length) out.downstream = outcome.downstream.attempts;
  if (outcome.downstream?.exchanges.length) out.exchanges = outcome.downstream.exchanges;
  return out;
}

function outcomeOf(response: StoredResponse): FunctionOutcomeKind {
  const body = response.body;
  const code = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).error : undefined;
  if (response.status < 300) return 'ok';
  return code === 'invalid_args' || code === 'unknown_function' || code === 'timeout' ? code : 'error';
}

/**
 * POST /functions/<name> (name from the path) and POST /functions (name from the body): run the
 * custom function once per idempotency key, record a trace, answer with its result.
 */
export function functionRoute(deps: RouteDeps, nameFrom: 'path' | 'body'): RouteHandler {
  const { logger, metrics } = deps;
  return async (ex) => {
    const parsed = parseFunctionCall(ex.json, { nameFromPath: nameFrom === 'path' ? ex.params.name : undefined, query: ex.query });
    if (!parsed.ok) throw badRequest(parsed.problem);
    const { name, args, call, toolCallId } = parsed.request;
    // A numeric call_id (a test harness, a proxy that re-encodes) still identifies the call: without
    // this it silently turned deduplication off.
    const callId = parsed.request.callId || (typeof call.call_id === 'number' && Number.isFinite(call.call_id) ? String(call.call_id) : '');

    const resolved = deps.registry.resolveFunction(name);
    const handler = resolved?.handler ?? name;
    const timeoutMs = resolved?.definition.timeoutMs ?? deps.functionTimeoutMs;
    const key = functionCallKey({ callId, handler, args, toolCallId });
    const startedAt = Date.now();
    const started = performance.now();
    let ranMs = 0;
    let ran: FunctionOutcome | undefined;
    const timeoutResponse: StoredResponse = { status: 504, body: { error: 'timeout', message: `${handler} did not answer within ${timeoutMs} ms. Tell the caller you could not complete it right now.` } };
    const traceOf = (response: StoredResponse, duplicate: boolean, durationMs: number): FunctionTrace => ({
      traceId: ex.traceId,
      callId,
      name,
      handler,
      agentVersion: call.agent_version as number | string | undefined,
      toolCallId,
      args,
      status: response.status,
      result: response.body,
      outcome: outcomeOf(response),
      durationMs: Math.round(durationMs * 1000) / 1000,
      startedAt,
      duplicate,
    });
    const work = async () => {
      // Only a run spends the call's budget: retries of answered work are never rate-limited.
      takeRateLimit(deps, callId || undefined);
      const outcome = await invokeFunction(deps.registry, deps.context, { name, args, call, callId, toolCallId, idempotencyKey: key, defaultTimeoutMs: deps.functionTimeoutMs });
      ranMs = performance.now() - started;
      ran = outcome;
      if (outcome.fallback) {
        metrics.fallbacks.inc({ function: handler });
        logger.warn('function answered with its fallback', { function: handler, call_id: callId, reason: outcome.error, trace_id: ex.traceId });
      } else if (outcome.error) logger.error('function handler failed', { function: handler, call_id: callId, error: outcome.error, trace_id: ex.traceId });
      if (outcome.late) {
        void outcome.late.then((late) => logger.warn('function finished after its timeout; its result is kept for retries', { function: handler, call_id: callId, outcome: late.outcome, trace_id: ex.traceId }));
      }
      // A handler that returns (or throws) the API key: it is never stored, nor sent.
      const scrub = deps.scrubSecrets ?? (<T>(value: T) => value);
      const response = { status: outcome.status, body: scrub(outcome.body) };
      return {
        response,
        keep: outcome.outcome === 'ok',
        late: outcome.late?.then((late) => ({ response: { status: late.status, body: scrub(late.body) }, keep: late.outcome === 'ok' })),
        // An answered call's trace is written with its answer, in one transaction.
        trace: withDownstream(traceOf(response, false, ranMs), outcome),
      };
    };
    let result: { response: StoredResponse; duplicate: boolean; traced?: boolean };
    if (callId || toolCallId) result = await deps.idempotency.run(key, timeoutMs, timeoutResponse, work);
    else {
      // Nothing identifies the call (args_at_root without ?call_id=): exactly-once is impossible.
      logger.warn('function call without a call id cannot be deduplicated; add ?call_id={{call_id}} to the tool URL', { function: handler, trace_id: ex.traceId });
      result = { response: (await work()).response, duplicate: false };
    }
    const { response, duplicate } = result;
    const durationMs = duplicate ? performance.now() - started : ranMs;
    const trace = traceOf(response, duplicate, durationMs);
    if (!duplicate && ran) withDownstream(trace, ran);
    const outcome = trace.outcome;
    if (duplicate) metrics.duplicates.inc({ kind: 'function' });
    else metrics.functionDuration.observe({ function: handler, agent_version: call.agent_version === undefined ? '' : String(call.agent_version), outcome }, durationMs / 1000);
    if (!result.traced) deps.traces.add(trace);
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
      fallback: !duplicate && ran?.fallback ? true : undefined,
      fetch_attempts: !duplicate && ran?.downstream?.attempts.length ? ran.downstream.attempts.length : undefined,
    });
    const size = JSON.stringify(response.body ?? null).length;
    if (size > RESULT_LIMIT_CHARS) logger.warn('function result is longer than Retell keeps', { function: handler, chars: size, limit: RESULT_LIMIT_CHARS });
    return { status: response.status, body: response.body, headers: duplicate ? { [DUPLICATE_HEADER]: '1' } : undefined };
  };
}
