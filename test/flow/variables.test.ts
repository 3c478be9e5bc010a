import { describe, expect, it } from 'vitest';
import { extractVariables, unknownVariables } from '../../src/flow/variables.js';

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

/** The definition unknownVariables implements: every string in document order, the first use of each unknown name. */
function byWalk(value: unknown, pointer: string, skip: ReadonlySet<string>, known: ReadonlySet<string>, out: { name: string; pointer: string }[] = []) {
  if (typeof value === 'string') {
    for (const { name } of extractVariables(value)) if (!known.has(name) && !out.some((u) => u.name === name)) out.push({ name, pointer });
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => byWalk(v, `${pointer}/${i}`, skip, known, out));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (!skip.has(k)) byWalk(v, `${pointer}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`, skip, known, out);
  }
  return out;
}

describe('unknownVariables', () => {
  const skip = new Set(['id', 'code']);
  const known = new Set(['known', 'also']);
  const node = {
    id: '{{in_id}}',
    instruction: { type: 'prompt', text: 'Hi {{ who }} and {{known}}, {{when}}' },
    edges: [
      { id: 'e', transition_condition: { type: 'equation', equations: [{ left: '{{who}}', right: '{{ also }}' }, { left: '{{where}}', right: 3 }] } },
      { code: '{{in_code}}', 'a/b~c': ['{{slashed}}', null, true, '{{who}}'] },
    ],
    else_edge: '{{when}} {{late}}',
    ignored: '{{not_a_field}}',
  };

  it('gives the first use of each unknown name, with its pointer, in document order', () => {
    expect(unknownVariables(node, ['instruction', 'edges', 'else_edge'], '/nodes/4', skip, known)).toEqual([
      { name: 'who', pointer: '/nodes/4/instruction/text' },
      { name: 'when', pointer: '/nodes/4/instruction/text' },
      { name: 'where', pointer: '/nodes/4/edges/0/transition_condition/equations/1/left' },
      { name: 'slashed', pointer: '/nodes/4/edges/1/a~1b~0c/0' },
      { name: 'late', pointer: '/nodes/4/else_edge' },
    ]);
  });

  it('walks a whole value like the recursive definition', () => {
    expect(unknownVariables(node, undefined, '/tools/0', skip, known)).toEqual(byWalk(node, '/tools/0', skip, known));
    expect(unknownVariables('{{a}} {{known}} {{a}}', undefined, '/global_prompt', skip, known)).toEqual([{ name: 'a', pointer: '/global_prompt' }]);
    expect(unknownVariables(7, undefined, '', skip, known)).toEqual([]);
  });
});
