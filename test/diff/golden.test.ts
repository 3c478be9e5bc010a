import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/diff/format/json.js';
import { formatMarkdown } from '../../src/diff/format/markdown.js';
import { formatText } from '../../src/diff/format/text.js';
import { CHANGE_KIND_IDS, diffSides, loadSide, type DiffResult } from '../../src/diff/index.js';
import { ROOT } from '../helpers/cli.js';

// Every fixture pair (written by fixtures/diff/make.mjs) against its golden report.
// UPDATE_GOLDEN=1 npx vitest run test/diff rewrites the goldens: review the git diff before committing.
const dir = path.join(ROOT, 'fixtures/diff');
const cases = readdirSync(dir, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
const update = process.env.UPDATE_GOLDEN === '1';
/** Cases whose markdown and JSON are kept as goldens too. */
const ALL_FORMATS = new Set(['nodes', 'agent']);

async function run(name: string): Promise<DiffResult> {
  const a = await loadSide(`fixtures/diff/${name}/a.json`, { cwd: ROOT });
  const b = await loadSide(`fixtures/diff/${name}/b.json`, { cwd: ROOT });
  return diffSides(a, b, { handlers: ['book_appointment'] });
}

function golden(file: string, actual: string): void {
  if (update || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

describe('diff fixture pairs', () => {
  it('has the pairs', () => {
    expect(cases.length).toBeGreaterThanOrEqual(12);
  });

  for (const name of cases) {
    it(name, async () => {
      const result = await run(name);
      golden(path.join(dir, name, 'expected.txt'), formatText(result));
      if (ALL_FORMATS.has(name)) {
        golden(path.join(dir, name, 'expected.md'), formatMarkdown(result));
        golden(path.join(dir, name, 'expected.json'), formatJson(result));
      }
    });
  }

  it('a canvas move, node and tool reorder and new timestamps are no change', async () => {
    const result = await run('canvas-noise');
    expect(result.changes).toEqual([]);
  });

  it('every change kind but flow-added/removed (multi-flow files, test/diff/api.test.ts) shows in some golden', async () => {
    const seen = new Set<string>();
    for (const name of cases) for (const c of (await run(name)).changes) seen.add(c.kind);
    const missing = CHANGE_KIND_IDS.filter((k) => !seen.has(k) && k !== 'flow-added' && k !== 'flow-removed');
    expect(missing).toEqual([]);
  });
});

describe('docs/diff.md', () => {
  it('lists every change kind with its default severity, and nothing else', async () => {
    const { KIND_TABLE } = await import('../../src/diff/index.js');
    const doc = readFileSync(path.join(ROOT, 'docs/diff.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z-]+)` \| (breaking|warning|info) \|/gm)].map((m) => `${m[1]} ${m[2]}`);
    expect(rows).toEqual(KIND_TABLE.map((k) => `${k.id} ${k.severity}`));
  });
});
