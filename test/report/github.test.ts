import { describe, expect, it } from 'vitest';
import github, { ANNOTATIONS_PER_KIND, escapeData, escapeProperty } from '../../src/report/github.js';
import type { FileResult } from '../../src/validators/lint.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';

interface Command {
  kind: string;
  props: Record<string, string>;
  message: string;
}

/** Decode a workflow command the way the runner does: split on the first '::', then on ',' and '='. */
function parseCommand(line: string): Command | undefined {
  const m = /^::(\w+)(?: ([^:]*))?::(.*)$/.exec(line);
  if (!m) return undefined;
  const unescape = (s: string) => s.replace(/%3A/g, ':').replace(/%2C/g, ',').replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const props: Record<string, string> = {};
  for (const pair of (m[2] ?? '').split(',').filter(Boolean)) {
    const eq = pair.indexOf('=');
    props[pair.slice(0, eq)] = unescape(pair.slice(eq + 1));
  }
  return { kind: m[1]!, props, message: unescape(m[3]!) };
}

function lines(results: FileResult[]): string[] {
  return github(results, context).trimEnd().split('\n');
}

describe('github formatter', () => {
  it('writes one annotation per finding with file, range, title and docs link', () => {
    const results = sampleResults();
    const out = lines(results);
    const commands = out.map(parseCommand);
    const diagnostics = results.flatMap((r) => r.diagnostics);
    expect(commands.slice(0, diagnostics.length).map((c) => c?.kind)).toEqual(['error', 'error', 'warning', 'error', 'notice']);
    diagnostics.forEach((d, i) => {
      const c = commands[i]!;
      expect(c.props).toEqual({
        file: d.file,
        line: String(d.line),
        col: String(d.column),
        endLine: String(d.endLine),
        endColumn: String(d.endColumn),
        title: `retell-kit (${d.ruleId})`,
      });
      expect(c.message).toBe(`${d.message}\nSee ${d.docsUrl}`);
    });
    expect(out.at(-1)).toBe('retell-kit: 3 errors, 1 warning, 1 info in 3 files');
    expect(out).toHaveLength(diagnostics.length + 1);
  });

  it('prints nothing when there is nothing to say', () => {
    expect(github([lint(brokenFlow({ dangling: [], deadEnds: 0 }))], context)).toBe('');
  });

  it('escapes %, CR and LF in data, and also : and , in properties', () => {
    expect(escapeData('100%\r\nnext: a,b')).toBe('100%25%0D%0Anext: a,b');
    expect(escapeProperty('C:\\flows\\a,b%.json')).toBe('C%3A\\flows\\a%2Cb%25.json');
  });

  it('keeps hostile text from a flow inside its annotation', () => {
    // A destination id that tries to end the message and start a command of its own.
    const evil = 'x%0A\n::error file=pwned::injected, 50%: done\r';
    const result = lint(brokenFlow({ dangling: [evil], deadEnds: 0 }), 'flows/odd, name: 100%.json');
    const out = lines([result]);
    expect(out).toHaveLength(2);
    expect(out.filter((l) => l.startsWith('::'))).toHaveLength(1);
    const c = parseCommand(out[0]!)!;
    expect(c.props.file).toBe('flows/odd, name: 100%.json');
    expect(Object.keys(c.props)).toEqual(['file', 'line', 'col', 'endLine', 'endColumn', 'title']);
    expect(c.message).toContain(evil);
    expect(out[0]).not.toMatch(/[\r\n]/);
  });

  it(`annotates at most ${ANNOTATIONS_PER_KIND} of each kind, prints the rest and says how many`, () => {
    // 30 errors, 12 warnings, 12 infos: more than GitHub's per-step limits for every kind.
    const results = [
      lint(brokenFlow({ dangling: Array.from({ length: 18 }, (_, i) => `missing-${i}`), deadEnds: 12 }), 'flows/a.json', { rules: { 'no-dead-end': 'warning' } }),
      lint(brokenFlow({ dangling: Array.from({ length: 12 }, (_, i) => `gone-${i}`), deadEnds: 12 }), 'flows/b.json', { rules: { 'no-dead-end': 'info' } }),
    ];
    const diagnostics = results.flatMap((r) => r.diagnostics);
    expect(diagnostics.length).toBe(54);
    const out = lines(results);
    const commands = out.map(parseCommand);
    const count = (kind: string) => commands.filter((c) => c?.kind === kind).length;
    expect(count('error')).toBe(10);
    expect(count('warning')).toBe(10);
    // Nine finding notices plus the summary notice.
    expect(count('notice')).toBe(10);

    const plain = out.filter((l) => /^flows\/[ab]\.json:\d+:\d+: /.test(l));
    expect(plain).toHaveLength(54 - 29);
    expect(plain.filter((l) => l.includes(': error: '))).toHaveLength(20);
    expect(plain.filter((l) => l.includes(': warning: '))).toHaveLength(2);
    expect(plain.filter((l) => l.includes(': info: '))).toHaveLength(3);
    expect(plain[0]).toMatch(/^flows\/a\.json:\d+:\d+: error: edge from "greet" goes to "missing-\d+", which is not a node of the flow \[no-dangling-edge\]$/);

    const summary = commands.filter((c) => c?.kind === 'notice' && c.props.title === 'retell-kit');
    expect(summary).toHaveLength(1);
    expect(summary[0]!.props).toEqual({ title: 'retell-kit' });
    expect(summary[0]!.message).toMatch(/^25 findings were not annotated: GitHub shows at most 10 errors, 10 warnings and 10 notices per step/);
    expect(summary[0]!.message).toContain('--format json');
    expect(out.at(-1)).toBe('retell-kit: 30 errors, 12 warnings, 12 info in 2 files');
  });

  it('keeps plain overflow lines on one line and never at a command start', () => {
    const evil = '\n::error::fake\u001b[2J';
    const result = lint(brokenFlow({ dangling: [...Array.from({ length: 10 }, (_, i) => `m-${i}`), evil], deadEnds: 0 }), '::evil.json');
    const out = lines([result]);
    const plain = out.filter((l) => !l.startsWith('::') && !l.startsWith('retell-kit:'));
    expect(plain).toHaveLength(1);
    expect(plain[0]!.trimStart().startsWith('::')).toBe(false);
    expect(plain[0]).toMatch(/^\.\/::evil\.json:\d+:\d+: error: /);
    expect(plain[0]).toContain('\\n::error::fake\\u001b[2J');
    expect(out.filter((l) => l.startsWith('::error'))).toHaveLength(10);
  });
});
