import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A downstream that fails on script, on 127.0.0.1: each request to a path takes the next step of
// that path's script (the last step repeats). POST /book honours Idempotency-Key: a key seen before
// gets the first answer again, so a retried booking is booked once.

export type Step =
  | { status: number; headers?: Record<string, string>; body?: unknown }
  | { reset: true }
  | { stallMs: number; then?: { status: number; body?: unknown } };

export interface Hit {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Flaky {
  url: string;
  hits: Hit[];
  bookings: string[];
  script(path: string, steps: Step[]): void;
  close(): Promise<void>;
}

export async function flakyDownstream(): Promise<Flaky> {
  const scripts = new Map<string, Step[]>();
  const hits: Hit[] = [];
  const bookings: string[] = [];
  const answered = new Map<string, { status: number; body: unknown }>();
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = new URL(req.url!, 'http://x').pathname;
      hits.push({ method: req.method!, path, headers: req.headers, body });
      const steps = scripts.get(path) ?? [{ status: 200, body: { ok: true } }];
      const step = steps.length > 1 ? steps.shift()! : steps[0]!;
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        if (res.destroyed) return;
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(payload ?? {}));
      };
      const book = (status: number, payload: unknown) => {
        const key = req.headers['idempotency-key'] as string | undefined;
        if (status < 300 && path === '/book') {
          if (key && answered.has(key)) return send(answered.get(key)!.status, answered.get(key)!.body);
          bookings.push(body);
          const out = { booking_id: `bk_${bookings.length}` };
          if (key) answered.set(key, { status, body: out });
          return out;
        }
        return payload;
      };
      if ('reset' in step) return req.socket.destroy();
      if ('stallMs' in step) {
        // The booking is made even though the answer comes too late: the case idempotency keys exist for.
        const out = step.then ? book(step.then.status, step.then.body) : undefined;
        setTimeout(() => step.then && send(step.then.status, out), step.stallMs).unref();
        return;
      }
      const out = book(step.status, step.body);
      if (res.writableEnded) return;
      send(step.status, out, step.headers);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    bookings,
    script: (path, steps) => scripts.set(path, [...steps]),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
