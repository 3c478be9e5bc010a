// retell-kit trigger: send one signed sample Retell request (a webhook event, call_inbound or a custom
// function call) to a running server, like `stripe trigger`; and the signature doctor that says
// exactly why an x-retell-signature does not verify.
import { readFile } from 'node:fs/promises';
import { createHmac } from 'node:crypto';
import { KitError } from '../errors.js';
import { readRecording } from '../retell/recording.js';
import { sign, SIGNATURE_HEADER, SIGNATURE_TOLERANCE_MS, verify } from '../retell/signature.js';
import { callFrom, parseCallTranscript } from '../retell/transcript.js';
import { WEBHOOK_EVENTS } from '../retell/wire.js';

export const TRIGGER_EVENTS: readonly string[] = [...WEBHOOK_EVENTS.filter((e) => !e.startsWith('chat_')), 'call_inbound', 'function:<name>'];

export interface TriggerRequest {
  /** The serve route this request goes to (appended when --to is a bare origin). */
  path: string;
  payload: unknown;
  /** What it is, in words, for the command's first line. */
  description: string;
}

const CALL_STATUS: Record<string, string> = {
  call_started: 'ongoing',
  transcript_updated: 'ongoing',
  transfer_started: 'ongoing',
  transfer_bridged: 'ongoing',
  transfer_cancelled: 'ongoing',
  transfer_ended: 'ongoing',
  call_ended: 'ended',
  call_analyzed: 'ended',
};

/** A call in Retell's shape (retell-sdk PhoneCallResponse), as far along as `event` implies. */
export function sampleCall(event: string, now = Date.now()): Record<string, unknown> {
  const callId = `call_trigger_${now.toString(36)}`;
  const start = now - 60_000;
  const ended = CALL_STATUS[event] === 'ended';
  const args = { date: new Date(now + 86_400_000).toISOString().slice(0, 10), service: 'haircut' };
  const items: Record<string, unknown>[] = [
    { role: 'agent', content: 'Thanks for calling, how can I help?', words: [] },
    { role: 'user', content: 'Do you have anything free tomorrow?', words: [] },
    { role: 'tool_call_invocation', tool_call_id: 'tool_call_trigger1', name: 'check_availability', arguments: JSON.stringify(args), time_sec: 6.2, type: 'custom' },
    { role: 'tool_call_result', tool_call_id: 'tool_call_trigger1', successful: true, content: JSON.stringify({ date: args.date, available: [{ time: '10:00' }] }), time_sec: 6.9 },
    { role: 'agent', content: 'Yes, ten o\'clock tomorrow is free.', words: [] },
  ];
  const call: Record<string, unknown> = {
    call_id: callId,
    call_type: 'phone_call',
    agent_id: 'agent_trigger_sample',
    agent_version: 1,
    call_status: CALL_STATUS[event] ?? 'ongoing',
    direction: 'inbound',
    from_number: '+14155550199',
    to_number: '+14155550100',
    start_timestamp: start,
    transcript: 'Agent: Thanks for calling, how can I help?\nUser: Do you have anything free tomorrow?\nAgent: Yes, ten o\'clock tomorrow is free.\n',
    transcript_with_tool_calls: items,
  };
  if (ended) Object.assign(call, { end_timestamp: now, duration_ms: 60_000, disconnection_reason: 'user_hangup' });
  if (event === 'call_analyzed') call.call_analysis = { call_summary: 'The caller asked for a slot tomorrow and was offered 10:00.', user_sentiment: 'Positive', call_successful: true, in_voicemail: false };
  if (event.startsWith('transfer_')) call.transfer_destination = '+14155550123';
  return call;
}

/** The call inside a call object, webhook body or recording file (for --from). */
export function callFromFile(text: string, file: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KitError('io', `not valid JSON: ${(error as Error).message}`, { file, hint: '--from takes a Retell call object, a webhook body or a retell-kit recording' });
  }
  if (typeof value === 'object' && value !== null && 'functionCalls' in value) return readRecording(text, file).call;
  const call = callFrom(value);
  if (!call) throw new KitError('io', 'not a Retell call object, webhook body or recording', { file, pointer: '', hint: '--from takes what GET /v2/get-call returns, a webhook body or a retell-kit recording' });
  return call;
}

