import type { CallInbound, InboundResponse, WebhookEvent } from '../retell/wire.js';
import type { FunctionContext, InboundContext, WebhookContext } from './context.js';

/**
 * The part of a zod schema we use. Typed structurally so a config file's copy of zod works even if
 * it resolves to another instance than ours.
 */
export interface ArgsSchema<T = unknown> {
  safeParse(value: unknown): { success: true; data: T } | { success: false; error: { issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }> } };
}

export interface FunctionDefinition<Args = any, Result = unknown> {
  /** Validates the args Retell sends; invalid args never reach the handler. */
  args: ArgsSchema<Args>;
  handler: (args: Args, ctx: FunctionContext) => Result | Promise<Result>;
  /** How long the caller may wait; the agent hears a short "timed out" answer after that. */
  timeoutMs?: number;
  /**
   * What the agent hears when a downstream system does not answer in time: a value, or a function of
   * the error. Given when ctx.fetch gives up (deadline, open breaker, host unavailable) or the handler
   * misses its timeout; sent as a normal 200 answer and marked `fallback: true` in the trace.
   */
  fallback?: Result | ((error: Error) => Result);
  /**
   * True when running this function twice for the same call and arguments does no harm (it reads,
   * or its side effects are keyed). Lint warns about tools Retell retries (`max_retry` > 0) whose
   * handler does not say so.
   */
  idempotent?: boolean;
}

/** Declare a custom function: one zod schema validates incoming args and types the handler. */
export function defineFunction<Args, Result>(definition: FunctionDefinition<Args, Result>): FunctionDefinition<Args, Result> {
  return definition;
}

export type WebhookHandler = (event: WebhookEvent, ctx: WebhookContext) => unknown | Promise<unknown>;

export type InboundHandler = (callInbound: CallInbound, ctx: InboundContext) => InboundResponse | void | Promise<InboundResponse | void>;

/** A tenant, keyed in config by the dialled number. Anything else you put in it reaches handlers. */
export interface TenantConfig {
  id?: string;
  /** Returned as dynamic variables from the inbound webhook (a hook's own values win). */
  variables?: Record<string, string>;
  [key: string]: unknown;
}

export interface Tenant extends TenantConfig {
  id: string;
  /** The configured number this tenant was found by. */
  number: string;
}
