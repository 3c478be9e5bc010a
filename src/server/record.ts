import type { TraceWithDownstream } from './routes/function.js';
import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Store } from '../store/store.js';
import { RECORDING_VERSION, type RecordedEvent, type Recording } from '../retell/recording.js';
import type { Redactor } from './redact.js';
import { writeFileAtomic } from '../util/atomic-write.js';

// The recording writer; the format's types and its reader live in retell/recording.ts.

/** Which configured tenant a call belongs to, from its unredacted call object. */
export type TenantOf = (call: Record<string, unknown>) => string | undefined;

export async function buildRecording(store: Store, callId: string, redactor: Redactor, now = Date.now(), tenantOf?: TenantOf): Promise<Recording> {
  const events = await store.eventsForCall(callId);
  const traces = await store.tracesForCall(callId);
  const recordedEvents: RecordedEvent[] = [];
  let call: Record<string, unknown> = {};
  for (const e of events) {
    let payload: unknown;
    try {
      payload = JSON.parse(e.body);
    } catch {
      payload = e.body;
    }
    const body = payload as { call?: Record<string, unknown>; chat?: Record<string, unknown> };
    if (body && typeof body === 'object' && (body.call || body.chat) && e.event !== 'transcript_updated') call = (body.call ?? body.chat)!;
    recordedEvents.push({ event: e.event, receivedAt: new Date(e.receivedAt).toISOString(), payload });
  }
  const tenant = tenantOf?.(call);
  const recording: Recording = {
    version: RECORDING_VERSION,
    callId,
    ...(typeof call.agent_id === 'string' ? { agentId: call.agent_id } : {}),
    ...(call.agent_version !== undefined ? { agentVersion: call.agent_version as number | string } : {}),
    ...(tenant ? { tenant } : {}),
    recordedAt: new Date(now).toISOString(),
    call,
    events: recordedEvents,
    functionCalls: traces.map((t) => ({
      traceId: t.traceId,
      name: t.name,
      handler: t.handler,
      ...(t.toolCallId ? { toolCallId: t.toolCallId } : {}),
      ...(t.agentVersion !== undefined ? { agentVersion: t.agentVersion } : {}),
      args: t.args ?? null,
      status: t.status,
      outcome: t.outcome,
      result: t.result ?? null,
      durationMs: t.durationMs,
      startedAt: new Date(t.startedAt).toISOString(),
      duplicate: t.duplicate,
      ...((t as TraceWithDownstream).fallback ? { fallback: true } : {}),
      ...((t as TraceWithDownstream).downstream ? { downstream: (t as TraceWithDownstream).downstream } : {}),
      ...((t as TraceWithDownstream).exchanges ? { exchanges: (t as TraceWithDownstream).exchanges } : {}),
    })),
  };
  // One session for the whole file: the same number is the same placeholder in every event.
  return redactor.session()(recording) as Recording;
}

/**
 * A file name that cannot escape the folder, whatever the call id holds, and that is the call's own:
 * an id that had to be changed to be safe (call/1 and call_1 would both be call_1) gets a short hash
 * of the real id, so two calls never share a file. Retell's ids (call_ + hex) are used as they are.
 */
export function recordingFileName(callId: string): string {
  const safe = callId.replace(/[^A-Za-z0-9_.-]/g, '_').replace(/^\.+/, '_').slice(0, 180) || 'call';
  if (safe === callId) return `${safe}.json`;
  return `${safe}~${createHash('sha256').update(callId).digest('hex').slice(0, 12)}.json`;
}

/** Writes (and rewrites, when call_analyzed follows call_ended) one file per call, atomically. */
export async function writeRecording(dir: string, store: Store, callId: string, redactor: Redactor, tenantOf?: TenantOf): Promise<string> {
  const recording = await buildRecording(store, callId, redactor, Date.now(), tenantOf);
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, recordingFileName(callId));
  await writeFileAtomic(file, `${JSON.stringify(recording, null, 2)}\n`);
  return file;
}
