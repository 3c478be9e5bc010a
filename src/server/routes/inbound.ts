import { DEFAULT_INBOUND_TIMEOUT_MS, invokeInbound } from '../../handlers/invoke.js';
import { inboundKey } from '../../handlers/keys.js';
import { parseInboundRequest } from '../../retell/wire.js';
import { badRequest, DUPLICATE_HEADER, takeRateLimit, type RouteDeps, type RouteHandler } from './route.js';

/** POST /webhook/inbound: answer call_inbound (agent override, dynamic variables) while the phone rings. */
export function inboundRoute(deps: RouteDeps): RouteHandler {
  const timeoutResponse = { status: 504, body: { error: 'timeout', message: 'the inbound hook is still running' } };
  return async (ex) => {
    const parsed = parseInboundRequest(ex.json);
    if (!parsed.ok) throw badRequest(parsed.problem);
    const { callInbound, callId } = parsed;
    const key = inboundKey(callId);
    const run = async () => {
      takeRateLimit(deps, callId);
      const outcome = await invokeInbound(deps.registry, deps.context, callInbound, key, DEFAULT_INBOUND_TIMEOUT_MS);
      if (outcome.error) deps.logger.error('inbound hook failed', { call_id: callId, error: outcome.error, trace_id: ex.traceId });
      return { response: { status: outcome.status, body: outcome.body }, keep: outcome.status === 200 };
    };
    // Retell retries the inbound webhook too; with a call_id the retry gets the first answer.
    const { response, duplicate } = callId ? await deps.idempotency.run(key, DEFAULT_INBOUND_TIMEOUT_MS, timeoutResponse, run) : { ...(await run()), duplicate: false };
    if (duplicate) deps.metrics.duplicates.inc({ kind: 'inbound' });
    deps.logger.info('call_inbound answered', { call_id: callId, from_number: callInbound.from_number, to_number: callInbound.to_number, status: response.status, duplicate, trace_id: ex.traceId });
    return { status: response.status, body: response.body, headers: duplicate ? { [DUPLICATE_HEADER]: '1' } : undefined };
  };
}
