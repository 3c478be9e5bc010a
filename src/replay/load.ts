// What replay reads: retell-kit recordings (serve --record) and Retell call objects (GET
// /v2/get-call, or a call_ended / call_analyzed webhook envelope), turned into one list of steps per
// call: function calls with their recorded answers, built-in tools (shown, never run) and events.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { KitError } from '../errors.js';
import { displayPath, expandInputs, readStdin } from '../flow/load.js';
import { checkRecording, type RecordedFunctionCall, type Recording } from '../retell/recording.js';
import { callFrom, parseCallTranscript, type ToolKind } from '../retell/transcript.js';
import { recognise, type Recognised, type WebhookEvent } from '../retell/wire.js';

/** What the call answered, as recorded. */
export interface ExpectedAnswer {
  /** The HTTP status serve answered with (recordings only). */
  status?: number;
  /** Retell's `successful` on the tool result (call objects only, when Retell wrote it). */
  successful?: boolean;
  /** The answer: the recorded JSON body, or the `content` string of Retell's tool result. */
  body: unknown;
}

export interface FunctionStep {
  kind: 'function';
  /** The tool name as the call used it (`book_appointment_v17`). */
  name: string;
  toolKind: ToolKind;
  toolCallId?: string;
  args: unknown;
  /** The recorded arguments did not parse: the step is shown, not run. */
  argsError?: string;
  /** Absent when the call ended before the tool answered ("no recorded result"). */
  expected?: ExpectedAnswer;
  /** A retry serve answered from the first answer (recordings mark them). */
  duplicate?: boolean;
  /** Index in the recording's functionCalls (what --update rewrites). */
  recordIndex?: number;
  /** Seconds from the call's start, when known. */
  timeSec?: number;
}

export interface WebhookStep {
  kind: 'webhook';
  event: string;
  payload: WebhookEvent;
}

export type ReplayStep = FunctionStep | WebhookStep;

export interface ReplayCall {
  /** The file as the user named it (relative to cwd). */
  file: string;
  /** Absolute path (for --update). */
  path: string;
  source: 'recording' | 'call';
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  /** The tenant id a recording says the call resolved to. */
  tenant?: string;
  /** Epoch ms the call started: the reference for relative dates. */
  startedAt?: number;
  /** The call object handed to handlers as ctx.call. */
  call: Record<string, unknown>;
  steps: ReplayStep[];
  /** The parsed recording (for --update). */
  recording?: Recording;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Epoch ms from a number or a date string (recordings and call objects carry either). */
export function epoch(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string') {
    const t = Date.parse(value);
    return Number.isNaN(t) ? undefined : t;
  }
  return undefined;
}

const NOT_REPLAYABLE_HINT = 'replay reads retell-kit recordings (serve --record) and Retell call objects (GET /v2/get-call, or a call_ended / call_analyzed webhook body)';

function fromRecording(recording: Recording, file: string, absolute: string): ReplayCall {
  const call = recording.call;
  const startedAt = epoch(call.start_timestamp) ?? epoch(recording.events[0]?.receivedAt) ?? epoch(recording.functionCalls[0]?.startedAt);
  // Events and function calls interleave by time, so call_started runs before the first function
  // and call_ended after the last, as they did live. Ties keep events first.
  type Timed = { at: number; order: number; step: ReplayStep };
  const timed: Timed[] = [];
  recording.events.forEach((e, i) => {
    if (!isObject(e.payload) || typeof e.payload.event !== 'string') return;
    timed.push({ at: epoch(e.receivedAt) ?? 0, order: i, step: { kind: 'webhook', event: e.event, payload: e.payload as WebhookEvent } });
  });
  recording.functionCalls.forEach((fc: RecordedFunctionCall, i) => {
    timed.push({
      at: epoch(fc.startedAt) ?? 0,
      order: recording.events.length + i,
      step: {
        kind: 'function',
        name: fc.name,
        toolKind: 'custom',
        ...(fc.toolCallId ? { toolCallId: fc.toolCallId } : {}),
        args: fc.args,
        expected: { status: fc.status, body: fc.result },
        duplicate: fc.duplicate,
        recordIndex: i,
      },
    });
  });
  timed.sort((a, b) => a.at - b.at || a.order - b.order);
  const steps = timed.map((t) => t.step);
  // Retell's own tools never reach serve: show them from the transcript, after the rest.
  for (const tool of parseCallTranscript(call).toolCalls) {
    if (tool.kind === 'custom') continue;
    steps.push(builtinStep(tool));
  }
  return {
    file,
    path: absolute,
    source: 'recording',
    callId: recording.callId,
    ...(recording.agentId !== undefined ? { agentId: recording.agentId } : {}),
    ...(recording.agentVersion !== undefined ? { agentVersion: recording.agentVersion } : {}),
    ...(recording.tenant !== undefined ? { tenant: recording.tenant } : {}),
    ...(startedAt !== undefined ? { startedAt } : {}),
    call,
    steps,
    recording,
  };
}

