/**
 * The lint assist's worker (dist/lint-assist.cjs, started by validators/assist.ts for big files): parses its
 * own copy of the file, runs the schema check of every flow in it, then scans where the text's containers
 * end. Each answer is one message on the port, counted in the shared signal so the main thread can wait
 * for it synchronously (lint is synchronous from parse to report).
 */
import type { MessagePort } from 'node:worker_threads';
import { findFlows } from '../flow/find-flows.js';
import { scanSkeleton } from '../flow/skeleton.js';
import { checkFlowSchema, type FlowSchemaResult } from './schema/check.js';

export interface AssistJob {
  /** The file's bytes, as the main thread read them. */
  bytes: SharedArrayBuffer;
  port: MessagePort;
  /** Int32 [0]: messages posted so far; ASSIST_FAILED once the worker gave up. */
  signal: SharedArrayBuffer;
}

export type AssistMessage =
  | { kind: 'schema'; flows: { pointer: string; result: FlowSchemaResult }[] }
  | { kind: 'skeleton'; skeleton: ReturnType<typeof scanSkeleton> }
  | { kind: 'failed'; message: string };

/** The signal's value after a failure: above any count of messages. */
export const ASSIST_FAILED = 1 << 20;

/** `afterSchema` runs once the schema answer is sent (the worker saves its code cache there). */
export function runAssist(job: AssistJob, afterSchema?: () => void): void {
  const signal = new Int32Array(job.signal);
  const send = (message: AssistMessage, transfer: ArrayBuffer[] = []) => {
    job.port.postMessage(message, transfer);
    Atomics.add(signal, 0, 1);
    Atomics.notify(signal, 0);
  };
  try {
    // The same text as the main thread's: the same bytes, decoded alike, a byte-order mark dropped alike.
    const raw = Buffer.from(job.bytes).toString('utf8');
    const text = raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
    const { flows } = findFlows(JSON.parse(text));
    send({ kind: 'schema', flows: flows.map((flow) => ({ pointer: flow.pointer, result: checkFlowSchema(flow.value) })) });
    afterSchema?.();
    const skeleton = scanSkeleton(text);
    send({ kind: 'skeleton', skeleton }, [skeleton.starts.buffer, skeleton.ends.buffer, skeleton.endLines.buffer, skeleton.endLineStarts.buffer, skeleton.lists.starts.buffer, skeleton.lists.first.buffer, skeleton.lists.elements.buffer] as ArrayBuffer[]);
  } catch (error) {
    job.port.postMessage({ kind: 'failed', message: error instanceof Error ? error.message : String(error) } satisfies AssistMessage);
    Atomics.store(signal, 0, ASSIST_FAILED);
    Atomics.notify(signal, 0);
  }
}
