import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { stringify as toYaml } from 'yaml';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import { KitError } from '../errors.js';
import type { AgentResponse, ConversationFlowResponse, RetellClient } from '../retell/client.js';

// `retell-kit pull`: a live agent as files in the repo. Per agent, a folder with
//   agent.json               the agent's settings (what you edit),
//   conversation-flow.json   its flow, when the response engine is a conversation flow,
// keys sorted at every level so a pull diffs cleanly; ids, version numbers and timestamps kept out of
// them and recorded in <out>/.retell-kit/remote.json so a later deploy finds the remote objects (and
// can tell, by the recorded hashes, whether the files changed since). Secrets in tool and MCP headers
// (and secret-looking query parameters) become ${ENV} placeholders; their values are written only
// to a secrets file you name. Same remote state -> same bytes, every time.

export type PullFormat = 'json' | 'yaml';
/** A version number, "latest" (the highest, possibly a draft) or "published" (the highest published). */
export type PullVersion = number | 'latest' | 'published';

export interface PullOptions {
  outDir: string;
  version?: PullVersion;
  format?: PullFormat;
  /** Write `NAME=value` lines for the pulled secrets here (mode 0600); otherwise values are not written anywhere. */
  secretsFile?: string;
  /** Compare with the files on disk instead of writing: PulledAgent.changed lists what differs (drift). */
  check?: boolean;
  onProgress?: (text: string) => void;
}

export interface PulledAgent {
  agentId: string;
  agentName: string | null;
  version: number;
  isPublished: boolean;
  /** The agent's folder, relative to outDir. */
  folder: string;
  files: string[];
  conversationFlow?: { id: string; version: number };
  /** Environment variables the placeholders name; set them before a deploy. */
  secrets: string[];
  /** With `check`: files (relative to outDir) that are missing or differ from what Retell has now. */
  changed?: string[];
}

export interface PullAllResult {
  pulled: PulledAgent[];
  /** Agents left out (e.g. no published version with --version published), with why. */
  skipped: { agentId: string; reason: string }[];
}

export const REMOTE_FILE = '.retell-kit/remote.json';
const REMOTE_FORMAT = 1;

/** Agent keys Retell manages: they go to remote.json, not into agent.json. */
export const SERVER_AGENT_KEYS = ['agent_id', 'version', 'is_published', 'base_version', 'version_title', 'version_description', 'last_modification_timestamp', 'assigned_tags', 'user_modified_timestamp'] as const;
/** Flow keys Retell manages. */
export const SERVER_FLOW_KEYS = ['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp'] as const;
/** Keys the dashboard and API write inside flows that are bookkeeping, not behaviour. */
const FLOW_NOISE_KEYS = new Set(['user_modified_timestamp', 'created_timestamp', 'org_id', 'linked_conversation_flow_ids']);

/** Header and query parameter names that hold secrets (diff hides their values too). */
export const SECRET_NAME = /(authorization|auth|token|secret|api[-_]?key|apikey|password|passwd|signature|cookie|credential|session|private)/i;
const SECRET_VALUE = /^(bearer|basic|token)\s+\S+|^(sk|pk|rk|key|xox[abp])[-_][A-Za-z0-9_-]{8,}/i;
const PLACEHOLDER = /^\$\{[A-Z_][A-Z0-9_]*\}$/;

/** What pull records per agent folder in remote.json: where the files came from. */
export interface RemoteRecord {
  agent_id: string;
  agent_version: number;
  is_published: boolean;
  base_version?: number;
  version_title?: string;
  version_description?: string;
  last_modification_timestamp?: number;
  response_engine: Record<string, unknown>;
  conversation_flow?: { conversation_flow_id: string; version: number; last_modification_timestamp?: number };
  files: Record<string, string>;
  secrets: string[];
}

export interface RemoteFile {
  format: number;
  agents: Record<string, RemoteRecord>;
}

/** Pull one agent into `<outDir>/<folder>/`. */
export async function pullAgent(client: RetellClient, agentId: string, options: PullOptions): Promise<PulledAgent> {
  const remote = readRemote(options.outDir);
  const secrets = new Map<string, string>();
  const pulled = await pullInto(client, agentId, options, remote, secrets);
  if (!options.check) {
    writeRemote(options.outDir, remote);
    writeSecrets(options, secrets);
  }
  return pulled;
}

