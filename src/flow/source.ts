import { createRequire } from 'node:module';
import type { Document } from 'yaml';
import { indexJson, noteLease, type ContainerIndex, type IndexLease } from './json-index.js';
import { findJsonSyntaxError } from './json-syntax.js';
import { split } from './pointer.js';

export interface Range {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export type SourceFormat = 'json' | 'yaml';

/**
 * Part of a string value, as UTF-16 offsets into the string as parsed (escapes decoded): where in a long
 * prompt a finding is, e.g. one `{{variable}}` of many.
 */
export interface Span {
  start: number;
  end: number;
}

type Yaml = typeof import('yaml');
let yamlModule: Yaml | undefined;

/** yaml is a quarter of lint's code and most flows are JSON: it is required on the first YAML input. */
function yaml(): Yaml {
  return (yamlModule ??= createRequire(import.meta.url)('yaml') as Yaml);
}

/**
 * The text of one input and the way back from a JSON pointer to a range in it.
 * JSON is parsed with JSON.parse (fast) and ranges are found afterwards, only for the pointers that
 * diagnostics name, in one scan that skips every subtree no pointer enters.
 */
export interface SourceText {
  readonly path: string;
  readonly text: string;
  readonly format: SourceFormat;
  /** Ranges for many pointers at once; a missing pointer falls back to its nearest existing ancestor. */
  locate(pointers: readonly string[]): Map<string, Range>;
  rangeAtOffset(start: number, end: number): Range;
  /**
   * The range of `span` of the string `value` whose whole range locate gave as `range`; `range` itself
   * when the text there does not show that part of the string as written (then the finding keeps the
   * whole value's range, never a wrong one).
   */
  narrow(range: Range, value: string, span: Span): Range;
}

class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  private lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      let i = this.text.indexOf('\n');
      while (i !== -1) {
        starts.push(i + 1);
        i = this.text.indexOf('\n', i + 1);
      }
      this.starts = starts;
    }
    return this.starts;
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts();
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  }

  /** The offset of a 1-based line and column (columns in UTF-16 code units, as position gives them). */
  offset(line: number, column: number): number {
    const starts = this.lineStarts();
    return (starts[line - 1] ?? this.text.length) + column - 1;
  }

  range(start: number, end: number): Range {
    const a = this.position(start);
    const b = this.position(Math.max(start, end));
    return { line: a.line, column: a.column, endLine: b.line, endColumn: b.column };
  }
}

/**
 * Just past the closing quote of the string that opens at `open` (the text's end if it never closes).
 * indexOf jumps over the text (most of a flow is prompt text); a quote after an odd number of
 * backslashes is escaped.
 */
