import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { get as getAt } from '../flow/pointer.js';
import { canonicalJson } from '../handlers/keys.js';
import { ExitCode, KitError } from '../errors.js';
import type { FileResult } from '../diagnostic.js';
import { diffSides, loadSide, type DiffOptions, type DiffResult, type DiffSide, type Change } from '../diff/index.js';
import { findFlows } from '../flow/load.js';
import { editableAgent, readRemote, remoteFlowBody, resolvePlaceholders, REMOTE_FILE, SERVER_AGENT_KEYS, SERVER_FLOW_KEYS } from '../pull/index.js';
import type { AgentResponse, RetellClient } from '../retell/client.js';
import { lintLoaded } from '../validators/engine.js';
import type { LintOptions } from '../validators/lint.js';
import type { Store } from '../store/store.js';
import { Deployments, type Deployment } from './record.js';
import type { InboundBinding } from './traffic.js';

// What a deploy would do, read-only: the folder (lint gate, secrets resolved), the version serving the
// agent's traffic now (from the numbers' inbound_agents, else the latest published version), and the
// semantic diff between them. Nothing here writes to Retell or the store.

type Raw = Record<string, unknown>;

export interface DeployPlanOptions {
  /** The agent folder (agent.json + conversation-flow.json, as pull writes it). */
  folder: string;
  cwd?: string;
  /** Phone numbers whose inbound traffic the deploy moves. */
  numbers?: readonly string[];
  env?: NodeJS.ProcessEnv;
  lintOptions?: LintOptions;
  /** Diff options (severity overrides, handler names). */
  diff?: DiffOptions;
  /** The deployment records: an interrupted deploy of the same files is planned from where it started. */
  store?: Store;
  /** Plan without every ${ENV} secret set (a dry run): an unset one is compared as unchanged. */
  allowUnsetSecrets?: boolean;
}

export interface DeployPlan {
  agentId: string;
  /** The folder as given (relative to cwd when inside it). */
  folder: string;
  /** The flow file linted and sent. */
  flowFile?: string;
  /** The lint gate: findings of the folder's flow with the project's lint config. */
  lint?: FileResult;
  lintErrors: number;
  /** The version serving this agent's traffic now (what the draft is made from). */
  stableVersion: number;
  /** Where stableVersion came from, for the plan's first line. */
  stableFrom: string;
  numbers: string[];
  bindingsBefore: Record<string, InboundBinding[]>;
  /** The semantic diff: serving version (a) -> folder (b). */
  diff: DiffResult;
  /** Breaking changes to tools a handler in the config serves. */
  handlerBreaking: Change[];
  /** sha256 of what is sent (agent settings + flow, secrets resolved), hex. */
  contentHash: string;
  /** What deploy sends: the agent draft's settings (engine left as the draft pins it) and the flow. */
  body: { agent: Raw; flow?: Raw };
  /** The highest version number of the agent when planned (a draft above it came from this deploy). */
  maxVersionBefore: number;
  /** Notes for the plan (e.g. a number following "latest"). */
  notes: string[];
  /** An interrupted deployment of the same files that applying continues. */
  resume?: Deployment;
}

const AGENT_FILES = ['agent.json', 'agent.yaml', 'agent.yml'];
const FLOW_FILES = ['conversation-flow.json', 'conversation-flow.yaml', 'conversation-flow.yml'];

