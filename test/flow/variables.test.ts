import { describe, expect, it } from 'vitest';
import { extractVariables } from '../../src/flow/variables.js';

/** The definition extractVariables implements by hand: innermost {{...}}, trimmed, empty skipped. */
function byRegex(text: string): { name: string; index: number }[] {
  return [...text.matchAll(/\{\{([^{}]*)\}\}/g)].flatMap((m) => (m[1]!.trim() ? [{ name: m[1]!.trim(), index: m.index }] : []));
}

describe('extractVariables', () => {
  it.each([
    'Hello {{customer_name}}, your visit at {{ salon }} is booked',
    '{{current_time_{{tz}} }}',
    '{{{x}}}',
    '{{}} {{ }} {{a}}',
    '{{a} {{b}}',
    '{{a}',
    'no braces',
    '}}{{ {{c}}}}',
    '{{a{{b}}c}}',
    '{{',
    '{{x}}{{y}}',
  ])('finds what the regex finds in %j', (text) => {
    expect(extractVariables(text)).toEqual(byRegex(text));
  });

  it('agrees with the regex on random brace soup', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
    const alphabet = ['{', '}', '{{', '}}', 'a', ' ', '_', 'b'];
    for (let k = 0; k < 2000; k++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 16) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      expect(extractVariables(text), text).toEqual(byRegex(text));
    }
  });
});
