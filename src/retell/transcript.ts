// The one parser of a Retell call's `transcript_with_tool_calls` (and its scrubbed twin). Item
// shapes: retell-sdk resources/call.d.ts (PhoneCallResponse.*Utterance) plus what real calls carry
// beyond the SDK types (`time_sec` on every non-speech item, `type` on tool invocations).
// It never throws: odd items are skipped and listed in `skipped`, so replay can say what it ignored.

/** Who runs the tool: the team's webhook (custom), Retell itself (builtin), or an MCP server. */
export type ToolKind = 'custom' | 'builtin' | 'mcp';

/**
 * Tool types Retell runs itself (flow `tools[].type` values other than custom and mcp). Real calls
 * carry the type on the invocation (`"type": "transfer_call"`); when it is absent, these names are
 * the default names Retell gives those tools, so the name decides.
 */
export const BUILTIN_TOOL_TYPES: readonly string[] = [
  'end_call',
  'transfer_call',
  'press_digit',
  'check_availability_cal',
  'book_appointment_cal',
  'send_sms',
  'agent_swap',
  'extract_dynamic_variable',
  'bridge_transfer',
  'cancel_transfer',
  'code',
];

/** `ok`: a result came and did not say `successful: false`; `no-result`: the call ended first. */
export type ToolCallStatus = 'ok' | 'failed' | 'no-result';

export interface ToolCallResult {
  /** Retell's `content`: whatever the tool answered, as the string the LLM saw. */
  content: string;
  /** Retell's `successful`, when the item carries it (older calls omit it). */
  successful?: boolean;
  index: number;
  timeSec?: number;
}

export interface TranscriptToolCall {
  /** Retell's `tool_call_id`; absent only on malformed items. */
  toolCallId?: string;
  name: string;
  kind: ToolKind;
  /** Retell's `type` on the invocation when present (`custom`, `transfer_call`, `mcp`, ...). */
  toolType?: string;
  /** The arguments parsed from their JSON string; absent when they did not parse. */
  arguments?: unknown;
  /** The raw `arguments` string as Retell recorded it. */
  argumentsText?: string;
  /** Why `arguments` is absent: not valid JSON, or not a string at all. */
  argumentsError?: string;
  status: ToolCallStatus;
  result?: ToolCallResult;
  /** Position of the invocation in the transcript array. */
  index: number;
  /** Seconds from the start of the call (`time_sec`), when the item carries it. */
  timeSec?: number;
}

export interface NodeTransition {
  formerNodeId?: string;
  formerNodeName?: string;
  newNodeId: string;
  newNodeName?: string;
  /** `normal`, `global`, `global_go_back` or `interrupt_go_back` when Retell says. */
  transitionType?: string;
  index: number;
  timeSec?: number;
}

export interface TranscriptUtterance {
  role: 'agent' | 'user' | 'transfer_target';
  content: string;
  index: number;
  /** Start of the first word and end of the last one, in seconds (audio time). */
  startSec?: number;
  endSec?: number;
}

export interface DtmfPress {
  digit: string;
  index: number;
  timeSec?: number;
}

/** A tool_call_result whose invocation is not in the transcript. */
export interface OrphanResult extends ToolCallResult {
  toolCallId?: string;
}

export interface SkippedItem {
  index: number;
  reason: string;
}

export interface ParsedTranscript {
  toolCalls: TranscriptToolCall[];
  nodeTransitions: NodeTransition[];
  utterances: TranscriptUtterance[];
  dtmf: DtmfPress[];
  orphanResults: OrphanResult[];
  skipped: SkippedItem[];
}

export type TranscriptSource = 'transcript_with_tool_calls' | 'scrubbed_transcript_with_tool_calls';

