// Redaction for logs and recordings. Phone numbers anywhere in strings, values under name-like keys
// (and wherever those values reappear, e.g. in the transcript), values under configured keys, and
// secrets (the API key). Recordings get stable placeholders (`<phone-1>` means the same number
// everywhere in that file) so replay can still follow who said what; logs get plain labels.

export interface RedactOptions {
  /** Extra keys whose values are always replaced (`email`, `date_of_birth`). */
  fields?: readonly string[];
  phoneNumbers?: boolean;
  names?: boolean;
  /** Strings that must never be written (the API key). */
  secrets?: readonly string[];
}

// Phone numbers in free text, in the forms callers and systems write them:
// - E.164: + and 7-15 digits, spaces, dots, dashes or brackets allowed;
// - North American with separators: (415) 555-0100, 415.555.0100;
// - a bare run of exactly 10 digits, or 11 starting with 1 (4155550100, 14155550100): what a
//   transcript or an extracted variable holds. Shorter and longer runs (ids, ms timestamps) stay;
// - national format with the trunk 0, as UK and German callers say them: 020 7946 0958,
//   07700 900123, 030 12345678, (030) 1234567, 089/1234567, 0151 23456789 (10-13 digits, groups
//   after the area code of 3+ digits, so dates such as 01/02/2026 are not numbers).
const PHONE = /\+\d(?:[\s.-]?\(?\d\)?){6,14}(?!\d)|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b|(?<![\w+\-/]|\d\.)1?\d{10}(?![\w\-/]|\.\d)|(?<![\w+\-/]|\d\.)(?:\(0\d{1,4}\)|0\d{1,4})(?:[\s/-]?\d{3,8}){1,3}(?![\w\-/]|\.\d)/g;
const NATIONAL_DIGITS = { min: 10, max: 13 };
const PLACEHOLDER = /<([a-z0-9_]+)-(\d+)>/g;
const NAME_KEY = /^(?:first|last|full|middle|given|family|customer|caller|client|patient|contact|user|person|guest)[_-]?name$/i;
/** Under these keys (a function call's arguments) a plain `name` is a person; elsewhere it is a tool name. */
const ARGS_KEYS = new Set(['args', 'arguments']);

/**
 * Whether a string has the 7 digits the shortest phone number the pattern accepts has (E.164's
 * minimum; the others need 10): ids, names and short words skip the pattern altogether.
 */
function mayHoldPhone(text: string): boolean {
  if (text.length < 7) return false;
  let digits = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57 && ++digits === 7) return true;
  }
  return false;
}

