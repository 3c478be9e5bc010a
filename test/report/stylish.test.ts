import { describe, expect, it } from 'vitest';
import stylish, { COLLAPSE_ABOVE, COLLAPSE_SHOW, printable } from '../../src/report/stylish.js';
import json from '../../src/report/json.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';
import { lintFlow } from '../../src/validators/lint.js';

describe('stylish formatter', () => {
  it('prints a block per file with aligned "L:C  severity  message  rule" lines and a summary', () => {
    const results = sampleResults();
    const out = stylish(results, context).split('\n');
    const d = results[0]!.diagnostics[0]!;
    expect(out[0]).toBe('flows/support line.json');
    expect(out[1]).toBe(`  ${`${d.line}:${d.column}`}  error    ${d.message}  no-dangling-edge`);
    expect(out.filter((l) => /^ {2}\d+:\d+ +(error|warning|info) {2}/.test(l))).toHaveLength(5);
    expect(out.at(-2)).toBe('✖ 5 problems (3 errors, 1 warning, 1 info)');
    expect(out).not.toContain('flows/clean.json');
  });

  it('shows control characters from a flow instead of sending them to the terminal', () => {
    expect(printable('a\nb\tc\u001b[2J\u009b')).toBe('a\\nb\\tc\\u001b[2J\\u009b');
    const out = stylish([lint(brokenFlow({ dangling: ['evil\n\u001b[31mred'], deadEnds: 0 }))], context);
    expect(out).not.toContain('\u001b');
    expect(out).toContain('goes to "evil\\n\\u001b[31mred"');
    expect(out.split('\n')).toHaveLength(5);
  });

  it('collapses a kind of finding repeated in a file: the first few at their places, then a count and the rest of the places', () => {
    // 40 dead ends (one rule, one message, one severity) and one dangling edge.
    const result = lint(brokenFlow({ dangling: ['nowhere'], deadEnds: 40 }));
    const deadEnds = result.diagnostics.filter((d) => d.ruleId === 'no-dead-end');
    expect(deadEnds).toHaveLength(40);
    const out = stylish([result], context).split('\n');
    const shown = out.filter((l) => l.includes('no-dead-end'));
    expect(shown).toHaveLength(COLLAPSE_SHOW);
    expect(shown.map((l) => l.trim().split(/ +/)[0])).toEqual(deadEnds.slice(0, COLLAPSE_SHOW).map((d) => `${d.line}:${d.column}`));
    const more = out[out.indexOf(shown.at(-1)!) + 1]!.trim();
    const rest = deadEnds.slice(COLLAPSE_SHOW);
    expect(more).toBe(`… and ${rest.length} more like this at ${rest.slice(0, 6).map((d) => `${d.line}:${d.column}`).join(', ')} and ${rest.length - 6} more (all of them: --format json or sarif)`);
    // Other kinds are untouched, and the summary still counts every finding.
    expect(out.filter((l) => l.includes('no-dangling-edge'))).toHaveLength(1);
    expect(out.at(-2)).toBe(`✖ ${result.diagnostics.length} problems (${result.diagnostics.length} errors, 0 warnings)`);
    // Machine formats keep every finding.
    expect(JSON.parse(json([result], context)).results[0].diagnostics).toHaveLength(result.diagnostics.length);
  });

  it('prints a hint repeated in a file at its first finding only; another hint, or the next file, prints its own', () => {
    const flow = (names: string[]) => ({
      start_speaker: 'agent',
      model_choice: { type: 'cascading', model: 'gpt-4.1' },
      start_node_id: 'a',
      nodes: [
        { id: 'a', type: 'conversation', instruction: { type: 'prompt', text: names.map((n) => `{{${n}}}`).join(' ') }, edges: [{ id: 'e', transition_condition: { type: 'prompt', prompt: 'Caller said goodbye' }, destination_node_id: 'b' }] },
        { id: 'b', type: 'end' },
      ],
    });
    const one = lintFlow(flow(['first', 'second', 'third']), { path: 'one.json' });
    const two = lintFlow(flow(['other']), { path: 'two.json' });
    const hinted = [...one.diagnostics, ...two.diagnostics].filter((d) => d.ruleId === 'no-undefined-variable');
    expect(hinted).toHaveLength(4);
    const hint = hinted[0]!.hint!;
    expect(hinted.every((d) => d.hint === hint)).toBe(true);
    const out = stylish([one, two], context).split('\n');
    const rows = out.filter((l) => l.includes('no-undefined-variable'));
    expect(rows).toHaveLength(4);
    expect(rows.map((l) => l.includes(`(${hint})`))).toEqual([true, false, false, true]);
    // The JSON report keeps the hint on every finding.
    expect(JSON.parse(json([one, two], context)).results.flatMap((r: { diagnostics: { hint?: string }[] }) => r.diagnostics.map((d) => d.hint)).filter(Boolean)).toHaveLength(4);
  });

  it(`keeps every finding of a kind seen at most ${COLLAPSE_ABOVE} times`, () => {
    const result = lint(brokenFlow({ dangling: [], deadEnds: COLLAPSE_ABOVE }));
    const out = stylish([result], context);
    expect(out.split('\n').filter((l) => l.includes('no-dead-end'))).toHaveLength(COLLAPSE_ABOVE);
    expect(out).not.toContain('more like this');
  });
});
