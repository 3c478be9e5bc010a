import type { Store } from '../store/store.js';
import type { Tenant } from './define.js';
import { Fetcher, type CallFetchLog, type KitFetch } from './fetch.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
  child() {
    return silentLogger;
  },
};

/** Handler state in the Store, scoped to the tenant so two salons never share a calendar. */
export interface HandlerStore {
  get<T = unknown>(key: string): Promise<T | undefined>;
  set(key: string, value: unknown): Promise<void>;
  /** Set only if absent: false when taken (book a slot exactly once). */
  insert(key: string, value: unknown): Promise<boolean>;
  delete(key: string): Promise<boolean>;
  list<T = unknown>(prefix?: string): Promise<{ key: string; value: T }[]>;
}

interface BaseContext {
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  tenant?: Tenant;
  logger: Logger;
  store: HandlerStore;
  /** True when `replay` runs the handler against a recording: skip real side effects. */
  replay: boolean;
  /** Pass downstream (CRMs, calendars) so their retries are deduplicated too. */
  idempotencyKey: string;
  /** The call as Retell sent it: the call so far (functions; empty for args_at_root tools), the event's call, or the call_inbound payload. */
  call: Record<string, any>;
  /**
   * HTTP for calling other systems, within the caller's deadline: retries what is retryable with
   * jittered backoff, sends an Idempotency-Key on POST, fails fast on a host whose breaker is open.
   * Throws FetchError (deadline, breaker_open, unavailable, lockdown), which a function's fallback answers.
   */
  fetch: KitFetch;
}

export interface FunctionContext extends BaseContext {
  kind: 'function';
  functionName: string;
  /** Epoch ms after which the caller has been told the function timed out. */
  deadline: number;
  /** Aborted at the deadline. */
  signal: AbortSignal;
  toolCallId?: string;
}

export interface WebhookContext extends BaseContext {
  kind: 'webhook';
  event: string;
  /** 1 on the first run; more when an earlier run failed or the server restarted mid-way. */
  attempt: number;
}

export interface InboundContext extends BaseContext {
  kind: 'inbound';
  deadline: number;
  signal: AbortSignal;
}

export type HandlerContext = FunctionContext | WebhookContext | InboundContext;

export interface ContextDeps {
  store: Store;
  logger: Logger;
  replay?: boolean;
  /** ctx.fetch's breakers, budgets and mode; default: one live Fetcher for the process. */
  fetcher?: Fetcher;
}

/** Webhook handlers have no caller waiting: their requests get this long. */
const WEBHOOK_FETCH_BUDGET_MS = 30_000;
let sharedFetcher: Fetcher | undefined;
function fetcherOf(deps: ContextDeps): Fetcher {
  return deps.fetcher ?? (sharedFetcher ??= new Fetcher());
}

/** A deadline whose AbortSignal is only created if a handler asks for it (most never do). */
export class Deadline {
  private controller: AbortController | undefined;
  private reason: unknown;
  private aborted = false;
  constructor(readonly at: number) {}
  get signal(): AbortSignal {
    if (!this.controller) {
      this.controller = new AbortController();
      if (this.aborted) this.controller.abort(this.reason);
    }
    return this.controller.signal;
  }
  abort(reason: unknown): void {
    this.aborted = true;
    this.reason = reason;
    this.controller?.abort(reason);
  }
}

type ContextInput =
  | { kind: 'function'; call: Record<string, any>; callId: string; functionName: string; deadline: Deadline; tenant?: Tenant; idempotencyKey: string; toolCallId?: string; fetchLog?: CallFetchLog }
  | { kind: 'webhook'; call: Record<string, any>; callId: string; event: string; attempt: number; tenant?: Tenant; idempotencyKey: string; fetchLog?: CallFetchLog }
  | { kind: 'inbound'; call: Record<string, any>; callId: string; deadline: Deadline; tenant?: Tenant; idempotencyKey: string; fetchLog?: CallFetchLog };

export function handlerStore(store: Store, namespace: string): HandlerStore {
  return {
    get: (key) => store.kvGet(namespace, key) as Promise<any>,
    set: (key, value) => store.kvSet(namespace, key, value),
    insert: (key, value) => store.kvInsert(namespace, key, value),
    delete: (key) => store.kvDelete(namespace, key),
    list: (prefix) => store.kvList(namespace, prefix) as Promise<any>,
  };
}

/**
 * The fields every context has; logger and store are built on first use (most handlers touch one of
 * them, few touch both). A class with prototype getters, not an object literal with defined
 * properties: building a ctx is on every request's path (and replay's), and objects given accessors
 * one by one fall into V8's slow mode (measured: ~6 us against well under 1 us a ctx).
 */