/** Pull every agent of the workspace (all pages of list-agents). */
export async function pullAll(client: RetellClient, options: PullOptions): Promise<PullAllResult> {
  const agents = await client.listAgents();
  const remote = readRemote(options.outDir);
  const secrets = new Map<string, string>();
  const result: PullAllResult = { pulled: [], skipped: [] };
  for (const [i, item] of [...agents].sort((a, b) => (a.agent_id < b.agent_id ? -1 : 1)).entries()) {
    if (item.channel && item.channel !== 'voice') {
      result.skipped.push({ agentId: item.agent_id, reason: `a ${item.channel} agent (pull handles voice agents)` });
      continue;
    }
    options.onProgress?.(`pulling ${i + 1}/${agents.length}: ${item.agent_name || item.agent_id}`);
    try {
      result.pulled.push(await pullInto(client, item.agent_id, options, remote, secrets));
    } catch (error) {
      if (error instanceof KitError && error.code === 'not-found') result.skipped.push({ agentId: item.agent_id, reason: error.message });
      else throw error;
    }
  }
  if (!options.check) {
    writeRemote(options.outDir, remote);
    writeSecrets(options, secrets);
  }
  return result;
}

async function pullInto(client: RetellClient, agentId: string, options: PullOptions, remote: RemoteFile, secrets: Map<string, string>): Promise<PulledAgent> {
  const format = options.format ?? 'json';
  const agent = await resolveAgent(client, agentId, options.version ?? 'latest');
  const engine = (agent.response_engine ?? {}) as unknown as Record<string, unknown>;
  let flow: ConversationFlowResponse | undefined;
  if (engine.type === 'conversation-flow' && typeof engine.conversation_flow_id === 'string') {
    options.onProgress?.(`fetching flow ${engine.conversation_flow_id}`);
    flow = await client.getConversationFlow(engine.conversation_flow_id, typeof engine.version === 'number' ? engine.version : undefined);
  }

  const folder = folderFor(remote, agent);
  const dir = path.join(options.outDir, folder);
  const names: string[] = [];
  const secretNames: string[] = [];

  const agentFile = editableAgent(agent);
  names.push(`agent.${format === 'json' ? 'json' : 'yaml'}`);
  const texts = new Map<string, string>([[names[0]!, serialise(agentFile, format)]]);
  if (flow) {
    const editable = editableFlow(flow, (name, value) => {
      secrets.set(name, value);
      secretNames.push(name);
    });
    const name = `conversation-flow.${format === 'json' ? 'json' : 'yaml'}`;
    names.push(name);
    texts.set(name, serialise(editable, format));
  }

  if (options.check) {
    const changed = [...texts].filter(([name, text]) => readIfExists(path.join(dir, name)) !== text).map(([name]) => path.join(folder, name));
    const known = remote.agents[folder];
    const version = agent.version ?? 0;
    return {
      agentId: agent.agent_id,
      agentName: agent.agent_name ?? null,
      version,
      isPublished: agent.is_published === true,
      folder,
      files: names.map((name) => path.join(folder, name)),
      ...(flow ? { conversationFlow: { id: flow.conversation_flow_id, version: flow.version } } : {}),
      secrets: [...new Set(secretNames)].sort(),
      changed: known && known.agent_version !== version && changed.length === 0 ? [`${REMOTE_FILE} (version ${known.agent_version} -> ${version})`] : changed,
    };
  }

  mkdirSync(dir, { recursive: true });
  for (const [name, text] of texts) {
    writeAtomic(path.join(dir, name), text);
    // A pull in the other format replaces the twin, so the folder never holds two versions of the truth.
    const twin = name.endsWith('.json') ? name.replace(/\.json$/, '.yaml') : name.replace(/\.yaml$/, '.json');
    rmSync(path.join(dir, twin), { force: true });
  }

  const record: RemoteRecord = {
    agent_id: agent.agent_id,
    agent_version: agent.version ?? 0,
    is_published: agent.is_published === true,
    ...(defined({ base_version: agent.base_version, version_title: agent.version_title, version_description: agent.version_description, last_modification_timestamp: agent.last_modification_timestamp }) as Partial<RemoteRecord>),
    response_engine: engine,
    ...(flow ? { conversation_flow: { conversation_flow_id: flow.conversation_flow_id, version: flow.version, ...defined({ last_modification_timestamp: flow.last_modification_timestamp }) } } : {}),
    files: Object.fromEntries([...texts].map(([name, text]) => [name, `sha256:${createHash('sha256').update(text).digest('hex')}`])),
    secrets: [...new Set(secretNames)].sort(),
  };
  remote.agents[folder] = record;
  return {
    agentId: agent.agent_id,
    agentName: agent.agent_name ?? null,
    version: record.agent_version,
    isPublished: record.is_published,
    folder,
    files: names.map((name) => path.join(folder, name)),
    ...(flow ? { conversationFlow: { id: flow.conversation_flow_id, version: flow.version } } : {}),
    secrets: record.secrets,
  };
}

