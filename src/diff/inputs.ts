import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { displayPath, findFlows, loadFile, loadText, type LoadedFile } from '../flow/load.js';
import { resolveAgent, type PullVersion } from '../pull/index.js';
import type { RetellClient } from '../retell/client.js';
import type { DiffSide } from './index.js';
import { isObject } from './values.js';

export interface LoadSideOptions {
  cwd?: string;
  /** Makes the API client for remote references (agent_xxx@3); made only when one is used. */
  client?: () => RetellClient;
}

/** `agent_xxx@3`, `agent_xxx@latest`, `agent_xxx@published`. */
const REMOTE_REF = /^(agent_[A-Za-z0-9_-]+)@(\d+|latest|published)$/;

export function isRemoteRef(input: string): boolean {
  return REMOTE_REF.test(input);
}

/**
 * A remote side: the agent at that version from Retell's API (or the emulator), and the flow version
 * its response_engine pins (not the flow's latest: an agent version runs the flow version it pins).
 */
export async function remoteSide(client: RetellClient, ref: string): Promise<DiffSide> {
  const match = REMOTE_REF.exec(ref);
  if (!match) throw new KitError('usage', `"${ref}" is not a remote reference`, { hint: 'use agent_xxx@3, agent_xxx@latest or agent_xxx@published' });
  const [, agentId, which] = match;
  const version: PullVersion = which === 'latest' || which === 'published' ? which : Number(which);
  const agent = await resolveAgent(client, agentId!, version);
  const engine = (agent.response_engine ?? {}) as unknown as Record<string, unknown>;
  const side: DiffSide = { label: `${agentId}@${agent.version ?? which}`, agent: agent as unknown as Record<string, unknown>, flows: [] };
  if (engine.type === 'conversation-flow' && typeof engine.conversation_flow_id === 'string') {
    const flow = await client.getConversationFlow(engine.conversation_flow_id, typeof engine.version === 'number' ? engine.version : undefined);
    side.flows = findFlows(flow).flows;
  }
  return side;
}

/** The files of a pull folder, in the order looked for. */
const AGENT_FILES = ['agent.json', 'agent.yaml', 'agent.yml'];
const FLOW_FILES = ['conversation-flow.json', 'conversation-flow.yaml', 'conversation-flow.yml'];

/**
 * One side from disk: a flow file (any shape lint loads: bare flow, agent export, list response, YAML)
 * or a pull folder (agent.json + conversation-flow.json). Trouble is a KitError (exit 2), never an
 * empty side: a side that cannot be read must not look like "no changes".
 */
export async function loadSide(input: string, options: LoadSideOptions = {}): Promise<DiffSide> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, input);
  // A file that happens to be named like a reference wins: what is on disk is never shadowed.
  if (isRemoteRef(input) && !existsSync(abs)) {
    if (!options.client) throw new KitError('usage', `${input} names a remote agent version, and no API client is configured`);
    return remoteSide(options.client(), input);
  }
  if (!existsSync(abs)) throw new KitError('not-found', 'no such file or folder', { file: displayPath(input, cwd), hint: 'diff takes a flow file, an agent export or a pull folder' });
  if (statSync(abs).isDirectory()) {
    const agentFile = AGENT_FILES.find((f) => existsSync(path.join(abs, f)));
    const flowFile = FLOW_FILES.find((f) => existsSync(path.join(abs, f)));
    if (!agentFile && !flowFile) {
      throw new KitError('usage', 'is a folder without agent.json or conversation-flow.json', { file: displayPath(input, cwd), hint: 'diff takes a flow file, an agent export or a folder written by retell-kit pull' });
    }
    const agent = agentFile ? fromLoaded(await loadFile(path.join(abs, agentFile), cwd), true) : undefined;
    const flow = flowFile ? fromLoaded(await loadFile(path.join(abs, flowFile), cwd), false) : undefined;
    return { label: displayPath(input, cwd), ...(agent?.agent && { agent: agent.agent }), flows: flow?.flows ?? agent?.flows ?? [], ...((flow?.file ?? agent?.file) && { file: flow?.file ?? agent?.file }) };
  }
  return { ...fromLoaded(await loadFile(abs, cwd), false), label: displayPath(input, cwd) };
}

