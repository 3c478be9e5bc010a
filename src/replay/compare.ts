// JSON-aware comparison of a recorded answer with a new one, field by field, like Hoverfly's diff:
// strings that hold JSON are parsed, ignore paths drop noise, and dates relative to the call's start
// (a recorded "tomorrow") match the same relative date today.

export type PathSegment = string | number;

/** One field that differs. A side that is absent (a field added or removed) is left out. */
export interface Difference {
  /** `available[0].time`; `(result)` for the whole answer, `(status)` for the HTTP status. */
  path: string;
  expected?: unknown;
  actual?: unknown;
}

export interface CompareOptions {
  /** Paths to leave out: `booking_id`, `**.timestamp`, `slots[*].id` (anchored at the result's root). */
  ignore?: readonly string[];
  /** Epoch ms the recorded answer was given at (the call's start); enables relative dates. */
  expectedNow?: number;
  /** Epoch ms the new answer was given at (the replay's start). */
  actualNow?: number;
  /**
   * The expected answer was redacted when recorded (`<phone-1>`, `<name-2>`): a placeholder matches
   * whatever value stands in its place in the new answer (the real number, or the placeholder echoed).
   */
  redacted?: boolean;
}

const PLACEHOLDER = /<[a-z][a-z0-9_]*-\d+>/g;

/** True when `expected`, with its redaction placeholders as wildcards, reads as `actual`. */
function matchesRedacted(expected: string, actual: string): boolean {
  PLACEHOLDER.lastIndex = 0;
  if (!PLACEHOLDER.test(expected)) return false;
  const parts = expected.split(PLACEHOLDER).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(`^${parts.join('.+?')}$`, 's').test(actual);
}

export const ROOT_PATH = '(result)';
export const STATUS_PATH = '(status)';

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

export function formatPath(segments: readonly PathSegment[]): string {
  if (segments.length === 0) return ROOT_PATH;
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

// --- ignore patterns ---

type Token = { kind: 'any-depth' } | { kind: 'index'; index?: number } | { kind: 'key'; pattern: RegExp };

/** Parse `a.b[*].c`, `**.timestamp`, `*_at`, `items[0]`, `["odd.key"]` into tokens. */
export function parseIgnorePattern(pattern: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const keyToken = (text: string): Token => {
    if (text === '**') return { kind: 'any-depth' };
    const source = text.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*');
    return { kind: 'key', pattern: new RegExp(`^${source}$`) };
  };
  while (i < pattern.length) {
    const ch = pattern[i]!;
    if (ch === '.') {
      i++;
      continue;
    }
    if (ch === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) throw new Error(`unclosed "[" in ignore path "${pattern}"`);
      const inner = pattern.slice(i + 1, end).trim();
      i = end + 1;
      if (inner === '*') tokens.push({ kind: 'index' });
      else if (/^\d+$/.test(inner)) tokens.push({ kind: 'index', index: Number(inner) });
      else if (/^".*"$/.test(inner)) tokens.push(keyToken(JSON.parse(inner) as string));
      else throw new Error(`"[${inner}]" in ignore path "${pattern}": use [*], [0] or ["key"]`);
      continue;
    }
    let end = i;
    while (end < pattern.length && pattern[end] !== '.' && pattern[end] !== '[') end++;
    tokens.push(keyToken(pattern.slice(i, end)));
    i = end;
  }
  if (tokens.length === 0) throw new Error('an ignore path is empty');
  return tokens;
}

function matchTokens(tokens: readonly Token[], ti: number, segments: readonly PathSegment[], si: number): boolean {
  if (ti === tokens.length) return si === segments.length;
  const token = tokens[ti]!;
  if (token.kind === 'any-depth') {
    for (let k = si; k <= segments.length; k++) if (matchTokens(tokens, ti + 1, segments, k)) return true;
    return false;
  }
  if (si === segments.length) return false;
  const segment = segments[si]!;
  if (token.kind === 'index') {
    if (typeof segment !== 'number' || (token.index !== undefined && token.index !== segment)) return false;
  } else if (typeof segment === 'number' ? !token.pattern.test(String(segment)) || token.pattern.source !== '^.*$' : !token.pattern.test(segment)) {
    // A bare `*` also matches an array index; other key patterns only match keys.
    return false;
  }
  return matchTokens(tokens, ti + 1, segments, si + 1);
}

export class IgnoreRules {
  private readonly patterns: Token[][];
  constructor(readonly sources: readonly string[] = []) {
    this.patterns = sources.map((source) => parseIgnorePattern(source));
  }
  get empty(): boolean {
    return this.patterns.length === 0;
  }
  matches(segments: readonly PathSegment[]): boolean {
    return this.patterns.some((tokens) => matchTokens(tokens, 0, segments, 0));
  }
}

