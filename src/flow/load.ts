import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KitError } from '../errors.js';
import { recognise, type NotAFlow, type Recognised } from '../retell/wire.js';
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

/** Parse text that is already in memory (stdin, tests, the programmatic API). */
export function loadText(text: string, options: { path?: string; format?: SourceFormat } = {}): LoadedFile {
  const shownPath = options.path ?? '<input>';
  const format = options.format ?? (/^\s*[[{]/.test(text) || shownPath.endsWith('.json') ? 'json' : formatOf(shownPath));
  const parsed = parseSource(shownPath, text, format);
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
  let text: string;
  try {
    // One decode of the whole buffer: readFile(path, 'utf8') decodes chunk by chunk, 4x slower on big flows.
    text = (await readFile(abs)).toString('utf8');
  } catch (error) {
    throw ioError(file, error);
  }
  return loadText(text, { path: displayPath(file, cwd), format: formatOf(file) });
}

function ioError(file: string, error: unknown): KitError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new KitError('not-found', 'no such file or directory', { file, hint: 'check the path', cause: error });
  if (code === 'EACCES') return new KitError('io', 'permission denied', { file, hint: 'check the file permissions', cause: error });
  if (code === 'EISDIR') return new KitError('io', 'is a directory', { file, cause: error });
  return new KitError('io', `cannot read: ${(error as Error).message}`, { file, cause: error });
}

/**
 * Expand CLI inputs into files: plain paths, directories (recursively, .json/.yaml/.yml, skipping
 * node_modules and dot folders) and globs. A missing path or an empty glob is a KitError (exit 2).
 */
export async function expandInputs(inputs: readonly string[], cwd = process.cwd()): Promise<string[]> {
  const out: string[] = [];
  const seen = new Set<string>();
  const push = (f: string) => {
    const key = f === '-' ? '-' : path.resolve(cwd, f);
    if (!seen.has(key)) {
      seen.add(key);
      out.push(f);
    }
  };
  for (const input of inputs) {
    if (input === '-') {
      push('-');
      continue;
    }
    if (isGlob(input)) {
      const { glob } = await import('tinyglobby');
      const matches = (await glob(input, { cwd, ignore: ['**/node_modules/**'], onlyFiles: true, expandDirectories: false })).sort();
      const flows = matches.filter((m) => FLOW_EXTENSIONS.has(path.extname(m).toLowerCase()));
      if (flows.length === 0) {
        throw new KitError('no-match', `no .json, .yaml or .yml file matches "${input}"`, { hint: 'check the pattern, and quote it so the shell does not expand it' });
      }
      flows.forEach(push);
      continue;
    }
    let info;
    try {
      info = await stat(path.resolve(cwd, input));
    } catch (error) {
      throw ioError(input, error);
    }
    if (info.isDirectory()) {
      const { glob } = await import('tinyglobby');
      const matches = (await glob(['**/*.json', '**/*.yaml', '**/*.yml'], { cwd: path.resolve(cwd, input), ignore: ['**/node_modules/**', '**/.*/**', '**/package.json', '**/package-lock.json', '**/tsconfig*.json'] })).sort();
      if (matches.length === 0) throw new KitError('no-match', 'directory holds no .json, .yaml or .yml file', { file: input });
      for (const m of matches) push(path.join(input, m));
      continue;
    }
    push(input);
  }
  return out;
}

function isGlob(input: string): boolean {
  return /[*?[\]{}]/.test(input);
}

export async function readStdin(stream: NodeJS.ReadableStream = process.stdin): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}
