import { SECRET_NAME } from '../pull/index.js';

/** Deep equality of JSON values, key order ignored, undefined members ignored. Allocates nothing: it runs on every node of two 10k-node flows. */
export function same(a: unknown, b: unknown): boolean {
  return sameExcept(a, b, undefined);
}

/** Deep equality, leaving out the top-level keys `skip` says are noise (canvas positions). */
export function sameExcept(a: unknown, b: unknown, skip: ((key: string) => boolean) | undefined): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const arrayA = Array.isArray(a);
  if (arrayA !== Array.isArray(b)) return false;
  if (arrayA) {
    const aa = a as unknown[];
    const bb = b as unknown[];
    if (aa.length !== bb.length) return false;
    for (let i = 0; i < aa.length; i++) if (!sameExcept(aa[i], bb[i], undefined)) return false;
    return true;
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let count = 0;
  for (const k in ao) {
    if (ao[k] === undefined || (skip && skip(k))) continue;
    count++;
    if (!sameExcept(ao[k], bo[k], undefined)) return false;
  }
  for (const k in bo) {
    if (bo[k] === undefined || (skip && skip(k))) continue;
    count--;
  }
  return count === 0;
}

/** A value on one line for a report, cut at `max` characters; secrets hidden. */
export function brief(value: unknown, max = 80): string {
  if (value === undefined) return '(none)';
  value = hideSecrets(value);
  const text = typeof value === 'string' ? JSON.stringify(value) : JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const PLACEHOLDER = /^\$\{[A-Z0-9_]+\}$/;
export const HIDDEN = '<hidden>';

/**
 * The value with secrets replaced by <hidden>: every header value, and any string under a
 * secret-looking name (authorization, token, api_key...), except ${ENV} placeholders. Reports and
 * PR comments must never carry a tool's credentials.
 */
export function hideSecrets(value: unknown, inHeaders = false): unknown {
  if (Array.isArray(value)) return value.map((v) => hideSecrets(v));
  if (!isObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (typeof v === 'string' && !PLACEHOLDER.test(v) && (inHeaders || SECRET_NAME.test(key))) out[key] = HIDDEN;
    else out[key] = hideSecrets(v, key === 'headers');
  }
  return out;
}
