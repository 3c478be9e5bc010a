// The recording format (schemas/recording.schema.json, docs/recording.md): its types, which the
// writer in server/record.ts fills, and the reader replay uses. The schema is precompiled into
// recording-validator.js (npm run gen:schemas), so reading needs no ajv at run time.
import { readFile } from 'node:fs/promises';
import { KitError } from '../errors.js';
import type { DownstreamExchange, FetchAttempt } from '../handlers/fetch.js';
import validate, { type RecordingSchemaError } from './recording-validator.js';

/** Bump on any incompatible change; `replay` reads this to know how to read the rest. */
export const RECORDING_VERSION = 1;

/** Every version this reader understands; a newer file is refused, never half-read. */
export const KNOWN_RECORDING_VERSIONS: readonly number[] = [RECORDING_VERSION];

export interface RecordedEvent {
  event: string;
  receivedAt: string;
  /** The webhook body as received, redacted. */
  payload: unknown;
}

export interface RecordedFunctionCall {
  traceId: string;
  name: string;
  handler: string;
  toolCallId?: string;
  agentVersion?: number | string;
  args: unknown;
  status: number;
  outcome: string;
  result: unknown;
  durationMs: number;
  startedAt: string;
  duplicate: boolean;
  /** The answer is the function's declared fallback. */
  fallback?: boolean;
  /** Every ctx.fetch attempt, in order. */
  downstream?: FetchAttempt[];
  /** The downstream answers the handler got, for replay's lockdown. */
  exchanges?: DownstreamExchange[];
}

/** The recording format (schemas/recording.schema.json, docs/recording.md). */
export interface Recording {
  version: typeof RECORDING_VERSION;
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  /** The id of the configured tenant the call resolved to (the dialled number itself is redacted). */
  tenant?: string;
  recordedAt: string;
  /** The latest call object seen (from call_analyzed when it came), redacted. */
  call: Record<string, unknown>;
  events: RecordedEvent[];
  functionCalls: RecordedFunctionCall[];
}

const NOT_A_RECORDING_HINT = 'recordings are written by retell-kit serve --record';

function versionList(): string {
  return KNOWN_RECORDING_VERSIONS.join(', ');
}

/** One schema error as words, and the pointer of the value it is about. */
function explain(error: RecordingSchemaError): { pointer: string; message: string } {
  const params = error.params;
  const at = error.instancePath || '/';
  switch (error.keyword) {
    case 'required':
      return { pointer: `${error.instancePath}/${String(params.missingProperty)}`, message: `missing required field "${String(params.missingProperty)}"` };
    case 'additionalProperties':
      return { pointer: `${error.instancePath}/${String(params.additionalProperty)}`, message: `unknown field "${String(params.additionalProperty)}"` };
    case 'type':
      return { pointer: at, message: `expected ${String(params.type).replace(',', ' or ')}` };
    case 'enum':
      return { pointer: at, message: `expected one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'format':
      return { pointer: at, message: `expected an ISO 8601 ${String(params.format)}, e.g. 2026-03-16T10:04:12.481Z` };
    default:
      return { pointer: at, message: error.message ?? `fails ${error.keyword}` };
  }
}

/**
 * Reads a recording from its text. `file` only names it in errors. Throws a KitError (exit 2) with
 * one line naming the file: not JSON, a version this reader does not know, or content that breaks
 * the schema (with the JSON pointer of the first offending value).
 */
export function readRecording(text: string, file: string): Recording {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KitError('io', `recording is not valid JSON: ${(error as Error).message}`, { file, hint: NOT_A_RECORDING_HINT, cause: error });
  }
  return checkRecording(value, file);
}

/** readRecording on a value already parsed (a reader that parsed the file once to see what it is). */
export function checkRecording(value: unknown, file: string): Recording {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new KitError('io', 'not a retell-kit recording (expected a JSON object)', { file, hint: NOT_A_RECORDING_HINT });
  }
  // The version decides how to read the rest, so it is checked before the schema of version 1.
  const version = (value as { version?: unknown }).version;
  if (version === undefined) {
    throw new KitError('io', `not a retell-kit recording: no "version" (this retell-kit reads version ${versionList()})`, { file, pointer: '/version', hint: NOT_A_RECORDING_HINT });
  }
  if (typeof version !== 'number' || !KNOWN_RECORDING_VERSIONS.includes(version)) {
    throw new KitError('io', `recording version ${JSON.stringify(version)} is not one this retell-kit reads (it knows version ${versionList()})`, {
      file,
      pointer: '/version',
      hint: 'upgrade retell-kit, or record the call again with this one',
    });
  }
  if (!validate(value)) {
    const first = validate.errors?.[0];
    const { pointer, message } = first ? explain(first) : { pointer: '/', message: 'does not match schemas/recording.schema.json' };
    throw new KitError('io', `invalid recording: ${message}`, { file, pointer, hint: 'see docs/recording.md' });
  }
  return value as Recording;
}

/** Reads and checks a recording file (see readRecording). */
export async function loadRecording(file: string): Promise<Recording> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new KitError('not-found', 'no such file or directory', { file, hint: 'check the path', cause: error });
    if (code === 'EISDIR') throw new KitError('io', 'is a directory, not a recording file', { file, cause: error });
    throw new KitError('io', `cannot read: ${(error as Error).message}`, { file, cause: error });
  }
  return readRecording(text, file);
}
