import { describe, expect, it } from 'vitest';
import { compareDurations } from '../../src/deploy/duration.js';
import { mannWhitneyU } from '../../src/deploy/mwu.js';
import { mulberry32 } from '../../src/emulator/simulate.js';
import { emptyOutcomes, type VersionOutcomes } from '../../src/outcomes/index.js';

// Call duration: Mann-Whitney against stable's durations scaled by (1 + tolerance), judged only at the
// planned looks (minCalls · 2^k canary calls) at α / 2^(k+1). Simulated here, seeded.

/** One run's calls; `at(n)` is both arms after the first n calls (a look at that moment). */
function stream(random: () => number, calls: number, canaryShare: number, canaryFactor: number) {
  const draws = Array.from({ length: calls }, (_, i) => {
    const canary = random() < canaryShare;
    return { canary, ms: (30_000 + random() * 150_000) * (canary ? canaryFactor : 1), start: i * 1000 };
  });
  const arm = (version: number, list: typeof draws): VersionOutcomes => ({ ...emptyOutcomes('a', version), calls: list.length, durations_ms: list.map((d) => d.ms), duration_starts: list.map((d) => d.start) });
  return {
    at(n: number) {
      const first = draws.slice(0, n);
      return { stable: arm(1, first.filter((d) => !d.canary)), canary: arm(2, first.filter((d) => d.canary)) };
    },
  };
}

describe('compareDurations', () => {
  const o = { tolerance: 0.2, alpha: 0.05, minCalls: 30 };

  it('a canary slower by exactly the tolerance, looked at every 20 calls, is flagged in at most α of runs; the same looks with a plain test are not', () => {
    const random = mulberry32(7);
    let spent = 0;
    let naive = 0;
    const runs = 2000;
    const naiveRuns = 300;
    for (let run = 0; run < runs; run++) {
      const s = stream(random, 600, 0.3, 1.2);
      // The judgement only changes at a look (the last test), so reading it at each look is reading it every 20 calls.
      let flagged = false;
      let lastLook = -1;
      for (let n = 20; n <= 600; n += 20) {
        const { stable, canary } = s.at(n);
        const look = canary.durations_ms.length >= 30 ? Math.floor(Math.log2(canary.durations_ms.length / 30)) : -1;
        if (look !== lastLook && compareDurations(stable, canary, o).decision === 'worse') flagged = true;
        lastLook = look;
        if (run < naiveRuns && canary.durations_ms.length >= 30 && mannWhitneyU(canary.durations_ms, stable.durations_ms.map((d) => d * 1.2), 'greater').p < 0.05) {
          naive++;
          break;
        }
      }
      if (flagged) spent++;
    }
    // Spent over looks at 30, 60 and 120 canary calls: α (1/2 + 1/4 + 1/8) = 4.4 % at most.
    expect(spent / runs).toBeLessThanOrEqual(0.05);
    // Without the spending the same looks raise false alarms far more often than α (the point of it).
    expect(naive / naiveRuns).toBeGreaterThan(0.1);
  });

  it('a canary 60 % slower is flagged, with the look it was judged at', () => {
    const random = mulberry32(3);
    const { stable, canary } = stream(random, 600, 0.3, 1.6).at(600);
    const last = compareDurations(stable, canary, o);
    expect(last.decision).toBe('worse');
    expect(last.look!.canaryCalls).toBe(30 * 2 ** last.look!.index);
    expect(last.look!.alpha).toBe(0.05 / 2 ** (last.look!.index + 1));
    expect(last.ratio).toBeGreaterThan(1.4);
  });

  it('a canary within the tolerance band is never flagged however many calls; too few calls is insufficient', () => {
    const random = mulberry32(9);
    const s = stream(random, 4000, 0.5, 1.1);
    for (let n = 100; n <= 4000; n += 100) expect(compareDurations(s.at(n).stable, s.at(n).canary, o).decision).not.toBe('worse');
    expect(compareDurations(s.at(40).stable, s.at(40).canary, o).decision).toBe('insufficient');
    expect(compareDurations(undefined, undefined, o)).toMatchObject({ decision: 'insufficient', ratio: null, look: null });
  });

  it('between looks the judgement does not change (reading it again spends nothing)', () => {
    const random = mulberry32(5);
    const s = stream(random, 600, 0.5, 1.3);
    const looks = Array.from({ length: 30 }, (_, i) => s.at((i + 1) * 20)).map((a) => compareDurations(a.stable, a.canary, o).look);
    for (let i = 1; i < looks.length; i++) {
      if (looks[i] && looks[i - 1] && looks[i]!.index === looks[i - 1]!.index) expect(looks[i]).toEqual(looks[i - 1]);
    }
  });
});
