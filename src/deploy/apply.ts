import { KitError } from '../errors.js';
import { same } from '../diff/values.js';
import type { RetellClient } from '../retell/client.js';
import type { Store } from '../store/store.js';
import type { DeployPlan } from './plan.js';
import { Deployments, hasStep, type Deployment, type DeployStep } from './record.js';
import { sameBindings, splitTraffic, type InboundBinding } from './traffic.js';

// Apply a plan, step by step, each step recorded before the next: draft -> flow and settings ->
// publish -> read back -> bind numbers. Run again after an interruption, it reads the record and
// goes on from the last step done: an interrupted draft creation is adopted, never repeated; a
// publish that landed is not asked again; a number already bound as planned is not PATCHed again.

type Raw = Record<string, unknown>;

export interface ApplyOptions {
  /** Canary share (0-100]; undefined binds the new version to all of this agent's share. */
  canaryPercent?: number;
  title: string;
  description: string;
  commit?: string;
  forced?: Deployment['forced'];
  /** Called after each step is recorded (the command prints a check mark). */
  onStep?: (step: DeployStep, deployment: Deployment, detail: string) => void;
  now?: () => number;
}

export interface ApplyResult {
  deployment: Deployment;
  /** True when an interrupted deployment of the same files was continued. */
  resumed: boolean;
  /** Each number's inbound_agents after the deploy, as read back. */
  bindings: Record<string, InboundBinding[]>;
}

export function deploymentId(plan: Pick<DeployPlan, 'agentId' | 'contentHash'>): string {
  return `${plan.agentId}:${plan.contentHash.slice(0, 12)}`;
}