/** A side from a loaded file: its flows, and the agent when the file is one. */
export function fromLoaded(loaded: LoadedFile, agentFile: boolean): DiffSide {
  const syntax = loaded.problems.find((p) => p.kind === 'syntax');
  if (syntax && syntax.kind === 'syntax') {
    throw new KitError('io', `not valid ${loaded.source.format === 'yaml' ? 'YAML' : 'JSON'} at line ${syntax.range.line}: ${syntax.message}`, { file: loaded.path, hint: 'fix the file, or check it with retell-kit lint' });
  }
  const value = loaded.value;
  const agentLike = isObject(value) && !Array.isArray(value.nodes) && (agentFile || 'response_engine' in value || 'agent_id' in value || 'voice_id' in value || loaded.flows.some((f) => f.shape === 'agent-export'));
  if (loaded.flows.length === 0 && !agentLike) {
    const problem = loaded.problems[0];
    const what = problem?.kind === 'not-a-flow' ? `a ${problem.what.kind.replace(/-/g, ' ')}, not a conversation flow or an agent` : 'no conversation flow or agent in it';
    throw new KitError('usage', what, { file: loaded.path, ...(problem && problem.pointer && { pointer: problem.pointer }), hint: 'diff takes a flow file, an agent export or a pull folder' });
  }
  return { label: loaded.path, ...(agentLike && { agent: value as Record<string, unknown> }), flows: loaded.flows, file: loaded };
}

/** `--git <rev>`: the same path as it was at a git revision (a file or a pull folder). */
export function gitSide(rev: string, input: string, options: LoadSideOptions = {}): DiffSide {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, input);
  const dir = existsSync(abs) && statSync(abs).isDirectory() ? abs : path.dirname(abs);
  const top = git(['rev-parse', '--show-toplevel'], dir, input).trim();
  const rel = path.relative(top, abs).split(path.sep).join('/');
  const label = `${displayPath(input, cwd)}@${rev}`;
  const show = (file: string) => git(['show', `${rev}:${file}`], top, `${file}@${rev}`);
  const exists = (file: string) => {
    try {
      execFileSync('git', ['cat-file', '-e', `${rev}:${file}`], { cwd: top, stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (existsSync(abs) && statSync(abs).isDirectory()) {
    const agentFile = AGENT_FILES.find((f) => exists(`${rel}/${f}`));
    const flowFile = FLOW_FILES.find((f) => exists(`${rel}/${f}`));
    if (!agentFile && !flowFile) throw new KitError('not-found', `has no agent.json or conversation-flow.json at ${rev}`, { file: displayPath(input, cwd) });
    const agent = agentFile ? fromLoaded(loadText(show(`${rel}/${agentFile}`), { path: `${rel}/${agentFile}@${rev}` }), true) : undefined;
    const flow = flowFile ? fromLoaded(loadText(show(`${rel}/${flowFile}`), { path: `${rel}/${flowFile}@${rev}` }), false) : undefined;
    return { label, ...(agent?.agent && { agent: agent.agent }), flows: flow?.flows ?? agent?.flows ?? [], ...((flow?.file ?? agent?.file) && { file: flow?.file ?? agent?.file }) };
  }
  if (!exists(rel)) throw new KitError('not-found', `did not exist at ${rev}`, { file: displayPath(input, cwd), hint: 'check the revision with git log -- <path>' });
  return { ...fromLoaded(loadText(show(rel), { path: `${rel}@${rev}`, format: /\.ya?ml$/i.test(rel) ? 'yaml' : 'json' }), false), label };
}

function git(args: string[], cwd: string, what: string): string {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 512 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim().split('\n')[0];
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError('io', code === 'ENOENT' ? 'git is not installed or not on PATH' : `git ${args[0]} failed: ${stderr || (error as Error).message}`, { file: what });
  }
}

/** Files of a folder as a tree's keys: pull folders (agent.json / conversation-flow.json) by their folder, other flow files by path. */
export function treeKeys(files: readonly string[]): Map<string, string[]> {
  const keys = new Map<string, string[]>();
  for (const file of files) {
    const base = path.posix.basename(file);
    const key = AGENT_FILES.includes(base) || FLOW_FILES.includes(base) ? path.posix.dirname(file) : file;
    keys.set(key, [...(keys.get(key) ?? []), file]);
  }
  return keys;
}

const FLOW_FILE = /\.(json|ya?ml)$/i;
const SKIPPED = /(^|\/)(node_modules|\.[^/]+)\/|(^|\/)(package(-lock)?|tsconfig[^/]*)\.json$/;

/**
 * A folder that is not a pull folder: every flow file and pull folder below it, by relative path
 * (`flows/`, or the `agents/` that pull --all writes). Empty when it holds none.
 */
export async function loadTree(input: string, options: LoadSideOptions = {}): Promise<Map<string, DiffSide>> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, input);
  const { glob } = await import('tinyglobby');
  const files = (await glob(['**/*.json', '**/*.yaml', '**/*.yml'], { cwd: abs })).filter((f) => !SKIPPED.test(f)).sort();
  if (files.length === 0) throw new KitError('no-match', 'holds no flow file (.json, .yaml, .yml) or pull folder', { file: displayPath(input, cwd), hint: 'diff takes two flow files, two pull folders or two folders of them' });
  const tree = new Map<string, DiffSide>();
  for (const key of treeKeys(files).keys()) tree.set(key, await loadSide(path.join(input, key === '.' ? '' : key), options));
  return tree;
}

