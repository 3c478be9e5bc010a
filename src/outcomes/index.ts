/**
 * Per-call outcomes from Retell call objects (get-call / list-calls, or the emulator's simulated calls),
 * grouped by the call's frozen `agent_id` + `agent_version`. Plain data: the canary verdict reads these.
 * Calls that never connected (dial failures, `not_connected`, no start) are excluded and counted.
 */

/** The fields of a Retell call object this module reads (a subset of CallResponse / CallListItem). */
export interface CallLike {
  call_id?: string | null;
  agent_id?: string | null;
  agent_version?: number | string | null;
  call_status?: string | null;
  start_timestamp?: number | null;
  duration_ms?: number | null;
  disconnection_reason?: string | null;
  call_analysis?: { call_successful?: boolean | null } | null;
  transcript_with_tool_calls?: unknown[] | null;
}

/** Counts for one agent version. Proportion metrics are `count / calls` except `call_successful`, over `analysed`. */
export interface VersionOutcomes {
  agent_id: string;
  agent_version: number | string;
  /** Connected calls. */
  calls: number;
  /** Connected calls whose post-call analysis has `call_successful` set (the denominator of `call_successful`). */
  analysed: number;
  call_successful: number;
  transferred: number;
  /** The caller hung up within `earlyHangupMs` of the start. */
  early_hangup: number;
  /** Calls with at least one `tool_call_result` marked `successful: false`. */
  function_error: number;
  /** Durations of connected calls, ms, in call order. */
  durations_ms: number[];
  /** The start_timestamp of each entry of `durations_ms` (same order). */
  duration_starts: number[];
  /** Earliest and latest start_timestamp (epoch ms) of the connected calls, null when none. */
  first_start: number | null;
  last_start: number | null;
}

export interface OutcomesResult {
  /** Keyed by `${agent_id}@${agent_version}`. */
  versions: Record<string, VersionOutcomes>;
  /** Calls left out: never connected, or no agent_id / agent_version to join on. */
  excluded: { not_connected: number; unattributed: number };
}

export interface OutcomeOptions {
  /** A user hang-up before this many ms counts as an early hang-up. Default 10 s. */
  earlyHangupMs?: number;
  /**
   * A call's function error from `serve`'s traces, by call_id (true when any traced function call
   * failed). Calls not in the map fall back to their own `tool_call_result` entries.
   */
  functionErrors?: ReadonlyMap<string, boolean>;
}

export const DEFAULT_EARLY_HANGUP_MS = 10_000;

/** Disconnection reasons of calls that never reached the agent (Retell's dial/telephony failures). */
const NEVER_CONNECTED = new Set([
  'dial_busy', 'dial_failed', 'dial_no_answer', 'invalid_destination', 'telephony_provider_permission_denied',
  'telephony_provider_unavailable', 'sip_routing_error', 'marked_as_spam', 'user_declined', 'concurrency_limit_reached',
  'no_concurrency_fallback', 'no_valid_payment', 'registered_call_timeout', 'error_user_not_joined', 'scam_detected',
]);

const TRANSFER = new Set(['call_transfer', 'transfer_bridged']);

export function versionKey(agentId: string, agentVersion: number | string): string {
  return `${agentId}@${String(agentVersion)}`;
}

/** True when the call reached the agent: it started, was not refused at dialling, and is not `not_connected`. */
export function connected(call: CallLike): boolean {
  if (call.call_status === 'not_connected' || call.call_status === 'registered') return false;
  if (call.disconnection_reason && NEVER_CONNECTED.has(call.disconnection_reason)) return false;
  return typeof call.start_timestamp === 'number' && call.start_timestamp > 0;
}

function functionError(call: CallLike): boolean {
  return (call.transcript_with_tool_calls ?? []).some(
    (u) => typeof u === 'object' && u !== null && (u as { role?: unknown }).role === 'tool_call_result' && (u as { successful?: unknown }).successful === false,
  );
}

export function emptyOutcomes(agentId: string, agentVersion: number | string): VersionOutcomes {
  return { agent_id: agentId, agent_version: agentVersion, calls: 0, analysed: 0, call_successful: 0, transferred: 0, early_hangup: 0, function_error: 0, durations_ms: [], duration_starts: [], first_start: null, last_start: null };
}

/** Group calls by their frozen agent version and count their outcomes. */
export function outcomesByVersion(calls: Iterable<CallLike>, options: OutcomeOptions = {}): OutcomesResult {
  const early = options.earlyHangupMs ?? DEFAULT_EARLY_HANGUP_MS;
  const result: OutcomesResult = { versions: {}, excluded: { not_connected: 0, unattributed: 0 } };
  for (const call of calls) {
    if (!call.agent_id || call.agent_version === undefined || call.agent_version === null) {
      result.excluded.unattributed++;
      continue;
    }
    if (!connected(call)) {
      result.excluded.not_connected++;
      continue;
    }
    const key = versionKey(call.agent_id, call.agent_version);
    const v = (result.versions[key] ??= emptyOutcomes(call.agent_id, call.agent_version));
    v.calls++;
    const successful = call.call_analysis?.call_successful;
    if (typeof successful === 'boolean') {
      v.analysed++;
      if (successful) v.call_successful++;
    }
    if (call.disconnection_reason && TRANSFER.has(call.disconnection_reason)) v.transferred++;
    const duration = typeof call.duration_ms === 'number' && call.duration_ms >= 0 ? call.duration_ms : null;
    if (call.disconnection_reason === 'user_hangup' && duration !== null && duration < early) v.early_hangup++;
    const traced = call.call_id ? options.functionErrors?.get(call.call_id) : undefined;
    if (traced ?? functionError(call)) v.function_error++;
    const start = call.start_timestamp!;
    if (duration !== null) {
      v.durations_ms.push(duration);
      v.duration_starts.push(start);
    }
    v.first_start = v.first_start === null ? start : Math.min(v.first_start, start);
    v.last_start = v.last_start === null ? start : Math.max(v.last_start, start);
  }
  return result;
}
