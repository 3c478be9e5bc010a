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
}

/** Declare a custom function: one zod schema validates incoming args and types the handler. */
export function defineFunction<Args, Result>(definition: FunctionDefinition<Args, Result>): FunctionDefinition<Args, Result> {
  return definition;
}

export type WebhookEventName =
  | 'call_started'
  | 'call_ended'
  | 'call_analyzed'
  | 'transcript_updated'
  | 'transfer_started'
  | 'transfer_bridged'
  | 'transfer_cancelled'
  | 'transfer_ended'
  | 'chat_started'
  | 'chat_ended'
  | 'chat_analyzed';

export const WEBHOOK_EVENTS: readonly WebhookEventName[] = [
  'call_started',
  'call_ended',
  'call_analyzed',
  'transcript_updated',
  'transfer_started',
  'transfer_bridged',
  'transfer_cancelled',
  'transfer_ended',
  'chat_started',
  'chat_ended',
  'chat_analyzed',
];

/** Events Retell sends many times per call: every delivery is handled, none is deduplicated. */
export const REPEATING_EVENTS: ReadonlySet<string> = new Set(['transcript_updated']);

/** Events after which a call's recording is written (and rewritten when analysis lands). */
export const FINAL_EVENTS: ReadonlySet<string> = new Set(['call_ended', 'call_analyzed', 'chat_ended', 'chat_analyzed']);

/** The webhook envelope: `{ event, call }` (or `{ event, chat }` for chat agents). */
export interface WebhookEvent {
  event: string;
  call?: Record<string, any>;
  chat?: Record<string, any>;
  [key: string]: unknown;
}

export type WebhookHandler = (event: WebhookEvent, ctx: WebhookContext) => unknown | Promise<unknown>;

export interface CallInbound {
  agent_id?: string;
  agent_version?: number;
  from_number: string;
  to_number: string;
  call_id?: string;
  [key: string]: unknown;
}

/** What `call_inbound` may answer (wrapped in `{ call_inbound: ... }` on the wire). */
export interface InboundResponse {
  override_agent_id?: string;
  override_agent_version?: number;
  dynamic_variables?: Record<string, string>;
  metadata?: Record<string, unknown>;
  agent_override?: Record<string, unknown>;
}

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
