import { describe, expect, it } from 'vitest';
import { compareAnswers, formatPath, IgnoreRules, parseIgnorePattern } from '../../src/replay/compare.js';

describe('compareAnswers', () => {
  it('finds nothing in equal answers, whatever the key order', () => {
    expect(compareAnswers({ a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 })).toEqual([]);
  });

  it('lists each differing field as {path, expected, actual}', () => {
    const expected = { booked: true, slots: [{ time: '09:00', stylist: 'Ana' }, { time: '09:30', stylist: 'Ben' }], note: 'ok' };
    const actual = { booked: true, slots: [{ time: '09:00', stylist: 'Ana' }, { time: '10:00', stylist: 'Ben' }], extra: 1 };
    expect(compareAnswers(expected, actual)).toEqual([
      { path: 'slots[1].time', expected: '09:30', actual: '10:00' },
      { path: 'note', expected: 'ok' },
      { path: 'extra', actual: 1 },
    ]);
  });

  it('parses strings that hold JSON (Retell keeps tool results as text)', () => {
    expect(compareAnswers('{"a":1,"b":{"c":[1,2]}}', { a: 1, b: { c: [1, 3] } })).toEqual([{ path: 'b.c[1]', expected: 2, actual: 3 }]);
    expect(compareAnswers({ data: '{"x":1}' }, { data: { x: 1 } })).toEqual([]);
    expect(compareAnswers('plain text', 'plain text')).toEqual([]);
    expect(compareAnswers('plain text', 'other')).toEqual([{ path: '(result)', expected: 'plain text', actual: 'other' }]);
  });

  it('reports array length changes per element and type changes at their path', () => {
    expect(compareAnswers({ a: [1, 2, 3] }, { a: [1] })).toEqual([
      { path: 'a[1]', expected: 2 },
      { path: 'a[2]', expected: 3 },
    ]);
    expect(compareAnswers({ a: { b: 1 } }, { a: [1] })).toEqual([{ path: 'a', expected: { b: 1 }, actual: [1] }]);
    expect(compareAnswers({ 'odd.key': 1 }, { 'odd.key': 2 })).toEqual([{ path: '["odd.key"]', expected: 1, actual: 2 }]);
  });

  it('leaves out ignored paths: exact, [*], * and **', () => {
    const expected = { booking_id: 'bk_1', slots: [{ id: 's1', time: '9' }], meta: { created_at: 1, deep: { timestamp: 2 } }, timestamp: 3 };
    const actual = { booking_id: 'bk_2', slots: [{ id: 's2', time: '9' }], meta: { created_at: 5, deep: { timestamp: 6 } }, timestamp: 7 };
    expect(compareAnswers(expected, actual, { ignore: ['booking_id', 'slots[*].id', 'meta.*_at', '**.timestamp'] })).toEqual([]);
    expect(compareAnswers(expected, actual, { ignore: ['booking_id', 'slots[*].id', '**.timestamp'] })).toEqual([{ path: 'meta.created_at', expected: 1, actual: 5 }]);
    // Anchored at the root: `timestamp` alone is only the top-level key.
    expect(compareAnswers(expected, actual, { ignore: ['booking_id', 'slots[*].id', 'meta', 'timestamp'] })).toEqual([]);
    expect(compareAnswers(expected, actual, { ignore: ['booking_id', 'slots[*].id', 'meta.created_at', 'timestamp'] })).toEqual([{ path: 'meta.deep.timestamp', expected: 2, actual: 6 }]);
  });

  it('matches dates relative to the call start: a recorded "tomorrow" is tomorrow today', () => {
    const callStart = new Date(2026, 2, 16, 10, 0).getTime(); // local 2026-03-16
    const today = new Date(2026, 10, 30, 15, 0).getTime(); // local 2026-11-30
    const options = { expectedNow: callStart, actualNow: today };
    expect(compareAnswers({ next: '2026-03-17', at: '2026-03-17T10:00:00' }, { next: '2026-12-01', at: '2026-12-01T10:00:00' }, options)).toEqual([]);
    // A different day offset, or another time of day, is a difference.
    expect(compareAnswers({ next: '2026-03-17' }, { next: '2026-12-02' }, options)).toEqual([{ path: 'next', expected: '2026-03-17', actual: '2026-12-02' }]);
    expect(compareAnswers({ at: '2026-03-17T10:00:00' }, { at: '2026-12-01T11:00:00' }, options)).toHaveLength(1);
    // Dates the handler echoes from the args stay equal as they are.
    expect(compareAnswers({ date: '2026-03-16' }, { date: '2026-03-16' }, options)).toEqual([]);
    // Without the reference times, dates compare literally.
    expect(compareAnswers({ next: '2026-03-17' }, { next: '2026-12-01' })).toHaveLength(1);
  });
});

describe('ignore paths', () => {
  it('parse and match', () => {
    const rules = new IgnoreRules(['items[0].id', '["a.b"]', '*']);
    expect(rules.matches(['items', 0, 'id'])).toBe(true);
    expect(rules.matches(['items', 1, 'id'])).toBe(false);
    expect(rules.matches(['a.b'])).toBe(true);
    expect(rules.matches(['x'])).toBe(true);
    expect(rules.matches(['x', 'y'])).toBe(false);
  });

  it('refuses patterns it cannot read', () => {
    expect(() => parseIgnorePattern('a[')).toThrow(/unclosed/);
    expect(() => parseIgnorePattern('a[x]')).toThrow(/use \[\*\]/);
    expect(() => parseIgnorePattern('')).toThrow(/empty/);
  });

  it('formats paths', () => {
    expect(formatPath([])).toBe('(result)');
    expect(formatPath(['a', 0, 'b-c', 'd e'])).toBe('a[0].b-c["d e"]');
  });
});

describe('redacted recordings', () => {
  it('lets a placeholder stand for the value it replaced, only when asked', () => {
    const expected = { line: 'Call us on <phone-3>, <name-1>!', phone: '<phone-3>', n: '<phone-2>' };
    const actual = { line: 'Call us on +1 415 555 0100, Maria Lopez!', phone: '<phone-3>', n: 4155550100 };
    expect(compareAnswers(expected, actual, { redacted: true })).toEqual([]);
    expect(compareAnswers(expected, actual)).toHaveLength(2);
    // The text around the placeholders still has to match.
    expect(compareAnswers({ line: 'Call us on <phone-3>' }, { line: 'Ring us on +14155550100' }, { redacted: true })).toEqual([{ path: 'line', expected: 'Call us on <phone-3>', actual: 'Ring us on +14155550100' }]);
    expect(compareAnswers({ a: 'x.y <name-1>' }, { a: 'xzy Ana' }, { redacted: true })).toHaveLength(1);
  });
});
