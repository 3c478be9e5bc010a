import type { RouteSpec } from '../../http/routes.js';

// serve's route table: the one list the server matches, the 404 text and `serve --help` print.
// Kept free of handler code so the CLI can show it without loading the server.

export interface ServeRouteSpec extends RouteSpec {
  id: ServeRouteId;
  /** Signed routes get the raw body verified against x-retell-signature and parsed before the handler. */
  signed: boolean;
}

export type ServeRouteId = 'webhook' | 'inbound' | 'function' | 'functions' | 'healthz' | 'readyz' | 'metrics';

/** Function names Retell allows (letters, digits, _ and -, up to 64). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const SERVE_ROUTES: readonly ServeRouteSpec[] = [
  { id: 'webhook', method: 'POST', path: '/webhook', signed: true },
  { id: 'inbound', method: 'POST', path: '/webhook/inbound', signed: true },
  { id: 'function', method: 'POST', path: '/functions/:name', params: { name: FUNCTION_NAME }, signed: true },
  { id: 'functions', method: 'POST', path: '/functions', signed: true },
  { id: 'healthz', method: 'GET', path: '/healthz', signed: false },
  { id: 'readyz', method: 'GET', path: '/readyz', signed: false },
  { id: 'metrics', method: 'GET', path: '/metrics', signed: false },
];
