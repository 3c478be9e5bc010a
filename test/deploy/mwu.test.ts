import { describe, expect, it } from 'vitest';
import { erfc, mannWhitneyU } from '../../src/deploy/mwu.js';

// Reference values from SciPy 1.17.1:
//   scipy.stats.mannwhitneyu(x, y, alternative=alt, method='asymptotic', use_continuity=True)
//   scipy.special.erfc(x)
// computed once and written here as constants.
const SAMPLES = {
  shifted: { x: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], y: [6, 7, 8, 9, 10, 11, 12, 13, 14, 15] },
  ties: { x: [1, 2, 2, 3, 3, 3, 4, 5, 5, 9], y: [2, 3, 3, 4, 5, 5, 6, 6, 7, 8, 8] },
  overlapping: { x: [12.5, 30.1, 44.0, 51.2, 60.3, 71.8, 80.0, 95.5], y: [20.2, 35.6, 47.3, 58.9, 64.1, 77.7, 88.8, 99.9, 110.4, 120.0] },
};
const SCIPY: [keyof typeof SAMPLES, 'two-sided' | 'greater' | 'less', number, number][] = [
  ['shifted', 'two-sided', 12.5, 0.005075392315273923],
  ['shifted', 'greater', 12.5, 0.9979986238766955],
  ['shifted', 'less', 12.5, 0.0025376961576369615],
  ['ties', 'two-sided', 31.5, 0.1011247057534646],
  ['ties', 'greater', 31.5, 0.9564321813819332],
  ['ties', 'less', 31.5, 0.0505623528767323],
  ['overlapping', 'two-sided', 28.0, 0.30687471057475024],
  ['overlapping', 'greater', 28.0, 0.866641376642042],
  ['overlapping', 'less', 28.0, 0.15343735528737512],
];

describe('mannWhitneyU agrees with SciPy (asymptotic, tie and continuity corrected)', () => {
  it.each(SCIPY)('%s %s: U %d, p %f', (name, alternative, u, p) => {
    const { x, y } = SAMPLES[name];
    const result = mannWhitneyU(x, y, alternative);
    expect(result.u).toBe(u);
    expect(Math.abs(result.p - p) / p).toBeLessThan(1e-9);
  });

  it('an empty side or all-equal values give p = 1, never NaN', () => {
    expect(mannWhitneyU([], [1, 2, 3], 'greater').p).toBe(1);
    expect(mannWhitneyU([5, 5, 5], [5, 5], 'greater').p).toBe(1);
  });
});

describe('erfc agrees with SciPy', () => {
  const ERFC: [number, number][] = [
    [0.1, 0.8875370839817152], [0.5, 0.4795001221869535], [1.0, 0.15729920705028516], [1.9, 0.007209570764742531],
    [2.0, 0.004677734981047266], [2.5, 0.00040695201744495886], [3.0, 2.2090496998585445e-5], [4.0, 1.541725790028002e-8], [6.0, 2.1519736712498913e-17],
  ];
  it.each(ERFC)('erfc(%f)', (x, value) => {
    expect(Math.abs(erfc(x) - value) / value).toBeLessThan(1e-12);
    expect(Math.abs(erfc(-x) - (2 - value))).toBeLessThan(1e-15);
  });
});