/**
 * The request for `event`: a webhook event (`{event, call}` to /webhook), `call_inbound` (to
 * /webhook/inbound) or `function:<name>` (`{name, call, args}` to /functions/<name>; args from
 * `--args`, else from the first invocation of that tool in the --from call).
 */
export function buildTrigger(event: string, options: { call?: Record<string, unknown>; args?: unknown; now?: number } = {}): TriggerRequest {
  const now = options.now ?? Date.now();
  if (event.startsWith('function:')) {
    const name = event.slice('function:'.length);
    if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw new KitError('usage', `"${name}" is not a tool name`, { hint: 'function:<name>, e.g. function:book_appointment' });
    const call = options.call ?? sampleCall('call_started', now);
    let args = options.args;
    let toolCallId: string | undefined;
    if (args === undefined && options.call) {
      const invocation = parseCallTranscript(options.call).toolCalls.find((t) => t.name === name || t.name.replace(/_v\d+$/, '') === name);
      if (invocation) {
        args = invocation.arguments;
        toolCallId = invocation.toolCallId;
      }
    }
    if (args === undefined) throw new KitError('usage', `no arguments for ${name}`, { hint: `pass --args '{"date":"2026-03-16"}', or --from a call that invoked ${name}` });
    const { transcript_with_tool_calls: _t, ...callSoFar } = call;
    return { path: `/functions/${name}`, payload: { name, call: callSoFar, args, ...(toolCallId ? { tool_call_id: toolCallId } : {}) }, description: `function call ${name}` };
  }
  if (event === 'call_inbound') {
    const call = options.call ?? sampleCall('call_started', now);
    const payload = { event: 'call_inbound', call_inbound: { from_number: call.from_number ?? '+14155550199', to_number: call.to_number ?? '+14155550100', ...(call.agent_id ? { agent_id: call.agent_id } : {}), ...(call.call_id ? { call_id: call.call_id } : {}) } };
    return { path: '/webhook/inbound', payload, description: 'call_inbound webhook' };
  }
  if (!(WEBHOOK_EVENTS as readonly string[]).includes(event)) {
    throw new KitError('usage', `unknown event "${event}"`, { hint: `use one of ${TRIGGER_EVENTS.join(', ')}` });
  }
  if (event.startsWith('chat_')) throw new KitError('usage', `"${event}" is a chat event; trigger sends voice-call events`, { hint: `use one of ${TRIGGER_EVENTS.join(', ')}` });
  const call = { ...(options.call ?? sampleCall(event, now)) };
  // call_started carries basic info only; call_ended has no analysis yet.
  if (event === 'call_started') for (const key of ['transcript', 'transcript_with_tool_calls', 'end_timestamp', 'duration_ms', 'disconnection_reason', 'call_analysis']) delete call[key];
  if (event === 'call_ended') delete call.call_analysis;
  return { path: '/webhook', payload: { event, call }, description: `${event} webhook` };
}

/** `--to` as given when it has a path; a bare origin gets serve's route for the request. */
export function targetUrl(to: string, request: TriggerRequest): string {
  let url: URL;
  try {
    url = new URL(to);
  } catch {
    throw new KitError('usage', `--to "${to}" is not a URL`, { hint: 'e.g. --to http://127.0.0.1:8787' });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new KitError('usage', `--to must be http(s), not ${url.protocol}`);
  if (url.pathname === '/' || url.pathname === '') url.pathname = request.path;
  return url.toString();
}

export interface TriggerResult {
  url: string;
  status: number;
  body: string;
  /** The signature header sent (its digest does not reveal the key). */
  signature: string;
  durationMs: number;
}

/** Signs the exact bytes sent with `apiKey` and POSTs them. Unreachable is a KitError (exit 2). */
export async function sendTrigger(url: string, payload: unknown, apiKey: string): Promise<TriggerResult> {
  const body = JSON.stringify(payload);
  const signature = sign(body, apiKey);
  const started = performance.now();
  let response: Response;
  try {
    response = await fetch(url, { method: 'POST', body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature }, signal: AbortSignal.timeout(30_000) });
  } catch (error) {
    const inner = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
    throw new KitError('io', `cannot reach it: ${inner?.code ?? inner?.errors?.[0]?.code ?? inner?.message ?? (error as Error).message}`, { file: url, hint: 'is the server running there?', cause: error });
  }
  return { url, status: response.status, body: await response.text(), signature, durationMs: performance.now() - started };
}

