import { createHmac, timingSafeEqual } from 'node:crypto';

// The one signing module: `serve` verifies with it, the emulator and `trigger` will sign with it.
// Wire format (retell-sdk src/lib/webhook_auth.ts): `x-retell-signature: v=<ts_ms>,d=<hex>` where
// hex = HMAC-SHA256(apiKey, rawBody + ts). We implement it ourselves: the SDK helper has been
// absent, sync and async across versions, and docs samples that forget `await` accept forgeries.

export const SIGNATURE_HEADER = 'x-retell-signature';
/** Retell's window: five minutes either way, inclusive. */
export const SIGNATURE_TOLERANCE_MS = 300_000;

// Keys in either case, like the SDK's own check (/^v=(\d+),d=([0-9a-f]+)$/i).
const HEADER = /^v=(\d{1,16}),d=([0-9a-f]{64})$/i;

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch';

export type VerifyResult =
  | { ok: true; timestamp: number }
  | { ok: false; reason: SignatureFailure; detail: string; timestamp?: number };

export interface VerifyOptions {
  /** Current time in ms (tests pin it). */
  now?: number;
  toleranceMs?: number;
}

type Body = string | Uint8Array;

function hmacHex(body: Body, apiKey: string, timestamp: number): Buffer {
  // Updating twice hashes the same bytes as body + ts, without copying a large body.
  return createHmac('sha256', apiKey).update(body).update(String(timestamp)).digest();
}

/** The header value Retell would send for this body. */
export function sign(body: Body, apiKey: string, timestamp: number = Date.now()): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) throw new RangeError('timestamp must be a non-negative integer of milliseconds');
  return `v=${timestamp},d=${hmacHex(body, apiKey, timestamp).toString('hex')}`;
}

/**
 * Check `header` against the exact raw body bytes. Never throws; a failure says why in words that
 * do not contain the key or the expected digest.
 */
export function verify(body: Body, apiKey: string, header: string | undefined | null, options: VerifyOptions = {}): VerifyResult {
  const pre = precheck(header, options);
  if (!pre.ok) return pre;
  const expected = hmacHex(body, apiKey, pre.timestamp);
  const given = Buffer.from(pre.digest, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    return { ok: false, reason: 'mismatch', timestamp: pre.timestamp, detail: 'digest does not match the body: wrong API key (use the key with the webhook badge) or a body changed on the way' };
  }
  return { ok: true, timestamp: pre.timestamp };
}

/**
 * Everything verify() checks without the body: the header is there, well formed and within the
 * time window. The server runs it before reading a byte of the body, so a forgery costs no upload.
 */
export function precheck(header: string | undefined | null, options: VerifyOptions = {}): { ok: true; timestamp: number; digest: string } | (VerifyResult & { ok: false }) {
  if (header === undefined || header === null || header === '') {
    return { ok: false, reason: 'missing', detail: `no ${SIGNATURE_HEADER} header` };
  }
  const match = HEADER.exec(header);
  if (!match) {
    return { ok: false, reason: 'malformed', detail: `${SIGNATURE_HEADER} is not "v=<timestamp ms>,d=<64 hex digits>"` };
  }
  const timestamp = Number(match[1]);
  const now = options.now ?? Date.now();
  const tolerance = options.toleranceMs ?? SIGNATURE_TOLERANCE_MS;
  if (!Number.isSafeInteger(timestamp)) {
    return { ok: false, reason: 'malformed', detail: 'signature timestamp is not a safe integer' };
  }
  const skew = now - timestamp;
  if (skew > tolerance) {
    return { ok: false, reason: 'stale', timestamp, detail: `signature timestamp is ${Math.round(skew / 1000)} s old (limit ${tolerance / 1000} s); check the server clock or a replayed request` };
  }
  if (-skew > tolerance) {
    return { ok: false, reason: 'future', timestamp, detail: `signature timestamp is ${Math.round(-skew / 1000)} s in the future (limit ${tolerance / 1000} s); check the server clock` };
  }
  return { ok: true, timestamp, digest: match[2]!.toLowerCase() };
}
