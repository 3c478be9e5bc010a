import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

describe('retell-kit/diff', () => {
  it('is a package entry: diffFlows on two objects from a plain node process', () => {
    const entry = pathToFileURL(path.join(ROOT, 'dist/diff/index.js')).href;
    const script = `
      const { diffFlows, KIND_TABLE } = await import(${JSON.stringify(entry)});
      const a = { start_node_id: 'n', nodes: [{ id: 'n', type: 'conversation', instruction: { type: 'prompt', text: 'Say hello' }, display_position: { x: 1, y: 1 } }] };
      const b = structuredClone(a);
      b.nodes[0].instruction.text = 'Say hello warmly';
      b.nodes[0].display_position = { x: 9, y: 9 };
      const r = diffFlows(a, b, { lint: false });
      console.log(JSON.stringify({ kinds: r.changes.map((c) => c.kind), total: KIND_TABLE.length }));
    `;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    expect(out.kinds).toEqual(['node-instruction-changed']);
    expect(out.total).toBeGreaterThan(40);
  });
});
