import type { RouteDeps, RouteHandler } from './route.js';

/** GET /metrics: Prometheus text. */
export function metricsRoute(deps: Pick<RouteDeps, 'metrics'>): RouteHandler {
  return async () => ({ status: 200, body: deps.metrics.render(), contentType: 'text/plain; version=0.0.4; charset=utf-8' });
}
