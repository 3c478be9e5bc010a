import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { KitError } from '../errors.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';

// The emulator's workspace: agents (every version), conversation flows (every version), phone
// numbers and calls. Held in memory, written through to one JSON file per collection in the data
// directory after every change (temp file, fsync, rename), so a restart on the same directory sees
// the same workspace and a crash never leaves half a file. Measured need for SQLite: none (the
// emulator is one process, collections are small, and JSON files are readable in a test failure).

export type Json = Record<string, unknown>;

export interface StoredAgent {
  agent_id: string;
  /** Creation time; the order of list-agents. */
  created: number;
  /** Full agent objects as get-agent answers them, by version number. */
  versions: Record<string, Json>;
}

export interface StoredFlow {
  conversation_flow_id: string;
  created: number;
  /** Full flow objects as get-conversation-flow answers them, by version number. */
  versions: Record<string, Json>;
}

interface Collections {
  agents: Record<string, StoredAgent>;
  'conversation-flows': Record<string, StoredFlow>;
  'phone-numbers': Record<string, Json>;
  calls: Record<string, Json>;
}

export type CollectionName = keyof Collections;

const NAMES: CollectionName[] = ['agents', 'conversation-flows', 'phone-numbers', 'calls'];
const FORMAT = 1;

export class EmulatorState {
  readonly agents: Record<string, StoredAgent>;
  readonly flows: Record<string, StoredFlow>;
  readonly phoneNumbers: Record<string, Json>;
  readonly calls: Record<string, Json>;

  private constructor(
    private readonly dir: string | undefined,
    data: Collections,
  ) {
    this.agents = data.agents;
    this.flows = data['conversation-flows'];
    this.phoneNumbers = data['phone-numbers'];
    this.calls = data.calls;
  }

  /** Load the workspace from `dir` (created when missing), or keep it in memory only when `dir` is undefined. */
  static open(dir: string | undefined): EmulatorState {
    const data = { agents: {}, 'conversation-flows': {}, 'phone-numbers': {}, calls: {} } as Collections;
    if (dir !== undefined) {
      try {
        mkdirSync(dir, { recursive: true });
      } catch (error) {
        throw new KitError('io', `cannot create the emulator data directory ${dir}: ${(error as Error).message}`, { hint: 'pass --data with a writable folder' });
      }
      lock(dir);
      try {
        for (const name of NAMES) (data as unknown as Record<string, unknown>)[name] = readCollection(dir, name);
      } catch (error) {
        unlock(dir);
        throw error;
      }
    }
    return new EmulatorState(dir, data);
  }

  /** Let another emulator use the data directory. */
  close(): void {
    if (this.dir !== undefined) unlock(this.dir);
  }

  /** Write one collection through to disk (atomically). A no-op without a data directory. */
  save(name: CollectionName): void {
    if (this.dir === undefined) return;
    const items = { agents: this.agents, 'conversation-flows': this.flows, 'phone-numbers': this.phoneNumbers, calls: this.calls }[name];
    writeAtomic(path.join(this.dir, `${name}.json`), JSON.stringify({ format: FORMAT, items }, null, 1) + '\n');
  }

  /** The whole workspace as one JSON value (GET /emulator/state). */
  snapshot(): Json {
    return structuredClone({ format: FORMAT, agents: this.agents, conversation_flows: this.flows, phone_numbers: this.phoneNumbers, calls: this.calls });
  }

  /** Replace the workspace with a snapshot (PUT /emulator/state); a bad one changes nothing. */
  restore(snapshot: unknown): void {
    const s = snapshot as Record<string, unknown> | null;
    if (!s || typeof s !== 'object' || s.format !== FORMAT) throw new TypeError(`expected a snapshot from GET /emulator/state ({"format": ${FORMAT}, ...})`);
    const parts: [Record<string, unknown>, unknown, string][] = [
      [this.agents, s.agents, 'agents'],
      [this.flows, s.conversation_flows, 'conversation_flows'],
      [this.phoneNumbers, s.phone_numbers, 'phone_numbers'],
      [this.calls, s.calls, 'calls'],
    ];
    for (const [, value, name] of parts) {
      if (!value || typeof value !== 'object' || Array.isArray(value)) throw new TypeError(`${name}: expected an object keyed by id`);
    }
    for (const [target, value] of parts) {
      for (const key of Object.keys(target)) delete target[key];
      Object.assign(target, structuredClone(value));
    }
    for (const name of NAMES) this.save(name);
  }

  /** Forget everything (POST /emulator/reset), on disk too. */
  reset(): void {
    for (const collection of [this.agents, this.flows, this.phoneNumbers, this.calls] as Record<string, unknown>[]) {
      for (const key of Object.keys(collection)) delete collection[key];
    }
    for (const name of NAMES) this.save(name);
  }
}

const LOCK = '.lock';
/** Data directories this process's emulators hold (the pid in the lock file cannot tell them apart). */
const held = new Set<string>();

/** One emulator per data directory: a second one would overwrite the first's files. A lock left by a dead process is taken over. */
function lock(dir: string): void {
  const file = path.join(dir, LOCK);
  if (held.has(path.resolve(dir))) throw new KitError('io', `${dir} is in use by another emulator in this process`, { hint: 'close it first, or pass another data directory' });
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' });
      held.add(path.resolve(dir));
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new KitError('io', `cannot lock ${dir}: ${(error as Error).message}`);
      const owner = Number(readFileSync(file, 'utf8'));
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new KitError('io', `${dir} is in use by another emulator (pid ${owner})`, { hint: 'stop it, or pass another --data' });
      }
      rmSync(file, { force: true });
    }
  }
  throw new KitError('io', `cannot lock ${dir}`, { hint: 'pass another --data' });
}

function unlock(dir: string): void {
  const file = path.join(dir, LOCK);
  held.delete(path.resolve(dir));
  try {
    if (Number(readFileSync(file, 'utf8')) === process.pid) rmSync(file, { force: true });
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readCollection(dir: string, name: CollectionName): Record<string, unknown> {
  const file = path.join(dir, `${name}.json`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new KitError('io', `cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new KitError('io', `not JSON: ${(error as Error).message}`, { file, hint: 'delete it, or point --data at another folder' });
  }
  const record = parsed as { format?: unknown; items?: unknown };
  if (record?.format !== FORMAT || typeof record.items !== 'object' || record.items === null) {
    throw new KitError('io', `expected ${FORMAT} with an "items" object`, { file, pointer: '/format', hint: 'written by another retell-kit version? delete it, or point --data at another folder' });
  }
  return record.items as Record<string, unknown>;
}

function writeAtomic(file: string, text: string): void {
  writeFileAtomicSync(file, text, { durable: true });
}
