/**
 * The canary verdict: an always-valid sequential test on the difference of two proportions.
 *
 * Method: the mixture sequential probability ratio test (mSPRT) of Johari, Koomen, Pekelis & Walsh,
 * "Always valid inference" (Operations Research 2022), in its normal-approximation form for a
 * difference of proportions, with a normal mixing distribution N(0, τ²) over the true difference θ.
 * With θ̂ = p̂_canary − p̂_stable and V = p̃_s(1−p̃_s)/n_s + p̃_c(1−p̃_c)/n_c, the mixture likelihood
 * ratio against θ = θ₀ is
 *     Λ(θ₀) = sqrt(V / (V + τ²)) · exp( τ² (θ̂ − θ₀)² / (2 V (V + τ²)) ),
 * and the set of θ₀ with Λ(θ₀) < 1/α is an always-valid (1 − α) confidence interval:
 *     θ̂ ± sqrt( V (V + τ²) / τ² · (2 ln(1/α) + ln((V + τ²) / V)) ).
 * It stays valid however often it is checked (Ville's inequality on the mixture martingale), so
 * `canary watch` may look every minute. See docs/canary.md.
 *
 * Decisions, per metric, with δ the smallest difference that matters:
 *   worse         the interval excludes 0 on the bad side (the canary is worse, at level α);
 *   non-inferior  the interval excludes a drop of δ (any harm is smaller than δ, at level α);
 *   inconclusive  neither yet.
 * Verdict: `insufficient` below `minCalls` per side (no data is never healthy); `degraded` when the
 * primary or any critical metric is worse; `healthy` when the primary is non-inferior and no critical
 * metric is worse; else `inconclusive`, with the canary calls still needed for the configured power.
 */
import { emptyOutcomes, type VersionOutcomes } from '../outcomes/index.js';

export type MetricName = 'call_successful' | 'transferred' | 'early_hangup' | 'function_error';
export type VerdictName = 'healthy' | 'degraded' | 'inconclusive' | 'insufficient';

/** Which way is better: success should not drop; transfers, early hang-ups and function errors should not rise. */
export const METRIC_DIRECTION: Record<MetricName, 'higher' | 'lower'> = {
  call_successful: 'higher',
  transferred: 'lower',
  early_hangup: 'lower',
  function_error: 'lower',
};

export interface VerdictOptions {
  /** The primary metric. Default `call_successful`. */
  primary?: MetricName;
  /** Smallest difference that matters, as a proportion (0.05 = 5 percentage points). Default 0.05. */
  minEffect?: number;
  /** Error rate of each decision. Default 0.05. */
  alpha?: number;
  /** Power wanted at a difference of `minEffect`, for `callsNeeded`. Default 0.8. */
  power?: number;
  /** Fewer calls than this on either side is `insufficient`. Default 30. */
  minCalls?: number;
  /** Metrics that fail the canary outright when worse. The primary always does. */
  critical?: MetricName[];
  /** Mixing standard deviation τ of the mSPRT. Default 2 × `minEffect`: weight on large regressions, which a canary must catch fast (docs/canary.md). */
  tau?: number;
}

export interface MetricResult {
  metric: MetricName;
  direction: 'higher' | 'lower';
  critical: boolean;
  stable: { n: number; count: number; rate: number | null };
  canary: { n: number; count: number; rate: number | null };
  /** canary rate − stable rate (raw, not direction-adjusted); null without data. */
  difference: number | null;
  /** Always-valid (1 − α) interval for the difference; null without data. */
  interval: [number, number] | null;
  decision: 'worse' | 'non-inferior' | 'inconclusive' | 'insufficient';
}

export interface ArmReport {
  agent_id: string;
  agent_version: number | string;
  calls: number;
  call_successful: number | null;
  transferred: number | null;
  early_hangup: number | null;
  function_error: number | null;
  median_duration_ms: number | null;
}

export interface Verdict {
  verdict: VerdictName;
  /** One line saying why, with numbers. */
  reason: string;
  stable: ArmReport;
  canary: ArmReport;
  /** Further canary calls needed to decide at the configured effect and power; null once decided. */
  callsNeeded: number | null;
  /** About how long `callsNeeded` takes at the canary's observed call rate; null when unknown or decided. */
  hoursNeeded: number | null;
  /** The metric that decided (degraded), or the primary. */
  metric: MetricResult;
  metrics: MetricResult[];
  method: { test: 'mSPRT'; alpha: number; power: number; minEffect: number; tau: number; minCalls: number; primary: MetricName };
}

const DEFAULTS = { primary: 'call_successful' as MetricName, minEffect: 0.05, alpha: 0.05, power: 0.8, minCalls: 30 };

