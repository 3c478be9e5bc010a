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

// E.164 (+ and 7-15 digits, spaces or dashes allowed) or a North American number with separators.
// Bare digit runs are left alone: they are timestamps and ids far more often than numbers.
const PHONE = /\+\d(?:[\s.-]?\(?\d\)?){6,14}(?!\d)|\(?\b\d{3}\)?[\s.-]\d{3}[\s.-]\d{4}\b/g;
const NAME_KEY = /^(?:first|last|full|middle|given|family|customer|caller|client|patient|contact|user|person|guest)[_-]?name$/i;

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
    return (value) => this.apply(value, label);
  }

  /** Remove secrets from a string that is about to leave the process (error text, a log line). */
  scrub(text: string): string {
    let out = text;
    for (const secret of this.secrets) if (out.includes(secret)) out = out.split(secret).join('<secret>');
    return out;
  }

  private categoryOf(key: string): string | undefined {
    const lower = key.toLowerCase();
    if (this.fields.has(lower)) return lower.replace(/[^a-z0-9_]/g, '_');
    if (this.names && NAME_KEY.test(key)) return 'name';
    return undefined;
  }

  private apply<T>(value: T, label: Label): T {
    // Pass 1: values under sensitive keys, so they are also caught inside free text.
    const known: { text: string; category: string }[] = [];
    const collect = (node: unknown, depth: number): void => {
      if (depth > 64 || node === null || typeof node !== 'object') return;
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
        const category = this.categoryOf(key);
        if (category && (typeof child === 'string' || typeof child === 'number') && String(child).trim().length >= 2) {
          const text = String(child).trim();
          known.push({ text, category });
          // "Maria" alone in the transcript is the same person as customer_name "Maria Lopez".
          if (category === 'name') for (const part of text.split(/\s+/)) if (part.length >= 3 && part !== text) known.push({ text: part, category: `name\u0001${text}` });
        } else collect(child, depth + 1);
      }
    };
    collect(value, 0);
    known.sort((a, b) => b.text.length - a.text.length);
    const knownPattern = known.length ? new RegExp(`\\b(?:${known.map((k) => escapeRegExp(k.text)).join('|')})\\b`, 'gi') : undefined;
    const lookup = new Map(known.map((k) => [k.text.toLowerCase(), k] as const));
    const labelKnown = (match: string): string => {
      const entry = lookup.get(match.toLowerCase());
      if (!entry) return match;
      // Parts of a name share their full name's placeholder.
      const [category, whole] = entry.category.split('\u0001');
      return label(category!, whole ?? entry.text);
    };
    const redactString = (text: string): string => {
      let out = this.scrub(text);
      if (knownPattern) out = out.replace(knownPattern, labelKnown);
      if (this.phoneNumbers) out = out.replace(PHONE, (match) => label('phone', match));
      return out;
    };
    const walk = (node: unknown, depth: number): unknown => {
      if (typeof node === 'string') return redactString(node);
      if (node === null || typeof node !== 'object' || depth > 64) return node;
      if (Array.isArray(node)) return node.map((child) => walk(child, depth + 1));
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node as Record<string, unknown>)) {
        const category = this.categoryOf(key);
        out[key] = category && (typeof child === 'string' || typeof child === 'number') ? label(category, String(child).trim()) : walk(child, depth + 1);
      }
      return out;
    };
    return walk(value, 0) as T;
  }
}
