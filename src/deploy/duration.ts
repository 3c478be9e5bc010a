import type { VersionOutcomes } from '../outcomes/index.js';
import { mannWhitneyU } from './mwu.js';

/**
 * Call duration, a continuous metric, judged as Kayenta judges one: a Mann-Whitney U test with a
 * tolerance band. The question is "are the canary's calls longer than stable's by more than the
 * tolerance?", so the canary's durations are compared (one-sided, `greater`) with stable's scaled by
 * (1 + tolerance): a canary within the band cannot be flagged, however many calls there are.
 *
 * A Mann-Whitney test is a fixed-sample test, so looking at it every minute would inflate its error
 * rate. It is made honest under repeated looks by spending α over a planned schedule of looks: look
 * k (k = 0, 1, 2, ...) happens when the canary has minCalls · 2^k calls, uses exactly the calls up to
 * that point (the first minCalls · 2^k canary calls, and stable's calls that started no later than
 * the last of them), and tests at α / 2^(k+1). Between looks the judgement does not change, however
 * often it is read, and the chance of any false alarm over all looks, forever, is at most
 * Σ α / 2^(k+1) = α (Bonferroni). docs/canary.md.
 */

export interface DurationResult {
  metric: 'duration_ms';
  /** Medians of all calls so far (ms), null without data. */
  stable: { n: number; median: number | null };
  canary: { n: number; median: number | null };
  /** canary median / stable median, null without data. */
  ratio: number | null;
  /** Allowed slow-down, as a fraction (0.2 = 20 % longer). */
  tolerance: number;
  /** The look the judgement comes from: its index, canary and stable calls used, its α and p-value; null before the first look. */
  look: { index: number; canaryCalls: number; stableCalls: number; alpha: number; p: number } | null;
  decision: 'worse' | 'within-tolerance' | 'insufficient';
}

export interface DurationOptions {
  tolerance: number;
  alpha: number;
  minCalls: number;
}

export function compareDurations(stable: VersionOutcomes | undefined, canary: VersionOutcomes | undefined, o: DurationOptions): DurationResult {
  const s = pairs(stable);
  const c = pairs(canary);
  const result: DurationResult = {
    metric: 'duration_ms',
    stable: { n: s.length, median: median(s.map((p) => p.ms)) },
    canary: { n: c.length, median: median(c.map((p) => p.ms)) },
    ratio: null,
    tolerance: o.tolerance,
    look: null,
    decision: 'insufficient',
  };
  if (result.stable.median !== null && result.canary.median !== null && result.stable.median > 0) result.ratio = result.canary.median / result.stable.median;
  if (c.length < o.minCalls) return result;
  const index = Math.floor(Math.log2(c.length / o.minCalls));
  const canaryCalls = o.minCalls * 2 ** index;
  const used = c.slice(0, canaryCalls);
  const cutoff = used[used.length - 1]!.start;
  const stableUsed = s.filter((p) => p.start <= cutoff);
  if (stableUsed.length < o.minCalls) return result;
  const alpha = o.alpha / 2 ** (index + 1);
  const { p } = mannWhitneyU(used.map((x) => x.ms), stableUsed.map((x) => x.ms * (1 + o.tolerance)), 'greater');
  result.look = { index, canaryCalls, stableCalls: stableUsed.length, alpha, p };
  result.decision = p < alpha ? 'worse' : 'within-tolerance';
  return result;
}

function pairs(o: VersionOutcomes | undefined): { ms: number; start: number }[] {
  if (!o) return [];
  return o.durations_ms.map((ms, i) => ({ ms, start: o.duration_starts[i] ?? 0 })).sort((a, b) => a.start - b.start);
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}
