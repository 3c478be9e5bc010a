import type http from 'node:http';
import type { Reply } from './exchange.js';

export interface SendOptions {
  /** Added to every reply (a trace id). The reply's own headers win. */
  headers?: http.OutgoingHttpHeaders;
  /** Ask the client to close the connection (the server is shutting down). */
  closing?: boolean;
  /** Last look at the final text before it leaves (the server scrubs secrets here). */
  scrub?: (text: string) => string;
}

/** Serialise a reply once: JSON unless it names its content type; no body for HEAD. */
export function sendReply(req: http.IncomingMessage, res: http.ServerResponse, reply: Reply, options: SendOptions = {}): void {
  if (res.headersSent) return;
  if (reply.status === 204 || reply.status === 304) {
    // No body, by definition (RFC 9110 §15.3.5): nothing to serialise or scrub.
    res.writeHead(reply.status, { ...options.headers, ...reply.headers, ...(options.closing ? { connection: 'close' } : {}) });
    res.end();
    return;
  }
  const raw = typeof reply.body === 'string' && reply.contentType ? reply.body : JSON.stringify(reply.body === undefined ? null : reply.body);
  const text = options.scrub ? options.scrub(raw) : raw;
  const headers: http.OutgoingHttpHeaders = {
    'content-type': reply.contentType ?? 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    ...options.headers,
    ...reply.headers,
  };
  if (options.closing) headers.connection = 'close';
  res.writeHead(reply.status, headers);
  res.end(req.method === 'HEAD' ? undefined : text);
}

/** The JSON reply for an error code and a message safe to show the client. */
export function errorReply(status: number, code: string, message: string, headers?: Record<string, string>): Reply {
  return { status, body: { error: code, message }, headers };
}
