import { Agent, fetch as undiciFetch, Response, type Dispatcher } from 'undici';
import { canSend, send } from './dispatch.js';
import { downstreamKey } from './keys.js';

// ctx.fetch: an HTTP client for handlers that knows a caller is waiting on the phone. One Fetcher per
// server (its breakers and retry budgets outlive a function call); one CallFetch per function run
// (its deadline, its key, its attempts). Modes: live (the network), record (the network, keeping
// each exchange for the recording), lockdown (replay: no network, recorded exchanges answer).

export interface BreakerPolicy {
  /** Open after this many failures in a row (default 5). */
  consecutiveFailures: number;
  /** Also open when `threshold` (0..1) of the last `size` calls failed, once `size` calls were seen (default 20, 0.5). */
  window: { size: number; threshold: number } | false;
  /** A call slower than this counts as a failure for the breaker (default 5000 ms; false: never). */
  slowCallMs: number | false;
  /** How long an open breaker fails fast before one probe may pass (default 30000 ms). */
  halfOpenAfterMs: number;
}

export interface FetchPolicy {
  /** Attempts a request may take, the first included (default 3). */
  maxAttempts: number;
  /** Retries one phone call may spend across all its function calls (default 10). */
  retryBudgetPerCall: number;
  /** Time kept back from the function's timeout to answer the agent (default 250 ms). */
  marginMs: number;
  /** Per-attempt timeout; default: half the remaining budget, the whole of it for the last attempt. */
  attemptTimeoutMs?: number;
  /** Decorrelated jitter: the first delay is drawn from [baseMs, 3 baseMs], never above capMs (default 50, 1000). */
  backoff: { baseMs: number; capMs: number };
  /** Header carrying the idempotency key downstream (default Idempotency-Key). */
  idempotencyHeader: string;
  breaker: BreakerPolicy | false;
}

export const DEFAULT_FETCH_POLICY: FetchPolicy = {
  maxAttempts: 3,
  retryBudgetPerCall: 10,
  marginMs: 250,
  backoff: { baseMs: 50, capMs: 1000 },
  idempotencyHeader: 'Idempotency-Key',
  breaker: { consecutiveFailures: 5, window: { size: 20, threshold: 0.5 }, slowCallMs: 5000, halfOpenAfterMs: 30_000 },
};

export type FetchPolicyInput = Partial<Omit<FetchPolicy, 'breaker' | 'backoff'>> & {
  backoff?: Partial<FetchPolicy['backoff']>;
  breaker?: Partial<BreakerPolicy> | false;
};

export function resolvePolicy(input: FetchPolicyInput = {}): FetchPolicy {
  const base = DEFAULT_FETCH_POLICY;
  return {
    ...base,
    ...input,
    backoff: { ...base.backoff, ...input.backoff },
    breaker: input.breaker === false ? false : { ...(base.breaker as BreakerPolicy), ...input.breaker },
  };
}

export type BreakerState = 'closed' | 'open' | 'half-open';
export type RetryReason = 'connection' | 'timeout' | `status ${number}`;

/** One attempt at one request: what traces, recordings and /metrics get. */
export interface FetchAttempt {
  host: string;
  method: string;
  /** Path and query only: hosts are labels, query strings may carry data (kept out of metrics). */
  path: string;
  attempt: number;
  status?: number;
  /** connection, timeout, deadline, breaker_open, lockdown, or an error code. */
  error?: string;
  durationMs: number;
  /** Why this attempt was followed by another. */
  retryReason?: RetryReason;
  /** The host's breaker as the attempt started. */
  breaker: BreakerState;
  startedAt: number;
}