export async function applyDeploy(client: RetellClient, store: Store, plan: DeployPlan, options: ApplyOptions): Promise<ApplyResult> {
  const now = options.now ?? Date.now;
  const deployments = new Deployments(store);
  const id = deploymentId(plan);
  const canaryPercent = options.canaryPercent ?? null;
  let deployment = await deployments.get(id);
  let resumed = false;
  if (deployment && deployment.state === 'in_progress') {
    resumed = true;
    if (deployment.canaryPercent !== canaryPercent || !same([...deployment.numbers].sort(), [...plan.numbers].sort())) {
      const was = `${deployment.canaryPercent === null ? 'without --canary' : `--canary ${deployment.canaryPercent}`} on ${deployment.numbers.join(', ') || 'no numbers'}`;
      throw new KitError('usage', `an interrupted deploy of these files (${id}) was started ${was}`, { hint: 'run it again with the same --canary and --number to finish it' });
    }
  } else {
    const at = now();
    const fresh: Deployment = {
      id,
      agentId: plan.agentId,
      folder: plan.folder,
      contentHash: plan.contentHash,
      stableVersion: plan.stableVersion,
      numbers: plan.numbers,
      bindingsBefore: plan.bindingsBefore,
      percent: 0,
      canaryPercent,
      title: options.title,
      description: options.description,
      ...(options.commit && { commit: options.commit }),
      ...(options.forced && { forced: options.forced }),
      maxVersionBefore: plan.maxVersionBefore,
      steps: [{ step: 'planned', at }],
      state: 'in_progress',
      history: [{ at, action: 'deploy', ...(options.forced && { reason: options.forced.warning }) }],
      createdAt: at,
      updatedAt: at,
    };
    // A finished deployment of the same files (e.g. rolled back, then deployed again) is replaced.
    if (deployment) await deployments.save(fresh, at);
    else if (!(await deployments.create(fresh))) throw new KitError('store', `deployment ${id} is being written by another deploy`, { hint: 'wait for it to finish, then run deploy again' });
    deployment = fresh;
    options.onStep?.('planned', deployment, `recorded deployment ${id}`);
  }
  const d = deployment;
  const step = async (name: DeployStep, detail: string) => {
    await deployments.stepDone(d, name, now());
    options.onStep?.(name, d, detail);
  };

  // 1. The draft, made from the stable version. A draft from that base that appeared after the plan
  //    (a create whose answer was lost when the process died) is this deploy's: adopt it.
  if (!hasStep(d, 'draft_created')) {
    // A number that follows "latest" would serve the draft while it is edited, one on
    // "latest_published" the new version the moment it is published: pin them to the stable version
    // first (the same calls go to the same version; only the binding's name for it changes).
    for (const number of d.numbers) {
      const current = ((await client.getPhoneNumber(number)).inbound_agents ?? []) as InboundBinding[];
      if (!current.some((b) => b.agent_id === d.agentId && typeof b.agent_version !== 'number')) continue;
      const pinned = current.map((b) => (b.agent_id === d.agentId && typeof b.agent_version !== 'number' ? { ...b, agent_version: d.stableVersion } : b));
      await client.updatePhoneNumber(number, { inbound_agents: pinned as never });
      options.onStep?.('planned', d, `pinned ${number} to v${d.stableVersion} (it followed a moving version)`);
    }
    const floor = d.maxVersionBefore ?? plan.maxVersionBefore;
    const landed = (await client.listAgentVersions(d.agentId)).filter((v) => v.version > floor && v.base_version === d.stableVersion && !v.is_published);
    const draft = landed.length ? await client.getAgent(d.agentId, Math.max(...landed.map((v) => v.version))) : await client.createAgentVersion(d.agentId, d.stableVersion);
    d.newVersion = draft.version ?? 0;
    const engine = (draft.response_engine ?? {}) as unknown as Raw;
    if (engine.type === 'conversation-flow' && typeof engine.conversation_flow_id === 'string' && typeof engine.version === 'number') d.flow = { id: engine.conversation_flow_id, version: engine.version };
    await step('draft_created', `${landed.length ? 'adopted' : 'created'} draft v${d.newVersion} from v${d.stableVersion}`);
  }
  const newVersion = d.newVersion!;

  // 2. Flow and settings onto the draft (PATCHes of a draft: repeating them is harmless).
  if (!hasStep(d, 'draft_updated')) {
    if (plan.body.flow) {
      if (!d.flow) throw new KitError('usage', `the folder has a conversation flow, and ${d.agentId} v${d.stableVersion} does not run one`, { hint: 'create the agent on a conversation flow first' });
      await client.updateConversationFlow(d.flow.id, plan.body.flow as never, d.flow.version);
    }
    if (Object.keys(plan.body.agent).length) await client.updateAgent(d.agentId, plan.body.agent as never, newVersion);
    await step('draft_updated', `updated draft v${newVersion}${d.flow ? ` (flow ${d.flow.id} v${d.flow.version})` : ''}`);
  }

  // 3. Publish (unless an earlier run's publish landed).
  if (!hasStep(d, 'published')) {
    const current = await client.getAgent(d.agentId, newVersion);
    if (!current.is_published) await client.publishAgentVersion(d.agentId, newVersion, { title: d.title, description: d.description });
    await step('published', `published v${newVersion} "${d.title}"`);
  }

  // 4. Read back: the published version holds what was sent.
  if (!hasStep(d, 'verified')) {
    const agent = (await client.getAgent(d.agentId, newVersion)) as unknown as Raw;
    if (!agent.is_published) throw new KitError('api', `${d.agentId} v${newVersion} reads back unpublished after publishing`, { hint: 'run deploy again to retry' });
    const mismatch = firstMismatch(plan.body.agent, agent);
    if (mismatch) throw new KitError('api', `${d.agentId} v${newVersion} reads back with a different ${mismatch} than was sent`, { hint: 'Retell changed or refused the value; compare with retell-kit pull' });
    if (plan.body.flow && d.flow) {
      const flow = (await client.getConversationFlow(d.flow.id, d.flow.version)) as unknown as Raw;
      const flowMismatch = firstMismatch(plan.body.flow, flow);
      if (flowMismatch) throw new KitError('api', `flow ${d.flow.id} v${d.flow.version} reads back with a different ${flowMismatch} than was sent`, { hint: 'Retell changed or refused the value; compare with retell-kit pull' });
    }
    await step('verified', `read back v${newVersion}: matches what was sent`);
  }

  // 5. Traffic: each number's whole list, this agent's share split; a number already as planned is skipped.
  const bindings: Record<string, InboundBinding[]> = {};
  const percent = d.canaryPercent ?? 100;
  for (const number of d.numbers) {
    const phone = await client.getPhoneNumber(number);
    const current = (phone.inbound_agents ?? []) as InboundBinding[];
    const split = splitTraffic(current, d.agentId, d.stableVersion, newVersion, percent, number);
    if (!hasStep(d, 'bound') && !sameBindings(current, split.bindings)) {
      await client.updatePhoneNumber(number, { inbound_agents: split.bindings as never });
      const after = ((await client.getPhoneNumber(number)).inbound_agents ?? []) as InboundBinding[];
      if (!sameBindings(after, split.bindings)) throw new KitError('api', `${number} reads back with other inbound_agents than were sent`, { hint: 'run deploy again to retry' });
      bindings[number] = after;
    } else bindings[number] = current;
  }
  if (!hasStep(d, 'bound')) {
    d.percent = percent;
    d.state = d.canaryPercent === null ? 'promoted' : 'canary';
    await step('bound', d.numbers.length ? `bound ${d.numbers.join(', ')}` : 'no numbers to bind');
  }
  return { deployment: d, resumed, bindings };
}

/** The first top-level key sent whose value reads back differently (Retell may add defaults; it must not change what we sent). */
function firstMismatch(sent: Raw, read: Raw): string | undefined {
  for (const [key, value] of Object.entries(sent)) if (!same(value, read[key])) return key;
  return undefined;
}