/** An agent at a version number, its latest version, or its highest published one. */
export async function resolveAgent(client: RetellClient, agentId: string, version: PullVersion): Promise<AgentResponse> {
  if (typeof version === 'number') return client.getAgent(agentId, version);
  if (version === 'latest') return client.getAgent(agentId);
  const published = (await client.listAgentVersions(agentId)).filter((v) => v.is_published);
  if (published.length === 0) throw new KitError('not-found', `agent ${agentId} has no published version`, { hint: 'publish one, or pull --version latest' });
  return client.getAgent(agentId, Math.max(...published.map((v) => v.version)));
}

/** The agent minus what Retell manages; the engine keeps only its type (the ids are in remote.json). */
export function editableAgent(agent: AgentResponse): Record<string, unknown> {
  const out: Record<string, unknown> = { ...(agent as unknown as Record<string, unknown>) };
  for (const key of SERVER_AGENT_KEYS) delete out[key];
  const engine = (agent.response_engine ?? {}) as unknown as Record<string, unknown>;
  out.response_engine = engine.type === 'custom-llm' ? { ...engine } : { type: engine.type };
  return sortKeys(out) as Record<string, unknown>;
}

/** The flow minus what Retell manages, secrets replaced by placeholders (reported through `onSecret`). */
export function editableFlow(flow: ConversationFlowResponse, onSecret: (name: string, value: string) => void): Record<string, unknown> {
  const out = remoteFlowBody(flow);
  // One variable per distinct secret: the same name with another value gets a numbered suffix.
  const values = new Map<string, string>();
  const secret = (base: string, value: string): string => {
    let name = base;
    for (let n = 2; values.has(name) && values.get(name) !== value; n++) name = `${base}_${n}`;
    if (!values.has(name)) {
      values.set(name, value);
      onSecret(name, value);
    }
    return name;
  };
  const scopes: { prefix: string; holder: Record<string, unknown> }[] = [{ prefix: '', holder: out }];
  for (const [i, component] of ((out.components as Record<string, unknown>[] | undefined) ?? []).entries()) {
    scopes.push({ prefix: `${String(component.name ?? `component_${i}`)}_`, holder: component });
  }
  for (const { prefix, holder } of scopes) {
    // Flow- or component-level tools, and the tools subagent nodes carry themselves.
    const tools = [...((holder.tools as Record<string, unknown>[] | undefined) ?? [])];
    for (const node of (holder.nodes as Record<string, unknown>[] | undefined) ?? []) tools.push(...((node.tools as Record<string, unknown>[] | undefined) ?? []));
    for (const tool of tools) {
      const owner = `${prefix}${String(tool.name ?? tool.tool_id ?? 'tool')}`;
      extractSecrets(tool.headers, owner, secret, () => true);
      extractSecrets(tool.query_params, owner, secret, (name) => SECRET_NAME.test(name));
    }
    for (const mcp of (holder.mcps as Record<string, unknown>[] | undefined) ?? []) {
      const owner = `${prefix}mcp_${String(mcp.name ?? 'server')}`;
      extractSecrets(mcp.headers, owner, secret, () => true);
      extractSecrets(mcp.query_params, owner, secret, (name) => SECRET_NAME.test(name));
    }
  }
  return sortKeys(out) as Record<string, unknown>;
}

/** The flow minus what Retell manages, secrets as they are (what a deploy compares with and sends). */
export function remoteFlowBody(flow: ConversationFlowResponse | Record<string, unknown>): Record<string, unknown> {
  const out = stripNoise(structuredClone(flow)) as Record<string, unknown>;
  for (const key of SERVER_FLOW_KEYS) delete out[key];
  return out;
}