/** A request and its answer as a recording keeps them, so replay can answer without the network. */
export interface DownstreamExchange {
  method: string;
  url: string;
  requestBody?: string;
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type FetchErrorCode = 'deadline' | 'breaker_open' | 'unavailable' | 'lockdown' | 'budget';

/** Every ctx.fetch failure: a function's `fallback` answers these. */
export class FetchError extends Error {
  override readonly name = 'FetchError';
  constructor(
    readonly code: FetchErrorCode,
    message: string,
    readonly details: { host?: string; method?: string; url?: string; status?: number; attempts?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function isFetchError(error: unknown): error is FetchError {
  return error instanceof FetchError;
}

export interface KitFetchInit extends Omit<RequestInit, 'body' | 'headers'> {
  body?: string | Uint8Array | URLSearchParams | null;
  headers?: Record<string, string>;
  /** Sent as JSON (content-type set) — the usual way to call a booking API. */
  json?: unknown;
  /** A key of your own for a non-idempotent request; false: never retry it. Default: derived from the call, the function, its args and the request. */
  idempotencyKey?: string | false;
  /** The endpoint is safe to repeat without a key (e.g. an upsert): retry a POST without sending one. */
  idempotent?: boolean;
  /** Attempts for this request (1: no retry). */
  maxAttempts?: number;
}

export type KitFetch = (url: string | URL, init?: KitFetchInit) => Promise<Response>;

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE', 'TRACE']);
const RETRYABLE_STATUS = new Set([408, 425, 429, 500, 502, 503, 504]);

/** Whether a status is worth another attempt: 408/425/429 and 5xx except 501/505 (they will not change). */
export function retryableStatus(status: number): boolean {
  return RETRYABLE_STATUS.has(status) || (status >= 500 && status !== 501 && status !== 505 && status < 600);
}

/** Retry-After as ms from now (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** Decorrelated jitter (Brooker, "Exponential Backoff and Jitter"): min(cap, random(base, 3 x previous)). */
export function nextDelay(previousMs: number, backoff: FetchPolicy['backoff'], random = Math.random): number {
  const upper = Math.max(backoff.baseMs, previousMs * 3);
  return Math.min(backoff.capMs, backoff.baseMs + random() * (upper - backoff.baseMs));
}

/**
 * One breaker per downstream host: consecutive failures, a count window and slow calls open it;
 * open fails fast; after halfOpenAfterMs one probe passes and its result closes or reopens it.
 */
export class Breaker {
  state: BreakerState = 'closed';
  private consecutive = 0;
  /** The count window as a ring of outcomes (true: failed) and how many of them failed: no allocation per call. */
  private readonly ring: boolean[];
  private seen = 0;
  private failures = 0;
  private openedAt = 0;
  private probing = false;
  constructor(
    private readonly policy: BreakerPolicy,
    private readonly now: () => number = Date.now,
  ) {
    this.ring = policy.window ? new Array<boolean>(policy.window.size).fill(false) : [];
  }

  /** The state a request would see now (an open breaker past its wait reads half-open). */
  current(): BreakerState {
    if (this.state === 'open' && this.now() - this.openedAt >= this.policy.halfOpenAfterMs) return 'half-open';
    return this.state;
  }

  /** Whether a request may go now; in half-open only one probe at a time. */
  admit(): boolean {
    if (this.state === 'closed') return true;
    const state = this.current();
    if (state === 'open') return false;
    if (this.probing) return false;
    this.state = 'half-open';
    this.probing = true;
    return true;
  }

  record(ok: boolean, durationMs: number): void {
    const slow = this.policy.slowCallMs !== false && durationMs > this.policy.slowCallMs;
    const success = ok && !slow;
    if (this.state === 'half-open') {
      this.probing = false;
      if (success) this.close();
      else this.open();
      return;
    }
    if (this.state === 'open') return;
    this.consecutive = success ? 0 : this.consecutive + 1;
    const win = this.policy.window;
    if (win) {
      const slot = this.seen % win.size;
      if (this.seen >= win.size && this.ring[slot]) this.failures--;
      this.ring[slot] = !success;
      if (!success) this.failures++;
      this.seen++;
    }
    if (this.consecutive >= this.policy.consecutiveFailures) return this.open();
    if (win && this.seen >= win.size && this.failures / win.size >= win.threshold) this.open();
  }

  private open(): void {
    this.state = 'open';
    this.openedAt = this.now();
    this.reset();
  }

  private close(): void {
    this.state = 'closed';
    this.reset();
  }

  private reset(): void {
    this.seen = 0;
    this.failures = 0;
    this.consecutive = 0;
  }
}

export interface FetcherOptions {
  policy?: FetchPolicyInput;
  mode?: 'live' | 'record' | 'lockdown';
  /** Lockdown: the recorded exchanges that answer, matched by method, URL (and body when recorded), each used once in order. */
  exchanges?: DownstreamExchange[];
  /** For tests and custom TLS/proxies; default: an undici Agent of our own (keep-alive). */
  dispatcher?: Dispatcher;
  /** Told of every attempt (metrics). */
  onAttempt?: (attempt: FetchAttempt) => void;
  now?: () => number;
}

export interface CallScope {
  callId: string;
  functionName: string;
  /** The function call's own key (src/handlers/keys.ts); downstream keys are derived from it. */
  idempotencyKey: string;
  /** Epoch ms when the caller stops waiting. */
  deadline: number;
  /** Aborted when the function times out. */
  signal?: AbortSignal;
}

/** What one function run did downstream: attempts for the trace, exchanges for the recording. */
export interface CallFetchLog {
  attempts: FetchAttempt[];
  exchanges: DownstreamExchange[];
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

/** Whether `headers` has `lowerName` in any case. */
function hasHeader(headers: Record<string, string>, lowerName: string): boolean {
  for (const name in headers) if (name.toLowerCase() === lowerName) return true;
  return false;
}

function bodyText(body: KitFetchInit['body']): string | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string') return body;
  if (body instanceof URLSearchParams) return body.toString();
  return Buffer.from(body).toString('utf8');
}

/**
 * One attempt's way to be cut off (its timeout, the function's deadline, the caller's own signal)
 * without handing undici an AbortSignal: on Node 20 a signal per request (ours, then undici's
 * WeakRef, FinalizationRegistry entry and listener that follow it) cost more client CPU than the
 * rest of ctx.fetch together (bench:fetch). undici gives each dispatched request an abort function
 * instead; the attempt keeps it, and a cut before the request reached a socket is applied the
 * moment it does (so a queued request is never sent), while fetch is failed at once through the
 * handler undici gave the dispatcher (its one later error, from that abort, is not passed on).
 */
interface AttemptControl {
  /** When the attempt's own timeout cuts it off (performance.now() ms), and whether it did. */
  dueAt: number;
  timedOut: boolean;
  /** The request's abort, once undici dispatched it to a connection. */
  abort?: (reason: Error) => void;
  /** Why the attempt was cut off, once it was. */
  reason?: Error;
  /** Fails the attempt's fetch now, before the request reached a connection. */
  fail?: (reason: Error) => void;
}

/** What a function run does with ctx.fetch: its scope, its log, the attempts in flight. */
interface CallRun {
  scope: CallScope;
  log: CallFetchLog;
  /** Attempts in flight, for the deadline's one listener; made on the first request with a signal. */
  inflight: Set<AttemptControl> | undefined;
  /** How many requests the run made: a request's place tells bodies that are not text apart. */
  ordinal: number;
}

const NO_INIT: KitFetchInit = {};
/** KitFetchInit's own fields: never handed to undici (signal neither: attempts are cut off without one). */
const OWN_FIELDS = new Set(['method', 'headers', 'body', 'json', 'idempotencyKey', 'idempotent', 'maxAttempts', 'signal', 'dispatcher']);

/** `headers` with one more, copied unless `owned` (ours already): the caller's object is never changed. */
function withHeader(headers: Record<string, string> | undefined, owned: boolean, name: string, value: string): Record<string, string> {
  if (!headers) return { [name]: value };
  const out = owned ? headers : { ...headers };
  out[name] = value;
  return out;
}

/**
 * What undici's fetch gets: only what is set (a GET without headers is just the dispatcher: each field
 * given costs undici's checks), and any other RequestInit fields the caller set (redirect, keepalive...).
 */
function fetchInit(method: string, headers: Record<string, string> | undefined, body: KitFetchInit['body'], init: KitFetchInit): Record<string, unknown> {
  const request: Record<string, unknown> = { dispatcher: undefined };
  if (method !== 'GET') request.method = method;
  if (headers) request.headers = headers;
  if (body != null) request.body = body;
  if (init !== NO_INIT) for (const field in init) if (!OWN_FIELDS.has(field)) request[field] = (init as Record<string, unknown>)[field];
  return request;
}

/** The attempt as traces, recordings and /metrics get it. */
function attemptRecord(host: string, method: string, path: string, attempt: number, breaker: BreakerState, startedAt: number, durationMs: number, status?: number, error?: string, retryReason?: RetryReason): FetchAttempt {
  const record: FetchAttempt = { host, method, path, attempt, breaker, startedAt, status, error, durationMs };
  if (retryReason) record.retryReason = retryReason;
  return record;
}

function abortReason(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error(signal.reason === undefined ? 'aborted' : String(signal.reason));
}

function timeOut(control: AttemptControl): void {
  control.timedOut = true;
  cutOff(control, new Error('attempt timed out'));
}

/**
 * Attempt timeouts on one timer a Fetcher, armed for the earliest one due. Almost every attempt
 * ends long before its timeout, so a Node timer per attempt (set, then cleared) was work for nothing
 * on the request path. The timer is unref'd: an attempt in flight holds its
 * socket, which keeps the process alive until the answer or the timeout.
 */
class AttemptTimeouts {
  private readonly pending = new Set<AttemptControl>();
  private timer: NodeJS.Timeout | undefined;
  private armedFor = Infinity;

  start(control: AttemptControl, ms: number): void {
    control.dueAt = performance.now() + ms;
    this.pending.add(control);
    if (control.dueAt < this.armedFor) this.arm(control.dueAt);
  }

  /** The attempt ended: forget it (the timer stays; if it fires with nothing due, it re-arms for what is left). */
  stop(control: AttemptControl): void {
    this.pending.delete(control);
  }

  private arm(dueAt: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = dueAt;
    this.timer = setTimeout(this.fire, Math.max(1, Math.ceil(dueAt - performance.now())));
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.armedFor = Infinity;
    // Within Node's timer resolution (1 ms) counts as due: attempts started in the same millisecond
    // with the same timeout are cut together, as their own timers would have fired in one pass. A
    // re-arm for the one due microseconds later let undici send it on the connection the other freed.
    const now = performance.now() + 1;
    let next = Infinity;
    for (const control of this.pending) {
      if (control.dueAt <= now) {
        this.pending.delete(control);
        timeOut(control);
      } else if (control.dueAt < next) next = control.dueAt;
    }
    if (next !== Infinity) this.arm(next);
  };
}

function cutOff(control: AttemptControl, reason: Error): void {
  if (control.reason) return;
  control.reason = reason;
  if (control.abort) control.abort(reason);
  else control.fail?.(reason);
}

type DispatchHandler = Parameters<Dispatcher['dispatch']>[1] & {
  onConnect?: (abort: (reason?: Error) => void, context?: unknown) => void;
  onRequestStart?: (controller: { abort(reason: Error): void }, context: unknown) => void;
  onError?: (error: Error) => void;
  onResponseError?: (controller: unknown, error: Error) => void;
};

/**
 * A dispatcher for one attempt: the shared one, with the request's abort function kept in `control`
 * and its handler's error callback made once-only, so a cut before the connection can fail fetch at
 * once (no promise around fetch's own: that cost ~3 % of a loopback request's client CPU).
 */
function attemptDispatcher(dispatcher: Dispatcher, control: AttemptControl): Dispatcher {
  return {
    dispatch(options: Dispatcher.DispatchOptions, handler: DispatchHandler) {
      let failed = false;
      const onError = handler.onError;
      if (typeof onError === 'function') {
        handler.onError = function (this: unknown, error: Error) {
          if (failed) return;
          failed = true;
          onError.call(this, error);
        };
        control.fail = (reason) => handler.onError!(reason);
      }
      const onResponseError = handler.onResponseError;
      if (typeof onResponseError === 'function') {
        handler.onResponseError = function (this: unknown, controller: unknown, error: Error) {
          if (failed) return;
          failed = true;
          onResponseError.call(this, controller, error);
        };
        control.fail = (reason) => handler.onResponseError!(null, reason);
      }
      const onConnect = handler.onConnect;
      if (typeof onConnect === 'function') {
        handler.onConnect = function (this: unknown, abort: (reason?: Error) => void, context?: unknown) {
          control.abort = abort;
          onConnect.call(this, abort, context);
          if (control.reason) abort(control.reason);
        };
      }
      const onRequestStart = handler.onRequestStart;
      if (typeof onRequestStart === 'function') {
        handler.onRequestStart = function (this: unknown, controller: { abort(reason: Error): void }, context: unknown) {
          control.abort = (reason) => controller.abort(reason);
          onRequestStart.call(this, controller, context);
          if (control.reason) controller.abort(control.reason);
        };
      }
      // Cut off while fetch was still on its way here: fail it without sending anything.
      if (control.reason && control.fail) {
        control.fail(control.reason);
        return false;
      }
      return dispatcher.dispatch(options, handler);
    },
  } as unknown as Dispatcher;
}

/** Network failures worth another attempt (undici's RetryHandler list, plus its own socket errors). */
const RETRYABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ENOTFOUND', 'ENETDOWN', 'ENETUNREACH', 'EHOSTDOWN', 'EHOSTUNREACH', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** The code of a failed fetch (ECONNREFUSED), else its cause's words (`bad port`: fetch refuses some ports). */
function errorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } })?.cause;
  return cause?.code ?? (error as { code?: string })?.code ?? cause?.message ?? (error instanceof Error ? error.message : String(error));
}