function stringEnd(text: string, open: number): number {
  let from = open + 1;
  for (;;) {
    const q = text.indexOf('"', from);
    if (q === -1) return text.length;
    let b = q - 1;
    while (b > open && text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    from = q + 1;
  }
}

/** The line feeds skipContainer passed, and where the line after the last one starts. */
const skipped = { lines: 0, lineStart: 0 };

/**
 * The end of the object or array that opens at `i`. Most of a scan is here (every node before the last
 * one a finding names): a top-level function with local variables, where the scanner's closures
 * would read and write `i` in their shared context at each character.
 */
function skipContainer(text: string, i: number): number {
  const n = text.length;
  let depth = 0;
  let lines = 0;
  let lineStart = 0;
  while (i < n) {
    const d = text.charCodeAt(i);
    // Indentation is most of what lies between a flow's strings: spaces first.
    if (d === 32) {
      i++;
      continue;
    }
    if (d === 34) {
      i = stringEnd(text, i);
      continue;
    }
    i++;
    if (d === 123 || d === 91) depth++;
    else if (d === 125 || d === 93) {
      if (--depth === 0) break;
    } else if (d === 10) {
      lines++;
      lineStart = i;
    }
  }
  skipped.lines = lines;
  skipped.lineStart = lineStart;
  return i;
}

/**
 * Range of the value at each requested pointer, found in one pass over JSON text. Lines are counted
 * during the same pass (a JSON string never holds a raw newline, so only whitespace between tokens
 * can): a separate index of every line start cost as much as the scan itself on big flows. With a
 * container index (big texts), a skipped object or array is one lookup instead of a read of it.
 */
function scanJson(text: string, wanted: Set<string>, prefixes: Set<string>, indices: Map<string, Set<number>>, containers: ContainerIndex | undefined): Map<string, Range> {
  const found = new Map<string, Range>();
  let i = 0;
  const n = text.length;
  let line = 1;
  let lineStart = 0;

  const ws = () => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = ++i;
      } else if (c === 32 || c === 13 || c === 9) i++;
      else break;
    }
  };
  const readString = (): string => {
    const start = i;
    i = stringEnd(text, i);
    // Keys are short and rarely escaped: JSON.parse only for one with a backslash.
    let k = start + 1;
    while (k < i - 1 && text.charCodeAt(k) !== 92) k++;
    if (k === i - 1) return text.slice(start + 1, k);
    try {
      return JSON.parse(text.slice(start, i)) as string;
    } catch {
      return text.slice(start + 1, i - 1);
    }
  };
  /** On to the line of `offset` (1-based `lineAt`): the line's start is looked up only when it changed. */
  const moveTo = (offset: number, lineAt: number) => {
    if (lineAt !== line) {
      line = lineAt;
      lineStart = text.lastIndexOf('\n', offset) + 1;
    }
    i = offset;
  };
  /** Just past the closing bracket at `close`, on line `lineAt`. */
  const closeAt = (close: number, lineAt: number) => {
    moveTo(close, lineAt);
    i = close + 1;
  };
  const skipValue = () => {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = stringEnd(text, i);
      return;
    }
    if (c === 123 || c === 91) {
      const k = containers ? containers.at(i) : -1;
      if (k !== -1) {
        closeAt(containers!.close(k), containers!.closeLine(k));
        // Lookups go on after its descendants, not through them.
        containers!.moveTo(containers!.next(k));
        return;
      }
      i = skipContainer(text, i);
      if (skipped.lines > 0) {
        line += skipped.lines;
        lineStart = skipped.lineStart;
      }
      return;
    }
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d === 44 || d === 125 || d === 93 || d === 32 || d === 10 || d === 13 || d === 9) return;
      i++;
    }
  };
  const escape = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');
  const range = (startLine: number, startColumn: number): Range => ({ line: startLine, column: startColumn, endLine: line, endColumn: i - lineStart + 1 });

  // Iterative walk: a stack of open containers that some wanted pointer enters.
  // `hits`: for an array, the indexes some pointer goes to (the others are skipped without a pointer string).
  // `entry`: for an array of objects or arrays in the container index, its entry (else -1); the scan then
  // jumps from one element some pointer goes to straight to the next (`child`: the entry of element
  // `index`; `next`: position in `order`, the hits in ascending order).
  type Frame = {
    pointer: string;
    isArray: boolean;
    index: number;
    line: number;
    column: number;
    hits: Set<number> | undefined;
    entry: number;
    elements: number;
    child: number;
    order: number[];
    next: number;
  };
  const stack: Frame[] = [];
  const enterValue = (pointer: string): void => {
    ws();
    const startLine = line;
    const startColumn = i - lineStart + 1;
    const c = text.charCodeAt(i);
    if ((c === 123 || c === 91) && prefixes.has(pointer)) {
      const hits = c === 91 ? indices.get(pointer) : undefined;
      const entry = hits && containers ? containers.at(i) : -1;
      const elements = entry === -1 ? -1 : containers!.containerElements(entry);
      i++;
      stack.push({
        pointer,
        isArray: c === 91,
        index: 0,
        line: startLine,
        column: startColumn,
        hits,
        entry: elements === -1 ? -1 : entry,
        elements,
        child: entry + 1,
        order: elements === -1 ? [] : [...hits!].sort((a, b) => a - b),
        next: 0,
      });
      return;
    }
    skipValue();
    if (wanted.has(pointer)) found.set(pointer, range(startLine, startColumn));
  };

  enterValue('');
  while (stack.length > 0 && i < n) {
    const frame = stack[stack.length - 1]!;
    if (frame.entry !== -1) {
      // An indexed array of containers: straight to the next element a pointer goes to, or to its end.
      const order = frame.order;
      while (frame.next < order.length && order[frame.next]! < frame.index) frame.next++;
      const hit = frame.next < order.length ? order[frame.next]! : frame.elements;
      if (hit >= frame.elements) {
        closeAt(containers!.close(frame.entry), containers!.closeLine(frame.entry));
        stack.pop();
        if (wanted.has(frame.pointer)) found.set(frame.pointer, range(frame.line, frame.column));
        continue;
      }
      while (frame.index < hit) {
        frame.child = containers!.next(frame.child);
        frame.index++;
      }
      const child = frame.child;
      moveTo(containers!.open(child), containers!.openLine(child));
      containers!.moveTo(child);
      frame.child = containers!.next(child);
      frame.index++;
      enterValue(frame.pointer + '/' + hit);
      continue;
    }
    ws();
    const c = text.charCodeAt(i);
    if (c === 44) {
      i++;
      continue;
    }
    if (c === 125 || c === 93) {
      i++;
      stack.pop();
      if (wanted.has(frame.pointer)) found.set(frame.pointer, range(frame.line, frame.column));
      continue;
    }
    if (frame.isArray) {
      const index = frame.index++;
      if (frame.hits?.has(index)) {
        enterValue(frame.pointer + '/' + index);
      } else {
        ws();
        skipValue();
      }
    } else {
      if (c !== 34) {
        i++;
        continue;
      }
      const keyLine = line;
      const keyColumn = i - lineStart + 1;
      const key = readString();
      const keyRange = range(keyLine, keyColumn);
      ws();
      if (text.charCodeAt(i) === 58) i++;
      const child = frame.pointer + '/' + escape(key);
      enterValue(child);
      // Keys are useful too: `#key` variants point at the property name.
      if (wanted.has(child + '#key')) found.set(child + '#key', keyRange);
    }
  }
  return found;
}

