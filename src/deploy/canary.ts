import type { CanaryConfig } from '../config/schema.js';
import { KitError } from '../errors.js';
import { connected, outcomesByVersion, versionKey, DEFAULT_EARLY_HANGUP_MS, type OutcomesResult } from '../outcomes/index.js';
import type { CallListItem, RetellClient } from '../retell/client.js';
import type { Store } from '../store/store.js';
import { parseDuration } from '../util/duration.js';
import { compareDurations, type DurationResult } from './duration.js';
import { Deployments, type Deployment, type DeploymentEvent } from './record.js';
import { sameBindings, splitTraffic, type InboundBinding } from './traffic.js';
import { canaryVerdict, type MetricName, type Verdict, type VerdictOptions } from './verdict.js';

/**
 * `canary status|promote|rollback`: the verdict on a recorded canary deployment, from the calls
 * Retell lists for the agent since the canary was bound (each joined by its frozen agent_version),
 * and the traffic moves that follow from it. Plain values in and out; the command prints.
 */

export const DEFAULT_STEPS = [5, 25, 50, 100];

/** The canary config with defaults applied and durations in ms (minEffect as a proportion). */
export interface CanarySettings {
  verdict: Required<Pick<VerdictOptions, 'primary' | 'minEffect' | 'alpha' | 'power' | 'minCalls'>> & { critical: MetricName[] };
  earlyHangupMs: number;
  durationTolerance: number;
  steps: number[];
  stepMinTimeMs: number;
  stepMinCalls: number;
  stepDeadlineMs: number;
  onInconclusive: 'pause' | 'rollback';
  intervalMs: number;
}

export function canarySettings(config: CanaryConfig = {}): CanarySettings {
  const minCalls = config.minCalls ?? 30;
  return {
    verdict: {
      primary: config.primary ?? 'call_successful',
      minEffect: (config.minEffect ?? 5) / 100,
      alpha: config.alpha ?? 0.05,
      power: config.power ?? 0.8,
      minCalls,
      critical: config.critical ?? [],
    },
    earlyHangupMs: config.earlyHangup === undefined ? DEFAULT_EARLY_HANGUP_MS : parseDuration(config.earlyHangup, 'canary.earlyHangup'),
    durationTolerance: config.durationTolerance ?? 0.2,
    steps: [...new Set(config.steps ?? DEFAULT_STEPS)].sort((a, b) => a - b),
    stepMinTimeMs: parseDuration(config.stepMinTime ?? '10m', 'canary.stepMinTime'),
    stepMinCalls: config.stepMinCalls ?? minCalls,
    stepDeadlineMs: parseDuration(config.stepDeadline ?? '24h', 'canary.stepDeadline'),
    onInconclusive: config.onInconclusive ?? 'pause',
    intervalMs: parseDuration(config.interval ?? '1m', 'canary.interval'),
  };
}

/** `canary status`: the verdict (its JSON contract: verdict, stable, canary, callsNeeded, ...) and the deployment it is about. */
export interface CanaryStatus extends Omit<Verdict, 'verdict'> {
  verdict: Verdict['verdict'];
  deployment: { id: string; agentId: string; state: Deployment['state']; stableVersion: number; canaryVersion: number; numbers: string[] };
  /** The canary's share of the agent's traffic now (0-100). */
  percent: number;
  /** Call duration by Mann-Whitney with a tolerance band (degraded when worse). */
  duration: DurationResult;
  /** Calls counted from here on (epoch ms, the time the canary was bound). */
  since: number;
  /** Calls left out: never connected, or of other versions. */
  excluded: OutcomesResult['excluded'];
  /** Where function errors came from: calls with serve's traces, and calls judged on their own tool results. */
  functionErrors: { fromTraces: number; fromToolResults: number };
}

export interface CanaryContext {
  client: RetellClient;
  store: Store;
  settings: CanarySettings;
  now?: () => number;
}

/** The deployment `canary` acts on, or one clear line saying there is none. */
export async function findCanary(store: Store, filter: { number?: string; agentId?: string } = {}, options: { orFinished?: boolean } = {}): Promise<Deployment> {
  const deployments = new Deployments(store);
  // status after a watch: the newest canary deployment, promoted or rolled back, still has a verdict to show.
  const found =
    (await deployments.active(filter)) ??
    (options.orFinished
      ? (await deployments.list()).find((d) => d.canaryPercent !== null && d.newVersion !== undefined && (!filter.number || d.numbers.includes(filter.number)) && (!filter.agentId || d.agentId === filter.agentId))
      : undefined);
  if (!found) {
    const which = [filter.agentId && `agent ${filter.agentId}`, filter.number && `number ${filter.number}`].filter(Boolean).join(' on ');
    throw new KitError('not-found', `no canary in progress${which ? ` for ${which}` : ''} in the store`, { hint: 'check --store, --agent and --number: the store must be the one the deployment was recorded in' });
  }
  if (found.newVersion === undefined) throw new KitError('store', `deployment ${found.id} has no new version recorded`, { hint: 'finish the deployment first' });
  return found;
}

/** When the canary's traffic started: the `bound` step, else the record's creation. */
export function boundAt(d: Deployment): number {
  return d.steps.find((s) => s.step === 'bound')?.at ?? d.createdAt;
}

