import { describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import { formatDuration, parseDuration } from '../../src/util/duration.js';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500], ['30s', 30_000], ['10m', 600_000], ['2h', 7_200_000], ['1d', 86_400_000], ['1.5s', 1_500], [250, 250], [0, 0],
  ] as const)('%s -> %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['10', '5 minutes', '-1s', '', 'm', -5, 1.5])('refuses %s with one line naming where', (bad) => {
    expect(() => parseDuration(bad as never, 'canary.stepMinTime')).toThrow(KitError);
    expect(() => parseDuration(bad as never, 'canary.stepMinTime')).toThrow(/^canary\.stepMinTime: ".*" is not a duration$/);
  });

  it('formats back in the largest unit', () => {
    expect(formatDuration(90_000)).toBe('1.5m');
    expect(formatDuration(7_200_000)).toBe('2h');
    expect(formatDuration(800)).toBe('800ms');
  });
});
