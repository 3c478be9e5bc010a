/**
 * The lint assist: for a big file, a worker thread does two jobs that need only the file's text while the
 * main thread builds the graph and runs the rules: the schema check (ajv over every node, a fifth of a
 * 10k-node lint) and the scan that lets positions be found without reading the whole text again
 * (flow/skeleton.ts). Both answers are exactly what the main thread would compute (the same code on the
 * same bytes); whenever the worker cannot give one (no worker bundle, a crash, too slow), the main thread
 * computes it itself, so the assist changes how fast lint is, never what it says.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { MessagePort, Worker } from 'node:worker_threads';
import type { Skeleton } from '../flow/skeleton.js';
import { ASSIST_FAILED, type AssistJob, type AssistMessage } from './assist-worker.js';
import type { FlowSchemaResult } from './schema/check.js';

/**
 * Files below this size are linted without a worker: starting one costs ~30 ms of the other core and a few
 * of this one, which a file this small does not win back (bench:lint).
 */
export const ASSIST_MIN_BYTES = 2_000_000;

export interface LintAssist {
  /** The schema check of the flow at this pointer, or undefined when the worker has none (then compute it). */
  schema(flowPointer: string): FlowSchemaResult | undefined;
  skeleton(): Skeleton | undefined;
  /** How many of its two answers (schema, skeleton) the worker gave and lint used so far. */
  readonly answers: number;
  /** Stops the worker if it is still busy (lint is done with the file). */
  close(): void;
}

export interface AssistOptions {
  env?: NodeJS.ProcessEnv;
  /** The worker bundle and code-cache module (tests); default: dist/lint-assist.cjs beside this code. */
  files?: { bundle: string; codeCache: string };
  minBytes?: number;
}

/** dist/lint-assist.cjs from wherever this module was bundled or compiled to (dist/, dist/validators/); none from src/. */
function distFiles(): { bundle: string; codeCache: string } | undefined {
  for (const dir of ['./', '../']) {
    const bundle = fileURLToPath(new URL(`${dir}lint-assist.cjs`, import.meta.url));
    if (existsSync(bundle)) return { bundle, codeCache: fileURLToPath(new URL(`${dir}boot/code-cache.cjs`, import.meta.url)) };
  }
  return undefined;
}

// Runs in the worker: the bundle through the code cache (as the main thread runs lint's), and a signal
// that says "failed" whatever goes wrong before runAssist could say anything itself.
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
try {
  const { loadBundle } = require(workerData.codeCache);
  const bundle = loadBundle(workerData.bundle);
  // The cache is saved once the schema check ran (most of the code), before the main thread may exit.
  bundle.exports.runAssist(workerData, () => { if (bundle.cache !== 'hit') bundle.save(); });
} catch (error) {
  const signal = new Int32Array(workerData.signal);
  if (Atomics.load(signal, 0) < ${ASSIST_FAILED}) {
    try { workerData.port.postMessage({ kind: 'failed', message: String(error && error.message || error) }); } catch {}
    Atomics.store(signal, 0, ${ASSIST_FAILED});
    Atomics.notify(signal, 0);
  }
}`;

/** Starts the assist for these bytes (a JSON file), or returns undefined when the file is small or workers are off. */
export function startAssist(bytes: Uint8Array, options: AssistOptions = {}): LintAssist | undefined {
  const env = options.env ?? process.env;
  if (bytes.length < (options.minBytes ?? ASSIST_MIN_BYTES) || env.RETELL_KIT_LINT_WORKER === '0') return undefined;
  const files = options.files ?? distFiles();
  if (!files) return undefined;
  let worker: Worker;
  let port: MessagePort;
  let receive: (port: MessagePort) => { message: unknown } | undefined;
  const signal = new SharedArrayBuffer(4);
  const count = new Int32Array(signal);
  try {
    // Required here, not imported: small files (nearly every lint) never load worker_threads.
    const threads = createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads');
    receive = threads.receiveMessageOnPort;
    // Bytes read into shared memory (loadFile's sharedFrom) go as they are; others are copied once.
    let shared: SharedArrayBuffer;
    if (bytes.buffer instanceof SharedArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) {
      shared = bytes.buffer;
    } else {
      shared = new SharedArrayBuffer(bytes.length);
      new Uint8Array(shared).set(bytes);
    }
    const channel = new threads.MessageChannel();
    port = channel.port1;
    const job: AssistJob & typeof files = { bytes: shared, port: channel.port2, signal, ...files };
    worker = new threads.Worker(WORKER_SOURCE, { eval: true, workerData: job, transferList: [channel.port2], stdout: true, stderr: true });
    // It must never keep the process alive, nor print: a failure only means the main thread does the work.
    worker.unref();
    worker.on('error', () => {});
  } catch {
    return undefined;
  }

  // A generous bound: the worker's part takes a fraction of the main thread's; past this the machine is
  // so loaded that computing here is as quick as waiting.
  const timeoutMs = 2000 + bytes.length / 5000;
  const deadline = Date.now() + timeoutMs;
  let received = 0;
  let failed = false;
  let schema: Map<string, FlowSchemaResult> | undefined;
  let skeleton: Skeleton | undefined;

  /** Waits for the worker's next message and takes it in; false when there will be none. */
  const takeNext = (): boolean => {
    if (failed) return false;
    for (;;) {
      const posted = Atomics.load(count, 0);
      if (posted >= ASSIST_FAILED) break;
      if (posted > received) break;
      const left = deadline - Date.now();
      if (left <= 0 || Atomics.wait(count, 0, posted, left) === 'timed-out') {
        failed = true;
        stop();
        return false;
      }
    }
    const message = receive(port)?.message as AssistMessage | undefined;
    if (!message || message.kind === 'failed') {
      failed = true;
      return false;
    }
    received++;
    if (message.kind === 'schema') schema = new Map(message.flows.map((f) => [f.pointer, f.result]));
    else skeleton = message.skeleton;
    return true;
  };

  const stop = () => {
    port.close();
    void worker.terminate();
  };

  return {
    get answers() {
      return received;
    },
    schema(flowPointer) {
      while (!schema && takeNext());
      return schema?.get(flowPointer);
    },
    skeleton() {
      while (!skeleton && takeNext());
      return skeleton;
    },
    close() {
      // A worker that answered both is only saving its code cache: let it finish.
      if (received < 2 && !failed) stop();
      else port.close();
    },
  };
}