function builtinStep(tool: ReturnType<typeof parseCallTranscript>['toolCalls'][number]): FunctionStep {
  return {
    kind: 'function',
    name: tool.name,
    toolKind: tool.kind,
    ...(tool.toolCallId ? { toolCallId: tool.toolCallId } : {}),
    args: tool.arguments ?? tool.argumentsText ?? {},
    ...(tool.argumentsError ? { argsError: tool.argumentsError } : {}),
    ...(tool.result ? { expected: { body: tool.result.content, ...(tool.result.successful !== undefined ? { successful: tool.result.successful } : {}) } } : {}),
    ...(tool.timeSec !== undefined ? { timeSec: tool.timeSec } : {}),
  };
}

function fromCallObject(value: Record<string, unknown>, file: string, absolute: string): ReplayCall {
  const call = callFrom(value)!;
  const transcript = parseCallTranscript(value);
  const callId = transcript.callId;
  if (!callId) {
    throw new KitError('io', 'a Retell call without a call_id', { file, pointer: call === value ? '/call_id' : '/call/call_id', hint: NOT_REPLAYABLE_HINT });
  }
  if (!transcript.source) {
    throw new KitError('io', 'the call has no transcript_with_tool_calls (nor its scrubbed twin), so there is nothing to replay', {
      file,
      pointer: call === value ? '/transcript_with_tool_calls' : '/call/transcript_with_tool_calls',
      hint: 'fetch the call with GET /v2/get-call after it ended',
    });
  }
  const steps: ReplayStep[] = transcript.toolCalls.map(builtinStep);
  // A webhook envelope replays its event too, after the calls it carries.
  if (call !== value && typeof value.event === 'string') steps.push({ kind: 'webhook', event: value.event, payload: value as WebhookEvent });
  return {
    file,
    path: absolute,
    source: 'call',
    callId,
    ...(transcript.agentId !== undefined ? { agentId: transcript.agentId } : {}),
    ...(transcript.agentVersion !== undefined ? { agentVersion: transcript.agentVersion } : {}),
    ...(transcript.startTimestamp !== undefined ? { startedAt: transcript.startTimestamp } : {}),
    call,
    steps,
  };
}

/** A flow, an agent export with its flow, or a list holding one: lint's input, not replay's. */
function holdsFlow(what: Recognised): boolean {
  if (what.kind === 'flow' || what.kind === 'agent-export') return true;
  return what.kind === 'list' && what.items.some(holdsFlow);
}

/** Reads one replayable file from its text. Anything else is a KitError (exit 2) naming the file. */
export function readReplayable(text: string, file: string, absolute = path.resolve(file)): ReplayCall {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KitError('io', `not valid JSON: ${(error as Error).message}`, { file, hint: NOT_REPLAYABLE_HINT });
  }
  return replayableFrom(value, file, absolute);
}

/** readReplayable on a value already parsed. */
export function replayableFrom(value: unknown, file: string, absolute = path.resolve(file)): ReplayCall {
  if (isObject(value) && ('functionCalls' in value || ('version' in value && 'callId' in value))) {
    return fromRecording(checkRecording(value, file), file, absolute);
  }
  if (callFrom(value)) return fromCallObject(value as Record<string, unknown>, file, absolute);
  if (holdsFlow(recognise(value))) {
    throw new KitError('io', 'this is a conversation flow, not a call: replay runs recorded calls against your handlers', { file, hint: `check the flow with: retell-kit lint ${file}` });
  }
  if (isObject(value) && typeof value.event === 'string') {
    throw new KitError('io', `a "${value.event}" webhook without a call object`, { file, pointer: '/call', hint: NOT_REPLAYABLE_HINT });
  }
  throw new KitError('io', `not a call or a recording (${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value === 'object' ? 'an object without call_id or transcript_with_tool_calls' : typeof value})`, {
    file,
    pointer: '',
    hint: NOT_REPLAYABLE_HINT,
  });
}

/** Files, directories (every .json below) and globs into calls; any unreadable input stops the run. */
export async function loadReplayables(inputs: readonly string[], cwd = process.cwd()): Promise<ReplayCall[]> {
  if (inputs.length === 0) throw new KitError('usage', 'no calls to replay', { hint: 'name recordings, call objects, folders or globs: retell-kit replay recordings/' });
  const files = await expandInputs(inputs, cwd);
  const calls: ReplayCall[] = [];
  for (const file of files) {
    if (file === '-') {
      // One call or recording on stdin (--update cannot write it back: it is reported as not updated).
      calls.push(readReplayable(await readStdin(), '<stdin>', '-'));
      continue;
    }
    const absolute = path.resolve(cwd, file);
    const shown = displayPath(absolute, cwd);
    let text: string;
    try {
      text = await readFile(absolute, 'utf8');
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      throw new KitError(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(error as Error).message}`, { file: shown, cause: error });
    }
    calls.push(readReplayable(text, shown, absolute));
  }
  return calls;
}
