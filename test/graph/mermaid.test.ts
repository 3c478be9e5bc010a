import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadFile } from '../../src/flow/load.js';
import { graphFile, graphLoaded, loadCallPaths, mermaidText, shorten, toMermaid } from '../../src/graph/index.js';
import { ROOT } from '../helpers/cli.js';

// UPDATE_GOLDEN=1 npx vitest run test/graph rewrites the goldens: review the git diff before committing.
const update = process.env.UPDATE_GOLDEN === '1';
function golden(file: string, actual: string): void {
  if (update || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const FLOW = 'fixtures/graph/salon-flow.json';
const REAL_WORLD = path.resolve(ROOT, '../shared/real-world');

/**
 * A strict reading of the Mermaid we write: every line is a header, a node, a subgraph, an edge or a
 * style statement; every label is one quoted string with no quote, raw <, > or & inside (only our
 * own <br/>), and every id is [A-Za-z0-9_] and not a Mermaid keyword.
 */
function checkMermaid(text: string): { nodes: string[]; edges: number } {
  const nodes: string[] = [];
  let edges = 0;
  let depth = 0;
  const label = '"((?:[^"<>&]|<br/>|#\\d+;)*)"';
  const shapes = ['\\(\\(', '\\(\\[', '\\[\\[', '\\[\\(', '\\[/', '\\[\\\\', '\\{\\{', '\\(', '\\[', '\\{', '>'];
  const node = new RegExp(`^(\\w+)(?:${shapes.join('|')})${label}(?:\\)\\)|\\]\\)|\\]\\]|\\)\\]|/\\]|\\\\\\]|\\}\\}|\\)|\\]|\\})$`);
  const edge = new RegExp(`^(\\w+) (?:-->|-\\.->)(?:\\|${label}\\|)? (\\w+)$`);
  for (const raw of text.trimEnd().split('\n')) {
    const line = raw.trim();
    if (line.startsWith('%%') || line === 'flowchart TD') continue;
    let m: RegExpExecArray | null;
    if ((m = new RegExp(`^subgraph (\\w+)\\[${label}\\]$`).exec(line))) {
      depth++;
      continue;
    }
    if (line === 'end') {
      depth--;
      expect(depth).toBeGreaterThanOrEqual(0);
      continue;
    }
    if ((m = node.exec(line))) {
      expect(m[1]).toMatch(/^[np]_/);
      nodes.push(m[1]!);
      continue;
    }
    if (edge.exec(line)) {
      edges++;
      continue;
    }
    if (/^(classDef \w+ [\w#:,\- .]+|class [\w,]+ \w+|style \w+ [\w#:,\- .]+|linkStyle \d+ [\w#:,\- .]+)$/.test(line)) continue;
    throw new Error(`not a line we write: ${line}`);
  }
  expect(depth).toBe(0);
  return { nodes, edges };
}

describe('graph: Mermaid', () => {
  it('matches the golden output for the fixture flow, lint colours included', async () => {
    const model = await graphFile(FLOW, { cwd: ROOT });
    const text = toMermaid(model);
    golden(path.join(ROOT, 'fixtures/graph/salon-flow.mmd'), text);
    expect(checkMermaid(text).nodes).toHaveLength(model.nodes.length + model.pseudo.length);
  });

  it('matches the golden output with coverage from the fixture calls', async () => {
    const model = await graphFile(FLOW, { cwd: ROOT, coverage: ['fixtures/graph/calls'] });
    golden(path.join(ROOT, 'fixtures/graph/salon-flow.coverage.mmd'), toMermaid(model));
  });

  it('writes nasty names as entities and ids as safe words (a node with id "end", quotes, tags, pipes)', async () => {
    const model = await graphFile(FLOW, { cwd: ROOT });
    const text = toMermaid(model);
    // The node whose id is Mermaid's keyword `end` gets a prefixed id; its name keeps every character.
    expect(text).toContain('n_end("Questions #34;FAQ#34; #60;b#62;#38;#60;/b#62; #35;1 #124; #96;end#96; [x] {y}<br/>conversation · 1 error")');
    expect(text).not.toMatch(/^\s*end\(/m);
    // Newlines in names become one line.
    expect(text).toContain('🚀 Human, please (any time)<br/>');
    checkMermaid(text);
  });

  it('escapes every character Mermaid reads as syntax', () => {
    expect(mermaidText('a "b" <c> & #d | `e`')).toBe('a #34;b#34; #60;c#62; #38; #35;d #124; #96;e#96;');
    expect(mermaidText('line\nbreak\t tab')).toBe('line break tab');
  });

  it('shortens long conditions at a word, with an ellipsis', () => {
    expect(shorten('The caller wants an appointment but has not said a time')).toBe('The caller wants an appointment but…');
    expect(shorten('short')).toBe('short');
    expect(shorten('x'.repeat(60))).toHaveLength(40);
  });

  it('without lint, every node is unchecked and no lint class is written', async () => {
    const model = graphLoaded(await loadFile(FLOW, ROOT), { lint: false });
    const text = toMermaid(model);
    expect(model.nodes.every((n) => n.status === 'unchecked')).toBe(true);
    expect(text).toContain('classDef unchecked');
    expect(text).not.toContain('classDef error');
  });

  it('calls change only the coverage marks, never the shape of the text', async () => {
    const loaded = await loadFile(FLOW, ROOT);
    const plain = checkMermaid(toMermaid(graphLoaded(loaded)));
    const covered = checkMermaid(toMermaid(graphLoaded(loaded, { calls: await loadCallPaths(['fixtures/graph/calls'], ROOT) })));
    expect(covered).toEqual(plain);
  });

  const realFlows = existsSync(REAL_WORLD) ? readdirSync(REAL_WORLD).filter((f) => f.endsWith('.json')) : [];
  it.skipIf(realFlows.length === 0)('draws every public Retell flow beside the project as valid Mermaid (names in German, emoji, brackets)', async () => {
    let drawn = 0;
    for (const file of realFlows) {
      const loaded = await loadFile(path.join(REAL_WORLD, file), ROOT);
      for (const flow of loaded.flows) {
        const model = graphLoaded(loaded, { flowId: flow.flowId });
        const { nodes } = checkMermaid(toMermaid(model));
        expect(new Set(nodes).size, file).toBe(nodes.length);
        drawn++;
      }
    }
    expect(drawn).toBeGreaterThanOrEqual(15);
  });
});