// --- relative dates ---

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})([T ].+)$/;

function localDay(epochMs: number): number {
  const d = new Date(epochMs);
  return Date.UTC(d.getFullYear(), d.getMonth(), d.getDate()) / 86_400_000;
}

/** `{day offset from the reference, the rest of the text}` for a date or date-time string. */
function relativeDate(text: string, referenceDay: number): { offset: number; rest: string } | undefined {
  const match = DATE_ONLY.exec(text) ?? DATE_TIME.exec(text);
  if (!match) return undefined;
  const day = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) / 86_400_000;
  if (!Number.isFinite(day)) return undefined;
  return { offset: day - referenceDay, rest: match[4] ?? '' };
}

// --- the diff ---

/** Strings holding a JSON object or array are compared as what they hold. */
function parseJsonText(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  if (!(trimmed.startsWith('{') || trimmed.startsWith('['))) return value;
  try {
    return JSON.parse(trimmed) as unknown;
  } catch {
    return value;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Plain deep equality (no JSON-in-strings, no dates, no ignore rules): the fast path for "same". */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return Object.is(a, b);
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ka = Object.keys(a);
  let nb = 0;
  for (const key in b) if (Object.hasOwn(b, key) && (b as Record<string, unknown>)[key] !== undefined) nb++;
  let na = 0;
  for (const key of ka) {
    const va = (a as Record<string, unknown>)[key];
    if (va === undefined) continue;
    na++;
    if (!Object.hasOwn(b, key) || !deepEqual(va, (b as Record<string, unknown>)[key])) return false;
  }
  return na === nb;
}

const NO_IGNORE = new IgnoreRules([]);

/** Differences between a recorded answer and a new one (empty: the same). */
export function compareAnswers(expected: unknown, actual: unknown, options: CompareOptions = {}, ignore = options.ignore?.length ? new IgnoreRules(options.ignore) : NO_IGNORE): Difference[] {
  // Most replayed answers are simply equal: say so without walking paths.
  if (deepEqual(expected, actual)) return [];
  const out: Difference[] = [];
  // Reference days only when two strings differ (most answers never need them).
  const sameRelativeDate = (a: string, b: string): boolean => {
    if (options.expectedNow === undefined || options.actualNow === undefined) return false;
    const x = relativeDate(a, localDay(options.expectedNow));
    const y = relativeDate(b, localDay(options.actualNow));
    return x !== undefined && y !== undefined && x.offset === y.offset && x.rest === y.rest;
  };
  const walk = (exp: unknown, act: unknown, path: PathSegment[]): void => {
    if (!ignore.empty && path.length > 0 && ignore.matches(path)) return;
    exp = parseJsonText(exp);
    act = parseJsonText(act);
    if (Array.isArray(exp) && Array.isArray(act)) {
      const length = Math.max(exp.length, act.length);
      for (let i = 0; i < length; i++) {
        path.push(i);
        if (i >= act.length) {
          if (ignore.empty || !ignore.matches(path)) out.push({ path: formatPath(path), expected: exp[i] });
        } else if (i >= exp.length) {
          if (ignore.empty || !ignore.matches(path)) out.push({ path: formatPath(path), actual: act[i] });
        } else walk(exp[i], act[i], path);
        path.pop();
      }
      return;
    }
    if (isPlainObject(exp) && isPlainObject(act)) {
      for (const key of Object.keys(exp)) {
        path.push(key);
        if (!Object.hasOwn(act, key) || act[key] === undefined) {
          if (exp[key] !== undefined && (ignore.empty || !ignore.matches(path))) out.push({ path: formatPath(path), expected: exp[key] });
        } else walk(exp[key], act[key], path);
        path.pop();
      }
      for (const key of Object.keys(act)) {
        if (Object.hasOwn(exp, key) && exp[key] !== undefined) continue;
        if (act[key] === undefined) continue;
        path.push(key);
        if (ignore.empty || !ignore.matches(path)) out.push({ path: formatPath(path), actual: act[key] });
        path.pop();
      }
      return;
    }
    if (Object.is(exp, act)) return;
    if (typeof exp === 'string' && typeof act === 'string' && (sameRelativeDate(exp, act) || (options.redacted === true && matchesRedacted(exp, act)))) return;
    // A redacted number (the recording's placeholder) against the real one.
    if (options.redacted === true && typeof exp === 'string' && typeof act === 'number' && matchesRedacted(exp, String(act))) return;
    out.push({ path: formatPath(path), expected: exp, actual: act });
  };
  walk(expected, actual, []);
  return out;
}
