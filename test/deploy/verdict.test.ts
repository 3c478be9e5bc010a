import { describe, expect, it } from 'vitest';
import { canaryVerdict, canaryCallsForPower, normalQuantile } from '../../src/deploy/verdict.js';
import { emptyOutcomes, outcomesByVersion, type VersionOutcomes } from '../../src/outcomes/index.js';
import { mulberry32 } from '../../src/emulator/simulate.js';

/** Add one call's outcome to a version's counts (what outcomesByVersion does, without building call objects). */
function add(o: VersionOutcomes, successful: boolean, start: number): void {
  o.calls++;
  o.analysed++;
  if (successful) o.call_successful++;
  o.first_start ??= start;
  o.last_start = start;
}

type Decide = (s: VersionOutcomes, c: VersionOutcomes) => string;
const verdictOf: Decide = (s, c) => canaryVerdict(s, c).verdict;

/** The test people run by hand: a fixed-sample two-proportion z-test at 5 %, looked at after every call. */
const naiveZ: Decide = (s, c) => {
  if (s.analysed < 30 || c.analysed < 30) return 'insufficient';
  const p = (s.call_successful + c.call_successful) / (s.analysed + c.analysed);
  const se = Math.sqrt(p * (1 - p) * (1 / s.analysed + 1 / c.analysed));
  return se > 0 && (c.call_successful / c.analysed - s.call_successful / s.analysed) / se < -1.96 ? 'degraded' : 'inconclusive';
};

/**
 * Simulate canaries checked after every `every` calls: each call goes to the canary with probability `share`.
 * Returns, per run, the verdict that ended it (one of `stopOn`) and when, or the last one seen.
 */
function simulate(o: { runs: number; calls: number; share: number; pStable: number; pCanary: number; seed: number; stopOn: string[]; every?: number; decide?: Decide }) {
  const random = mulberry32(o.seed);
  const decide = o.decide ?? verdictOf;
  const ends: { verdict: string; at: number }[] = [];
  for (let r = 0; r < o.runs; r++) {
    const s = emptyOutcomes('agent', 1);
    const c = emptyOutcomes('agent', 2);
    let last = { verdict: 'insufficient', at: o.calls };
    for (let i = 0; i < o.calls; i++) {
      if (random() < o.share) add(c, random() < o.pCanary, i * 60_000);
      else add(s, random() < o.pStable, i * 60_000);
      if ((i + 1) % (o.every ?? 1) !== 0) continue;
      const v = decide(s, c);
      last = { verdict: v, at: i + 1 };
      if (o.stopOn.includes(v)) break;
    }
    ends.push(last);
  }
  return ends;
}

describe('canaryVerdict: error rates by simulation', () => {
  it('1,000 equal canaries checked after every call raise a false "degraded" no more often than α allows', () => {
    // 1,000 runs of 500 calls, 30 % to the canary, both at 85 % success, checked after every call and
    // not stopped by "healthy" (watching on regardless is the harshest case).
    const equal = { runs: 1000, calls: 500, share: 0.3, pStable: 0.85, pCanary: 0.85, seed: 19, stopOn: ['degraded'] };
    const falseAlarms = simulate(equal).filter((e) => e.verdict === 'degraded').length;
    // Were the true rate exactly α = 5 %, 1,000 runs would give 65 or more false alarms with probability 2 %
    // (Binomial(1000, 0.05): mean 50, sd 6.9); a test that is even slightly too eager fails this bound.
    expect(falseAlarms).toBeLessThanOrEqual(64);
    // The same harness catches a test that is not valid under continuous monitoring: a plain z-test looked at every call.
    const naive = simulate({ ...equal, decide: naiveZ }).filter((e) => e.verdict === 'degraded').length;
    expect(naive).toBeGreaterThan(100);
    console.log(`false degraded after checking every call: mSPRT ${falseAlarms} / 1000, naive z-test ${naive} / 1000`);
  });

  it('70 % vs 90 % success is degraded within a realistic number of calls', () => {
    const ends = simulate({ runs: 200, calls: 2000, share: 0.2, pStable: 0.9, pCanary: 0.7, seed: 7, stopOn: ['degraded', 'healthy'] });
    const degraded = ends.filter((e) => e.verdict === 'degraded');
    expect(degraded.length).toBe(200);
    const sorted = degraded.map((e) => e.at).sort((a, b) => a - b);
    const median = sorted[100]!;
    const p95 = sorted[190]!;
    expect(p95).toBeLessThan(1000); // total calls, 20 % of them to the canary
    console.log(`70 vs 90 degraded after total calls: median ${median}, p95 ${p95}`);
  });

  it('an equal canary with enough calls is healthy; one worse by the smallest difference that matters rarely is', () => {
    const equal = simulate({ runs: 100, calls: 6000, share: 0.5, pStable: 0.85, pCanary: 0.85, seed: 11, stopOn: ['degraded', 'healthy'], every: 20 });
    expect(equal.filter((e) => e.verdict === 'healthy').length).toBeGreaterThanOrEqual(90);
    console.log(`equal canaries healthy after median ${equal.map((e) => e.at).sort((a, b) => a - b)[50]} total calls`);
    // A drop of exactly δ = 5 points is the hardest case for "healthy": its rate is at most α. 200 runs at
    // α = 5 % give 19 or more false "healthy" with probability 0.6 %.
    const worse = simulate({ runs: 200, calls: 4000, share: 0.5, pStable: 0.85, pCanary: 0.8, seed: 13, stopOn: ['degraded', 'healthy'], every: 5 });
    const falseHealthy = worse.filter((e) => e.verdict === 'healthy').length;
    expect(falseHealthy).toBeLessThanOrEqual(18);
    console.log(`false healthy at a drop of exactly 5 points: ${falseHealthy} / 200`);
  });
});

