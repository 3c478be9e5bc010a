// Retell's wire: the shapes Retell sends us and the documents users keep, recognised and parsed in one place into plain data.

import { join } from '../flow/pointer.js';

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

// --- Recogniser: what a Retell JSON document is ---
//
// Repositories keep every Retell export side by side: flows, dashboard agent exports, list
// responses, agents on other engines, LLM configs, call objects, webhook payloads. lint lints the
// flows among them and says what the rest are; replay (planned) will read call objects and webhook payloads. One
// recogniser serves both, and returns plain data: kinds, pointers and names, never messages.


/** A Retell object that is not a conversation flow, with what a message about it needs. */
export type NotAFlow =
  | { kind: 'retell-llm-agent'; pointer: string; name?: string; multiPrompt?: boolean }
  | { kind: 'custom-llm-agent'; pointer: string; name?: string }
  | { kind: 'agent-without-flow'; pointer: string; name?: string; flowId?: string }
  /** multiPrompt: a multi-prompt LLM (with `states`), which Retell is retiring. */
  | { kind: 'llm'; pointer: string; llmId?: string; multiPrompt?: boolean }
  | { kind: 'webhook'; pointer: string; event: string }
  | { kind: 'call'; pointer: string; callId: string };

export type Recognised =
  /** A bare conversation flow (the API's or the dashboard's flow JSON). */
  | { kind: 'flow'; pointer: string; flow: Record<string, unknown> }
  /** A dashboard agent export carrying its flow under `conversationFlow` (or `conversation_flow`). */
  | { kind: 'agent-export'; pointer: string; flowPointer: string; flow: Record<string, unknown>; name?: string }
  /** A list response (`{ items: [...] }`) or a top-level array of objects; each item recognised on its own. */
  | { kind: 'list'; pointer: string; itemsPointer: string; items: Recognised[] }
  | NotAFlow
  /** Not an object at all: `found` is 'array', 'null' or the typeof (a string, a number...). */
  | { kind: 'not-an-object'; pointer: string; found: string }
  /** An object none of the above: its first keys, to show what it holds. */
  | { kind: 'unrecognised'; pointer: string; keys: string[] };

export type RecognisedKind = Recognised['kind'];

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A scalar as text; anything else (even an object whose toString is null, which String() throws on) is undefined. */
function scalar(v: unknown): string | undefined {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

/** What a parsed JSON/YAML document is. Lists (top level only) are recognised item by item. */
export function recognise(value: unknown): Recognised {
  return recogniseAt(value, '', true);
}

function recogniseAt(v: unknown, pointer: string, topLevel: boolean): Recognised {
  if (topLevel && Array.isArray(v) && v.length > 0 && v.every(isObject)) {
    return { kind: 'list', pointer, itemsPointer: pointer, items: v.map((e, i) => recogniseAt(e, join(pointer, i), false)) };
  }
  if (!isObject(v)) return { kind: 'not-an-object', pointer, found: Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v };
  if (Array.isArray(v.nodes)) return { kind: 'flow', pointer, flow: v };
  const name = scalar(v.agent_name ?? v.agent_id);
  if (isObject(v.conversationFlow)) {
    return { kind: 'agent-export', pointer, flowPointer: join(pointer, 'conversationFlow'), flow: v.conversationFlow, ...(name !== undefined && { name }) };
  }
  if (isObject(v.conversation_flow) && Array.isArray(v.conversation_flow.nodes)) {
    return { kind: 'agent-export', pointer, flowPointer: join(pointer, 'conversation_flow'), flow: v.conversation_flow, ...(name !== undefined && { name }) };
  }
  if (topLevel && Array.isArray(v.items)) {
    const itemsPointer = join(pointer, 'items');
    return { kind: 'list', pointer, itemsPointer, items: v.items.map((e, i) => recogniseAt(e, join(itemsPointer, i), false)) };
  }
  return notAFlow(v, pointer, name) ?? { kind: 'unrecognised', pointer, keys: Object.keys(v).slice(0, 5) };
}

function hasStates(v: Record<string, unknown>): boolean {
  return Array.isArray(v.states) && v.states.length > 0;
}

function notAFlow(v: Record<string, unknown>, pointer: string, name: string | undefined): NotAFlow | undefined {
  const named = name !== undefined ? { name } : {};
  const engine = isObject(v.response_engine) ? v.response_engine : undefined;
  if (v.retellLlmData !== undefined || engine?.type === 'retell-llm') {
    return { kind: 'retell-llm-agent', pointer, ...named, ...(isObject(v.retellLlmData) && hasStates(v.retellLlmData) && { multiPrompt: true }) };
  }
  if (engine?.type === 'custom-llm') return { kind: 'custom-llm-agent', pointer, ...named };
  if (engine?.type === 'conversation-flow') {
    const flowId = scalar(engine.conversation_flow_id);
    return { kind: 'agent-without-flow', pointer, ...named, ...(flowId !== undefined && { flowId }) };
  }
  if (typeof v.llm_id === 'string' || (typeof v.general_prompt === 'string' && Array.isArray(v.general_tools))) {
    const llmId = scalar(v.llm_id);
    return { kind: 'llm', pointer, ...(llmId !== undefined && { llmId }), ...(hasStates(v) && { multiPrompt: true }) };
  }
  if (typeof v.event === 'string' && (isObject(v.call) || isObject(v.chat) || isObject(v.call_inbound))) return { kind: 'webhook', pointer, event: v.event };
  if (typeof v.call_id === 'string' && ('call_status' in v || 'transcript' in v || 'call_type' in v)) return { kind: 'call', pointer, callId: v.call_id };
  return undefined;
}
