import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '../errors.js';
import { parseJsonBody, readBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { splitUrl, type Exchange, type Reply } from '../http/exchange.js';
import { sendReply } from '../http/reply.js';
import { describeRoutes, RouteTable } from '../http/routes.js';
import { apiHandlers, ok, type Handler } from './api.js';
import { Faults } from './faults.js';
import { EMULATOR_ROUTES, RETIRED_ENDPOINTS, type EmulatorRouteSpec } from './routes.js';
import { simulateCalls } from './simulate.js';
import { EmulatorState } from './state.js';

export { EMULATOR_ROUTES, API_ROUTES, CONTROL_ROUTES, RETIRED_ENDPOINTS } from './routes.js';
export { EmulatorState } from './state.js';
export { DEFAULT_OUTCOME, type OutcomeRates, type SimulateRequest, type SimulateResult } from './simulate.js';
export type { FaultRule, FaultInput } from './faults.js';

export const DEFAULT_EMULATOR_PORT = 8765;
const BODY_LIMIT = 10 * 1024 * 1024;

export interface EmulatorOptions {
  /** 0 picks a free port (default 8765). */
  port?: number;
  host?: string;
  /** Folder the workspace persists in; in memory only when omitted. */
  dataDir?: string;
  /** Accept only this key (it also signs webhooks); otherwise any non-empty Bearer key is accepted. */
  apiKey?: string;
  /** One line per request (method, path, status, ms); never the key or bodies. */
  log?: (line: string) => void;
  /** Dice for fault probabilities (tests pin them). */
  random?: () => number;
  now?: () => number;
}

export interface RunningEmulator {
  /** `http://127.0.0.1:<port>`: give it to the SDK as baseURL (RETELL_BASE_URL). */
  readonly url: string;
  readonly port: number;
  readonly state: EmulatorState;
  readonly faults: Faults;
  /** Requests per route id: how many ran, and the most in flight at once (tests check a client's concurrency cap). */
  stats(): Record<string, { requests: number; peakInFlight: number }>;
  close(): Promise<void>;
}

/** Start the Retell API emulator; resolves once it listens. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const state = EmulatorState.open(options.dataDir);
  const now = options.now ?? Date.now;
  const faults = new Faults(options.random);
  const table = new RouteTable<EmulatorRouteSpec>(EMULATOR_ROUTES, 'the emulator');
  const api = apiHandlers({ state, now });
  const control: Record<string, (ex: Exchange, key: string | undefined) => Reply | Promise<Reply>> = {
    'emulator-faults-set': (ex) => ok({ faults: faults.add(ex.json, EMULATOR_ROUTES) }, 201),
    'emulator-faults-get': () => ok({ faults: faults.list() }),
    'emulator-faults-clear': () => ok({ cleared: faults.clear() }),
    'emulator-simulate-calls': async (ex, key) => ok(await simulateCalls(state, ex.json, options.apiKey ?? key, now)),
    'emulator-reset': () => {
      state.reset();
      faults.clear();
      return ok({ reset: true });
    },
    'emulator-state-get': () => ok(state.snapshot()),
    'emulator-state-put': (ex) => {
      try {
        state.restore(ex.json);
      } catch (error) {
        throw new HttpError(400, `body: ${(error as Error).message}`, { code: 'invalid_request' });
      }
      return ok({ agents: Object.keys(state.agents).length, conversation_flows: Object.keys(state.flows).length, phone_numbers: Object.keys(state.phoneNumbers).length, calls: Object.keys(state.calls).length });
    },
    'emulator-routes': () => ok({ routes: describeRoutes(EMULATOR_ROUTES.filter((r) => r.kind !== 'retired')), retired: RETIRED_ENDPOINTS.map((r) => `${r.method} ${r.path.replace(/:([A-Za-z0-9_]+)/g, '<$1>')}`) }),
    'emulator-health': () => ok({ ok: true }),
  };
  const sockets = new Set<import('node:net').Socket>();
  const counters = new Map<string, { requests: number; inFlight: number; peakInFlight: number }>();

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    const started = performance.now();
    const { path, query } = splitUrl(req.url ?? '/');
    const ex: Exchange = { method: req.method ?? 'GET', path, query, params: {}, headers: req.headers, traceId: '', routeId: 'unmatched', req };
    let reply: Reply;
    let dropAfter = false;
    let counter: { requests: number; inFlight: number; peakInFlight: number } | undefined;
    try {
      const { route, params } = matchRoute(table, ex.method, path);
      ex.params = params;
      ex.routeId = route.id;
      const c = counters.get(route.id) ?? { requests: 0, inFlight: 0, peakInFlight: 0 };
      counters.set(route.id, c);
      c.requests++;
      c.peakInFlight = Math.max(c.peakInFlight, ++c.inFlight);
      counter = c;
      if (route.kind === 'retired') throw retired(route);
      const key = bearer(req.headers.authorization);
      // The whole request is read before any fault: a slow answer (latency_ms) then models a server
      // that has the request and works on it, as Retell does when the client gives up or dies waiting
      // (the change still lands: what a resumed deploy must cope with).
      if (ex.method !== 'GET' && ex.method !== 'HEAD' && ex.method !== 'DELETE') {
        ex.raw = await readBody(req, BODY_LIMIT);
        ex.text = ex.raw.toString('utf8');
        ex.json = ex.text.trim() === '' ? undefined : parseJsonBody(ex.text);
      }
      if (route.kind === 'api') {
        if (key === undefined) throw new HttpError(401, 'missing API key: send Authorization: Bearer <your Retell API key>', { code: 'unauthorized' });
        if (options.apiKey !== undefined && key !== options.apiKey) throw new HttpError(401, 'invalid API key', { code: 'unauthorized' });
        const fault = faults.decide(route, ex.method, describeRoutes([route])[0]!.split(' ')[1]!);
        if (fault) {
          if (fault.latencyMs) await new Promise((resolve) => setTimeout(resolve, fault.latencyMs));
          if (fault.drop === 'before') {
            c.inFlight--;
            return void req.socket.destroy();
          }
          if (fault.error) throw fault.error;
          dropAfter = fault.drop === 'after';
        }
      }
      reply = route.kind === 'api' ? await (api[route.id] as Handler)(ex) : await control[route.id]!(ex, key);
    } catch (error) {
      reply = errorReply(error);
    }
    if (counter) counter.inFlight--;
    if (dropAfter) {
      // The change is made; the client never hears of it (a response lost on the way back).
      req.socket.destroy();
      options.log?.(`${ex.method} ${path} -> dropped after running (fault)\n`);
      return;
    }
    sendReply(req, res, reply);
    options.log?.(`${ex.method} ${path} -> ${reply.status} (${Math.round(performance.now() - started)} ms)\n`);
  };

  const server = http.createServer({ keepAliveTimeout: 5_000 }, (req, res) => void handle(req, res));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const port = options.port ?? DEFAULT_EMULATOR_PORT;
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      state.close();
      reject(new KitError('io', error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`, { hint: error.code === 'EADDRINUSE' ? 'pick another with --port' : undefined, cause: error }));
    });
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const urlHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    state,
    faults,
    stats: () => Object.fromEntries([...counters].map(([id, c]) => [id, { requests: c.requests, peakInFlight: c.peakInFlight }])),
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => {
          state.close();
          resolve();
        });
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}

function matchRoute(table: RouteTable<EmulatorRouteSpec>, method: string, path: string) {
  try {
    return table.match(method, path);
  } catch (error) {
    // The shared table's 404 lists every route; forty of them would bury the one that matters.
    if (error instanceof HttpError && error.status === 404) {
      throw new HttpError(404, `${method} ${path} is not an endpoint of the Retell API (as of retell-sdk 5.66.1); GET /emulator/routes lists what the emulator answers`, { code: 'not_found' });
    }
    throw error;
  }
}

function retired(route: EmulatorRouteSpec): HttpError {
  const entry = RETIRED_ENDPOINTS.find((r) => r.method === route.method && r.path === route.path)!;
  const shown = describeRoutes([route])[0];
  return new HttpError(404, `${shown} was retired by Retell on ${entry.retired}: use ${entry.use} (${entry.notice})`, { code: 'retired' });
}

function bearer(header: string | undefined): string | undefined {
  const match = header === undefined ? null : /^Bearer\s+(\S.*)$/i.exec(header);
  return match ? match[1]!.trim() : undefined;
}

/** Retell's error shape: the HTTP status, and `{ "status": "error", "message": ... }`. */
function errorReply(error: unknown): Reply {
  if (error instanceof HttpError) return { status: error.status, body: { status: 'error', message: error.message }, headers: error.options.headers };
  const message = error instanceof Error ? error.message : String(error);
  return { status: 500, body: { status: 'error', message: `emulator internal error: ${message.split('\n')[0]}` } };
}
