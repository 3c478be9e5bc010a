// Error-rate and latency spikes per hour against a trailing baseline. The guard against crying wolf:
// an hour is judged only with enough function calls in it and in its baseline, and it must be worse
// by a margin in both absolute and relative terms. docs/report.md states the rule.

export interface SpikeSettings {
  /** Function calls an hour needs before it can spike. */
  minSamples: number;
  /** Function calls the trailing baseline needs. */
  minBaseline: number;
  /** Hours of trailing baseline (the hours just before, not counting the hour itself). */
  baselineHours: number;
}

export const DEFAULT_SPIKES: SpikeSettings = { minSamples: 20, minBaseline: 50, baselineHours: 24 };

/** An error spike: at least this many errors, and a rate at least `ERROR_FACTOR` x and `ERROR_MARGIN` above the baseline. */
export const MIN_ERRORS = 3;
export const ERROR_FACTOR = 2;
export const ERROR_MARGIN = 0.05;
/** A latency spike: p95 at least `LATENCY_FACTOR` x and `LATENCY_MARGIN_MS` above the baseline p95. */
export const LATENCY_FACTOR = 1.5;
export const LATENCY_MARGIN_MS = 250;

const HOUR = 3_600_000;

export interface HourBucket {
  /** Start of the hour, epoch ms (UTC). */
  hour: number;
  calls: number;
  errors: number;
  latencies: number[];
}

export interface Spike {
  /** Start of the hour, ISO 8601 (UTC). */
  hour: string;
  metric: 'error_rate' | 'p95_latency_ms';
  value: number;
  baseline: number;
  samples: number;
  baselineSamples: number;
}

/** Function calls by hour: add(at, error, latency) as they stream by. */
export class HourlyFunctions {
  readonly buckets = new Map<number, HourBucket>();

  add(at: number, error: boolean, latencyMs: number | undefined): void {
    const hour = Math.floor(at / HOUR) * HOUR;
    let b = this.buckets.get(hour);
    if (!b) this.buckets.set(hour, (b = { hour, calls: 0, errors: 0, latencies: [] }));
    b.calls++;
    if (error) b.errors++;
    if (latencyMs !== undefined) b.latencies.push(latencyMs);
  }
}

/** Nearest-rank percentile of unsorted numbers (undefined when none). */
export function percentile(values: readonly number[], p: number): number | undefined {
  if (!values.length) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}

function round(value: number, digits = 4): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

/** The hours that spiked, oldest first. */
export function findSpikes(hours: HourlyFunctions, settings: SpikeSettings = DEFAULT_SPIKES): Spike[] {
  const spikes: Spike[] = [];
  const sorted = [...hours.buckets.values()].sort((a, b) => a.hour - b.hour);
  for (const bucket of sorted) {
    if (bucket.calls < settings.minSamples) continue;
    const from = bucket.hour - settings.baselineHours * HOUR;
    let calls = 0;
    let errors = 0;
    const latencies: number[] = [];
    for (const b of sorted) {
      if (b.hour < from || b.hour >= bucket.hour) continue;
      calls += b.calls;
      errors += b.errors;
      for (const l of b.latencies) latencies.push(l);
    }
    if (calls < settings.minBaseline) continue;
    const iso = new Date(bucket.hour).toISOString();
    const rate = bucket.errors / bucket.calls;
    const baseRate = errors / calls;
    if (bucket.errors >= MIN_ERRORS && rate >= baseRate * ERROR_FACTOR && rate >= baseRate + ERROR_MARGIN) {
      spikes.push({ hour: iso, metric: 'error_rate', value: round(rate), baseline: round(baseRate), samples: bucket.calls, baselineSamples: calls });
    }
    const p95 = percentile(bucket.latencies, 0.95);
    const baseP95 = percentile(latencies, 0.95);
    if (p95 !== undefined && baseP95 !== undefined && bucket.latencies.length >= settings.minSamples && latencies.length >= settings.minBaseline && p95 >= baseP95 * LATENCY_FACTOR && p95 >= baseP95 + LATENCY_MARGIN_MS) {
      spikes.push({ hour: iso, metric: 'p95_latency_ms', value: round(p95, 1), baseline: round(baseP95, 1), samples: bucket.latencies.length, baselineSamples: latencies.length });
    }
  }
  return spikes;
}
