import { KitError } from '../errors.js';

/**
 * The one duration parser: config values such as `canary.stepMinTime: "10m"` and flags such as
 * `--interval 2s`. A number is milliseconds; a string is a whole number and one unit
 * (ms, s, m, h, d), as the config schema allows.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

export function parseDuration(value: number | string, where = 'duration'): number {
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 0) return value;
  } else {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
    if (match) return Math.round(Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS]);
  }
  throw new KitError('usage', `${where}: "${String(value)}" is not a duration`, { hint: 'use a number and a unit, e.g. 500ms, 30s, 10m, 2h or 1d' });
}

/** A duration in the largest unit that keeps it short: 90000 -> "1.5m", 7200000 -> "2h". */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', UNIT_MS.d], ['h', UNIT_MS.h], ['m', UNIT_MS.m], ['s', UNIT_MS.s]] as const) {
    if (ms >= size) return `${Math.round((ms / size) * 10) / 10}${unit}`;
  }
  return `${ms}ms`;
}