export async function planDeploy(client: RetellClient, options: DeployPlanOptions): Promise<DeployPlan> {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const abs = path.resolve(cwd, options.folder);
  const shown = path.relative(cwd, abs) || '.';
  const folder = shown.startsWith('..') ? abs : shown;
  if (!existsSync(abs)) throw new KitError('not-found', 'no such folder', { file: folder, hint: 'deploy takes an agent folder written by retell-kit pull (or set deploy.folder in the config)' });
  if (!AGENT_FILES.some((f) => existsSync(path.join(abs, f)))) throw new KitError('usage', 'has no agent.json', { file: folder, hint: 'deploy takes an agent folder written by retell-kit pull: run retell-kit pull <agent_id> first' });
  const remote = readRemote(path.dirname(abs));
  const record = remote.agents[path.basename(abs)];
  if (!record) {
    throw new KitError('usage', `no remote record for "${path.basename(abs)}" in ${path.join(path.dirname(folder), REMOTE_FILE)}`, { file: folder, hint: 'deploy finds the agent through the remote.json pull writes: pull the agent into this folder first' });
  }
  const agentId = record.agent_id;
  if (options.store) {
    // A canary of this agent in flight owns its numbers' traffic: finish it before another deploy.
    const active = await new Deployments(options.store).active({ agentId });
    if (active) {
      throw new KitError('usage', `a canary of ${agentId} is in progress (v${active.newVersion ?? '?'} at ${active.percent} %, ${active.state}; deployment ${active.id})`, {
        hint: 'finish it first: retell-kit canary promote, or retell-kit canary rollback',
        exitCode: ExitCode.findings,
      });
    }
  }
  const side = await loadSide(abs, { cwd });
  const flowName = FLOW_FILES.find((f) => existsSync(path.join(abs, f)));
  const flowFile = flowName ? path.join(folder, flowName) : undefined;

  // The lint gate: the flow file with the project's lint config, findings with their lines.
  const lint = side.file && flowName ? { ...lintLoaded(side.file, options.lintOptions ?? {}), file: flowFile! } : undefined;
  const lintErrors = lint ? lint.diagnostics.filter((d) => d.severity === 'error').length : 0;

  // What is sent, secrets resolved (a missing variable stops here, before anything is created).
  // With allowUnsetSecrets (a dry run, e.g. CI on a pull request without the secrets), an unset one
  // is compared as unchanged: the serving version's value at the same place stands in for it.
  const unset = new Set<string>();
  const resolveAll = (remote?: DiffSide) => {
    const standIn = (root: unknown) => (name: string, pointer: string) => {
      unset.add(name);
      const value = getAt(root, pointer);
      return typeof value === 'string' ? value : `\${${name}}`;
    };
    const allow = options.allowUnsetSecrets;
    const agent = resolvePlaceholders(stripKeys(side.agent ?? {}, SERVER_AGENT_KEYS), env, path.join(folder, 'agent.json'), allow ? standIn(remote?.agent) : undefined);
    const flow = side.file && flowName ? resolvePlaceholders(stripKeys(side.file.value as Raw, SERVER_FLOW_KEYS), env, flowFile!, allow ? standIn(remote?.flows[0]?.value) : undefined) : undefined;
    const body: Raw = { ...agent };
    const engine = body.response_engine as Raw | undefined;
    // A conversation-flow engine stays as the draft pins it (its own copy of the flow); only a
    // custom-llm engine (a URL, no version) is sent as the file says.
    if (!engine || engine.type !== 'custom-llm') delete body.response_engine;
    return { agentRaw: agent, flowRaw: flow, agentBody: body };
  };
  let { agentRaw, flowRaw, agentBody } = resolveAll();
  const contentHash = createHash('sha256').update(canonicalJson({ agent: agentBody, flow: flowRaw ?? null })).digest('hex');

  const numbers = [...new Set(options.numbers ?? [])];
  const found = options.store ? await new Deployments(options.store).get(`${agentId}:${contentHash.slice(0, 12)}`) : undefined;
  const resume = found?.state === 'in_progress' ? found : undefined;
  const bindingsBefore: Record<string, InboundBinding[]> = {};
  const versions = await client.listAgentVersions(agentId);
  if (versions.length === 0) throw new KitError('not-found', `agent ${agentId} has no versions`, { hint: 'pull it again; it may have been deleted' });
  const maxVersionBefore = Math.max(...versions.map((v) => v.version));
  const published = versions.filter((v) => v.is_published);
  const latestPublished = published.length ? Math.max(...published.map((v) => v.version)) : undefined;
  const notes: string[] = [];
  const serving = new Map<number, string[]>();
  for (const number of numbers) {
    const phone = await client.getPhoneNumber(number);
    const current = ((phone.inbound_agents ?? []) as InboundBinding[]).map((b) => ({ agent_id: b.agent_id, weight: b.weight, ...(b.agent_version !== undefined && { agent_version: b.agent_version }) }));
    bindingsBefore[number] = current;
    const own = current.filter((b) => b.agent_id === agentId && b.weight > 0);
    const resolved = new Set<number>();
    for (const b of own) {
      if (typeof b.agent_version === 'number') resolved.add(b.agent_version);
      else if (b.agent_version === 'latest_published' && latestPublished !== undefined) resolved.add(latestPublished);
      else if (b.agent_version === undefined || b.agent_version === null || b.agent_version === 'latest') {
        resolved.add(maxVersionBefore);
        notes.push(`${number} follows "latest" of ${agentId}: deploy pins it to a version number`);
      } else throw new KitError('usage', `${number}: ${agentId} is bound by tag "${String(b.agent_version)}"`, { hint: 'deploy binds version numbers; bind a number in the dashboard first' });
    }
    if (resolved.size > 1 && !resume) {
      throw new KitError('usage', `${number} splits ${agentId}'s calls between versions ${[...resolved].sort((a, b) => a - b).join(' and ')}, and no canary of retell-kit's is in progress`, { hint: 'bind one version first (e.g. retell-kit canary rollback, or the dashboard)' });
    }
    for (const v of resolved) serving.set(v, [...(serving.get(v) ?? []), number]);
  }
  let stableVersion: number;
  let stableFrom: string;
  if (resume) {
    // Traffic may be half-moved already: the interrupted deployment knows what was serving before it.
    stableVersion = resume.stableVersion;
    stableFrom = `serving before the interrupted deploy ${resume.id}`;
    Object.assign(bindingsBefore, resume.bindingsBefore);
    notes.length = 0;
  } else if (serving.size > 1) {
    throw new KitError('usage', `the numbers serve different versions of ${agentId}: ${[...serving].map(([v, n]) => `v${v} on ${n.join(', ')}`).join('; ')}`, { hint: 'deploy those numbers separately (--number), so each canary has one stable version' });
  } else if (serving.size === 1) {
    const [v, on] = [...serving][0]!;
    stableVersion = v;
    stableFrom = `serving ${on.join(', ')}`;
  } else if (latestPublished !== undefined) {
    stableVersion = latestPublished;
    stableFrom = numbers.length ? 'latest published (not bound on the numbers yet)' : 'latest published';
  } else {
    stableVersion = maxVersionBefore;
    stableFrom = 'latest (nothing published yet)';
  }

  const base = await remoteSideAt(client, agentId, stableVersion);
  if (unset.size) {
    ({ agentRaw, flowRaw, agentBody } = resolveAll(base));
    notes.push(`not set, compared as unchanged: ${[...unset].sort().map((n) => `\${${n}}`).join(', ')} (set them to deploy)`);
  }
  const diff = diffSides(base, { ...side, label: folder, ...(side.agent && { agent: { ...side.agent, ...agentRaw } }), ...(flowRaw && { flows: findFlows(flowRaw).flows, file: undefined }) }, options.diff ?? {});
  // Values that came from the environment never reach a report: each is shown as its placeholder.
  const fromEnv = [...placeholderNames([side.agent, side.file?.value])].map((name) => [env[name] ?? '', `\${${name}}`] as const).filter(([value]) => value.length >= 4);
  if (fromEnv.length) diff.changes = diff.changes.map((c) => scrub(c, fromEnv));
  const handlerBreaking = diff.changes.filter((c) => c.severity === 'breaking' && c.notes?.some((n) => n.startsWith('handler ')));
  return {
    agentId, folder, ...(flowFile && { flowFile }), ...(lint && { lint }), lintErrors, stableVersion, stableFrom, numbers, bindingsBefore, diff, handlerBreaking, contentHash,
    body: { agent: agentBody, ...(flowRaw && { flow: flowRaw }) }, maxVersionBefore: resume?.maxVersionBefore ?? maxVersionBefore, notes, ...(resume && { resume }),
  };
}