class Context {
  readonly callId: string;
  readonly agentId: string | undefined;
  readonly agentVersion: number | string | undefined;
  readonly tenant: Tenant | undefined;
  readonly replay: boolean;
  readonly idempotencyKey: string;
  readonly call: Record<string, any>;
  #deps: ContextDeps;
  #logger: Logger | undefined;
  #store: HandlerStore | undefined;
  #logFields: Record<string, unknown>;
  #fetch: KitFetch | undefined;
  #fetchLog: CallFetchLog | undefined;

  constructor(deps: ContextDeps, input: ContextInput, logFields: Record<string, unknown>) {
    this.callId = input.callId;
    this.agentId = input.call.agent_id as string | undefined;
    this.agentVersion = input.call.agent_version as number | string | undefined;
    this.tenant = input.tenant;
    this.replay = deps.replay ?? false;
    this.idempotencyKey = input.idempotencyKey;
    this.call = input.call;
    this.#deps = deps;
    this.#logFields = logFields;
    this.#fetchLog = input.fetchLog;
  }

  /** The deadline and abort signal ctx.fetch works within. */
  protected fetchScope(): { deadline: number; signal?: AbortSignal; functionName: string } {
    return { deadline: Date.now() + WEBHOOK_FETCH_BUDGET_MS, functionName: String(this.#logFields.event ?? '') };
  }

  get fetch(): KitFetch {
    return (this.#fetch ??= fetcherOf(this.#deps).forCall({ callId: this.callId, idempotencyKey: this.idempotencyKey, ...this.fetchScope() }, this.#fetchLog).fetch);
  }

  get logger(): Logger {
    return (this.#logger ??= this.#deps.logger.child({ call_id: this.callId || undefined, agent_version: this.agentVersion, tenant: this.tenant?.id, ...this.#logFields }));
  }

  get store(): HandlerStore {
    return (this.#store ??= handlerStore(this.#deps.store, this.tenant ? `tenant:${this.tenant.id}` : 'default'));
  }
}

class FunctionContextImpl extends Context implements FunctionContext {
  readonly kind = 'function' as const;
  readonly functionName: string;
  readonly deadline: number;
  readonly toolCallId: string | undefined;
  #deadline: Deadline;
  constructor(deps: ContextDeps, input: Extract<ContextInput, { kind: 'function' }>) {
    super(deps, input, { function: input.functionName });
    this.functionName = input.functionName;
    this.deadline = input.deadline.at;
    this.toolCallId = input.toolCallId;
    this.#deadline = input.deadline;
  }
  get signal(): AbortSignal {
    return this.#deadline.signal;
  }
  protected override fetchScope() {
    return { deadline: this.deadline, signal: this.signal, functionName: this.functionName };
  }
}

class WebhookContextImpl extends Context implements WebhookContext {
  readonly kind = 'webhook' as const;
  readonly event: string;
  readonly attempt: number;
  constructor(deps: ContextDeps, input: Extract<ContextInput, { kind: 'webhook' }>) {
    super(deps, input, { event: input.event });
    this.event = input.event;
    this.attempt = input.attempt;
  }
}

class InboundContextImpl extends Context implements InboundContext {
  readonly kind = 'inbound' as const;
  readonly deadline: number;
  #deadline: Deadline;
  constructor(deps: ContextDeps, input: Extract<ContextInput, { kind: 'inbound' }>) {
    super(deps, input, { event: 'call_inbound' });
    this.deadline = input.deadline.at;
    this.#deadline = input.deadline;
  }
  get signal(): AbortSignal {
    return this.#deadline.signal;
  }
  protected override fetchScope() {
    return { deadline: this.deadline, signal: this.signal, functionName: 'call_inbound' };
  }
}

/** The one place a handler's ctx is built, for the server and replay alike. */
export function buildContext(deps: ContextDeps, input: { kind: 'function' } & ContextInput): FunctionContext;
export function buildContext(deps: ContextDeps, input: { kind: 'webhook' } & ContextInput): WebhookContext;
export function buildContext(deps: ContextDeps, input: { kind: 'inbound' } & ContextInput): InboundContext;
export function buildContext(deps: ContextDeps, input: ContextInput): HandlerContext {
  switch (input.kind) {
    case 'function':
      return new FunctionContextImpl(deps, input);
    case 'webhook':
      return new WebhookContextImpl(deps, input);
    case 'inbound':
      return new InboundContextImpl(deps, input);
  }
}