export class Fetcher {
  readonly policy: FetchPolicy;
  readonly mode: 'live' | 'record' | 'lockdown';
  private readonly breakers = new Map<string, Breaker>();
  private readonly budgets = new Map<string, number>();
  private readonly timeouts = new AttemptTimeouts();
  private ownDispatcher: Dispatcher | undefined;
  private readonly exchanges: (DownstreamExchange & { used?: boolean })[];
  private readonly now: () => number;

  constructor(private readonly options: FetcherOptions = {}) {
    this.policy = resolvePolicy(options.policy);
    this.mode = options.mode ?? 'live';
    this.exchanges = (options.exchanges ?? []).map((e) => ({ ...e }));
    this.now = options.now ?? Date.now;
  }

  /** The breaker of a host (host:port), created closed. */
  breaker(host: string): Breaker | undefined {
    if (!this.policy.breaker) return undefined;
    let breaker = this.breakers.get(host);
    if (!breaker) this.breakers.set(host, (breaker = new Breaker(this.policy.breaker, this.now)));
    return breaker;
  }

  /** Breaker states by host, for /metrics. */
  breakerStates(): Map<string, BreakerState> {
    return new Map([...this.breakers].map(([host, b]) => [host, b.current()]));
  }

  private takeRetry(callId: string): boolean {
    const key = callId || '(no call id)';
    const left = this.budgets.get(key) ?? this.policy.retryBudgetPerCall;
    if (left <= 0) return false;
    this.budgets.delete(key);
    this.budgets.set(key, left - 1);
    // Bounded: the oldest calls' budgets go first (a call lasts minutes; 10,000 calls is hours).
    if (this.budgets.size > 10_000) this.budgets.delete(this.budgets.keys().next().value!);
    return true;
  }

