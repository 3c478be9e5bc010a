import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { distance, suggest } from '../../src/util/suggest.js';

/** The textbook table, whole: what the banded distance must agree with. */
function reference(a: string, b: string): number {
  const t = Array.from({ length: a.length + 1 }, (_, i) => Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) t[i]![j] = Math.min(t[i - 1]![j]! + 1, t[i]![j - 1]! + 1, t[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
  }
  return t[a.length]![b.length]!;
}

describe('distance', () => {
  it('is exact up to max and max + 1 beyond it, for any two strings', () => {
    const word = fc.string({ unit: fc.constantFrom('a', 'b', 'c', '_'), maxLength: 14 });
    fc.assert(
      fc.property(word, word, fc.nat(16), (a, b, max) => {
        const exact = reference(a, b);
        expect(distance(a, b)).toBe(exact);
        expect(distance(a, b, max)).toBe(exact <= max ? exact : max + 1);
      }),
      { numRuns: 2000 },
    );
  });

  it('stops at max on long strings instead of filling the whole table', () => {
    // 30,000 x 50,000 cells took ~5 s; the band is 30,000 x 21.
    expect(distance('x'.repeat(30_000), 'y'.repeat(30_005), 10)).toBe(11);
    expect(distance('{{a}}'.repeat(10_000), `${'{{a}}'.repeat(9_999)}{{b}}`, 10)).toBe(1);
  });
});

describe('suggest', () => {
  it('names the nearest candidate within a third of the word, at most 16 edits', () => {
    expect(suggest('custmer_name', ['customer_name', 'service'])).toBe('customer_name');
    expect(suggest('Customer_Name', ['customer_name'])).toBe('customer_name');
    expect(suggest('abc', ['xyz'])).toBeUndefined();
    const long = 'k'.repeat(90);
    expect(suggest(long, [`${'k'.repeat(74)}${'z'.repeat(16)}`])).toBeDefined();
    expect(suggest(long, [`${'k'.repeat(73)}${'z'.repeat(17)}`])).toBeUndefined();
  });
});