/** What replay needs from one call: who, when, and the parsed transcript. */
export interface CallTranscript extends ParsedTranscript {
  callId?: string;
  agentId?: string;
  agentVersion?: number | string;
  /** Epoch ms (`start_timestamp`); add a tool call's `timeSec` * 1000 for its wall time. */
  startTimestamp?: number;
  endTimestamp?: number;
  disconnectionReason?: string;
  /** Which array was read; absent when the call has neither. */
  source?: TranscriptSource;
}

type Item = Record<string, unknown>;

function isObject(value: unknown): value is Item {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function seconds(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** Adds `key: value` only when value is defined, so results compare cleanly with toEqual. */
function withOptional<T extends object>(target: T, optional: Record<string, unknown>): T {
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) (target as Record<string, unknown>)[key] = value;
  return target;
}

/** Retell's `type` decides; only custom tools reach the team's webhook, so any other type is Retell's own. */
export function toolKind(name: string, toolType: string | undefined): ToolKind {
  if (toolType !== undefined) return toolType === 'custom' ? 'custom' : toolType === 'mcp' ? 'mcp' : 'builtin';
  return BUILTIN_TOOL_TYPES.includes(name) ? 'builtin' : 'custom';
}

function parseArguments(raw: unknown): Pick<TranscriptToolCall, 'arguments' | 'argumentsText' | 'argumentsError'> {
  // A tool without parameters may come without the key at all.
  if (raw === undefined) return { arguments: {} };
  if (typeof raw !== 'string') return { argumentsError: `arguments is ${raw === null ? 'null' : typeof raw}, not a JSON string` };
  // Retell writes "" for a tool that takes no arguments on some calls.
  if (raw.trim() === '') return { arguments: {}, argumentsText: raw };
  try {
    return { arguments: JSON.parse(raw) as unknown, argumentsText: raw };
  } catch (error) {
    return { argumentsText: raw, argumentsError: `arguments are not valid JSON: ${(error as Error).message}` };
  }
}

/** Parses one `transcript_with_tool_calls` array (or anything else: non-arrays give an empty result). */
export function parseTranscript(items: unknown): ParsedTranscript {
  const parsed: ParsedTranscript = { toolCalls: [], nodeTransitions: [], utterances: [], dtmf: [], orphanResults: [], skipped: [] };
  if (!Array.isArray(items)) return parsed;
  // Invocations waiting for their result, by tool_call_id ('' for invocations without one).
  const open = new Map<string, TranscriptToolCall[]>();

  items.forEach((item: unknown, index) => {
    if (!isObject(item)) {
      parsed.skipped.push({ index, reason: `item is ${item === null ? 'null' : Array.isArray(item) ? 'an array' : typeof item}, not an object` });
      return;
    }
    const role = item.role;
    const timeSec = seconds(item.time_sec);
    switch (role) {
      case 'agent':
      case 'user':
      case 'transfer_target': {
        const content = text(item.content);
        if (content === undefined) {
          parsed.skipped.push({ index, reason: `${role} utterance without a string content` });
          return;
        }
        const words = Array.isArray(item.words) ? item.words.filter(isObject) : [];
        parsed.utterances.push(withOptional({ role, content, index }, { startSec: seconds(words[0]?.start), endSec: seconds(words[words.length - 1]?.end) }));
        return;
      }
      case 'tool_call_invocation': {
        const name = text(item.name);
        if (!name) {
          parsed.skipped.push({ index, reason: 'tool_call_invocation without a name' });
          return;
        }
        const toolCallId = text(item.tool_call_id) || undefined;
        const toolType = text(item.type) || undefined;
        const call: TranscriptToolCall = withOptional({ name, kind: toolKind(name, toolType), status: 'no-result' as ToolCallStatus, index }, { toolCallId, toolType, ...parseArguments(item.arguments), timeSec });
        parsed.toolCalls.push(call);
        const waiting = open.get(toolCallId ?? '') ?? [];
        waiting.push(call);
        open.set(toolCallId ?? '', waiting);
        return;
      }
      case 'tool_call_result': {
        const toolCallId = text(item.tool_call_id) || undefined;
        const raw = item.content;
        // The SDK says string; a hand-made or proxied call may hold JSON itself. Keep it as text.
        const content = typeof raw === 'string' ? raw : raw === undefined ? '' : JSON.stringify(raw);
        const successful = typeof item.successful === 'boolean' ? item.successful : undefined;
        const result: ToolCallResult = withOptional({ content, index }, { successful, timeSec });
        // Pair with the latest unanswered invocation of that id; a result without an id pairs with
        // the latest unanswered invocation without one.
        const invocation = open.get(toolCallId ?? '')?.pop();
        if (!invocation) {
          parsed.orphanResults.push(withOptional({ ...result }, { toolCallId }));
          return;
        }
        invocation.result = result;
        invocation.status = successful === false ? 'failed' : 'ok';
        return;
      }
      case 'node_transition': {
        const newNodeId = text(item.new_node_id);
        if (!newNodeId) {
          parsed.skipped.push({ index, reason: 'node_transition without a new_node_id' });
          return;
        }
        parsed.nodeTransitions.push(
          withOptional({ newNodeId, index }, { formerNodeId: text(item.former_node_id), formerNodeName: text(item.former_node_name), newNodeName: text(item.new_node_name), transitionType: text(item.transition_type), timeSec }),
        );
        return;
      }
      case 'dtmf': {
        const digit = text(item.digit);
        if (digit === undefined) parsed.skipped.push({ index, reason: 'dtmf without a digit' });
        else parsed.dtmf.push(withOptional({ digit, index }, { timeSec }));
        return;
      }
      case 'sms':
      case 'injected':
        // Known kinds that are neither speech nor tools: nothing to replay.
        return;
      default:
        parsed.skipped.push({ index, reason: typeof role === 'string' ? `unknown role "${role}"` : 'item without a role' });
    }
  });
  return parsed;
}

/**
 * The call object inside whatever was given: a call itself (GET /v2/get-call), a webhook envelope
 * (`{event, call}`: call_ended, call_analyzed, transcript_updated...), or a retell-kit recording
 * (`{version, callId, call}`). Undefined for anything else.
 */
export function callFrom(value: unknown): Record<string, unknown> | undefined {
  if (!isObject(value)) return undefined;
  if (isObject(value.call) && (typeof value.event === 'string' || typeof value.callId === 'string')) return value.call;
  if (typeof value.call_id === 'string' || Array.isArray(value.transcript_with_tool_calls) || Array.isArray(value.scrubbed_transcript_with_tool_calls)) return value;
  return undefined;
}

/**
 * Parses a call's transcript with tool calls. The scrubbed array is read when asked for (and then
 * only it), or when the call has no unscrubbed one (calls stored with PII scrubbing on).
 */
export function parseCallTranscript(value: unknown, options: { scrubbed?: boolean } = {}): CallTranscript {
  const call = callFrom(value) ?? {};
  const plain = Array.isArray(call.transcript_with_tool_calls);
  const scrubbed = Array.isArray(call.scrubbed_transcript_with_tool_calls);
  // Asked for scrubbed means no PII: never fall back to the unscrubbed array then.
  const source: TranscriptSource | undefined = options.scrubbed
    ? scrubbed ? 'scrubbed_transcript_with_tool_calls' : undefined
    : plain ? 'transcript_with_tool_calls' : scrubbed ? 'scrubbed_transcript_with_tool_calls' : undefined;
  const parsed = parseTranscript(source ? call[source] : undefined);
  const agentVersion = typeof call.agent_version === 'number' || typeof call.agent_version === 'string' ? call.agent_version : undefined;
  return withOptional(
    { ...parsed },
    {
      callId: text(call.call_id),
      agentId: text(call.agent_id),
      agentVersion,
      startTimestamp: seconds(call.start_timestamp),
      endTimestamp: seconds(call.end_timestamp),
      disconnectionReason: text(call.disconnection_reason),
      source,
    },
  );
}
