import { describe, expect, it } from 'vitest';
import { canarySettings, promoteTarget, DEFAULT_STEPS } from '../../src/deploy/canary.js';
import type { Deployment } from '../../src/deploy/record.js';
import { KitError } from '../../src/errors.js';

describe('canarySettings', () => {
  it('applies the defaults: 5 points, α 0.05, power 0.8, 30 calls, steps 5/25/50/100, 10m, 24h, pause, 1m', () => {
    const s = canarySettings();
    expect(s.verdict).toEqual({ primary: 'call_successful', minEffect: 0.05, alpha: 0.05, power: 0.8, minCalls: 30, critical: [] });
    expect(s.steps).toEqual(DEFAULT_STEPS);
    expect([s.stepMinTimeMs, s.stepDeadlineMs, s.intervalMs, s.earlyHangupMs]).toEqual([600_000, 86_400_000, 60_000, 10_000]);
    expect(s.stepMinCalls).toBe(30);
    expect(s.onInconclusive).toBe('pause');
    expect(s.durationTolerance).toBe(0.2);
  });

  it('minEffect is in points; durations parse; steps are sorted and unique; stepMinCalls follows minCalls', () => {
    const s = canarySettings({ minEffect: 2.5, minCalls: 50, steps: [50, 10, 10, 100], stepMinTime: '90s', interval: 5000, earlyHangup: '15s' });
    expect(s.verdict.minEffect).toBe(0.025);
    expect(s.steps).toEqual([10, 50, 100]);
    expect(s.stepMinTimeMs).toBe(90_000);
    expect(s.intervalMs).toBe(5000);
    expect(s.earlyHangupMs).toBe(15_000);
    expect(s.stepMinCalls).toBe(50);
  });
});

describe('promoteTarget', () => {
  const d = { percent: 25 } as Deployment;
  const s = canarySettings();
  it('the next step above the current share, --to, or --full', () => {
    expect(promoteTarget(d, s, {})).toBe(50);
    expect(promoteTarget({ percent: 50 } as Deployment, s, {})).toBe(100);
    expect(promoteTarget({ percent: 10 } as Deployment, s, {})).toBe(25);
    expect(promoteTarget(d, s, { to: 40 })).toBe(40);
    expect(promoteTarget(d, s, { full: true })).toBe(100);
  });
  it('refuses to "promote" down: that is a rollback', () => {
    expect(() => promoteTarget(d, s, { to: 10 })).toThrow(KitError);
    expect(() => promoteTarget(d, s, { to: 10 })).toThrow(/--to 10: the canary already has 25 %/);
  });
});
