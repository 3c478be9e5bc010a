import { RouteTable } from '../../http/routes.js';
import { functionRoute } from './function.js';
import { healthzRoute, readyzRoute } from './health.js';
import { inboundRoute } from './inbound.js';
import { metricsRoute } from './metrics.js';
import { webhookRoute } from './webhook.js';
import type { RouteDeps, RouteHandler } from './route.js';
import { SERVE_ROUTES, type ServeRouteId, type ServeRouteSpec } from './table.js';

export type { RouteDeps, RouteHandler } from './route.js';
export { SERVE_ROUTES } from './table.js';

export interface ServeRoute extends ServeRouteSpec {
  run: RouteHandler;
}

/** A handler for every id in the table (a new route without one does not compile). */
const HANDLERS: Record<ServeRouteId, (deps: RouteDeps) => RouteHandler> = {
  webhook: webhookRoute,
  inbound: inboundRoute,
  function: (deps) => functionRoute(deps, 'path'),
  functions: (deps) => functionRoute(deps, 'body'),
  healthz: healthzRoute,
  readyz: readyzRoute,
  metrics: metricsRoute,
};

/** serve's routes bound to their dependencies, in a table that also answers 404 and 405. */
export function createServeRoutes(deps: RouteDeps): RouteTable<ServeRoute> {
  return new RouteTable(
    SERVE_ROUTES.map((spec) => ({ ...spec, run: HANDLERS[spec.id](deps) })),
    'serve',
  );
}
