import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { displayPath, loadFile, loadText, type LoadedFile } from '../flow/load.js';
import type { DiffSide } from './index.js';
import { isObject } from './values.js';

export interface LoadSideOptions {
  cwd?: string;
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
