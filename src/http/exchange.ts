import type http from 'node:http';

/** One request as routes see it: no socket needed, so a route runs in a test with a plain object. */
export interface Exchange {
  method: string;
  /** The path without the query string. */
  path: string;
  query: URLSearchParams;
  /** Path parameters the route table matched (`/functions/:name` -> { name }). */
  params: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  traceId: string;
  /** The matched route's id (for logs and metrics); 'unmatched' until the table matched one. */
  routeId: string;
  /** The exact body bytes, once read. */
  raw?: Buffer;
  text?: string;
  json?: unknown;
  /** The node request, when the exchange came over a socket. */
  req?: http.IncomingMessage;
}

/** What a route answers; the server serialises it once (sendReply). */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
  /** Set for non-JSON bodies (metrics text); the body is then sent as it is. */
  contentType?: string;
}

/** Split `/a/b?x=1` into path and query without building a URL object (it is on every request). */
export function splitUrl(url: string): { path: string; query: URLSearchParams } {
  const q = url.indexOf('?');
  return q === -1 ? { path: url, query: new URLSearchParams() } : { path: url.slice(0, q), query: new URLSearchParams(url.slice(q + 1)) };
}

/** An exchange from plain values: for tests and for callers that have no socket (replay, the emulator). */
export function createExchange(init: { method?: string; url: string; json?: unknown; text?: string; headers?: http.IncomingHttpHeaders; params?: Record<string, string>; traceId?: string; routeId?: string }): Exchange {
  const { path, query } = splitUrl(init.url);
  const text = init.text ?? (init.json === undefined ? undefined : JSON.stringify(init.json));
  return {
    method: init.method ?? 'POST',
    path,
    query,
    params: init.params ?? {},
    headers: init.headers ?? {},
    traceId: init.traceId ?? 'trace-test',
    routeId: init.routeId ?? 'unmatched',
    raw: text === undefined ? undefined : Buffer.from(text, 'utf8'),
    text,
    json: init.json ?? (text === undefined ? undefined : JSON.parse(text)),
  };
}