function extractSecrets(bag: unknown, owner: string, secret: (base: string, value: string) => string, consider: (name: string) => boolean): void {
  if (!bag || typeof bag !== 'object') return;
  const record = bag as Record<string, unknown>;
  for (const [name, value] of Object.entries(record)) {
    if (typeof value !== 'string' || PLACEHOLDER.test(value) || !consider(name)) continue;
    if (!SECRET_NAME.test(name) && !SECRET_VALUE.test(value)) continue;
    const env = secret(`RETELL_SECRET_${`${owner}_${name}`.toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_+|_+$/g, '')}`, value);
    record[name] = `\${${env}}`;
  }
}

/**
 * Put secrets back: every "${NAME}" string value in `value` replaced by env[NAME], for a deploy of
 * pulled files. A variable that is not set is a one-line KitError naming it and the file, unless
 * `missing` says what to put there instead (deploy --dry-run: the remote's value, compared as unchanged).
 */
export function resolvePlaceholders<T>(value: T, env: NodeJS.ProcessEnv, file: string, missing?: (name: string, pointer: string) => string): T {
  const walk = (node: unknown, pointer: string): unknown => {
    if (typeof node === 'string') {
      const m = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(node);
      if (!m) return node;
      const found = env[m[1]!];
      if ((found === undefined || found === '') && missing) return missing(m[1]!, pointer);
      if (found === undefined || found === '') throw new KitError('config', `\${${m[1]}} is not set`, { file, pointer, hint: `set ${m[1]} (pull --secrets-file wrote the values, if you asked it to)` });
      return found;
    }
    if (Array.isArray(node)) return node.map((item, i) => walk(item, `${pointer}/${i}`));
    if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, walk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`)]));
    return node;
  };
  return walk(value, '') as T;
}

function stripNoise(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stripNoise);
  if (!value || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (!FLOW_NOISE_KEYS.has(key)) out[key] = stripNoise(child);
  return out;
}

/** Object keys sorted at every level; arrays keep their order (it means something: node order, choices). */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!value || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
      .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
  );
}

function serialise(value: unknown, format: PullFormat): string {
  return format === 'json' ? `${JSON.stringify(value, null, 2)}\n` : toYaml(value, { lineWidth: 0, aliasDuplicateObjects: false });
}

/** The folder an agent lives in: kept from an earlier pull, else its name as a slug (its id when nameless or taken). */
function folderFor(remote: RemoteFile, agent: AgentResponse): string {
  for (const [folder, record] of Object.entries(remote.agents)) if (record.agent_id === agent.agent_id) return folder;
  const slug = (agent.agent_name ?? '')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60);
  const base = slug || agent.agent_id;
  return remote.agents[base] ? `${base}-${agent.agent_id.slice(-6)}` : base;
}

function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/** The remote.json of a pulled folder (an empty record when there is none yet); a broken one is a one-line KitError. */
export function readRemote(outDir: string): RemoteFile {
  const file = path.join(outDir, REMOTE_FILE);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { format: REMOTE_FORMAT, agents: {} };
    throw new KitError('io', `cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    const parsed = JSON.parse(text) as RemoteFile;
    if (parsed.format !== REMOTE_FORMAT || typeof parsed.agents !== 'object' || parsed.agents === null) throw new Error(`expected {"format": ${REMOTE_FORMAT}, "agents": {...}}`);
    return parsed;
  } catch (error) {
    throw new KitError('io', (error as Error).message, { file, hint: 'it is written by pull; delete it to start over (deploy will then not find the remote agents)' });
  }
}

function writeRemote(outDir: string, remote: RemoteFile): void {
  const file = path.join(outDir, REMOTE_FILE);
  mkdirSync(path.dirname(file), { recursive: true });
  writeAtomic(file, `${JSON.stringify(sortKeys(remote), null, 2)}\n`);
}

function writeSecrets(options: PullOptions, secrets: Map<string, string>): void {
  if (!options.secretsFile || secrets.size === 0) return;
  const existing = new Map<string, string>();
  try {
    for (const line of readFileSync(options.secretsFile, 'utf8').split('\n')) {
      const m = /^([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line);
      if (m) existing.set(m[1]!, m[2]!);
    }
  } catch {
    // a new file
  }
  for (const [name, value] of secrets) existing.set(name, JSON.stringify(value));
  const text = [...existing].sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => `${name}=${value}`).join('\n') + '\n';
  writeAtomic(options.secretsFile, text, 0o600);
}

function writeAtomic(file: string, text: string, mode?: number): void {
  writeFileAtomicSync(file, text, { mode });
}

function defined<T extends Record<string, unknown>>(record: T): Partial<T> {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined && v !== null)) as Partial<T>;
}