/** The same folder at a git revision. */
export function gitTree(rev: string, input: string, options: LoadSideOptions = {}): Map<string, DiffSide> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, input);
  const top = git(['rev-parse', '--show-toplevel'], abs, input).trim();
  const rel = path.relative(top, abs).split(path.sep).join('/');
  const listed = git(['ls-tree', '-r', '--name-only', rev, '--', rel === '' ? '.' : `${rel}/`], top, `${input}@${rev}`)
    .split('\n')
    .filter(Boolean)
    .map((f) => (rel === '' ? f : f.slice(rel.length + 1)))
    .filter((f) => FLOW_FILE.test(f) && !SKIPPED.test(f));
  const tree = new Map<string, DiffSide>();
  for (const [key, files] of treeKeys(listed)) {
    const inside = (f: string) => (rel === '' ? f : `${rel}/${f}`);
    const show = (f: string) => loadText(git(['show', `${rev}:${inside(f)}`], top, `${inside(f)}@${rev}`), { path: `${inside(f)}@${rev}`, format: /\.ya?ml$/i.test(f) ? 'yaml' : 'json' });
    if (key !== files[0]) {
      const agentFile = files.find((f) => AGENT_FILES.includes(path.posix.basename(f)));
      const flowFile = files.find((f) => FLOW_FILES.includes(path.posix.basename(f)));
      const agent = agentFile ? fromLoaded(show(agentFile), true) : undefined;
      const flow = flowFile ? fromLoaded(show(flowFile), false) : undefined;
      tree.set(key, { label: `${inside(key)}@${rev}`, ...(agent?.agent && { agent: agent.agent }), flows: flow?.flows ?? agent?.flows ?? [], ...((flow?.file ?? agent?.file) && { file: flow?.file ?? agent?.file }) });
    } else {
      tree.set(key, { ...fromLoaded(show(key), false), label: `${inside(key)}@${rev}` });
    }
  }
  return tree;
}

/** A folder that is neither a pull folder nor empty of flows: diff compares it as a tree. */
export function isTreeFolder(input: string, cwd = process.cwd()): boolean {
  const abs = path.resolve(cwd, input);
  if (!existsSync(abs) || !statSync(abs).isDirectory()) return false;
  return ![...AGENT_FILES, ...FLOW_FILES].some((f) => existsSync(path.join(abs, f)));
}
