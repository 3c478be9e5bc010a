// --- Recogniser: what a Retell JSON document is ---
//
// Repositories keep every Retell export side by side: flows, dashboard agent exports, list
// responses, agents on other engines, LLM configs, call objects, webhook payloads. lint lints the
// flows among them and says what the rest are; replay (to come) reads call objects and webhook payloads. One
// recogniser serves both, and returns plain data: kinds, pointers and names, never messages.

import { join } from '../flow/pointer.js';

/** A Retell object that is not a conversation flow, with what a message about it needs. */
export type NotAFlow =
  | { kind: 'retell-llm-agent'; pointer: string; name?: string }
  | { kind: 'custom-llm-agent'; pointer: string; name?: string }
  | { kind: 'agent-without-flow'; pointer: string; name?: string; flowId?: string }
  | { kind: 'llm'; pointer: string; llmId?: string }
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

function notAFlow(v: Record<string, unknown>, pointer: string, name: string | undefined): NotAFlow | undefined {
  const named = name !== undefined ? { name } : {};
  const engine = isObject(v.response_engine) ? v.response_engine : undefined;
  if (v.retellLlmData !== undefined || engine?.type === 'retell-llm') return { kind: 'retell-llm-agent', pointer, ...named };
  if (engine?.type === 'custom-llm') return { kind: 'custom-llm-agent', pointer, ...named };
  if (engine?.type === 'conversation-flow') {
    const flowId = scalar(engine.conversation_flow_id);
    return { kind: 'agent-without-flow', pointer, ...named, ...(flowId !== undefined && { flowId }) };
  }
  if (typeof v.llm_id === 'string' || (typeof v.general_prompt === 'string' && Array.isArray(v.general_tools))) {
    const llmId = scalar(v.llm_id);
    return { kind: 'llm', pointer, ...(llmId !== undefined && { llmId }) };
  }
  if (typeof v.event === 'string' && (isObject(v.call) || isObject(v.chat) || isObject(v.call_inbound))) return { kind: 'webhook', pointer, event: v.event };
  if (typeof v.call_id === 'string' && ('call_status' in v || 'transcript' in v || 'call_type' in v)) return { kind: 'call', pointer, callId: v.call_id };
  return undefined;
}
