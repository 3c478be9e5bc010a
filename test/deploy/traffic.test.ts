import { describe, expect, it } from 'vitest';
import { isKitError } from '../../src/errors.js';
import { parsePercent, sameBindings, splitTraffic, versionShares } from '../../src/deploy/traffic.js';

describe('splitTraffic', () => {
  it('splits the only agent of a number between stable and canary', () => {
    const plan = splitTraffic([{ agent_id: 'a', weight: 1, agent_version: 3 }], 'a', 3, 4, 10);
    expect(plan.bindings).toEqual([
      { agent_id: 'a', agent_version: 3, weight: 0.9 },
      { agent_id: 'a', agent_version: 4, weight: 0.1 },
    ]);
    expect(plan.bindings.reduce((s, b) => s + b.weight, 0)).toBe(1);
  });

  it('leaves other agents untouched and splits only this agent share', () => {
    const plan = splitTraffic([{ agent_id: 'other', weight: 0.5, agent_version: 7 }, { agent_id: 'a', weight: 0.5, agent_version: 3 }], 'a', 3, 4, 10);
    expect(plan.bindings[0]).toEqual({ agent_id: 'other', weight: 0.5, agent_version: 7 });
    expect(plan.canaryWeight).toBe(0.05);
    expect(plan.stableWeight).toBe(0.45);
    expect(plan.share).toBe(0.5);
  });

  it('binds only the new version at 100 % and only stable at 0 %', () => {
    expect(splitTraffic([{ agent_id: 'a', weight: 1, agent_version: 3 }], 'a', 3, 4, 100).bindings).toEqual([{ agent_id: 'a', agent_version: 4, weight: 1 }]);
    expect(splitTraffic([{ agent_id: 'a', weight: 0.9, agent_version: 3 }, { agent_id: 'a', weight: 0.1, agent_version: 4 }], 'a', 3, 4, 0).bindings).toEqual([{ agent_id: 'a', agent_version: 3, weight: 1 }]);
  });

  it('every integer percent on a single-agent number sums to exactly 1', () => {
    for (let p = 1; p < 100; p++) {
      const plan = splitTraffic([{ agent_id: 'a', weight: 1 }], 'a', 1, 2, p);
      expect(plan.bindings.reduce((s, b) => s + b.weight, 0)).toBe(1);
    }
  });

  it('says so when the weights cannot sum to exactly 1', () => {
    try {
      splitTraffic([{ agent_id: 'other', weight: 0.3 }, { agent_id: 'a', weight: 0.7 }], 'a', 1, 2, 50, '+14155550100');
      expect.unreachable();
    } catch (error) {
      expect(isKitError(error) && error.message).toMatch(/^\+14155550100: weights 0\.3 \+ 0\.35 \+ 0\.35 do not add up to exactly 1/);
    }
  });

  it('refuses a percent that rounds to nothing', () => {
    expect(() => splitTraffic([{ agent_id: 'other', weight: 0.9999 }, { agent_id: 'a', weight: 0.0001 }], 'a', 1, 2, 10)).toThrow(/rounds to no traffic/);
  });
});

describe('parsePercent', () => {
  it('takes 0 < p <= 100 with at most two decimals', () => {
    expect(parsePercent('12.5')).toBe(12.5);
    expect(() => parsePercent('0')).toThrow(/above 0/);
    expect(() => parsePercent('abc')).toThrow(/not a number/);
    expect(() => parsePercent('33.333')).toThrow(/cannot be represented/);
  });
});

describe('versionShares / sameBindings', () => {
  it('shares are per version of this agent over all weights', () => {
    const shares = versionShares([{ agent_id: 'a', weight: 0.9, agent_version: 3 }, { agent_id: 'a', weight: 0.1, agent_version: 4 }, { agent_id: 'b', weight: 0 }], 'a');
    expect(shares.get('3')).toBeCloseTo(0.9);
    expect(shares.get('4')).toBeCloseTo(0.1);
  });
  it('sameBindings ignores order and zero weights', () => {
    expect(sameBindings([{ agent_id: 'a', weight: 0.1, agent_version: 4 }, { agent_id: 'a', weight: 0.9, agent_version: 3 }], [{ agent_id: 'a', weight: 0.9, agent_version: 3 }, { agent_id: 'a', weight: 0.1, agent_version: 4 }])).toBe(true);
    expect(sameBindings([{ agent_id: 'a', weight: 1, agent_version: 3 }], [{ agent_id: 'a', weight: 1, agent_version: 4 }])).toBe(false);
  });
});