type Label = (category: string, value: string) => string;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export class Redactor {
  private readonly fields: Set<string>;
  private readonly phoneNumbers: boolean;
  private readonly names: boolean;
  private readonly secrets: string[];

  constructor(options: RedactOptions = {}) {
    this.fields = new Set((options.fields ?? []).map((f) => f.toLowerCase()));
    this.phoneNumbers = options.phoneNumbers ?? true;
    this.names = options.names ?? true;
    this.secrets = (options.secrets ?? []).filter((s) => s.length >= 4);
  }

  /** Plain labels (`<phone>`, `<name>`) for one log line. */
  forLog<T>(value: T): T {
    return this.apply(value, (category) => `<${category}>`);
  }

  /** A redaction whose placeholders are stable across every value passed to it (one recording). */
  session(): (value: unknown) => unknown {
    const seen = new Map<string, string>();
    const counters = new Map<string, number>();
    const label: Label = (category, value) => {
      const id = `${category}\u0000${category === 'phone' ? value.replace(/[^\d]/g, '') : value.toLowerCase()}`;
      let placeholder = seen.get(id);
      if (!placeholder) {
        const n = (counters.get(category) ?? 0) + 1;
        counters.set(category, n);
        placeholder = `<${category}-${n}>`;
        seen.set(id, placeholder);
      }
      return placeholder;
    };
    return (value) => {
      // Data redacted earlier (at rest) already holds placeholders: new ones are numbered after them,
      // so `<phone-1>` never comes to mean two numbers in one file.
      const seed = (node: unknown, depth: number): void => {
        if (typeof node === 'string') {
          for (const m of node.matchAll(PLACEHOLDER)) counters.set(m[1]!, Math.max(counters.get(m[1]!) ?? 0, Number(m[2])));
        } else if (node !== null && typeof node === 'object' && depth <= 64) for (const child of Object.values(node)) seed(child, depth + 1);
      };
      seed(value, 0);
      return this.apply(value, label);
    };
  }

  /** Remove secrets from a string that is about to leave the process (error text, a log line). */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('<secret>');
    return out;
  }

  /** A JSON value with every secret removed (a handler that returns or throws the API key). */
  scrubValue<T>(value: T): T {
    if (!this.secrets.length || value === null || value === undefined) return value;
    // Every function answer passes here: look for a secret in its strings and keys first, and
    // serialise only the rare answer that holds one.
    if (!this.holdsSecret(value, 0)) return value;
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    return (typeof value === 'string' ? this.scrub(text) : JSON.parse(this.scrub(text))) as T;
  }

  /** Whether a secret appears in a string or key of `value` (deeper than 64 levels: assumed so, and scrubbed the slow way). */
  private holdsSecret(value: unknown, depth: number): boolean {
    if (typeof value === 'string') return this.secrets.some((secret) => value.includes(secret));
    if (value === null || typeof value !== 'object') return false;
    if (depth > 64) return true;
    if (typeof (value as { toJSON?: unknown }).toJSON === 'function') return this.holdsSecret(JSON.stringify(value), depth);
    if (Array.isArray(value)) return value.some((item) => this.holdsSecret(item, depth + 1));
    const record = value as Record<string, unknown>;
    for (const key of Object.keys(record)) if (this.holdsSecret(key, depth) || this.holdsSecret(record[key], depth + 1)) return true;
    return false;
  }

  private categoryOf(key: string, inArgs: boolean): string | undefined {
    const lower = key.toLowerCase();
    if (this.fields.size && this.fields.has(lower)) return lower.replace(/[^a-z0-9_]/g, '_');
    // Every name-like key ends in "name": most keys are ruled out without the pattern.
    if (this.names && lower.endsWith('name') && (NAME_KEY.test(key) || (inArgs && lower === 'name'))) return 'name';
    return undefined;
  }

  /** False for a national-format run of the wrong length (the pattern cannot count digits across separators). */
  private static phoneMatch(match: string): boolean {
    if (!(match.startsWith('0') || match.startsWith('(0'))) return true;
    const digits = match.replace(/\D/g, '').length;
    return digits >= NATIONAL_DIGITS.min && digits <= NATIONAL_DIGITS.max;
  }

  private apply<T>(value: T, label: Label): T {
    // Pass 1: values under sensitive keys, so they are also caught inside free text. (This runs for
    // every log line: Object.keys and plain assignment, not entries and defineProperty, on the way.)
    const known: { text: string; category: string }[] = [];
    const collect = (node: unknown, depth: number, inArgs: boolean): void => {
      if (depth > 64 || node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      for (const key of Object.keys(record)) {
        const child = record[key];
        const category = this.categoryOf(key, inArgs);
        if (category && (typeof child === 'string' || typeof child === 'number') && String(child).trim().length >= 2) {
          const text = String(child).trim();
          known.push({ text, category });
          // "Maria" alone in the transcript is the same person as customer_name "Maria Lopez".
          if (category === 'name') for (const part of text.split(/\s+/)) if (part.length >= 3 && part !== text) known.push({ text: part, category: `name\u0001${text}` });
        } else if (child !== null && typeof child === 'object') collect(child, depth + 1, inArgs || ARGS_KEYS.has(key));
      }
    };
    collect(value, 0, false);
    let knownPattern: RegExp | undefined;
    let labelKnown: ((match: string) => string) | undefined;
    if (known.length) {
      known.sort((a, b) => b.text.length - a.text.length);
      knownPattern = new RegExp(`\\b(?:${known.map((k) => escapeRegExp(k.text)).join('|')})\\b`, 'gi');
      const lookup = new Map(known.map((k) => [k.text.toLowerCase(), k] as const));
      labelKnown = (match: string): string => {
        const entry = lookup.get(match.toLowerCase());
        if (!entry) return match;
        // Parts of a name share their full name's placeholder.
        const [category, whole] = entry.category.split('\u0001');
        return label(category!, whole ?? entry.text);
      };
    }
    const redactString = (text: string): string => {
      let out = this.secrets.length ? this.scrub(text) : text;
      if (knownPattern) out = out.replace(knownPattern, labelKnown!);
      if (this.phoneNumbers && mayHoldPhone(out)) out = out.replace(PHONE, (match) => (Redactor.phoneMatch(match) ? label('phone', match) : match));
      return out;
    };
    const walk = (node: unknown, depth: number, inArgs: boolean): unknown => {
      if (typeof node === 'string') return redactString(node);
      if (node === null || typeof node !== 'object' || depth > 64) return node;
      if (Array.isArray(node)) return node.map((child) => walk(child, depth + 1, inArgs));
      const record = node as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        const child = record[key];
        const category = this.categoryOf(key, inArgs);
        const redacted = category && (typeof child === 'string' || typeof child === 'number') ? label(category, String(child).trim()) : walk(child, depth + 1, inArgs || ARGS_KEYS.has(key));
        // A key named __proto__ stays a key (plain assignment would set the prototype and drop it).
        if (key === '__proto__') Object.defineProperty(out, key, { value: redacted, enumerable: true, writable: true, configurable: true });
        else out[key] = redacted;
      }
      return out;
    };
    return walk(value, 0, false) as T;
  }
}