/** Counts for a metric: success is over analysed calls, the rest over connected calls. */
function counts(o: VersionOutcomes, metric: MetricName): { n: number; count: number } {
  return { n: metric === 'call_successful' ? o.analysed : o.calls, count: o[metric] };
}

/** The plug-in variance, with rates shrunk by half a call so that 0 % and 100 % still have spread. */
function variance(s: { n: number; count: number }, c: { n: number; count: number }): number {
  const ps = (s.count + 0.5) / (s.n + 1);
  const pc = (c.count + 0.5) / (c.n + 1);
  return (ps * (1 - ps)) / s.n + (pc * (1 - pc)) / c.n;
}

/** Half-width of the always-valid interval at variance V. */
export function halfWidth(V: number, tau: number, alpha: number): number {
  const t2 = tau * tau;
  return Math.sqrt(((V * (V + t2)) / t2) * (2 * Math.log(1 / alpha) + Math.log((V + t2) / V)));
}

/** The mSPRT mixture likelihood ratio Λ against `theta0` (reject when ≥ 1/α). */
export function mixtureLikelihoodRatio(diff: number, V: number, tau: number, theta0 = 0): number {
  const t2 = tau * tau;
  return Math.sqrt(V / (V + t2)) * Math.exp((t2 * (diff - theta0) ** 2) / (2 * V * (V + t2)));
}

/** Compare one proportion metric between stable and canary. */
export function compareProportion(
  metric: MetricName,
  stable: { n: number; count: number },
  canary: { n: number; count: number },
  o: { minEffect: number; alpha: number; tau: number; minCalls: number; critical: boolean },
): MetricResult {
  const direction = METRIC_DIRECTION[metric];
  const stableRate = stable.n ? stable.count / stable.n : null;
  const canaryRate = canary.n ? canary.count / canary.n : null;
  const difference = stableRate !== null && canaryRate !== null ? canaryRate - stableRate : null;
  const result: MetricResult = {
    metric, direction, critical: o.critical,
    stable: { n: stable.n, count: stable.count, rate: stableRate },
    canary: { n: canary.n, count: canary.count, rate: canaryRate },
    difference, interval: null, decision: 'insufficient',
  };
  if (difference === null || stable.n < o.minCalls || canary.n < o.minCalls) return result;
  const w = halfWidth(variance(stable, canary), o.tau, o.alpha);
  result.interval = [difference - w, difference + w];
  // Work in "harm" units: positive = the canary is worse.
  const harmLo = direction === 'higher' ? -(difference + w) : difference - w;
  const harmHi = direction === 'higher' ? -(difference - w) : difference + w;
  result.decision = harmLo > 0 ? 'worse' : harmHi < o.minEffect ? 'non-inferior' : 'inconclusive';
  return result;
}

/**
 * Canary calls needed in total so that, at the observed stable:canary ratio and baseline rate, the
 * interval is narrow enough to decide with the wanted power when the true difference is 0 or δ:
 * the smallest n with halfWidth(V(n)) + z_power · sqrt(V(n)) ≤ δ. (A fixed-horizon bound: a sequential
 * test often stops earlier.)
 */
