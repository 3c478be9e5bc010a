import type { Store } from '../store/store.js';
import type { InboundBinding } from './traffic.js';

/**
 * The deployment record: what `deploy` did and what `canary` does next, kept in the Store (the same
 * SQLite file or Postgres that `serve` uses), one entry per deployment. Every step is written before
 * the next starts, so a deploy interrupted anywhere and run again reads where it stopped and goes on:
 * it never creates a second draft and never leaves a number half-bound.
 */

/** A reserved kv namespace: handlers' namespaces are their own names (tenants), never this. */
export const DEPLOY_NAMESPACE = '__retell-kit/deploy';

/** The steps of a deploy, in order. A record's `steps` holds those done. */
export const DEPLOY_STEPS = ['planned', 'draft_created', 'draft_updated', 'published', 'verified', 'bound'] as const;
export type DeployStep = (typeof DEPLOY_STEPS)[number];

export type DeploymentState =
  /** Steps still to run (interrupted, or running now). */
  | 'in_progress'
  /** Bound with a canary share: `canary status|promote|rollback|watch` act on it. */
  | 'canary'
  /** The new version serves 100 % of this agent's share on every number. */
  | 'promoted'
  /** Stable back to 100 %; the new version kept for inspection. */
  | 'rolled_back'
  /** watch stopped on an inconclusive step (its deadline passed). */
  | 'paused';

export interface DeploymentEvent {
  at: number;
  action: 'deploy' | 'step' | 'promote' | 'rollback' | 'pause' | 'resume' | 'verdict';
  /** Canary percent before and after, when traffic moved. */
  from?: number;
  to?: number;
  /** Why (rollback reason, the verdict line, the --force warning). */
  reason?: string;
  /** The verdict at that moment (`healthy`, `degraded`, ...). */
  verdict?: string;
}

export interface Deployment {
  /** `<agent_id>:<content hash, 12 hex>`: the same files deployed again find the same record. */
  id: string;
  agentId: string;
  /** The project folder deployed (relative to the working directory when it was run). */
  folder: string;
  /** sha256 of the files deployed (agent settings + flow), hex. */
  contentHash: string;
  /** The version serving this agent's traffic before the deploy (what a rollback returns to). */
  stableVersion: number;
  /** The draft made from `stableVersion` (step draft_created), published later as the new version. */
  newVersion?: number;
  /** The conversation flow and version the new agent version points to. */
  flow?: { id: string; version: number };
  /** Phone numbers whose inbound traffic this deployment moves. */
  numbers: string[];
  /** Each number's inbound_agents before the deploy touched it (rollback restores this agent's share from it). */
  bindingsBefore: Record<string, InboundBinding[]>;
  /** The canary share now (0-100); 100 when promoted or deployed without --canary, 0 when rolled back. */
  percent: number;
  /** The canary share asked for at deploy time; null for a deploy without --canary. */
  canaryPercent: number | null;
  title: string;
  description: string;
  commit?: string;
  /** Set when --force shipped a flow with lint errors (or breaking changes to a tool a handler serves); stays in the record. */
  forced?: { errors: number; warning: string; handlerBreaking?: number };
  /** The agent's highest version number when planned: a draft above it from `stableVersion` is this deploy's (a resumed deploy adopts it). */
  maxVersionBefore?: number;
  steps: { step: DeployStep; at: number }[];
  state: DeploymentState;
  /**
   * The canary step traffic is at now (written by `canary promote|rollback|watch`): its percent, when
   * it began, and how many canary calls there were then (`canaryCalls`, filled in by watch's first
   * check when a manual promote could not know it). A watch started again continues from here.
   */
  step?: { percent: number; startedAt: number; canaryCalls?: number };
  /** Why the canary was rolled back (the verdict line or `canary rollback --reason`). */
  rollbackReason?: string;
  history: DeploymentEvent[];
  createdAt: number;
  updatedAt: number;
}

const KEY_PREFIX = 'deployment:';

/** The Store's deployment records: plain reads and whole-record writes (one deploy runs at a time per agent). */
export class Deployments {
  constructor(private readonly store: Store) {}

  async get(id: string): Promise<Deployment | undefined> {
    return (await this.store.kvGet(DEPLOY_NAMESPACE, KEY_PREFIX + id)) as Deployment | undefined;
  }

  /** Create the record; false when one with this id exists already (a resumed deploy). */
  async create(deployment: Deployment): Promise<boolean> {
    return this.store.kvInsert(DEPLOY_NAMESPACE, KEY_PREFIX + deployment.id, deployment);
  }

  async save(deployment: Deployment, now = Date.now()): Promise<Deployment> {
    deployment.updatedAt = now;
    await this.store.kvSet(DEPLOY_NAMESPACE, KEY_PREFIX + deployment.id, deployment);
    return deployment;
  }

  /** Mark a step done (idempotent) and save. */
  async stepDone(deployment: Deployment, step: DeployStep, now = Date.now()): Promise<Deployment> {
    if (!hasStep(deployment, step)) deployment.steps.push({ step, at: now });
    return this.save(deployment, now);
  }

  /** Append to the history and save. */
  async log(deployment: Deployment, event: Omit<DeploymentEvent, 'at'>, now = Date.now()): Promise<Deployment> {
    deployment.history.push({ at: now, ...event });
    return this.save(deployment, now);
  }

  /** Every record, newest first. */
  async list(): Promise<Deployment[]> {
    const entries = await this.store.kvList(DEPLOY_NAMESPACE, KEY_PREFIX);
    return entries.map((e) => e.value as Deployment).sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  /**
   * The deployment `canary` acts on: the newest one in `canary` or `paused` state (or `in_progress`
   * with its traffic bound), on `number` when given, of `agentId` when given.
   */
  async active(filter: { number?: string; agentId?: string } = {}): Promise<Deployment | undefined> {
    return (await this.list()).find(
      (d) => (d.state === 'canary' || d.state === 'paused') && (!filter.number || d.numbers.includes(filter.number)) && (!filter.agentId || d.agentId === filter.agentId),
    );
  }
}

export function hasStep(deployment: Deployment, step: DeployStep): boolean {
  return deployment.steps.some((s) => s.step === step);
}
