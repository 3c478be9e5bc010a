import type { RouteDeps, RouteHandler } from './route.js';

/** GET /healthz: the process answers. */
export function healthzRoute(): RouteHandler {
  return async () => ({ status: 200, body: { status: 'ok' } });
}

/** GET /readyz: the store answers and takes writes, and the server is not shutting down (load balancers stop sending). */
export function readyzRoute(deps: Pick<RouteDeps, 'store' | 'isClosing' | 'health'>): RouteHandler {
  return async () => {
    if (deps.isClosing()) return { status: 503, body: { status: 'shutting_down' } };
    const failing = deps.health.failing;
    if (failing) {
      return { status: 503, body: { status: 'store_write_failing', since: new Date(failing.since).toISOString(), message: failing.error, pending_writes: deps.health.backlog }, headers: { 'retry-after': '5' } };
    }
    try {
      await deps.store.ping();
      return { status: 200, body: { status: 'ready' } };
    } catch (error) {
      return { status: 503, body: { status: 'store_unreachable', message: (error as Error).message } };
    }
  };
}
