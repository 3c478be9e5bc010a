import { randomBytes, randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { KitError } from '../errors.js';
import type { RetellKitConfig, ServerConfig } from '../config/schema.js';
import { silentLogger, type ContextDeps, type Logger } from '../handlers/context.js';
import { Fetcher } from '../handlers/fetch.js';
import { createRegistry, type HandlerConfig, type HandlerRegistry } from '../handlers/registry.js';
import { DEFAULT_FUNCTION_TIMEOUT_MS } from '../handlers/invoke.js';
import { precheck, SIGNATURE_HEADER, verify, type SignatureFailure } from '../retell/signature.js';
import { SqliteStore } from '../store/sqlite.js';
import { useColor } from '../util/color.js';
import { isStoreFailure, type CallRecords, type FunctionTrace, type Retention, type Store } from '../store/store.js';
import { nestedDeeperThan, readBody, parseJsonBody } from '../http/body.js';
import { HttpError } from '../http/errors.js';
import { splitUrl, type Exchange, type Reply } from '../http/exchange.js';
import { errorReply, sendReply } from '../http/reply.js';
import { EventProcessor } from './events.js';
import { Idempotency, MAX_UNSAVED_ANSWERS } from './idempotency.js';
import { createLogger, type LogLevel } from './log.js';
import { ServerMetrics } from './metrics.js';
import { RateLimiter } from './rate-limit.js';
import { writeRecording } from './record.js';
import { TraceWriter } from './trace.js';
import { Redactor } from './redact.js';
import { StoreHealth, STORE_RETRY_AFTER_S } from './store-health.js';
import { createServeRoutes, type RouteDeps } from './routes/index.js';

export const DEFAULT_BODY_LIMIT = 5 * 1024 * 1024;
export const DEFAULT_RATE_LIMIT = { perSecond: 50, burst: 100 } as const;
/** transcript_updated per call: Retell sends one per turn, a few a second at most. */
export const DEFAULT_WEBHOOK_RATE_LIMIT = { perSecond: 20, burst: 100 } as const;
/** Deepest JSON nesting a signed body may have (Retell's payloads nest a handful of levels; redaction walks 64, which leaves room for the recording around it). */
export const MAX_JSON_DEPTH = 32;

/** Socket limits (server.limits): generous for Retell (a few connections per live call), short for slowloris. */
export const DEFAULT_LIMITS = { maxConnections: 1_000, headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000 } as const;

/** A call that ended this long ago without an analysis event is redacted at rest by the sweep. */
export const REDACT_AFTER_MS = 30 * 60_000;
const REDACT_SWEEP_MS = 5 * 60_000;
const ANALYZED_EVENTS: ReadonlySet<string> = new Set(['call_analyzed', 'chat_analyzed']);

/** Below Kubernetes' default 30 s grace period, so serve exits by itself before a SIGKILL. */
export const DEFAULT_SHUTDOWN_TIMEOUT_MS = 25_000;

export interface ServerOptions {
  /** Overrides RETELL_API_KEY and config `server.apiKey`. */
  apiKey?: string;
  /** Accept unsigned requests (local experiments only): every request logs a warning. */
  insecureNoVerify?: boolean;
  /** A ready Store; otherwise SQLite at `storePath` (default .retell-kit/state.db). */
  store?: Store;
  storePath?: string;
  /** Write one recording per call into this folder. */
  recordDir?: string;
  /** Where log lines go. The server never prints by itself; without this it is silent. */
  log?: (line: string) => void;
  /** Human log lines instead of JSON. */
  pretty?: boolean;
  /** Colour pretty lines. Default: the one colour policy (NO_COLOR, FORCE_COLOR from `env`, then whether stderr is a terminal). */
  color?: boolean;
  logLevel?: LogLevel;
  /** Environment to read RETELL_API_KEY from (tests pass their own). */
  env?: NodeJS.ProcessEnv;
  /** When calls without an analysis event are redacted at rest (default: ended 30 min ago, checked every 5 min). */
  redactSweep?: { afterMs: number; everyMs: number };
  /** How long close() waits for in-flight work before leaving it for the next start (default 25 s, config server.shutdownTimeoutMs). */
  shutdownTimeoutMs?: number;
}

export interface RetellKitServer {
  listen(port?: number, host?: string): Promise<AddressInfo>;
  /** Stop accepting, finish in-flight requests and handlers, close the store. Safe to call twice. */
  close(): Promise<void>;
  /** The bound address once listening. */
  address(): AddressInfo | undefined;
  readonly url: string | undefined;
  readonly store: Store;
  readonly metrics: ServerMetrics;
  readonly registry: HandlerRegistry;
  /** Whether the store takes writes (/readyz reads it). */
  readonly health: StoreHealth;
  /** The server's logger (JSON lines, redacted): commands log through it so the stream stays one format. */
  readonly logger: Logger;
  /** The node:http server, for teams that mount it behind their own listener. */
  readonly http: http.Server;
  /** Handle webhook events a previous process acknowledged but did not finish. listen() does this. */
  resume(): Promise<number>;
  /** Write buffered function traces to the store now (they are batched off the request path). */
  flushTraces(): Promise<void>;
}

/** One redaction session over a call's stored records, parsed and written back. */
function redactRecords(redactor: Redactor, records: CallRecords): CallRecords {
  const events = records.events.map((e) => {
    try {
      return { id: e.id, body: JSON.parse(e.body) as unknown };
    } catch {
      return { id: e.id, body: e.body as unknown };
    }
  });
  const out = redactor.session()({ events, traces: records.traces }) as { events: { id: number; body: unknown }[]; traces: FunctionTrace[] };
  return { events: out.events.map((e) => ({ id: e.id, body: typeof e.body === 'string' ? e.body : JSON.stringify(e.body) })), traces: out.traces };
}

/** server.retention (hours and days) as the store's retention (ms). */
export function retentionFromConfig(serverConfig: ServerConfig): Partial<Retention> {
  const r = serverConfig.retention ?? {};
  const days = (value: number | false | undefined) => (value === undefined ? undefined : value === false ? false : value * 86_400_000);
  const out: Partial<Retention> = {};
  if (r.answersHours !== undefined) out.answersMs = r.answersHours * 3_600_000;
  if (r.eventsDays !== undefined) out.eventsMs = days(r.eventsDays)!;
  if (r.tracesDays !== undefined) out.tracesMs = days(r.tracesDays)!;
  if (r.kvDays !== undefined) out.kvMs = days(r.kvDays)!;
  return out;
}

export function createServer(config: RetellKitConfig, options: ServerOptions = {}): RetellKitServer {
  const serverConfig = config.server ?? {};
  const env = options.env ?? process.env;
  const apiKey = options.apiKey ?? serverConfig.apiKey ?? (env.RETELL_API_KEY || undefined);
  const insecure = options.insecureNoVerify === true;
  if (!apiKey && !insecure) {
    throw new KitError('config', 'no Retell API key to verify signatures with', {
      hint: 'set RETELL_API_KEY to the key with the webhook badge, or pass --insecure-no-verify for local experiments only',
    });
  }

  const redactor = new Redactor({ ...serverConfig.redact, secrets: apiKey ? [apiKey] : [] });
  const logger: Logger = options.log ? createLogger({ write: options.log, level: options.logLevel ?? serverConfig.logLevel, pretty: options.pretty, color: options.color ?? useColor(process.stderr, env), redactor }) : silentLogger;
  const store = options.store ?? new SqliteStore({ file: options.storePath ?? serverConfig.store, retention: retentionFromConfig(serverConfig) });
  const registry = createRegistry(config as HandlerConfig);
  const metrics = new ServerMetrics();
  const owner = `${process.pid}-${randomBytes(6).toString('hex')}`;
  const recordDir = options.recordDir ?? serverConfig.record;
  const fetcher = new Fetcher({
    policy: serverConfig.fetch,
    mode: recordDir ? 'record' : 'live',
    onAttempt: (a) => {
      metrics.fetchAttempts.inc({ host: a.host, method: a.method, result: a.error ?? String(a.status), breaker: a.breaker });
      if (a.retryReason) metrics.fetchRetries.inc({ host: a.host, reason: a.retryReason });
      if (!a.error || a.error === 'timeout') metrics.fetchDuration.observe({ host: a.host }, a.durationMs / 1000);
    },
  });
  metrics.breakers = () => fetcher.breakerStates();
  const context: ContextDeps = { store, logger, replay: false, fetcher };
  const atRest = serverConfig.redact?.atRest !== false;
  const health = new StoreHealth(store, logger);
  const traces = new TraceWriter(store, logger, health);
  const events = new EventProcessor({
    store,
    health,
    keepEveryTranscriptUpdate: serverConfig.retention?.transcriptUpdates === 'all',
    registry,
    context,
    logger,
    metrics,
    owner,
    leaseMs: serverConfig.eventLeaseMs,
    onFinal: recordDir || atRest
      ? async (callId, event) => {
          await traces.flush();
          if (recordDir) {
            const file = await writeRecording(recordDir, store, callId, redactor, (call) => registry.resolveTenant(call)?.id);
            logger.info('recording written', { call_id: callId, file });
          }
          // The analysis is the call's last event: its handled events and traces are redacted where
          // they rest (see redactCallAtRest). Calls that never get one are swept after REDACT_AFTER_MS.
          if (atRest && ANALYZED_EVENTS.has(event)) await redactCallAtRest(callId);
        }
      : undefined,
  });
  // One session over the call's records, so a number keeps one placeholder across them. Answers stay
  // as they were (a retry must get the same answer); pending events keep their body until handled.
  const redactCallAtRest = (callId: string) => store.rewriteCall(callId, (records) => redactRecords(redactor, records));
  const sweep = async (): Promise<void> => {
    for (const callId of await store.callsAwaitingRewrite(Date.now() - (options.redactSweep?.afterMs ?? REDACT_AFTER_MS))) await redactCallAtRest(callId);
  };
  const sweepTimer = atRest
    ? setInterval(() => void sweep().catch((error: unknown) => logger.warn('redaction at rest postponed', { error: error instanceof Error ? error.message : String(error) })), options.redactSweep?.everyMs ?? REDACT_SWEEP_MS)
    : undefined;
  sweepTimer?.unref();
  const rateConfig = serverConfig.rateLimit === undefined ? DEFAULT_RATE_LIMIT : serverConfig.rateLimit;
  const webhookRate = serverConfig.webhookRateLimit === undefined ? DEFAULT_WEBHOOK_RATE_LIMIT : serverConfig.webhookRateLimit;
  const deps: RouteDeps = {
    store,
    registry,
    context,
    logger,
    metrics,
    events,
    traces,
    health,
    idempotency: new Idempotency(store, owner, health, MAX_UNSAVED_ANSWERS, logger),
    rateLimiter: rateConfig === false ? undefined : new RateLimiter(rateConfig.perSecond, rateConfig.burst),
    webhookRateLimiter: webhookRate === false ? undefined : new RateLimiter(webhookRate.perSecond, webhookRate.burst),
    functionTimeoutMs: serverConfig.functionTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS,
    isClosing: () => closing !== undefined,
    scrubSecrets: (value) => redactor.scrubValue(value),
  };
  const routes = createServeRoutes(deps);
  const bodyLimit = serverConfig.bodyLimit ?? DEFAULT_BODY_LIMIT;

  // The request path: match -> [signature header -> body -> digest -> JSON] -> route handler.
  const signed = async (ex: Exchange, req: http.IncomingMessage): Promise<void> => {
    const header = ex.headers[SIGNATURE_HEADER];
    const value = Array.isArray(header) ? header[0] : header;
    const reject = (result: { reason: SignatureFailure; detail: string }, headers?: Record<string, string>): never => {
      metrics.signatureFailures.inc({ reason: result.reason });
      throw new HttpError(401, `signature rejected: ${result.reason}`, {
        code: 'invalid_signature',
        headers,
        log: { reason: result.reason, detail: result.detail, remote: req.socket.remoteAddress, route: ex.routeId },
      });
    };
    if (!insecure) {
      // No, malformed or stale header: refused before a byte of the body is read (and the
      // connection closed, so an unread upload is not waited for).
      const pre = precheck(value);
      if (!pre.ok) reject(pre, { connection: 'close' });
    }
    ex.raw = await readBody(req, bodyLimit);
    if (insecure && !apiKey) {
      logger.warn('signature NOT verified (--insecure-no-verify): anyone who can reach this port can call your handlers', { route: ex.routeId });
    } else if (insecure) {
      logger.warn('signature NOT verified (--insecure-no-verify)', { route: ex.routeId });
    } else {
      const result = verify(ex.raw, apiKey!, value);
      if (!result.ok) reject(result);
    }
    ex.text = ex.raw.toString('utf8');
    ex.json = parseJsonBody(ex.text);
    // Nothing Retell sends nests this deep; deeper would only exercise recursion in keys and redaction.
    if (nestedDeeperThan(ex.json, MAX_JSON_DEPTH)) throw new HttpError(400, `body nests deeper than ${MAX_JSON_DEPTH} levels`, { code: 'too_deep' });
  };

  const scrubReply = (text: string) => redactor.scrub(text);
  let inflight = 0;
  let idle: (() => void) | undefined;

  const handle = async (req: http.IncomingMessage, res: http.ServerResponse): Promise<void> => {
    inflight++;
    const { path, query } = splitUrl(req.url ?? '/');
    const ex: Exchange = {
      method: req.method ?? 'GET',
      path,
      query,
      params: {},
      headers: req.headers,
      traceId: randomUUID(),
      routeId: 'unmatched',
      req,
    };
    let reply: Reply;
    try {
      const { route, params } = routes.match(ex.method, ex.path);
      ex.params = params;
      ex.routeId = route.id;
      if (route.signed) await signed(ex, req);
      reply = await route.run(ex);
    } catch (error) {
      reply = onError(error, ex);
    }
    try {
      // A handler may put the key in its result or error text; it never leaves the process.
      sendReply(req, res, reply, { headers: { 'x-retell-kit-trace-id': ex.traceId }, closing: closing !== undefined, scrub: scrubReply });
      metrics.requests.inc({ route: ex.routeId, status: reply.status });
    } finally {
      if (--inflight === 0 && idle) idle();
    }
  };

  // The one onError: HttpErrors answer with their status; anything else is a 500 with no details.
  const onError = (error: unknown, ex: Exchange): Reply => {
    if (error instanceof HttpError) {
      const level = error.status >= 500 ? 'error' : error.status === 401 ? 'warn' : 'info';
      logger[level](error.status === 401 ? 'signature rejected' : 'request refused', { status: error.status, error: error.message, trace_id: ex.traceId, route: ex.routeId, ...error.options.log });
      return errorReply(error.status, error.code, error.message, error.options.headers);
    }
    const message = error instanceof Error ? error.message : String(error);
    if (isStoreFailure(error)) {
      // Nothing was acknowledged: Retell (or the agent's retry) delivers it again once the store recovers.
      health.failed(error, ex.routeId);
      logger.error('store unavailable: answered 503', { error: message, trace_id: ex.traceId, route: ex.routeId });
      return errorReply(503, 'store_unavailable', 'the server cannot save this right now; try again shortly', { 'retry-after': String(STORE_RETRY_AFTER_S) });
    }
    logger.error('internal error', { error: message, trace_id: ex.traceId, route: ex.routeId });
    return errorReply(500, 'internal_error', 'the server failed to handle this request; it is logged');
  };

  // Slow and idle sockets: headers must arrive within headersTimeoutMs (an idle connection gets 408
  // and is closed), the whole request within requestTimeoutMs; past maxConnections new sockets are
  // closed at once. Node checks these every connectionsCheckingInterval (30 s by default: too coarse).
  const limits = { ...DEFAULT_LIMITS, ...serverConfig.limits };
  const server = http.createServer(
    {
      keepAliveTimeout: limits.keepAliveTimeoutMs,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: Math.max(limits.requestTimeoutMs, limits.headersTimeoutMs),
      connectionsCheckingInterval: Math.max(50, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
    },
    (req, res) => {
      void handle(req, res);
    },
  );
  server.maxConnections = limits.maxConnections;
  let closing: Promise<void> | undefined;
  let bound: AddressInfo | undefined;

  const close = (): Promise<void> => {
    if (closing) return closing;
    closing = (async () => {
      const stopped = new Promise<void>((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
      server.closeIdleConnections();
      const limit = options.shutdownTimeoutMs ?? serverConfig.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS;
      let timer: NodeJS.Timeout | undefined;
      let late = false;
      const deadline = new Promise<void>((resolve) => (timer = setTimeout(() => ((late = true), resolve()), limit)));
      const quiet = inflight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (idle = resolve));
      await Promise.race([quiet, deadline]);
      server.closeAllConnections();
      await Promise.race([Promise.all([events.drain(), deps.idempotency.drain()]), deadline]);
      clearTimeout(timer);
      if (late) {
        // Past the window: stop waiting. Webhook handlers still running are abandoned with their
        // events pending (they run again at the next start); function calls still running were
        // cut off with their connection, so Retell's retry runs them on the next process.
        const running = events.abandon();
        logger.warn('shutdown window over: leaving unfinished work for the next start', { window_ms: limit, webhook_calls_running: running, requests_running: inflight });
      }
      await stopped;
      clearInterval(sweepTimer);
      await traces.flush();
      if (health.backlog) await health.retry();
      const lost = health.stop();
      if (lost) logger.error('stopping with writes the store refused: unfinished webhook events run again at the next start', { writes: lost });
      await store.close();
      await fetcher.close().catch(() => {});
      logger.info('server stopped');
    })();
    return closing;
  };

  return {
    http: server,
    store,
    health,
    logger,
    metrics,
    registry,
    resume: () => events.resume(),
    flushTraces: () => traces.flush(),
    address: () => bound,
    get url() {
      if (!bound) return undefined;
      const host = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address;
      return `http://${host}:${bound.port}`;
    },
    async listen(port = serverConfig.port ?? 8787, host = serverConfig.host ?? '127.0.0.1') {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: NodeJS.ErrnoException) => {
          server.off('listening', onListening);
          reject(new KitError('io', error.code === 'EADDRINUSE' ? `port ${port} on ${host} is already in use` : `cannot listen on ${host}:${port}: ${error.message}`, { hint: error.code === 'EADDRINUSE' ? 'pick another with --port' : undefined, cause: error }));
        };
        const onListening = () => {
          server.off('error', onError);
          resolve();
        };
        server.once('error', onError);
        server.once('listening', onListening);
        server.listen(port, host);
      });
      bound = server.address() as AddressInfo;
      if (insecure) logger.warn('signature verification is OFF (--insecure-no-verify): do not expose this server');
      await events.resume();
      return bound;
    },
    close,
  };
}
