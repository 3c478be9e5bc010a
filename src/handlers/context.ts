import type { Store } from '../store/store.js';
import type { Tenant } from './define.js';

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
  | { kind: 'function'; call: Record<string, any>; callId: string; functionName: string; deadline: Deadline; tenant?: Tenant; idempotencyKey: string; toolCallId?: string }
  | { kind: 'webhook'; call: Record<string, any>; callId: string; event: string; attempt: number; tenant?: Tenant; idempotencyKey: string }
  | { kind: 'inbound'; call: Record<string, any>; callId: string; deadline: Deadline; tenant?: Tenant; idempotencyKey: string };

export function handlerStore(store: Store, namespace: string): HandlerStore {
  return {
    get: (key) => store.kvGet(namespace, key) as Promise<any>,
    set: (key, value) => store.kvSet(namespace, key, value),
    insert: (key, value) => store.kvInsert(namespace, key, value),
    delete: (key) => store.kvDelete(namespace, key),
    list: (prefix) => store.kvList(namespace, prefix) as Promise<any>,
  };
}

/** The one place a handler's ctx is built, for the server and (later) replay alike. */
export function buildContext(deps: ContextDeps, input: { kind: 'function' } & ContextInput): FunctionContext;
export function buildContext(deps: ContextDeps, input: { kind: 'webhook' } & ContextInput): WebhookContext;
export function buildContext(deps: ContextDeps, input: { kind: 'inbound' } & ContextInput): InboundContext;
export function buildContext(deps: ContextDeps, input: ContextInput): HandlerContext {
  const agentVersion = input.call.agent_version as number | string | undefined;
  // Logger and store are built on first use: most handlers touch one of them, few touch both.
  let logger: Logger | undefined;
  let store: HandlerStore | undefined;
  const ctx = {
    kind: input.kind,
    callId: input.callId,
    agentId: input.call.agent_id as string | undefined,
    agentVersion,
    tenant: input.tenant,
    replay: deps.replay ?? false,
    idempotencyKey: input.idempotencyKey,
    call: input.call,
    get logger(): Logger {
      return (logger ??= deps.logger.child({
        call_id: input.callId || undefined,
        agent_version: agentVersion,
        tenant: input.tenant?.id,
        ...(input.kind === 'function' ? { function: input.functionName } : input.kind === 'webhook' ? { event: input.event } : { event: 'call_inbound' }),
      }));
    },
    get store(): HandlerStore {
      return (store ??= handlerStore(deps.store, input.tenant ? `tenant:${input.tenant.id}` : 'default'));
    },
  };
  switch (input.kind) {
    case 'function': {
      const deadline = input.deadline;
      return Object.defineProperties(Object.assign(ctx, { kind: 'function' as const, functionName: input.functionName, deadline: deadline.at, toolCallId: input.toolCallId }), {
        signal: { get: () => deadline.signal, enumerable: true },
      }) as FunctionContext;
    }
    case 'webhook':
      return Object.assign(ctx, { kind: 'webhook' as const, event: input.event, attempt: input.attempt });
    case 'inbound': {
      const deadline = input.deadline;
      return Object.defineProperties(Object.assign(ctx, { kind: 'inbound' as const, deadline: deadline.at }), {
        signal: { get: () => deadline.signal, enumerable: true },
      }) as InboundContext;
    }
  }
}