export function canaryCallsForPower(p: number, stablePerCanary: number, o: { minEffect: number; alpha: number; tau: number; power: number }): number {
  const q = Math.min(Math.max(p, 0.01), 0.99);
  const zPower = normalQuantile(o.power);
  const ok = (n: number) => {
    const V = q * (1 - q) * (1 / n + 1 / (stablePerCanary * n));
    return halfWidth(V, o.tau, o.alpha) + zPower * Math.sqrt(V) <= o.minEffect;
  };
  let lo = 1;
  let hi = 2;
  while (!ok(hi)) {
    lo = hi;
    hi *= 2;
    if (hi > 1e9) return Infinity;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (ok(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** The verdict for a canary against the stable version. Pure: same outcomes, same verdict. */
export function canaryVerdict(stable: VersionOutcomes | undefined, canary: VersionOutcomes | undefined, options: VerdictOptions = {}): Verdict {
  const primary = options.primary ?? DEFAULTS.primary;
  const minEffect = options.minEffect ?? DEFAULTS.minEffect;
  const alpha = options.alpha ?? DEFAULTS.alpha;
  const power = options.power ?? DEFAULTS.power;
  const minCalls = options.minCalls ?? DEFAULTS.minCalls;
  const tau = options.tau ?? 2 * minEffect;
  const s = stable ?? emptyOutcomes('unknown', 'unknown');
  const c = canary ?? emptyOutcomes('unknown', 'unknown');
  const critical = new Set<MetricName>([primary, ...(options.critical ?? [])]);
  const names = [primary, ...(['call_successful', 'transferred', 'early_hangup', 'function_error'] as MetricName[]).filter((m) => m !== primary)];
  const metrics = names.map((m) => compareProportion(m, counts(s, m), counts(c, m), { minEffect, alpha, tau, minCalls, critical: critical.has(m) }));
  const main = metrics[0]!;
  const method = { test: 'mSPRT' as const, alpha, power, minEffect, tau, minCalls, primary };
  const stableArm = arm(s);
  const canaryArm = arm(c);
  const make = (verdict: VerdictName, metric: MetricResult, callsNeeded: number | null, hoursNeeded: number | null, reason: string): Verdict =>
    ({ verdict, reason, stable: stableArm, canary: canaryArm, callsNeeded, hoursNeeded, metric, metrics, method });

  const worse = metrics.find((m) => m.critical && m.decision === 'worse');
  if (worse) {
    const pts = (x: number) => `${(Math.abs(x) * 100).toFixed(1)}`;
    const [lo, hi] = worse.interval!;
    const by = worse.direction === 'higher' ? `down ${pts(worse.difference!)} points` : `up ${pts(worse.difference!)} points`;
    return make('degraded', worse, null, null,
      `${worse.metric} ${by} (${pct(worse.stable.rate)} → ${pct(worse.canary.rate)}; ${Math.round((1 - alpha) * 100)} % always-valid interval for the difference ${signedPts(lo)} to ${signedPts(hi)} points)`);
  }

  // Calls still needed, at the observed split and baseline.
  const baseline = main.stable.rate ?? main.canary.rate ?? 0.5;
  const split = main.canary.n > 0 && main.stable.n > 0 ? main.stable.n / main.canary.n : 1;
  const total = canaryCallsForPower(baseline, split, { minEffect, alpha, tau, power });
  const needed = Number.isFinite(total) ? Math.max(total - main.canary.n, minCalls - main.canary.n, 0) : null;
  const span = c.first_start !== null && c.last_start !== null ? c.last_start - c.first_start : 0;
  const perHour = c.calls >= 2 && span > 0 ? (c.calls - 1) / (span / 3_600_000) : null;
  const hoursNeeded = needed !== null && perHour ? Math.round((needed / perHour) * 10) / 10 : null;

  const insufficient = metrics.find((m) => m.critical && m.decision === 'insufficient');
  if (insufficient) {
    return make('insufficient', insufficient, needed, hoursNeeded,
      `${insufficient.metric}: ${insufficient.stable.n} stable and ${insufficient.canary.n} canary calls; at least ${minCalls} each are needed before testing`);
  }
  if (main.decision === 'non-inferior') {
    const [lo, hi] = main.interval!;
    return make('healthy', main, null, null,
      `${main.metric} ${pct(main.stable.rate)} → ${pct(main.canary.rate)}; any ${main.direction === 'higher' ? 'drop' : 'rise'} is under ${signedPts(minEffect).replace('+', '')} points (interval ${signedPts(lo)} to ${signedPts(hi)})`);
  }
  const [lo, hi] = main.interval!;
  return make('inconclusive', main, needed, hoursNeeded,
    `${main.metric} ${pct(main.stable.rate)} → ${pct(main.canary.rate)} (interval ${signedPts(lo)} to ${signedPts(hi)} points); about ${needed ?? '?'} more canary calls${hoursNeeded !== null ? ` (~${hoursNeeded} h at the observed rate)` : ''} to decide at ${Math.round(power * 100)} % power`);
}

function arm(o: VersionOutcomes): ArmReport {
  const rate = (count: number, n: number) => (n ? count / n : null);
  const sorted = [...o.durations_ms].sort((a, b) => a - b);
  return {
    agent_id: o.agent_id, agent_version: o.agent_version, calls: o.calls,
    call_successful: rate(o.call_successful, o.analysed), transferred: rate(o.transferred, o.calls),
    early_hangup: rate(o.early_hangup, o.calls), function_error: rate(o.function_error, o.calls),
    median_duration_ms: sorted.length ? sorted[Math.floor((sorted.length - 1) / 2)]! : null,
  };
}

function pct(x: number | null): string {
  return x === null ? 'n/a' : `${(x * 100).toFixed(1)} %`;
}

function signedPts(x: number): string {
  return `${x >= 0 ? '+' : '−'}${Math.abs(x * 100).toFixed(1)}`;
}

/** Inverse of the standard normal CDF (Acklam's rational approximation, |error| < 1.2e-9 after refinement-free use). */
export function normalQuantile(p: number): number {
  const a = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.38357751867269e2, -3.066479806614716e1, 2.506628277459239];
  const b = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
  const c = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
  const d = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
  const lowP = 0.02425;
  if (p < lowP) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) / ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - lowP) return -normalQuantile(1 - p);
  const q = p - 0.5;
  const r = q * q;
  return ((((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q) / (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}
