// Retell's wire: the shapes Retell sends us, parsed in one place into plain data.

// --- Webhook events, inbound calls, function-call bodies ---

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

/** A body that is not the shape expected: `problem` says what was expected, for a 400. */
export interface WireProblem {
  ok: false;
  problem: string;
}

function isObject(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The id an event belongs to: the call's, or the chat's for chat agents. */
export function eventCallId(event: WebhookEvent): string | undefined {
  const id = event.call?.call_id ?? event.chat?.chat_id;
  return typeof id === 'string' && id.length > 0 ? id : undefined;
}

/** A webhook body: `{event, call: {call_id}}` or `{event, chat: {chat_id}}`. */
export function parseWebhookEvent(body: unknown): { ok: true; event: WebhookEvent; callId: string } | WireProblem {
  if (!isObject(body) || typeof body.event !== 'string') return { ok: false, problem: 'expected a Retell webhook: {"event": "...", "call": {...}}' };
  const event = body as WebhookEvent;
  const callId = eventCallId(event);
  if (!callId) return { ok: false, problem: `"${event.event}" carries no call.call_id (or chat.chat_id)` };
  return { ok: true, event, callId };
}

/** The inbound webhook body: `{event: "call_inbound", call_inbound: {...}}` (the event key may be absent). */
export function parseInboundRequest(body: unknown): { ok: true; callInbound: CallInbound; callId?: string } | WireProblem {
  if (!isObject(body) || !isObject(body.call_inbound) || (body.event !== undefined && body.event !== 'call_inbound')) {
    return { ok: false, problem: 'expected {"event": "call_inbound", "call_inbound": {...}}' };
  }
  const callInbound = body.call_inbound as CallInbound;
  const callId = typeof callInbound.call_id === 'string' && callInbound.call_id ? callInbound.call_id : undefined;
  return { ok: true, callInbound, callId };
}

/** A custom-function call, whichever of Retell's two body shapes carried it. */
export interface FunctionCallRequest {
  /** The function name as sent (may carry a version suffix: `book_v3`). */
  name: string;
  args: unknown;
  /** The call object; `{}` when the tool sends args at the root. */
  call: Record<string, any>;
  /** From `call.call_id`, else `?call_id=`; '' when neither identifies the call. */
  callId: string;
  toolCallId?: string;
}

/**
 * Default tools send `{name, call, args}`; tools with `args_at_root` send the args as the body
 * itself (the name then comes from the path, or from a `name` key beside the args, and the call id
 * only from `?call_id=` in the tool URL). `nameFromPath` is the `/functions/<name>` segment.
 */
export function parseFunctionCall(body: unknown, source: { nameFromPath?: string; query?: URLSearchParams }): { ok: true; request: FunctionCallRequest } | WireProblem {
  if (!isObject(body)) return { ok: false, problem: 'expected a JSON object body' };
  const wrapped = isObject(body.args) || isObject(body.call);
  const fromPath = source.nameFromPath !== undefined;
  const name = fromPath ? source.nameFromPath : body.name;
  if (typeof name !== 'string' || name === '') {
    return { ok: false, problem: 'no function name: POST to /functions/<name>, or send {"name": ..., "args": ...}' };
  }
  let args: unknown;
  if (wrapped) args = body.args ?? {};
  else if (fromPath) args = body;
  else {
    const { name: _name, call: _call, ...rest } = body;
    args = rest;
  }
  const call: Record<string, any> = isObject(body.call) ? body.call : {};
  const callIdValue = call.call_id ?? source.query?.get('call_id') ?? undefined;
  const callId = typeof callIdValue === 'string' ? callIdValue : '';
  const toolCallId = typeof body.tool_call_id === 'string' && body.tool_call_id ? body.tool_call_id : undefined;
  return { ok: true, request: { name, args, call, callId, toolCallId } };
}