describe('canaryVerdict: verdicts', () => {
  const hour = 3_600_000;
  function version(v: number, calls: number, successes: number, spanMs: number): VersionOutcomes {
    const o = emptyOutcomes('agent_a', v);
    for (let i = 0; i < calls; i++) add(o, i < successes, 1_700_000_000_000 + Math.round((i * spanMs) / Math.max(calls - 1, 1)));
    return o;
  }

  it('zero calls is insufficient, never healthy', () => {
    const v = canaryVerdict(undefined, undefined);
    expect(v.verdict).toBe('insufficient');
    expect(v.callsNeeded).toBeGreaterThan(0);
    const onlyStable = canaryVerdict(version(1, 500, 425, 10 * hour), emptyOutcomes('agent_a', 2));
    expect(onlyStable.verdict).toBe('insufficient');
    expect(onlyStable.reason).toContain('0 canary calls');
  });

  it('a trickle is inconclusive with a finite number of further calls and the time they take', () => {
    // 40 canary calls over 10 hours (4 an hour) at the same 85 % as 400 stable calls.
    const v = canaryVerdict(version(1, 400, 340, 10 * hour), version(2, 40, 34, 10 * hour));
    expect(v.verdict).toBe('inconclusive');
    expect(v.callsNeeded).not.toBeNull();
    expect(v.callsNeeded!).toBeGreaterThan(100);
    expect(v.callsNeeded!).toBeLessThan(10_000);
    expect(v.hoursNeeded).toBeCloseTo((v.callsNeeded! / 3.9) , -1);
    expect(v.reason).toMatch(/more canary calls/);
  });

  it('a degraded verdict names the metric, by how much, and an interval that excludes 0', () => {
    const v = canaryVerdict(version(1, 900, 810, hour), version(2, 300, 210, hour));
    expect(v.verdict).toBe('degraded');
    expect(v.metric.metric).toBe('call_successful');
    expect(v.metric.difference).toBeCloseTo(-0.2, 5);
    expect(v.metric.interval![1]).toBeLessThan(0);
    expect(v.metric.interval![0]).toBeLessThan(-0.2);
    expect(v.reason).toContain('down 20.0 points');
    expect(v).toMatchObject({ stable: { calls: 900, call_successful: 0.9 }, canary: { calls: 300, call_successful: 0.7 }, callsNeeded: null });
  });

  it('a critical metric fails the canary outright even when the primary is fine; not critical, it does not', () => {
    const calls = (version: number, n: number, errors: number) =>
      Array.from({ length: n }, (_, i) => ({
        agent_id: 'agent_a', agent_version: version, call_status: 'ended', start_timestamp: 1_700_000_000_000 + i * 1000, duration_ms: 60_000,
        disconnection_reason: 'agent_hangup', call_analysis: { call_successful: i % 10 !== 0 },
        transcript_with_tool_calls: [{ role: 'tool_call_result', tool_call_id: 't', content: '', successful: i >= errors }],
      }));
    const { versions } = outcomesByVersion([...calls(1, 2000, 40), ...calls(2, 2000, 400)]);
    const critical = canaryVerdict(versions['agent_a@1'], versions['agent_a@2'], { critical: ['function_error'] });
    expect(critical.verdict).toBe('degraded');
    expect(critical.metric.metric).toBe('function_error');
    expect(critical.reason).toContain('function_error up 18.0 points');
    const notCritical = canaryVerdict(versions['agent_a@1'], versions['agent_a@2']);
    expect(notCritical.verdict).toBe('healthy');
    expect(notCritical.metrics.find((m) => m.metric === 'function_error')!.decision).toBe('worse');
  });

  it('callsNeeded shrinks with a larger effect and grows with more power', () => {
    const o = { alpha: 0.05, tau: 0.05, power: 0.8, minEffect: 0.05 };
    const base = canaryCallsForPower(0.85, 4, o);
    expect(canaryCallsForPower(0.85, 4, { ...o, minEffect: 0.1, tau: 0.1 })).toBeLessThan(base);
    expect(canaryCallsForPower(0.85, 4, { ...o, power: 0.95 })).toBeGreaterThan(base);
    expect(normalQuantile(0.8)).toBeCloseTo(0.8416, 3);
    expect(normalQuantile(0.975)).toBeCloseTo(1.96, 3);
  });
});
