import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { KitError } from '../errors.js';
import type { DiagnosticData } from '../diagnostic.js';
import { join } from './pointer.js';
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

/** A finding the loader makes before any rule runs (bad syntax, not a flow, unknown shape). */
export interface LoaderFinding {
  ruleId: 'parse-error' | 'not-a-flow' | 'schema';
  messageId: string;
  data: DiagnosticData;
  pointer: string;
  range?: Range;
}

export interface LoadedFile {
  /** Path as shown in reports (relative to cwd when inside it, forward slashes). */
  path: string;
  source: SourceText;
  value: unknown;
  flows: FlowInput[];
  findings: LoaderFinding[];
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function flowIdOf(value: Record<string, unknown>, pointer: string): string {
  const id = value.conversation_flow_id;
  // Without the version: a baseline must survive publishing the next version of the same flow.
  if (typeof id === 'string' && id) return id;
  return pointer === '' ? '#' : `#${pointer}`;
}

/** Recognise the flow(s) inside any shape Retell users have on disk. */
export function findFlows(value: unknown): { flows: FlowInput[]; findings: LoaderFinding[] } {
  const flows: FlowInput[] = [];
  const findings: LoaderFinding[] = [];
  const addFlow = (v: Record<string, unknown>, pointer: string, shape: FlowShape): void => {
    flows.push({ pointer, value: v, flowId: flowIdOf(v, pointer), shape });
  };

  const classify = (v: unknown, pointer: string, inList: boolean): void => {
    if (Array.isArray(v)) {
      if (pointer === '' && v.length > 0 && v.every((e) => isObject(e))) {
        v.forEach((e, i) => classify(e, join(pointer, i), true));
        return;
      }
    }
    if (!isObject(v)) {
      findings.push({
        ruleId: 'schema',
        messageId: 'notAnObject',
        data: { found: Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v },
        pointer,
      });
      return;
    }
    if (Array.isArray(v.nodes)) return addFlow(v, pointer, inList ? 'list-element' : 'flow');
    if (isObject(v.conversationFlow)) return addFlow(v.conversationFlow, join(pointer, 'conversationFlow'), 'agent-export');
    if (isObject(v.conversation_flow) && Array.isArray((v.conversation_flow as Record<string, unknown>).nodes)) {
      return addFlow(v.conversation_flow as Record<string, unknown>, join(pointer, 'conversation_flow'), 'agent-export');
    }
    if (Array.isArray(v.items) && pointer === '') {
      if (v.items.length === 0) {
        findings.push({ ruleId: 'not-a-flow', messageId: 'emptyList', data: {}, pointer: '/items' });
        return;
      }
      v.items.forEach((e, i) => classify(e, join('/items', i), true));
      return;
    }
    const kind = notAFlowKind(v);
    if (kind) {
      findings.push({ ruleId: 'not-a-flow', messageId: kind.messageId, data: kind.data, pointer });
      return;
    }
    findings.push({ ruleId: 'schema', messageId: 'unrecognized', data: { keys: Object.keys(v).slice(0, 5).join(', ') }, pointer });
  };
  classify(value, '', false);
  return { flows, findings };
}

/** A scalar as text; anything else (even an object whose toString is null, which String() throws on) is the fallback. */
function scalar(v: unknown, fallback: string): string {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? String(v) : fallback;
}

function notAFlowKind(v: Record<string, unknown>): { messageId: string; data: DiagnosticData } | undefined {
  const engine = isObject(v.response_engine) ? v.response_engine : undefined;
  if (v.retellLlmData !== undefined || engine?.type === 'retell-llm') {
    return { messageId: 'retellLlmAgent', data: { name: scalar(v.agent_name ?? v.agent_id, 'agent') } };
  }
  if (engine?.type === 'custom-llm') return { messageId: 'customLlmAgent', data: { name: scalar(v.agent_name ?? v.agent_id, 'agent') } };
  if (engine?.type === 'conversation-flow') {
    return {
      messageId: 'agentWithoutFlow',
      data: { name: scalar(v.agent_name ?? v.agent_id, 'agent'), flow: scalar(engine.conversation_flow_id, 'unknown') },
    };
  }
  if (typeof v.llm_id === 'string' || (typeof v.general_prompt === 'string' && Array.isArray(v.general_tools))) {
    return { messageId: 'retellLlm', data: { id: scalar(v.llm_id, 'llm') } };
  }
  if (typeof v.event === 'string' && (isObject(v.call) || isObject(v.chat) || isObject(v.call_inbound))) {
    return { messageId: 'webhookEvent', data: { event: v.event } };
  }
  if (typeof v.call_id === 'string' && ('call_status' in v || 'transcript' in v || 'call_type' in v)) {
    return { messageId: 'callObject', data: { id: v.call_id } };
  }
  return undefined;
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
      findings: [{ ruleId: 'parse-error', messageId: 'parse', data: { message: parsed.error.message }, pointer: '', range: parsed.error.range }],
    };
  }
  const { flows, findings } = findFlows(parsed.value);
  return { path: shownPath, source: parsed.source, value: parsed.value, flows, findings };
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
