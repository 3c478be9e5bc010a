import { describe, expect, it } from 'vitest';
import { normalise } from '../../src/validators/text.js';

/** The definition normalise keeps (its ASCII fast path must give the same result). */
const byUnicodeClass = (text: string) =>
  text
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_]+/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

describe('normalise', () => {
  it.each(['Caller confirms the date!', 'Always', '  Skip   response ', 'Describe the transition condition', "caller's name_1 (ok?)", 'Kunde möchte Termin — später', 'Ñandú 42', '\t\u0001tab\u007f', 'émoji 👍 ok', ''])(
    'gives the Unicode-class result for %j',
    (text) => {
      expect(normalise(text)).toBe(byUnicodeClass(text));
    },
  );

  it('agrees on every printable ASCII character and control character', () => {
    let all = '';
    for (let c = 0; c < 128; c++) all += String.fromCharCode(c) + 'x';
    expect(normalise(all)).toBe(byUnicodeClass(all));
  });
});