// --- the signature doctor ---

export interface SignatureCheck {
  ok: boolean;
  /** What was checked, e.g. "header format". */
  name: string;
  detail: string;
}

export interface SignatureDiagnosis {
  ok: boolean;
  /** One line: why it fails and what to do, or that it verifies. */
  verdict: string;
  checks: SignatureCheck[];
}

function hmac(body: string | Buffer, key: string, timestamp: string): string {
  return createHmac('sha256', key).update(body).update(timestamp).digest('hex');
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]));
  return value;
}

const asciiEscape = (text: string): string => text.replace(/[\u0080-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The ways frameworks and copy-paste change a body, each a guess at the bytes Retell signed. */
function reserialisations(body: string): { how: string; text: string }[] {
  const out: { how: string; text: string }[] = [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    parsed = undefined;
  }
  if (parsed !== undefined) {
    const compact = JSON.stringify(parsed);
    out.push({ how: 'Retell signed the compact JSON of this body; yours was re-serialised (re-spaced, pretty-printed or its non-ASCII characters \\u-escaped)', text: compact });
    out.push({ how: 'Retell signed the body with its non-ASCII characters \\u-escaped; yours has them as UTF-8', text: asciiEscape(compact) });
    out.push({ how: 'Retell signed this body pretty-printed; yours was compacted', text: JSON.stringify(parsed, null, 2) });
    out.push({ how: 'the digest is of Python json.dumps output (", " and ": " separators): signed by a Python re-serialiser, not Retell', text: asciiEscape(JSON.stringify(parsed)).replace(/("(?:[^"\\]|\\.)*")|([,:])/g, (m, str: string | undefined, sep: string | undefined) => (str ? str : `${sep} `)) });
    out.push({ how: 'the digest is of the body with its keys sorted: a re-serialiser changed the key order', text: JSON.stringify(sortKeys(parsed)) });
  }
  if (body.endsWith('\n')) out.push({ how: 'a trailing newline was added to the body after signing', text: body.replace(/\r?\n$/, '') });
  else out.push({ how: 'the trailing newline of the signed body was lost', text: `${body}\n` });
  if (body.includes('\r\n')) out.push({ how: 'the signed body had LF line ends; yours has CRLF', text: body.replace(/\r\n/g, '\n') });
  else if (body.includes('\n')) out.push({ how: 'the signed body had CRLF line ends; yours has LF', text: body.replace(/\n/g, '\r\n') });
  return out.filter((o) => o.text !== body);
}

/**
 * Says exactly why `header` does not verify `body` under any of `keys` (or that it does): header
 * format, seconds instead of milliseconds, the ±5 minute window, the key (including surrounding
 * whitespace), and a body that was re-serialised on the way (the common cause). Never echoes a key.
 */
export function explainSignature(input: { body: string | Buffer; header: string | undefined; keys: readonly string[]; now?: number }): SignatureDiagnosis {
  const now = input.now ?? Date.now();
  const checks: SignatureCheck[] = [];
  const fail = (verdict: string): SignatureDiagnosis => ({ ok: false, verdict, checks });
  let header = (input.header ?? '').trim();
  if (/^x-retell-signature\s*:/i.test(header)) {
    header = header.replace(/^x-retell-signature\s*:\s*/i, '');
    checks.push({ ok: true, name: 'header', detail: 'the "x-retell-signature:" name was included; using the value after it' });
  }
  if (!header) {
    checks.push({ ok: false, name: 'header present', detail: `no ${SIGNATURE_HEADER} value given` });
    return fail(`no signature: Retell sends ${SIGNATURE_HEADER} on every webhook, inbound and function request; check that your proxy forwards it`);
  }
  const match = /^v=(\d+),d=([0-9a-fA-F]+)$/.exec(header);
  if (!match) {
    const hint = /^[0-9a-f]{64}$/i.test(header)
      ? 'it is a bare digest; Retell\'s header is "v=<timestamp ms>,d=<digest>" (signed over the body plus the timestamp)'
      : /\s/.test(header)
        ? 'it contains spaces; the header is "v=<timestamp ms>,d=<64 hex digits>" with none'
        : 'expected "v=<timestamp ms>,d=<64 hex digits>"';
    checks.push({ ok: false, name: 'header format', detail: hint });
    return fail(`malformed header: ${hint}`);
  }
  const [, tsText, digest] = match as unknown as [string, string, string];
  if (digest.length !== 64) {
    checks.push({ ok: false, name: 'header format', detail: `the digest has ${digest.length} hex digits, not 64 (truncated when copied?)` });
    return fail(`malformed header: the digest has ${digest.length} hex digits, not 64`);
  }
  checks.push({ ok: true, name: 'header format', detail: 'v=<timestamp>,d=<64 hex digits>' });
  const timestamp = Number(tsText);
  if (tsText.length <= 10 && Math.abs(now - timestamp * 1000) < 86_400_000 * 365) {
    checks.push({ ok: false, name: 'timestamp unit', detail: `v=${tsText} looks like seconds; Retell signs with milliseconds (${timestamp * 1000})` });
    return fail('the timestamp is in seconds: whoever signed this is not Retell (or used a wrong signer); Retell signs with milliseconds');
  }
  const skew = now - timestamp;
  const window = SIGNATURE_TOLERANCE_MS;
  const timeOk = Math.abs(skew) <= window;
  checks.push({
    ok: timeOk,
    name: 'timestamp window',
    detail: `signed ${new Date(timestamp).toISOString()}, ${Math.round(Math.abs(skew) / 1000)} s ${skew >= 0 ? 'ago' : 'in the future'} (limit ${window / 1000} s either way)`,
  });
  if (input.keys.length === 0) {
    checks.push({ ok: false, name: 'key', detail: 'no API key to check the digest with (set RETELL_API_KEY)' });
    return fail('cannot check the digest without the API key: set RETELL_API_KEY to the key with the webhook badge');
  }
  const body = typeof input.body === 'string' ? input.body : input.body.toString('utf8');
  const raw = input.body;
  const want = digest.toLowerCase();
  for (const [i, key] of input.keys.entries()) {
    const which = input.keys.length > 1 ? `key ${i + 1}` : 'the key';
    if (hmac(raw, key, tsText) === want) {
      checks.push({ ok: true, name: 'digest', detail: `matches the body as given, with ${which}` });
      if (!timeOk) return fail(`the digest is right but the timestamp is ${Math.round(Math.abs(skew) / 1000)} s ${skew >= 0 ? 'old' : 'in the future'}: check the server clock (NTP), or this is a replayed request`);
      const result = verify(raw, key, header, { now });
      return result.ok ? { ok: true, verdict: `the signature verifies with ${which}`, checks } : fail(result.detail);
    }
    const trimmed = key.trim().replace(/^["']|["']$/g, '');
    if (trimmed !== key && hmac(raw, trimmed, tsText) === want) {
      checks.push({ ok: false, name: 'key', detail: `${which} has surrounding whitespace or quotes; the digest matches without them` });
      return fail(`${which} has surrounding whitespace, a newline or quotes (often from a .env file or a secret store): strip them`);
    }
    for (const variant of reserialisations(body)) {
      if (hmac(variant.text, key, tsText) === want) {
        checks.push({ ok: false, name: 'body bytes', detail: variant.how });
        return fail('the body was changed after it was signed: verify the raw request bytes, before any JSON parsing (express.raw(), request.get_data(), ...)');
      }
    }
  }
  checks.push({ ok: false, name: 'digest', detail: `matches neither the body as given nor any common re-serialisation of it, with ${input.keys.length > 1 ? 'any key given' : 'this key'}` });
  return fail('wrong API key (Retell signs with the key that has the "webhook" badge in the dashboard), or the body changed in a way that cannot be guessed: capture the raw bytes and try again');
}

/** Reads a body from a file or stdin ('-'), as bytes. */
export async function readBody(file: string, stdin: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks);
  }
  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(error as Error).message}`, { file, cause: error });
  }
}
