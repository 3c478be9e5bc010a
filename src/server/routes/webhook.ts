import { parseWebhookEvent, REPEATING_EVENTS } from '../../retell/wire.js';
import { badRequest, DUPLICATE_HEADER, takeRateLimit, type RouteDeps, type RouteHandler } from './route.js';

/** POST /webhook: store the event durably, answer 2xx; the handler runs from the record afterwards. */
export function webhookRoute(deps: RouteDeps): RouteHandler {
  return async (ex) => {
    const parsed = parseWebhookEvent(ex.json);
    if (!parsed.ok) throw badRequest(parsed.problem);
    const { event, callId } = parsed;
    // One-shot events are deduplicated, so finite: never refused (a 429'd call_ended could be lost for
    // good). Repeating events (transcript_updated) spend their own budget, apart from functions'.
    if (REPEATING_EVENTS.has(event.event)) takeRateLimit(deps, callId, 'webhooks');
    const { inserted, event: stored } = await deps.events.accept(ex.text!, event, callId);
    if (!inserted) deps.metrics.duplicates.inc({ kind: 'webhook' });
    deps.logger.info(inserted ? 'webhook received' : 'webhook redelivery ignored', { event: event.event, call_id: callId, event_id: stored.id, trace_id: ex.traceId });
    return { status: 200, body: { received: true }, headers: inserted ? undefined : { [DUPLICATE_HEADER]: '1' } };
  };
}
