/**
 * Where each object and array of a big JSON text ends, found by json-index.wat (SIMD, 64 bytes a step):
 * the position scan (source.ts) jumps over every container no finding enters instead of reading it
 * character by character. On a 10k-node flow that reading was most of the scan, and lint runs it once, in
 * a fresh process, before V8 has optimised any of it; WebAssembly is machine code from the start.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { JSON_INDEX_WASM } from './json-index-wasm.js';

/** Below this many characters the JavaScript scanner alone is as fast, and no module is compiled. */
export const INDEX_FROM_CHARS = 1 << 20;
/** Deeper nesting than this (no flow comes near) is left to the JavaScript scanner. */
const MAX_DEPTH = 4096;
/** Blocks of 64 bytes a call: between calls V8 can switch scan() to its optimised code. */
const SLICE_BLOCKS = 4096;

// TypeScript declares WebAssembly only with the DOM library, which this Node project leaves out.
declare const WebAssembly: {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: object };
};

interface Exports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  init(out: number, stk: number, maxDepth: number, maxCount: number): void;
  scan(from: number, to: number): number;
  count(): number;
  depth(): number;
  adjust(): number;
  refsInit(table: number): void;
  refs(from: number, to: number, len: number, out: number, max: number): number;
  refCount(): number;
}

let exportsOf: Exports | null | undefined;

/**
 * The instance, made on first use; null where WebAssembly (or its SIMD) is not available, or with
 * RETELL_KIT_WASM=0 (the JavaScript scanner alone: same positions, slower on big flows).
 */
function instance(): Exports | null {
  if (exportsOf === undefined) {
    if (process.env.RETELL_KIT_WASM === '0') return (exportsOf = null);
    try {
      const made = new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(JSON_INDEX_WASM, 'base64')));
      exportsOf = made.exports as unknown as Exports;
    } catch {
      exportsOf = null;
    }
  }
  return exportsOf;
}

/** Fields of an entry (json-index.wat): a container in the order containers open. */
const OPEN = 0;
const CLOSE = 1;
const OPEN_LINES = 2;
const CLOSE_LINES = 3;
const NEXT = 4;
const COMMAS = 5;
const CHILDREN = 6;
const FIELDS = 8;

/**
 * The containers of a JSON text in the order they open: where each opens and closes (UTF-16 offsets),
 * the line feeds before both, the next container after its last descendant, and what it holds directly.
 * Valid only for the text it was built from. Lookups by offset go forward only (the scan's order).
 */
export class ContainerIndex {
  private cursor = 0;

  constructor(
    private readonly entries: Int32Array,
    readonly count: number,
  ) {}

  /** The container that opens at `offset`, or -1; offsets asked must not decrease (see moveTo). */
  at(offset: number): number {
    const e = this.entries;
    let k = this.cursor;
    while (k < this.count && e[k * FIELDS + OPEN]! < offset) k++;
    this.cursor = k;
    return k < this.count && e[k * FIELDS + OPEN] === offset ? k : -1;
  }

  /** Lookups go on from container k (after a jump straight to it). */
  moveTo(k: number): void {
    this.cursor = k;
  }

  open(k: number): number {
    return this.entries[k * FIELDS + OPEN]!;
  }

  close(k: number): number {
    return this.entries[k * FIELDS + CLOSE]!;
  }

  /** 1-based line of the opening bracket. */
  openLine(k: number): number {
    return this.entries[k * FIELDS + OPEN_LINES]! + 1;
  }

  /** 1-based line of the closing bracket. */
  closeLine(k: number): number {
    return this.entries[k * FIELDS + CLOSE_LINES]! + 1;
  }

  /** The container after k's last descendant: k's next sibling when there is one. */
  next(k: number): number {
    return this.entries[k * FIELDS + NEXT]!;
  }

  /** For an array: how many elements it has when every one is an object or array, else -1. */
  containerElements(k: number): number {
    const children = this.entries[k * FIELDS + CHILDREN]!;
    return children > 0 && children === this.entries[k * FIELDS + COMMAS]! + 1 ? children : -1;
  }
}

/** Where the text, the stack and the entries go in memory for a text of `bytes` UTF-8 bytes. */
function layout(bytes: number): { padded: number; stk: number; out: number; maxCount: number; end: number } {
  const padded = Math.ceil(bytes / 64) * 64;
  const stk = padded;
  const out = stk + MAX_DEPTH * 4;
  // A container takes two brackets; one every 16 bytes is far beyond a flow's (a 10k-node export has one
  // every ~100). A text with more falls back. Pages are committed as they are written, not at grow.
  const maxCount = (bytes >> 4) + 64;
  return { padded, stk, out, maxCount, end: out + maxCount * FIELDS * 4 };
}

/** The memory grown to hold a text of `bytes` bytes and its index; false when it cannot grow. */
function reserve(wasm: Exports, bytes: number): boolean {
  try {
    const have = wasm.memory.buffer.byteLength;
    const end = layout(bytes).end;
    if (have < end) wasm.memory.grow(Math.ceil((end - have) / 65536));
    return true;
  } catch {
    return false;
  }
}

/** Counts every write of a text into the memory: a lease is good while the count is still its own. */
let writes = 0;

/** Says that the memory holds a file's bytes, as read (see readFileForIndex). */
export interface IndexLease {
  readonly write: number;
  readonly bytes: number;
}

/**
 * Read a file, straight into the index's memory when it is big enough to be indexed: the index needs the
 * bytes there, and a Buffer of their own plus a copy cost about as much as the scan (most of it the
 * kernel giving the process fresh pages). The bytes are a view into that memory, good until the next
 * read or index; decode them at once. The lease lets indexJson use them in place while they are there.
 */
