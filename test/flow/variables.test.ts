import { describe, expect, it } from 'vitest';
import { loadText } from '../../src/flow/load.js';
import { lintLoaded } from '../../src/validators/engine.js';
import { extractVariables, templateNamesInJson, unknownVariables } from '../../src/flow/variables.js';

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

  it('reads a long run of braces once: one step a brace, not a search to the far end from each', () => {
    // A search for the closing brace from every `{{` took minutes here (quadratic); the scan takes milliseconds.
    const text = `${'{'.repeat(1_000_000)}x}}`;
    expect(extractVariables(text)).toEqual([{ name: 'x', index: 999_998 }]);
    expect(templateNamesInJson(text)).toEqual(new Set(['x']));
    // A hang guard, not a speed target: the linear scan needs ~50 ms, the quadratic one ~20 s.
  }, 5_000);
});

/** The definition unknownVariables implements: every string in document order, the first use of each unknown name. */
function byWalk(value: unknown, pointer: string, skip: ReadonlySet<string>, known: ReadonlySet<string>, out: { name: string; pointer: string; span: { start: number; end: number } }[] = []) {
  if (typeof value === 'string') {
    for (const { name, index } of extractVariables(value)) {
      if (!known.has(name) && !out.some((u) => u.name === name)) out.push({ name, pointer, span: { start: index, end: value.indexOf('}}', index) + 2 } });
    }
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

  it('gives the first use of each unknown name, with its pointer and its braces in that string, in document order', () => {
    expect(unknownVariables(node, ['instruction', 'edges', 'else_edge'], '/nodes/4', skip, known)).toEqual([
      { name: 'who', pointer: '/nodes/4/instruction/text', span: { start: 3, end: 12 } },
      { name: 'when', pointer: '/nodes/4/instruction/text', span: { start: 28, end: 36 } },
      { name: 'where', pointer: '/nodes/4/edges/0/transition_condition/equations/1/left', span: { start: 0, end: 9 } },
      { name: 'slashed', pointer: '/nodes/4/edges/1/a~1b~0c/0', span: { start: 0, end: 11 } },
      { name: 'late', pointer: '/nodes/4/else_edge', span: { start: 9, end: 17 } },
    ]);
  });

  it('walks a whole value like the recursive definition', () => {
    expect(unknownVariables(node, undefined, '/tools/0', skip, known)).toEqual(byWalk(node, '/tools/0', skip, known));
    expect(unknownVariables('{{a}} {{known}} {{a}}', undefined, '/global_prompt', skip, known)).toEqual([{ name: 'a', pointer: '/global_prompt', span: { start: 0, end: 5 } }]);
    expect(unknownVariables(7, undefined, '', skip, known)).toEqual([]);
  });
});

describe('templateNamesInJson', () => {
  it('finds every {{name}} in the text, trimmed, keys and ids included', () => {
    const text = JSON.stringify({ a: 'Hi {{ first }} and {{second}}', '{{key}}': 1, id: '{{id_like}}', n: ['{{}}', '{{a{{inner}}}}'] });
    expect([...templateNamesInJson(text)!].sort()).toEqual(['first', 'id_like', 'inner', 'key', 'second']);
  });

  it('gives up (undefined) when a brace is written as a \\u escape, in either case', () => {
    expect(templateNamesInJson('{"a": "\\u007b\\u007bx}}"}')).toBeUndefined();
    expect(templateNamesInJson('{"a": "{{x\\u007D\\u007D"}')).toBeUndefined();
    expect(templateNamesInJson('{"a": "\\u0041 {{x}}"}')).toEqual(new Set(['x']));
  });

  it('gives up when a name holds an escape: its parsed spelling differs', () => {
    expect(templateNamesInJson('{"a": "{{na\\u006de}}"}')).toBeUndefined();
  });
});

describe('no-undefined-variable from JSON text', () => {
  const lintText = (text: string) => lintLoaded(loadText(text, { path: 'flow.json' }), { only: ['no-undefined-variable'] }).diagnostics.map((d) => `${d.pointer}: ${d.data.ref}`);
  const flowText = (speak: string, defaults = '{}') =>
    `{"start_node_id": "a", "default_dynamic_variables": ${defaults}, "nodes": [{"id": "a", "type": "end", "instruction": {"type": "prompt", "text": "${speak}"}}]}`;

  it('reports a variable whose braces the file writes as \\u escapes', () => {
    expect(lintText(flowText('Hi \\u007B\\u007Bsecret}}'))).toEqual(['/nodes/0/instruction/text: {{secret}}']);
  });

  it('reports a variable whose name the file escapes, even when that spelling is a declared name', () => {
    // The text says {{na\u006de}}; the flow declares the key spelled exactly so, but the prompt reads {{name}}.
    expect(lintText(flowText('Hi {{na\\u006de}}', '{"na\\\\u006de": "x"}'))).toEqual(['/nodes/0/instruction/text: {{name}}']);
  });

  it('reports nothing when every name in the text is declared or a system variable', () => {
    expect(lintText(flowText('Hi {{who}} at {{current_time_Europe/Berlin}}', '{"who": "x"}'))).toEqual([]);
    expect(lintText(flowText('At {{current_time_Mars/Olympus}}'))).toEqual(['/nodes/0/instruction/text: {{current_time_Mars/Olympus}}']);
  });
});
