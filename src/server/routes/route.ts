import type { ContextDeps, Logger } from '../../handlers/context.js';
import type { HandlerRegistry } from '../../handlers/registry.js';
import { HttpError } from '../../http/errors.js';
import type { Exchange, Reply } from '../../http/exchange.js';
import type { Store } from '../../store/store.js';
import type { EventProcessor } from '../events.js';
import type { Idempotency } from '../idempotency.js';
import type { ServerMetrics } from '../metrics.js';
import type { RateLimiter } from '../rate-limit.js';
import type { StoreHealth } from '../store-health.js';
import type { TraceWriter } from '../trace.js';

/** What serve's routes work with; app.ts builds it once. Tests build their own from real parts. */
export interface RouteDeps {
  store: Store;
  registry: HandlerRegistry;
  context: ContextDeps;
  logger: Logger;
  metrics: ServerMetrics;
  events: EventProcessor;
  traces: TraceWriter;
  health: StoreHealth;
  idempotency: Idempotency;
  /** Per-call budget for running handlers (functions, inbound); duplicates never spend it. */
  rateLimiter?: RateLimiter;
  /** A separate per-call budget for repeating webhook events (transcript_updated); one-shot events are never limited. */
  webhookRateLimiter?: RateLimiter;
  functionTimeoutMs: number;
  isClosing: () => boolean;
  /** Remove secrets (the API key) from a value before it is stored or sent. */
  scrubSecrets?: <T>(value: T) => T;
}

/** A route's handler: the exchange in (body already verified and parsed when signed), a reply out. */
export type RouteHandler = (ex: Exchange) => Promise<Reply>;

/** Set on answers that came from an earlier delivery of the same request. */
export const DUPLICATE_HEADER = 'x-retell-kit-duplicate';

/** Per-call rate limit: a runaway agent loop gets 429s instead of hammering handlers. */
export function takeRateLimit(deps: RouteDeps, callId: string | undefined, budget: 'handlers' | 'webhooks' = 'handlers'): void {
  const limiter = budget === 'webhooks' ? deps.webhookRateLimiter : deps.rateLimiter;
  if (!limiter || !callId) return;
  if (!limiter.take(callId)) {
    deps.metrics.rateLimited.inc();
    throw new HttpError(429, `too many requests for call ${callId}; slow down`, { code: 'rate_limited', headers: { 'retry-after': '1' }, log: { call_id: callId } });
  }
}

export function badRequest(problem: string): HttpError {
  return new HttpError(400, problem, { code: 'bad_request' });
}
