import { describe, expect, it } from 'vitest';
import stylish, { printable } from '../../src/report/stylish.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';

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
});