function ancestors(pointer: string): string[] {
  const out: string[] = [];
  let p = pointer;
  while (p !== '') {
    p = p.slice(0, p.lastIndexOf('/'));
    out.push(p);
  }
  return out;
}

export class JsonSource implements SourceText {
  readonly format = 'json' as const;
  private readonly lines: LineIndex;
  constructor(
    readonly path: string,
    readonly text: string,
    /** The file's bytes in the position index's memory, when it was read there (big files). */
    private readonly lease?: IndexLease,
  ) {
    this.lines = new LineIndex(text);
  }

  locate(pointers: readonly string[]): Map<string, Range> {
    // A clean file asks for nothing: no scan of its text.
    if (pointers.length === 0) return new Map();
    const wanted = new Set<string>();
    const prefixes = new Set<string>();
    for (const p of pointers) {
      wanted.add(p);
      for (const a of ancestors(p)) {
        wanted.add(a);
        prefixes.add(a);
      }
    }
    // Array indexes on the way to a wanted pointer, by array: a flow's nodes array has thousands of
    // elements, and only these few need a pointer string of their own.
    const indices = new Map<string, Set<number>>();
    for (const p of wanted) {
      const slash = p.lastIndexOf('/');
      if (slash === -1) continue;
      const token = p.slice(slash + 1);
      if (!/^(?:0|[1-9]\d*)$/.test(token)) continue;
      const parent = p.slice(0, slash);
      let set = indices.get(parent);
      if (!set) indices.set(parent, (set = new Set()));
      set.add(Number(token));
    }
    const ranges = scanJson(this.text, wanted, prefixes, indices, indexJson(this.text, this.lease));
    const out = new Map<string, Range>();
    for (const p of pointers) {
      let hit = ranges.get(p);
      if (!hit) for (const a of ancestors(p)) if ((hit = ranges.get(a))) break;
      out.set(p, hit ?? { line: 1, column: 1, endLine: 1, endColumn: 1 });
    }
    return out;
  }

  rangeAtOffset(start: number, end: number): Range {
    return this.lines.range(start, end);
  }

  narrow(range: Range, value: string, span: Span): Range {
    const open = this.lines.offset(range.line, range.column);
    if (this.text.charCodeAt(open) !== 34 || span.start < 0 || span.start > span.end || span.end > value.length) return range;
    // Walk the literal: an escape is one character of the value (a \uXXXX one UTF-16 unit, as the value
    // counts a surrogate pair as two), anything else itself.
    const text = this.text;
    let at = open + 1;
    let start = -1;
    for (let k = 0; ; k++) {
      if (k === span.start) start = at;
      if (k === span.end) break;
      const c = text.charCodeAt(at);
      if (c === 34 || at >= text.length) return range;
      at += c !== 92 ? 1 : text.charCodeAt(at + 1) === 117 ? 6 : 2;
    }
    // A literal that does not spell this part of the value is not the value's (locate fell back to an
    // ancestor): keep the whole range. The slice holds whole escapes, so it decodes on its own.
    const raw = text.slice(start, at);
    if ((raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw) !== value.slice(span.start, span.end)) return range;
    return this.lines.range(start, at);
  }
}

export class YamlSource implements SourceText {
  readonly format = 'yaml' as const;
  private readonly lines: LineIndex;
  constructor(
    readonly path: string,
    readonly text: string,
    private readonly doc: Document,
  ) {
    this.lines = new LineIndex(text);
  }