/** A version as deploy compares with it: settings as pull writes them, the flow it pins minus Retell's bookkeeping. */
async function remoteSideAt(client: RetellClient, agentId: string, version: number): Promise<DiffSide> {
  const agent: AgentResponse = await client.getAgent(agentId, version);
  const engine = (agent.response_engine ?? {}) as unknown as Raw;
  const side: DiffSide = { label: `${agentId}@${version}`, agent: editableAgent(agent), flows: [] };
  if (engine.type === 'conversation-flow' && typeof engine.conversation_flow_id === 'string') {
    const flow = await client.getConversationFlow(engine.conversation_flow_id, typeof engine.version === 'number' ? engine.version : undefined);
    side.flows = findFlows(remoteFlowBody(flow)).flows;
  }
  return side;
}

function placeholderNames(value: unknown, out = new Set<string>()): Set<string> {
  if (typeof value === 'string') {
    const m = /^\$\{([A-Z_][A-Z0-9_]*)\}$/.exec(value);
    if (m) out.add(m[1]!);
  } else if (Array.isArray(value)) for (const item of value) placeholderNames(item, out);
  else if (value && typeof value === 'object') for (const item of Object.values(value)) placeholderNames(item, out);
  return out;
}

/** Every string in `value` with each secret value replaced by its placeholder. */
function scrub<T>(value: T, secrets: readonly (readonly [string, string])[]): T {
  if (typeof value === 'string') return secrets.reduce((text, [secret, name]) => text.split(secret).join(name), value as string) as T;
  if (Array.isArray(value)) return value.map((item) => scrub(item, secrets)) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, secrets)])) as T;
  return value;
}


function stripKeys(value: Raw, keys: readonly string[]): Raw {
  const out = { ...value };
  for (const key of keys) delete out[key];
  return out;
}
