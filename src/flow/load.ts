import { statSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { recognise, type NotAFlow, type Recognised } from '../retell/wire.js';
import { isKnownNonRetellFile, WALK_IGNORES } from './non-retell.js';
import { readFileForIndex, type IndexLease } from './json-index.js';
import { parseSource, type Range, type SourceFormat, type SourceText } from './source.js';

/** One conversation flow found inside a file, with the pointer to where it sits. */
export interface FlowInput {
  /** Pointer of the flow object inside the file: '' for a bare flow, '/conversationFlow' for an agent export. */
  pointer: string;
  value: Record<string, unknown>;
  /** conversation_flow_id when the flow has one, else the pointer: stable across reformatting. */
  flowId: string;
  /** What kind of wrapper carried the flow: used in messages. */
  shape: FlowShape;
}

export type FlowShape = 'flow' | 'agent-export' | 'list-element';

/**
 * Something the loader finds before any rule runs: data only. Which rule reports it, and in what
 * words, is decided by one table (validators/loader-problems.ts).
 */
export type LoaderProblem =
  | { kind: 'syntax'; pointer: ''; message: string; range: Range }
  /** Bytes that are not UTF-8 text: a UTF-16 file (PowerShell's `>` and Notepad's "Unicode" write these). */
  | { kind: 'encoding'; pointer: ''; encoding: 'UTF-16LE' | 'UTF-16BE'; range: Range }
  | { kind: 'not-an-object'; pointer: string; found: string }
  /** A Retell object that is not a flow: what the recogniser made of it. */
  | { kind: 'not-a-flow'; pointer: string; what: NotAFlow }
  | { kind: 'empty-list'; pointer: string }
  | { kind: 'unrecognised'; pointer: string; keys: string[] };

export interface LoadedFile {
  /** Path as shown in reports (relative to cwd when inside it, forward slashes). */
  path: string;
  source: SourceText;
  value: unknown;
  flows: FlowInput[];
  problems: LoaderProblem[];
}

const FLOW_EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

export function formatOf(file: string): SourceFormat {
  const ext = path.extname(file).toLowerCase();
  return ext === '.yaml' || ext === '.yml' ? 'yaml' : 'json';
}

export function displayPath(file: string, cwd = process.cwd()): string {
  if (file === '-' || file.startsWith('<')) return file;
  const abs = path.resolve(cwd, file);
  const rel = path.relative(cwd, abs);
  const shown = rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? rel : abs;
  return shown.split(path.sep).join('/');
}

function flowIdOf(value: Record<string, unknown>, pointer: string): string {
  const id = value.conversation_flow_id;
  // Without the version: a baseline must survive publishing the next version of the same flow.
  if (typeof id === 'string' && id) return id;
  return pointer === '' ? '#' : `#${pointer}`;
}

/** The flow(s) inside any shape Retell users have on disk, and a problem for each part that is not one. */
export function findFlows(value: unknown): { flows: FlowInput[]; problems: LoaderProblem[] } {
  const flows: FlowInput[] = [];
  const problems: LoaderProblem[] = [];
  const addFlow = (flow: Record<string, unknown>, pointer: string, shape: FlowShape): void => {
    flows.push({ pointer, value: flow, flowId: flowIdOf(flow, pointer), shape });
  };
  const visit = (doc: Recognised, inList: boolean): void => {
    switch (doc.kind) {
      case 'flow':
        return addFlow(doc.flow, doc.pointer, inList ? 'list-element' : 'flow');
      case 'agent-export':
        return addFlow(doc.flow, doc.flowPointer, 'agent-export');
      case 'list':
        if (doc.items.length === 0) problems.push({ kind: 'empty-list', pointer: doc.itemsPointer });
        for (const item of doc.items) visit(item, true);
        return;
      case 'not-an-object':
        problems.push({ kind: 'not-an-object', pointer: doc.pointer, found: doc.found });
        return;
      case 'unrecognised':
        problems.push({ kind: 'unrecognised', pointer: doc.pointer, keys: doc.keys });
        return;
      default:
        problems.push({ kind: 'not-a-flow', pointer: doc.pointer, what: doc });
    }
  };
  visit(recognise(value), false);
  return { flows, problems };
}

/** JSON or YAML: the file name's extension when it has one of ours, else the text (JSON starts with { or [). */
function sniffFormat(text: string, shownPath: string): SourceFormat {
  const ext = path.extname(shownPath).toLowerCase();
  if (ext === '.json') return 'json';
  if (ext === '.yaml' || ext === '.yml') return 'yaml';
  return /^[\s\uFEFF]*[[{]/.test(text) ? 'json' : 'yaml';
}

/** UTF-16 by its byte-order mark, or by the zero bytes ASCII leaves in it. */
export function utf16Of(buf: Uint8Array): 'UTF-16LE' | 'UTF-16BE' | undefined {
  if (buf[0] === 0xff && buf[1] === 0xfe) return 'UTF-16LE';
  if (buf[0] === 0xfe && buf[1] === 0xff) return 'UTF-16BE';
  if (buf.length >= 4 && buf[0] !== 0 && buf[1] === 0 && buf[2] !== 0 && buf[3] === 0) return 'UTF-16LE';
  if (buf.length >= 4 && buf[0] === 0 && buf[1] !== 0 && buf[2] === 0 && buf[3] !== 0) return 'UTF-16BE';
  return undefined;
}

/** Where a text comes from: the name shown for it and its format when known. */
export interface TextOptions {
  path?: string;
  format?: SourceFormat;
  /** Set by loadFile for a big file it read into the position index's memory (flow/json-index.ts); callers leave it out. */
  lease?: IndexLease;
}

/** Load bytes (a file, stdin): UTF-8 text is parsed; UTF-16 is one problem saying so and how to convert. */
export function loadBytes(buf: Buffer, options: TextOptions = {}): LoadedFile {
  const encoding = utf16Of(buf);
  if (!encoding) return loadText(buf.toString('utf8'), options);
  const shownPath = options.path ?? '<input>';
  const { source } = parseSource(shownPath, '', 'yaml');
  return { path: shownPath, source, value: undefined, flows: [], problems: [{ kind: 'encoding', pointer: '', encoding, range: { line: 1, column: 1, endLine: 1, endColumn: 1 } }] };
}

/** Parse text that is already in memory (stdin, tests, the programmatic API). */
export function loadText(text: string, options: TextOptions = {}): LoadedFile {
  const shownPath = options.path ?? '<input>';
  const format = options.format ?? sniffFormat(text, shownPath);
  const parsed = parseSource(shownPath, text, format, options.lease);
  if (!parsed.ok) {
    return {
      path: shownPath,
      source: parsed.source,
      value: undefined,
      flows: [],
      problems: [{ kind: 'syntax', pointer: '', message: parsed.error.message, range: parsed.error.range }],
    };
  }
  const { flows, problems } = findFlows(parsed.value);
  return { path: shownPath, source: parsed.source, value: parsed.value, flows, problems };
}

export async function loadFile(file: string, cwd = process.cwd()): Promise<LoadedFile> {
  const abs = path.resolve(cwd, file);
  let read: ReturnType<typeof readFileForIndex>;
  try {
    // One decode of the whole buffer: readFile(path, 'utf8') decodes chunk by chunk, 4x slower on big flows.
    // One synchronous read, as ESLint does: the promise API reads a big flow in 512 kB round trips
    // through the thread pool, and lint has nothing else to do meanwhile. A big file is read where the
    // position index wants its bytes (flow/json-index.ts).
    read = readFileForIndex(abs);
  } catch (error) {
    throw ioError(file, error);
  }
  return loadBytes(read.bytes, { path: displayPath(file, cwd), format: formatOf(file), lease: read.lease });
}

function ioError(file: string, error: unknown): KitError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KitError('not-found', 'no such file or directory', { file, hint: 'check the path', cause: error });
  if (code === 'EACCES') return new KitError('io', 'permission denied', { file, hint: 'check the file permissions', cause: error });
  if (code === 'EISDIR') return new KitError('io', 'is a directory', { file, cause: error });
  return new KitError('io', `cannot read: ${(error as Error).message}`, { file, cause: error });
}

/** A file to lint; `explicit` when the command line named it (not found by a folder or a glob). */
export interface InputFile {
  path: string;
  explicit: boolean;
}

/** A file a folder or glob found and lint left alone, and why. */
export interface SkippedFile {
  file: string;
  /** ignored: an ignore pattern; known-name: never a Retell file by its name (lock files, compose files), not read; not-retell: read, nothing of Retell in it. */
  reason: 'ignored' | 'known-name' | 'not-retell';
  /** Named on the command line (only an ignore pattern skips such a file). */
  explicit: boolean;
}

export interface CollectOptions {
  /** Ignore patterns (config `ignores`, --ignore-pattern) as a predicate over absolute paths. */
  ignored?: (absPath: string) => boolean;
}

/**
 * Expand CLI inputs into files: plain paths, directories (recursively, .json/.yaml/.yml, skipping
 * node_modules, dot folders, coverage and files that are never Retell documents such as lock files
 * and compose files) and globs. Ignore patterns apply to every file, named or found. A missing path,
 * an empty glob or a folder whose files are all ignored is a KitError (exit 2).
 */
export async function collectInputs(inputs: readonly string[], cwd = process.cwd(), options: CollectOptions = {}): Promise<{ files: InputFile[]; skipped: SkippedFile[] }> {
  const files: InputFile[] = [];
  const skipped: SkippedFile[] = [];
  const seen = new Set<string>();
  const ignored = options.ignored ?? (() => false);
  /** Adds a file unless ignored; says whether it was added. */
  const push = (f: string, explicit: boolean): boolean => {
    const key = f === '-' ? '-' : path.resolve(cwd, f);
    if (seen.has(key)) return true;
    seen.add(key);
    if (f !== '-' && ignored(key)) {
      skipped.push({ file: displayPath(f, cwd), reason: 'ignored', explicit });
      return false;
    }
    files.push({ path: f, explicit });
    return true;
  };
  const pushFound = (found: readonly string[], input: string, what: string): void => {
    let added = 0;
    for (const f of found) {
      if (isKnownNonRetellFile(f)) skipped.push({ file: displayPath(f, cwd), reason: 'known-name', explicit: false });
      else if (push(f, false)) added++;
    }
    if (added === 0 && found.length > 0) {
      throw new KitError('no-match', `every file ${what} is ignored or not a Retell file`, { file: input, hint: 'check ignores in the config and --ignore-pattern' });
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      push('-', true);
      continue;
    }
    if (isGlob(input)) {
      const { glob } = await import('tinyglobby');
      const matches = (await glob(input, { cwd, ignore: ['**/node_modules/**'], onlyFiles: true, expandDirectories: false })).sort();
      const flows = matches.filter((m) => FLOW_EXTENSIONS.has(path.extname(m).toLowerCase()));
      if (flows.length === 0) {
        throw new KitError('no-match', `no .json, .yaml or .yml file matches "${input}"`, { hint: 'check the pattern, and quote it so the shell does not expand it' });
      }
      pushFound(flows, input, 'it matches');
      continue;
    }
    let info;
    try {
      // Synchronous, like the read: one stat does not need the thread pool, whose start a cold lint would pay.
      info = statSync(path.resolve(cwd, input));
    } catch (error) {
      throw ioError(input, error);
    }
    if (info.isDirectory()) {
      const { glob } = await import('tinyglobby');
      const matches = (await glob(['**/*.json', '**/*.yaml', '**/*.yml'], { cwd: path.resolve(cwd, input), ignore: WALK_IGNORES })).sort();
      if (matches.length === 0) throw new KitError('no-match', 'directory holds no .json, .yaml or .yml file', { file: input });
      pushFound(matches.map((m) => path.join(input, m)), input, 'in it');
      continue;
    }
    push(input, true);
  }
  return { files, skipped };
}

/** The files `collectInputs` would lint, as paths. */
export async function expandInputs(inputs: readonly string[], cwd = process.cwd(), options: CollectOptions = {}): Promise<string[]> {
  return (await collectInputs(inputs, cwd, options)).files.map((f) => f.path);
}

function isGlob(input: string): boolean {
  return /[*?[\]{}]/.test(input);
}

export async function readStdinBytes(stream: NodeJS.ReadableStream = process.stdin): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks);
}

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  return (await readStdinBytes(stream)).toString('utf8');
}