export function readFileForIndex(file: string): { bytes: Buffer; lease?: IndexLease } {
  const fd = openSync(file, 'r');
  try {
    const { size } = fstatSync(fd);
    const wasm = size >= INDEX_FROM_CHARS ? instance() : null;
    if (!wasm || !reserve(wasm, size)) return { bytes: readFileSync(fd) };
    const bytes = Buffer.from(wasm.memory.buffer, 0, size);
    let got = 0;
    while (got < size) {
      const n = readSync(fd, bytes, got, size - got, got);
      if (n === 0) break;
      got += n;
    }
    // A file that changed size while read: as readFileSync reads it, in a Buffer of its own.
    if (got !== size || readSync(fd, Buffer.alloc(1), 0, 1, size) !== 0) return { bytes: readFileSync(file) };
    return { bytes, lease: { write: ++writes, bytes: size } };
  } finally {
    closeSync(fd);
  }
}

/** The write whose bytes inPlace last found to be valid UTF-8 without a BOM (checked once a write). */
let checkedWrite = -1;

/** The leased bytes are still in memory, and they are the text's own: valid UTF-8 without a BOM. */
function inPlace(wasm: Exports, lease: IndexLease | undefined): boolean {
  if (!lease || lease.write !== writes) return false;
  if (checkedWrite === lease.write) return true;
  const bytes = Buffer.from(wasm.memory.buffer, 0, lease.bytes);
  if ((bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) || !isUtf8(bytes)) return false;
  checkedWrite = lease.write;
  return true;
}

/** The text a lease's bytes were decoded into (parseSource says so): what templateReferences can answer for. */
let leased: { text: string; lease: IndexLease } | undefined;

/** Says that `text` is the decoding of the bytes `lease` holds (until the next read). */
export function noteLease(text: string, lease: IndexLease | undefined): void {
  leased = lease ? { text, lease } : undefined;
}

/** Distinct names refs() keeps (its hash table has twice as many slots); a text with more falls back. */
const MAX_NAMES = 32768;
const TABLE_BYTES = 65536 * 4;

/**
 * The distinct raw names (untrimmed, as written) of the complete `{{name}}` references in `text`: the
 * names variables.ts's loop meets, found by refs() in the bytes the text was read from. Undefined unless
 * noteLease tied the text to bytes still in memory (big files), where WebAssembly is unavailable, or
 * past MAX_NAMES. On a 10k-node flow that loop met ~14k references of ~400 names and ~96k other braces,
 * all as cold code (~10 ms).
 */
export function templateReferences(text: string): string[] | undefined {
  const wasm = leased?.text === text ? instance() : undefined;
  if (!wasm || !inPlace(wasm, leased!.lease)) return undefined;
  const bytes = leased!.lease.bytes;
  // Table and names go where the index's entries go (reserved when the file was read; indexJson writes
  // them afresh): growing the memory here made V8 count 16 MB more external memory and start a full GC.
  const { out: table, end } = layout(bytes);
  const out = table + TABLE_BYTES;
  if (out + MAX_NAMES * 8 > end) return undefined;
  wasm.refsInit(table);
  for (let from = 0; from < bytes; from += SLICE_BLOCKS * 64) {
    if (wasm.refs(from, Math.min(bytes, from + SLICE_BLOCKS * 64), bytes, out, MAX_NAMES) !== 0) return undefined;
  }
  const count = wasm.refCount();
  const pairs = new Int32Array(wasm.memory.buffer, out, count * 2);
  const names = new Array<string>(count);
  if (bytes === text.length) {
    // ASCII: byte offsets are the string's offsets.
    for (let k = 0; k < count; k++) names[k] = text.slice(pairs[2 * k], pairs[2 * k + 1]);
  } else {
    // The bytes are the text's UTF-8 (inPlace), and braces are never inside a multi-byte character.
    const memory = Buffer.from(wasm.memory.buffer);
    for (let k = 0; k < count; k++) names[k] = memory.toString('utf8', pairs[2 * k], pairs[2 * k + 1]);
  }
  return names;
}

/**
 * The container index of `text`, which JSON.parse accepted (from the bytes a lease holds, else from the
 * text encoded anew); undefined for small texts, where WebAssembly is unavailable, or for a text the
 * index cannot take (nesting past 4096 levels, a container every few bytes, memory refused): the
 * caller's own scanner handles those.
 */
export function indexJson(text: string, lease?: IndexLease): ContainerIndex | undefined {
  if (text.length < INDEX_FROM_CHARS) return undefined;
  const wasm = instance();
  if (!wasm) return undefined;
  let bytes: number;
  if (inPlace(wasm, lease)) {
    bytes = lease!.bytes;
  } else {
    // The UTF-8 the offsets are counted in, encoded from the text itself: whatever the file's bytes were
    // (a BOM, invalid sequences Node replaced), the index agrees with the string the scanner reads.
    bytes = Buffer.byteLength(text, 'utf8');
    if (!reserve(wasm, bytes)) return undefined;
    Buffer.from(wasm.memory.buffer).write(text, 0, 'utf8');
    writes++;
  }
  const { padded, stk, out, maxCount } = layout(bytes);
  Buffer.from(wasm.memory.buffer).fill(0x20, bytes, padded);
  wasm.init(out, stk, MAX_DEPTH, maxCount);
  for (let from = 0; from < padded; from += SLICE_BLOCKS * 64) {
    if (wasm.scan(from, Math.min(padded, from + SLICE_BLOCKS * 64)) !== 0) return undefined;
  }
  // Every bracket closed, and the UTF-16 length agrees with the string's: else not this text's index.
  if (wasm.depth() !== 0 || bytes - wasm.adjust() !== text.length) return undefined;
  return new ContainerIndex(new Int32Array(wasm.memory.buffer, out, wasm.count() * FIELDS), wasm.count());
}
