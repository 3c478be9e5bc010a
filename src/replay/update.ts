// --update: accept today's answers as the expected ones, in recordings only (retell-kit wrote them;
// Retell's call objects are Retell's record of what happened and are never rewritten).
import { writeFileAtomic } from '../util/atomic-write.js';
import type { Recording } from '../retell/recording.js';
import type { FunctionOutcomeKind } from '../store/store.js';
import type { ReplayCall } from './load.js';
import type { CallResult } from './run.js';

function outcomeOf(status: number, body: unknown): FunctionOutcomeKind {
  if (status < 300) return 'ok';
  const code = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>).error : undefined;
  return code === 'invalid_args' || code === 'unknown_function' || code === 'timeout' ? code : 'error';
}

/** Writes `text` to `file` atomically (src/util/atomic-write.ts: a symlinked recording stays a link). */
export async function writeAtomic(file: string, text: string): Promise<void> {
  await writeFileAtomic(file, text);
}

/**
 * Rewrites the recorded answers of changed (and newly failing) function calls in each recording,
 * marks those steps `updated`, and returns the files written. Call objects are left alone.
 */
export async function updateRecordings(calls: readonly ReplayCall[], results: CallResult[]): Promise<string[]> {
  const written: string[] = [];
  for (let i = 0; i < calls.length; i++) {
    const call = calls[i]!;
    const result = results[i]!;
    if (call.source !== 'recording' || !call.recording || call.path === '-') continue;
    const recording: Recording = structuredClone(call.recording);
    let changed = false;
    for (const step of result.steps) {
      if ((step.status !== 'changed' && step.status !== 'error') || step.recordIndex === undefined || !step.actual) continue;
      const recorded = recording.functionCalls[step.recordIndex];
      if (!recorded) continue;
      recorded.status = step.actual.status;
      recorded.result = step.actual.body ?? null;
      recorded.outcome = outcomeOf(step.actual.status, step.actual.body);
      step.status = 'updated';
      changed = true;
    }
    if (!changed) continue;
    recording.recordedAt = new Date().toISOString();
    await writeAtomic(call.path, `${JSON.stringify(recording, null, 2)}\n`);
    written.push(call.file);
  }
  return written;
}
