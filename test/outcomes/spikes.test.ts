import { describe, expect, it } from 'vitest';
import { DEFAULT_SPIKES, findSpikes, HourlyFunctions, percentile } from '../../src/outcomes/spikes.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 16, 0, 0, 0);

/** `calls` function calls in hour h, the first `errors` of them failed, each with `latency` ms. */
function fill(h: HourlyFunctions, hour: number, calls: number, errors: number, latency: number): void {
  for (let i = 0; i < calls; i++) h.add(T0 + hour * HOUR + i * 1000, i < errors, latency);
}

describe('spikes per hour against a trailing baseline', () => {
  it('flags an hour whose error rate doubles the baseline with enough calls', () => {
    const h = new HourlyFunctions();
    for (let hour = 0; hour < 6; hour++) fill(h, hour, 30, 1, 300); // baseline 3.3 %
    fill(h, 6, 30, 9, 300); // 30 %
    const spikes = findSpikes(h);
    expect(spikes).toEqual([{ hour: new Date(T0 + 6 * HOUR).toISOString(), metric: 'error_rate', value: 0.3, baseline: 0.0333, samples: 30, baselineSamples: 180 }]);
  });

  it('a quiet hour does not cry wolf: 2 errors in 3 calls is below the minimum sample', () => {
    const h = new HourlyFunctions();
    for (let hour = 0; hour < 6; hour++) fill(h, hour, 30, 0, 300);
    fill(h, 6, 3, 2, 300);
    expect(findSpikes(h)).toEqual([]);
  });

  it('no judgement without a baseline (the first busy hour), however bad it is', () => {
    const h = new HourlyFunctions();
    fill(h, 0, 40, 30, 5000);
    expect(findSpikes(h)).toEqual([]);
  });

  it('flags a p95 latency spike only when 1.5x and 250 ms above the baseline p95', () => {
    const h = new HourlyFunctions();
    for (let hour = 0; hour < 3; hour++) fill(h, hour, 30, 0, 400);
    fill(h, 3, 30, 0, 550); // 1.375x: no
    fill(h, 4, 30, 0, 2400); // 6x: yes
    const spikes = findSpikes(h);
    expect(spikes.map((s) => [s.hour, s.metric, s.value])).toEqual([[new Date(T0 + 4 * HOUR).toISOString(), 'p95_latency_ms', 2400]]);
  });

  it('the baseline is the trailing window only: an old bad day is forgotten', () => {
    const h = new HourlyFunctions();
    fill(h, 0, 60, 30, 300); // long ago
    for (let hour = 30; hour < 33; hour++) fill(h, hour, 30, 0, 300);
    fill(h, 33, 30, 6, 300);
    const spikes = findSpikes(h, { ...DEFAULT_SPIKES, baselineHours: 24 });
    expect(spikes.map((s) => s.baselineSamples)).toEqual([90]);
  });

  it('percentile is nearest-rank', () => {
    expect(percentile([5, 1, 3, 2, 4], 0.5)).toBe(3);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.95)).toBe(10);
    expect(percentile([], 0.5)).toBeUndefined();
  });
});
