import { describe, expect, it } from 'vitest';
import { loadText } from '../../src/flow/load.js';
import { dotString, FAST_LAYOUT_NODES, htmlText } from '../../src/graph/dot.js';
import { graphFile, graphLoaded, renderDot, toDot } from '../../src/graph/index.js';
import { ROOT } from '../helpers/cli.js';

/** A chain of `n` conversation nodes ending in an end node. */
function chain(n: number): string {
  const nodes = Array.from({ length: n }, (_, i) => ({
    id: `n${i}`,
    type: 'conversation',
    name: `Step ${i} \\ "quoted"`,
    instruction: { type: 'prompt', text: 'Ask.' },
    edges: [{ id: `e${i}`, destination_node_id: i + 1 < n ? `n${i + 1}` : 'bye', transition_condition: { type: 'prompt', prompt: `Caller answered step ${i}` } }],
  }));
  return JSON.stringify({ start_node_id: 'n0', nodes: [...nodes, { id: 'bye', type: 'end', name: 'Bye' }] });
}

describe('graph: DOT', () => {
  it('escapes DOT strings and HTML-like labels', () => {
    expect(dotString('a "b" \\N c\nd')).toBe('"a \\"b\\" \\\\N c\\nd"');
    expect(htmlText('<b>&"x"</b>')).toBe('&#60;b&#62;&#38;&#34;x&#34;&#60;/b&#62;');
  });

  it('keeps curved edges for a small flow and switches to the fast layout above the threshold', async () => {
    const small = toDot(await graphFile('fixtures/graph/salon-flow.json', { cwd: ROOT }));
    expect(small).not.toContain('splines=line');
    const big = graphLoaded(loadText(chain(FAST_LAYOUT_NODES + 5), { path: 'chain.json' }), { lint: false });
    expect(toDot(big)).toContain('splines=line');
  });

  it('a large flow renders to an SVG with every node, names with backslashes and quotes intact', async () => {
    const model = graphLoaded(loadText(chain(FAST_LAYOUT_NODES + 5), { path: 'chain.json' }), { lint: false });
    const svg = await renderDot(toDot(model));
    for (const n of model.nodes) expect(svg).toContain(`<g id="${n.safeId}" class="node`);
    expect(svg).toContain('Step 3 \\ &quot;quoted&quot;');
  });
});
