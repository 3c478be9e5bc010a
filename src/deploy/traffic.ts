import { KitError } from '../errors.js';

/**
 * Weighted inbound bindings of a phone number (`inbound_agents`): each call picks one entry at random
 * with probability proportional to `weight`, and Retell wants the weights to sum to 1
 * (retell-reference §3). A deploy or a canary step rewrites only this agent's entries; every other
 * agent's entry stays as it was, weight included.
 */
export interface InboundBinding {
  agent_id: string;
  weight: number;
  agent_version?: number | string | null;
}

/** Weights are kept to this many decimals (0.0001 = a hundredth of a percent). */
const WEIGHT_DECIMALS = 4;
const SCALE = 10 ** WEIGHT_DECIMALS;

/** A percentage (0-100) as a canary share, or a one-line reason it cannot be one. */
export function parsePercent(value: string | number): number {
  const percent = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(percent) || percent <= 0 || percent > 100) {
    throw new KitError('usage', `canary percent "${value}" is not a number above 0 and at most 100`, { hint: 'e.g. --canary 10 sends 10 % of the calls to the new version' });
  }
  if (Math.abs(percent * 100 - Math.round(percent * 100)) > 1e-9) {
    throw new KitError('usage', `canary percent ${percent} cannot be represented: Retell weights are fractions that must sum to exactly 1`, { hint: 'use at most two decimals, e.g. 12.5 or 33.33' });
  }
  return percent;
}

export interface SplitPlan {
  /** The number's new inbound_agents, in the order to send (others first, as they were). */
  bindings: InboundBinding[];
  /** This agent's share of the number (1 when it is the only agent bound). */
  share: number;
  /** The canary's actual weight and the stable version's, after rounding. */
  canaryWeight: number;
  stableWeight: number;
}

/**
 * The number's bindings with this agent's share split between the stable and the canary version:
 * `[...others, { stable, share × (1 − p) }, { canary, share × p }]`. `percent` 100 binds only the canary
 * version; 0 only the stable one. A number where this agent is not bound yet gets the agent's whole
 * share as what is left after the other agents (1 when none).
 *
 * Weights are rounded to 4 decimals and the result is checked to sum to exactly 1 in floating point
 * (added in the order sent); when it cannot, a KitError says which weights and why.
 */
export function splitTraffic(current: readonly InboundBinding[] | null | undefined, agentId: string, stable: number, canary: number, percent: number, number = 'the number'): SplitPlan {
  const existing = (current ?? []).filter((b) => b.weight > 0);
  const others = existing.filter((b) => b.agent_id !== agentId);
  const otherUnits = others.reduce((sum, b) => sum + Math.round(b.weight * SCALE), 0);
  for (const b of others) {
    if (Math.abs(b.weight * SCALE - Math.round(b.weight * SCALE)) > 1e-6) {
      throw new KitError('usage', `${number}: another agent's weight ${b.weight} (${b.agent_id}) has more than ${WEIGHT_DECIMALS} decimals`, { hint: 'retell-kit leaves other agents untouched; set that weight in the dashboard first' });
    }
  }
  const shareUnits = SCALE - otherUnits;
  if (shareUnits <= 0) throw new KitError('usage', `${number}: other agents already take all of its traffic (weights sum to ${otherUnits / SCALE})`, { hint: `bind ${agentId} in the dashboard, or lower the other agents' weights` });

  const canaryUnits = Math.round((shareUnits * percent) / 100);
  const stableUnits = shareUnits - canaryUnits;
  if (percent > 0 && percent < 100 && (canaryUnits === 0 || stableUnits === 0)) {
    throw new KitError('usage', `${number}: ${percent} % of this agent's share (${shareUnits / SCALE}) rounds to ${canaryUnits === 0 ? 'no' : 'all'} traffic`, { hint: 'choose a larger canary percent' });
  }
  const own: InboundBinding[] = [];
  if (stableUnits > 0) own.push({ agent_id: agentId, agent_version: stable, weight: stableUnits / SCALE });
  if (canaryUnits > 0) own.push({ agent_id: agentId, agent_version: canary, weight: canaryUnits / SCALE });
  const bindings = [...others.map((b) => ({ ...b })), ...own];
  const sum = bindings.reduce((total, b) => total + b.weight, 0);
  if (sum !== 1) {
    throw new KitError('usage', `${number}: weights ${bindings.map((b) => b.weight).join(' + ')} do not add up to exactly 1 in floating point`, { hint: 'choose another canary percent (e.g. a multiple of 5), or rebalance the other agents' });
  }
  return { bindings, share: shareUnits / SCALE, canaryWeight: canaryUnits / SCALE, stableWeight: stableUnits / SCALE };
}

/** The share of the number's calls that each version of `agentId` gets now (weights over their sum). */
export function versionShares(current: readonly InboundBinding[] | null | undefined, agentId: string): Map<string, number> {
  const shares = new Map<string, number>();
  const bindings = (current ?? []).filter((b) => b.weight > 0);
  const total = bindings.reduce((sum, b) => sum + b.weight, 0);
  for (const b of bindings) {
    if (b.agent_id !== agentId) continue;
    const key = String(b.agent_version ?? 'latest');
    shares.set(key, (shares.get(key) ?? 0) + b.weight / total);
  }
  return shares;
}

/** True when `bindings` already equals the plan (a resumed deploy skips the PATCH). */
export function sameBindings(a: readonly InboundBinding[] | null | undefined, b: readonly InboundBinding[]): boolean {
  const norm = (list: readonly InboundBinding[]) => list.filter((x) => x.weight > 0).map((x) => `${x.agent_id}@${String(x.agent_version ?? 'latest')}=${x.weight}`).sort().join(',');
  return norm(a ?? []) === norm(b);
}