/** The calls of both versions since the canary was bound, with function errors from serve's traces where they exist (else from the call's tool results, fetched with get-call). */
export async function canaryOutcomes(ctx: CanaryContext, d: Deployment): Promise<{ outcomes: OutcomesResult; calls: CallListItem[]; fromTraces: number; fromToolResults: number }> {
  const since = boundAt(d);
  const calls = await ctx.client.listCalls({ agentId: d.agentId, versions: [d.stableVersion, d.newVersion!], since });
  const live = calls.filter((c) => connected(c));
  const functionErrors = new Map<string, boolean>();
  const untraced: string[] = [];
  for (const call of live) {
    const traces = await ctx.store.tracesForCall(call.call_id);
    if (traces.length) functionErrors.set(call.call_id, traces.some((t) => t.outcome !== 'ok'));
    else untraced.push(call.call_id);
  }
  const hydrated = new Map((await ctx.client.hydrateCalls(untraced)).map((c) => [c.call_id, c]));
  const joined = calls.map((c) => hydrated.get(c.call_id) ?? c);
  const outcomes = outcomesByVersion(joined, { earlyHangupMs: ctx.settings.earlyHangupMs, functionErrors });
  return { outcomes, calls, fromTraces: functionErrors.size, fromToolResults: untraced.length };
}

/** The verdict on the canary now. */
export async function canaryStatus(ctx: CanaryContext, d: Deployment): Promise<CanaryStatus> {
  const { outcomes, fromTraces, fromToolResults } = await canaryOutcomes(ctx, d);
  const stable = outcomes.versions[versionKey(d.agentId, d.stableVersion)];
  const canary = outcomes.versions[versionKey(d.agentId, d.newVersion!)];
  const base = canaryVerdict(stable, canary, ctx.settings.verdict);
  // An empty side still names its version.
  base.stable.agent_id = d.agentId;
  base.stable.agent_version = d.stableVersion;
  base.canary.agent_id = d.agentId;
  base.canary.agent_version = d.newVersion!;
  const duration = compareDurations(stable, canary, { tolerance: ctx.settings.durationTolerance, alpha: ctx.settings.verdict.alpha, minCalls: ctx.settings.verdict.minCalls });
  const status: CanaryStatus = {
    ...base,
    deployment: { id: d.id, agentId: d.agentId, state: d.state, stableVersion: d.stableVersion, canaryVersion: d.newVersion!, numbers: d.numbers },
    percent: d.percent,
    duration,
    since: boundAt(d),
    excluded: outcomes.excluded,
    functionErrors: { fromTraces, fromToolResults },
  };
  if (base.verdict !== 'degraded' && duration.decision === 'worse') {
    const secs = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(1)} s`);
    status.verdict = 'degraded';
    status.callsNeeded = null;
    status.hoursNeeded = null;
    status.reason = `duration_ms: median ${secs(duration.stable.median)} → ${secs(duration.canary.median)}, longer than the ${Math.round(duration.tolerance * 100)} % tolerance (Mann-Whitney p = ${duration.look!.p.toPrecision(2)} < ${duration.look!.alpha.toPrecision(2)})`;
  }
  return status;
}

export interface MoveOptions {
  action: DeploymentEvent['action'];
  reason?: string;
  verdict?: string;
  /** Canary calls so far, when known (watch counts each step's calls from here). */
  canaryCalls?: number;
  now?: number;
}

/**
 * Send `percent` of the agent's share to the canary on every number of the deployment (others'
 * entries untouched, splitTraffic), then record it. A number already bound that way is left alone, so
 * a move interrupted half-way and run again finishes without touching the numbers it did.
 */
export async function moveTraffic(client: RetellClient, store: Store, d: Deployment, percent: number, o: MoveOptions): Promise<Deployment> {
  const plans: { number: string; bindings: InboundBinding[]; current: InboundBinding[] }[] = [];
  for (const number of d.numbers) {
    const current = ((await client.getPhoneNumber(number)).inbound_agents ?? []) as InboundBinding[];
    plans.push({ number, current, bindings: splitTraffic(current, d.agentId, d.stableVersion, d.newVersion!, percent, number).bindings });
  }
  // Every plan is checked before the first number is touched.
  for (const plan of plans) {
    if (!sameBindings(plan.current, plan.bindings)) await client.updatePhoneNumber(plan.number, { inbound_agents: plan.bindings.map(({ agent_version, ...b }) => (agent_version == null ? b : { ...b, agent_version })) });
  }
  const now = o.now ?? Date.now();
  const from = d.percent;
  d.percent = percent;
  d.state = percent >= 100 ? 'promoted' : percent <= 0 ? 'rolled_back' : 'canary';
  d.step = { percent, startedAt: now, ...(o.canaryCalls === undefined ? {} : { canaryCalls: o.canaryCalls }) };
  if (o.action === 'rollback') d.rollbackReason = o.reason ?? 'rolled back by hand';
  return new Deployments(store).log(d, { action: o.action, from, to: percent, ...(o.reason ? { reason: o.reason } : {}), ...(o.verdict ? { verdict: o.verdict } : {}) }, now);
}

/** `canary promote`: to `to` percent, or the next configured step above the current share, or 100 with `full`. */
export function promoteTarget(d: Deployment, settings: CanarySettings, o: { to?: number; full?: boolean }): number {
  if (o.full) return 100;
  if (o.to !== undefined) {
    if (o.to <= d.percent) throw new KitError('usage', `--to ${o.to}: the canary already has ${d.percent} %`, { hint: 'promote moves the share up; use rollback to send traffic back to stable' });
    return o.to;
  }
  return settings.steps.find((s) => s > d.percent) ?? 100;
}

export async function promoteCanary(client: RetellClient, store: Store, d: Deployment, percent: number, reason?: string): Promise<Deployment> {
  return moveTraffic(client, store, d, percent, { action: 'promote', reason });
}

/** `canary rollback`: stable back to 100 % of the agent's share on every number; the canary version is kept. Needs no analysis and no calls. */
export async function rollbackCanary(client: RetellClient, store: Store, d: Deployment, reason?: string, verdict?: string): Promise<Deployment> {
  return moveTraffic(client, store, d, 0, { action: 'rollback', reason: reason ?? 'rolled back by hand', verdict });
}