  locate(pointers: readonly string[]): Map<string, Range> {
    const out = new Map<string, Range>();
    for (const p of pointers) {
      const tokens = split(p);
      let range: Range | undefined;
      for (let k = tokens.length; k >= 0 && !range; k--) {
        const node = this.doc.getIn(tokens.slice(0, k), true);
        if (yaml().isNode(node) && node.range) range = this.lines.range(node.range[0], node.range[1]);
      }
      out.set(p, range ?? this.lines.range(0, 0));
    }
    return out;
  }

  rangeAtOffset(start: number, end: number): Range {
    return this.lines.range(start, end);
  }

  /**
   * YAML writes a string in five styles (plain, quoted twice, block literal or folded), folding lines
   * and stripping indentation: rather than undo each, the part is found as written. When the scalar's
   * source holds the part's text exactly as often as the value does, the k-th there is the k-th in the value.
   */
  narrow(range: Range, value: string, span: Span): Range {
    const part = value.slice(span.start, span.end);
    if (part === '' || span.start < 0 || span.end > value.length) return range;
    const from = this.lines.offset(range.line, range.column);
    const source = this.text.slice(from, this.lines.offset(range.endLine, range.endColumn));
    if (occurrences(value, part, value.length) !== occurrences(source, part, source.length)) return range;
    let at = source.indexOf(part);
    for (let k = occurrences(value, part, span.start); k > 0; k--) at = source.indexOf(part, at + 1);
    return this.lines.range(from + at, from + at + part.length);
  }
}

/** How many times `part` starts in `text` before `limit` (overlapping ones too). */
function occurrences(text: string, part: string, limit: number): number {
  let n = 0;
  for (let at = text.indexOf(part); at !== -1 && at < limit; at = text.indexOf(part, at + 1)) n++;
  return n;
}

export interface ParseFailure {
  message: string;
  range: Range;
}

export type ParseResult =
  | { ok: true; value: unknown; source: SourceText }
  | { ok: false; error: ParseFailure; source: SourceText };

export function parseSource(path: string, rawText: string, format: SourceFormat, lease?: IndexLease): ParseResult {
  const text = rawText.charCodeAt(0) === 0xfeff ? rawText.slice(1) : rawText;
  if (format === 'json') {
    const source = new JsonSource(path, text, lease);
    noteLease(text, lease);
    try {
      return { ok: true, value: JSON.parse(text), source };
    } catch (error) {
      const found = findJsonSyntaxError(text) ?? { offset: 0, message: (error as Error).message };
      const offset = Math.min(found.offset, text.length);
      return { ok: false, error: { message: `invalid JSON: ${found.message}`, range: source.rangeAtOffset(offset, offset) }, source };
    }
  }
  const tooDeep = yamlFlowDepthExceeded(text);
  if (tooDeep !== undefined) {
    const source = new YamlSource(path, text, new (yaml().Document)());
    const message = `invalid YAML: brackets nested deeper than ${MAX_YAML_FLOW_DEPTH} levels`;
    return { ok: false, error: { message, range: source.rangeAtOffset(tooDeep, tooDeep + 1) }, source };
  }
  const { LineCounter, parseDocument } = yaml();
  const lineCounter = new LineCounter();
  // logLevel 'error': yaml's warnings (e.g. collection keys) would print Node warnings on stderr.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true, logLevel: 'error' });
  const source = new YamlSource(path, text, doc);
  const first = doc.errors[0];
  if (first) {
    const [start, end] = first.pos;
    return {
      ok: false,
      error: { message: `invalid YAML: ${first.message.split('\n')[0]}`, range: source.rangeAtOffset(start, end) },
      source,
    };
  }
  try {
    return { ok: true, value: doc.toJS({ maxAliasCount: 1000 }), source };
  } catch (error) {
    // toJS throws on alias bombs and unresolved aliases: still a finding, not a crash.
    return { ok: false, error: { message: `invalid YAML: ${(error as Error).message}`, range: source.rangeAtOffset(0, 0) }, source };
  }
}

/**
 * yaml parses flow collections ([...] {...}) recursively: thousands of levels overflow the stack, and a
 * second such file in the same process has aborted V8 outright (seen on Node 20). No flow nests past a
 * few dozen levels, so stop early. Counts brackets even inside strings: the limit leaves room for that.
 */
export const MAX_YAML_FLOW_DEPTH = 256;

function yamlFlowDepthExceeded(text: string): number | undefined {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) {
      if (++depth > MAX_YAML_FLOW_DEPTH) return i;
    } else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return undefined;
}