  /** ctx.fetch for one function run; `log` collects what it did. */
  forCall(scope: CallScope, log: CallFetchLog = { attempts: [], exchanges: [] }): { fetch: KitFetch; log: CallFetchLog } {
    const run: CallRun = { scope, log, inflight: undefined, ordinal: 0 };
    const fetch: KitFetch = (url, init) => this.request(run, url, init ?? NO_INIT);
    return { fetch, log };
  }

  /** Built on first use: a lockdown Fetcher never opens a socket. */
  private get dispatcher(): Dispatcher {
    return this.options.dispatcher ?? (this.ownDispatcher ??= new Agent({ keepAliveTimeout: 10_000, connections: 64 }));
  }

  async close(): Promise<void> {
    await this.ownDispatcher?.close();
  }

  private async request(run: CallRun, input: string | URL, init: KitFetchInit): Promise<Response> {
    const { scope, log } = run;
    const ordinal = ++run.ordinal;
    const url = new URL(input);
    const href = url.href;
    const method = (init.method ?? (init.json !== undefined ? 'POST' : 'GET')).toUpperCase();
    // The caller's headers are sent as they are; a copy only when something is added.
    let headers = init.headers;
    let body = init.body;
    if (init.json !== undefined) {
      body = JSON.stringify(init.json);
      if (!headers || !hasHeader(headers, 'content-type')) headers = withHeader(headers, false, 'content-type', 'application/json');
    }
    const text = bodyText(body);
    const policy = this.policy;
    let maxAttempts = Math.max(1, init.maxAttempts ?? policy.maxAttempts);
    if (!IDEMPOTENT_METHODS.has(method) && !init.idempotent) {
      if (init.idempotencyKey === false) maxAttempts = 1;
      else {
        const key = init.idempotencyKey ?? downstreamKey({ functionKey: scope.idempotencyKey, method, url: href, body: text, ordinal });
        if (!headers || !hasHeader(headers, policy.idempotencyHeader.toLowerCase())) headers = withHeader(headers, headers !== init.headers, policy.idempotencyHeader, key);
      }
    }
    const host = url.host;
    const path = url.pathname;

    if (this.mode === 'lockdown') return this.answerFromRecording(log, host, method, url, path, text);

    if (scope.signal && !run.inflight) {
      // One listener a function run: the deadline cuts off whatever attempts are in flight.
      const inflight = (run.inflight = new Set());
      const signal = scope.signal;
      signal.addEventListener('abort', () => {
        for (const control of inflight) cutOff(control, abortReason(signal));
      }, { once: true });
    }
    // Most requests go straight to undici's dispatcher (src/handlers/dispatch.ts), answered as fetch
    // answers; fetch's own options and what only fetch handles go through undici's fetch.
    let fetchOptions = false;
    if (init !== NO_INIT) for (const field in init) if (!OWN_FIELDS.has(field) && field !== 'redirect') fetchOptions = true;
    const direct = !fetchOptions && canSend(url, method, body, init.redirect);
    const request = direct ? undefined : fetchInit(method, headers, body, init);

    const budgetEnd = scope.deadline - policy.marginMs;
    const breaker = this.breaker(host);
    let previousDelay = policy.backoff.baseMs;
    for (let attempt = 1; ; attempt++) {
      const startedAt = this.now();
      const remaining = budgetEnd - startedAt;
      const breakerState = breaker?.current() ?? 'closed';
      if (remaining <= 0) {
        this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, 0, undefined, 'deadline'));
        throw new FetchError('deadline', `${method} ${host}${path}: no time left before the caller's deadline`, { host, method, url: href, attempts: attempt - 1 });
      }
      if (breaker && !breaker.admit()) {
        this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, 0, undefined, 'breaker_open'));
        throw new FetchError('breaker_open', `${host} is failing; not calling it until its breaker half-opens`, { host, method, url: href, attempts: attempt - 1 });
      }
      const last = attempt >= maxAttempts;
      const attemptMs = Math.min(remaining, policy.attemptTimeoutMs ?? (last ? remaining : Math.max(remaining / 2, Math.min(remaining, 500))));
      const control: AttemptControl = { dueAt: 0, timedOut: false };
      this.timeouts.start(control, attemptMs);
      // The function's deadline (one listener a function run) and the caller's own signal.
      run.inflight?.add(control);
      const onAbort = init.signal ? () => cutOff(control, abortReason(init.signal!)) : undefined;
      if (onAbort) init.signal!.addEventListener('abort', onAbort, { once: true });
      const started = performance.now();
      let response: Response | undefined;
      let failure: string | undefined;
      let caught: unknown;
      try {
        if (scope.signal?.aborted) cutOff(control, abortReason(scope.signal));
        if (init.signal?.aborted) cutOff(control, abortReason(init.signal));
        if (control.reason) throw control.reason;
        if (direct) {
          response = await send(this.dispatcher, { url, method, headers, body }, control);
        } else {
          request!.dispatcher = attemptDispatcher(this.dispatcher, control);
          response = await undiciFetch(href, request as Parameters<typeof undiciFetch>[1]);
        }
      } catch (error) {
        // Cut off: the cut's reason is the cause (undici wraps it in "fetch failed").
        caught = control.reason ?? error;
        failure = control.timedOut ? 'timeout' : control.reason ? 'aborted' : errorCode(error);
      } finally {
        this.timeouts.stop(control);
        run.inflight?.delete(control);
        if (onAbort) init.signal!.removeEventListener('abort', onAbort);
      }
      const durationMs = Math.round((performance.now() - started) * 1000) / 1000;
      const status = response?.status;
      const retryable = failure ? failure === 'timeout' || RETRYABLE_CODES.has(failure) : retryableStatus(status!);
      // 429 is the host pacing us, not failing: it does not count against its breaker.
      breaker?.record(failure ? failure === 'aborted' : status! < 500 && status !== 408, durationMs);
      if (failure === 'aborted') {
        this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, durationMs, status, 'deadline'));
        throw new FetchError('deadline', `${method} ${host}${path}: the function's deadline passed`, { host, method, url: href, attempts: attempt }, { cause: caught });
      }
      if (!retryable) {
        this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, durationMs, status, failure));
        // Not a network failure another attempt can fix (a refused port, a bad URL): say what it was.
        if (failure) throw new FetchError('unavailable', `${method} ${host}${path} could not be reached (${failure})`, { host, method, url: href, attempts: attempt }, { cause: caught });
        if (this.mode === 'record') return this.keep(log, method, url, text, response!);
        return response!;
      }
      // Retry only if the attempts, the call's budget and the clock allow it.
      const reason: RetryReason = failure === 'timeout' ? 'timeout' : failure ? 'connection' : `status ${status!}`;
      let delay = nextDelay(previousDelay, policy.backoff);
      previousDelay = delay;
      const hinted = response ? retryAfterMs(response.headers.get('retry-after'), this.now()) : undefined;
      if (hinted !== undefined) delay = hinted;
      const fits = this.now() + delay < budgetEnd - 1;
      if (!last && fits && this.takeRetry(scope.callId)) {
        this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, durationMs, status, failure, reason));
        await response?.body?.cancel().catch(() => {});
        try {
          await sleep(delay, scope.signal ?? new AbortController().signal);
        } catch (error) {
          throw new FetchError('deadline', `${method} ${host}${path}: the function's deadline passed`, { host, method, url: href, attempts: attempt }, { cause: error });
        }
        continue;
      }
      this.note(log, attemptRecord(host, method, path, attempt, breakerState, startedAt, durationMs, status, failure));
      await response?.body?.cancel().catch(() => {});
      const what = status !== undefined ? `answered ${status}` : failure === 'timeout' ? `did not answer within ${Math.round(attemptMs)} ms` : `could not be reached (${failure})`;
      const why = last ? `after ${attempt} attempt${attempt === 1 ? '' : 's'}` : fits ? 'and the call has no retries left' : "and a retry would not fit before the caller's deadline";
      throw new FetchError(fits || last ? 'unavailable' : 'deadline', `${method} ${host}${path} ${what} ${why}`, { host, method, url: href, status, attempts: attempt }, { cause: caught });
    }
  }

  private note(log: CallFetchLog, attempt: FetchAttempt): void {
    log.attempts.push(attempt);
    this.options.onAttempt?.(attempt);
  }

  private async keep(log: CallFetchLog, method: string, url: URL, requestBody: string | undefined, response: Response): Promise<Response> {
    const body = await response.text();
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name === 'content-type' || name === 'retry-after' || name === 'location') headers[name] = value;
    });
    log.exchanges.push({ method, url: url.href, requestBody, status: response.status, headers, body });
    return new Response(body, { status: response.status, headers: response.headers });
  }

  private answerFromRecording(log: CallFetchLog, host: string, method: string, url: URL, path: string, requestBody: string | undefined): Response {
    const match =
      this.exchanges.find((e) => !e.used && e.method === method && e.url === url.href && (e.requestBody === undefined || e.requestBody === requestBody)) ??
      this.exchanges.find((e) => !e.used && e.method === method && e.url === url.href) ??
      // Every recorded answer used (a redelivery asks again): the last one for that request answers.
      this.exchanges.findLast((e) => e.method === method && e.url === url.href);
    const base = { host, method, path, attempt: 1, breaker: 'closed' as const, startedAt: this.now(), durationMs: 0 };
    if (!match) {
      this.note(log, { ...base, error: 'lockdown' });
      throw new FetchError('lockdown', `replay runs without the network and the recording has no answer for ${method} ${url.href} (pass --allow-network to reach it)`, { host, method, url: url.href });
    }
    match.used = true;
    this.note(log, { ...base, status: match.status });
    return new Response(match.status === 204 || match.status === 304 ? null : match.body, { status: match.status, headers: match.headers });
  }
}

export function createFetch(options: FetcherOptions = {}): Fetcher {
  return new Fetcher(options);
}
