import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sign as sdkSign, symmetric } from 'retell-sdk/lib/webhook_auth';
import { createServer, type RetellKitServer, type ServerOptions } from '../../src/server/app.js';
import type { RetellKitConfig } from '../../src/config/schema.js';

export const API_KEY = 'key_test_5f2c9a1e7b3d4c6a';

export interface Started {
  server: RetellKitServer;
  url: string;
  dir: string;
  logs: string[];
  /** Parsed JSON log lines. */
  entries(): Record<string, any>[];
  stop(): Promise<void>;
}

/** A real server on 127.0.0.1, port 0, with a SQLite file in a fresh temp dir. */
export async function start(config: RetellKitConfig, options: ServerOptions = {}): Promise<Started> {
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-serve-'));
  const logs: string[] = [];
  const server = createServer(config, { apiKey: API_KEY, storePath: path.join(dir, 'state.db'), log: (line) => logs.push(line), logLevel: 'debug', env: {}, ...options });
  const address = await server.listen(0, '127.0.0.1');
  return {
    server,
    url: `http://127.0.0.1:${address.port}`,
    dir,
    logs,
    entries: () => logs.map((l) => JSON.parse(l) as Record<string, any>),
    async stop() {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface Response {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
  json(): any;
}

/** Plain node:http so tests control every byte and header (and survive early 413 closes). */
export function request(url: string, options: { method?: string; path: string; body?: string | Buffer; headers?: Record<string, string> }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const target = new URL(options.path, url);
    const req = http.request(target, { method: options.method ?? 'POST', headers: { 'content-type': 'application/json', ...options.headers }, agent: false, timeout: 20_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) });
      });
    });
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    // The server may answer 413 and close before the whole body is written.
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'EPIPE' || error.code === 'ECONNRESET' ? undefined : reject(error)));
    if (options.body !== undefined) req.write(options.body);
    req.end();
  });
}

/** POST a body signed by the official SDK, exactly as Retell sends it. */
export async function signedPost(url: string, pathname: string, payload: unknown, options: { key?: string; timestamp?: number; headers?: Record<string, string> } = {}): Promise<Response> {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  const key = options.key ?? API_KEY;
  const signature = options.timestamp === undefined ? await sdkSign(body, key) : await symmetric.sign(body, key, options.timestamp);
  return request(url, { path: pathname, body, headers: { 'x-retell-signature': signature, ...options.headers } });
}

export function callObject(callId: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    call_id: callId,
    call_type: 'phone_call',
    agent_id: 'agent_salon',
    agent_version: 17,
    call_status: 'ongoing',
    direction: 'inbound',
    from_number: '+14155559876',
    to_number: '+14155550100',
    start_timestamp: 1_760_000_000_000,
    ...extra,
  };
}

/** Poll until check() is truthy; bounded in time so a broken server fails the test, not hangs it. */
export async function until<T>(check: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
