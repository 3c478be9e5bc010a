import { createHash, randomUUID } from 'node:crypto';
import * as crypto from 'node:crypto';
import { REPEATING_EVENTS } from '../retell/wire.js';

// The idempotency keys handlers see (ctx.idempotencyKey) and the server dedupes on. Derived here
// only, so a replay of a recorded call hands handlers the same keys the live server did.

/** JSON with object keys sorted at every level, so `{a,b}` and `{b,a}` are the same call. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

// crypto.hash (Node >= 20.12) hashes in one call, about twice as fast as createHash for short input.
const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
const sha256 = oneShot ? (text: string): string => oneShot('sha256', text, 'hex') : (text: string): string => createHash('sha256').update(text).digest('hex');

/** Key of a function call: Retell's tool_call_id when sent, else (call_id, handler, canonical args). */
export function functionCallKey(input: { callId: string; handler: string; args: unknown; toolCallId?: string }): string {
  const material = input.toolCallId ? `tool\u0000${input.callId}\u0000${input.toolCallId}` : `fn\u0000${input.callId}\u0000${input.handler}\u0000${canonicalJson(input.args)}`;
  return `fn:${sha256(material)}`;
}

/**
 * Key of the inbound webhook: Retell retries it, and with a call_id the retry gets the first answer.
 * Without one nothing identifies the call, so each request gets a key of its own.
 */
export function inboundKey(callId: string | undefined): string {
  return callId ? `inbound:${callId}` : `inbound:${randomUUID()}`;
}

/** One-shot events dedupe on (event, call_id); transcript_updated fires many times per call. */
export function eventDedupeKey(event: string, callId: string): string | undefined {
  return REPEATING_EVENTS.has(event) ? undefined : `${event}:${callId}`;
}

/** The key a webhook handler sees: the dedupe key, or for repeating events the stored event's id. */
export function webhookEventKey(stored: { dedupeKey?: string; id: number | string }): string {
  return stored.dedupeKey ?? `event:${stored.id}`;
}

/**
 * Key a handler's non-idempotent downstream request carries (Idempotency-Key): the function call's
 * key with the request (method, URL, body). A retried attempt, a retried function call and a replay
 * send the same key; two different requests in one run get different ones. A body that is not text
 * (a stream) is told apart by the request's position in the run instead.
 */
export function downstreamKey(input: { functionKey: string; method: string; url: string; body?: string; ordinal: number }): string {
  const request = input.body === undefined ? `#${input.ordinal}` : `body\u0000${input.body}`;
  return sha256(`downstream\u0000${input.functionKey}\u0000${input.method}\u0000${input.url}\u0000${request}`).slice(0, 48);
}
