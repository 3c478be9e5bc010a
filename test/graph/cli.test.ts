import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, tempDir } from '../helpers/cli.js';

// The real binary (dist/): formats, --output, --coverage's summary on stderr, and the errors.
describe('retell-kit graph', () => {
  it('prints Mermaid by default, the golden text', () => {
    const r = cli(['graph', 'fixtures/graph/salon-flow.json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(readFileSync(fixture('graph/salon-flow.mmd'), 'utf8'));
  });

  it('writes an SVG to --output (format from the extension) with every node in it', () => {
    const out = path.join(tempDir(), 'flow.svg');
    const r = cli(['graph', 'fixtures/graph/salon-flow.json', '-o', out]);
    expect(r.status).toBe(0);
    expect(r.stderr).toContain(`wrote ${out} (svg, 11 nodes)`);
    const svg = readFileSync(out, 'utf8');
    expect(svg).toMatch(/^<\?xml/);
    for (const id of ['n_greeting', 'n_check', 'n_end', 'n_verify_ask', 'n_human', 'p_start', 'p_missing_old_node']) expect(svg).toContain(`id="${id}"`);
  });

  it('--coverage: the summary on stderr, stuck and never-reached nodes and the call of another flow named', () => {
    const r = cli(['graph', 'fixtures/graph/salon-flow.json', '--format', 'dot', '--coverage', 'fixtures/graph/calls']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^digraph /);
    expect(r.stderr).toBe(
      [
        'coverage: nodes reached 9/11, edges taken 8/15, 7 calls',
        '  stuck (ended without reaching an end node): check (1), greeting (1)',
        '  longest stay: check (18.3 s on average)',
        '  never reached: no_slot, end',
        '  left out 1 call with node ids not in this flow (1 of another flow): call_graph_other_flow went through node_welcome, node_collect_claim',
        '',
      ].join('\n'),
    );
  });

  it('--coverage takes several paths (files and folders)', () => {
    const r = cli(['graph', 'fixtures/graph/salon-flow.json', '--coverage', 'fixtures/graph/calls/call_graph_booked_1.json', 'fixtures/recordings', '-f', 'mermaid']);
    expect(r.status).toBe(0);
    expect(r.stderr.split('\n')[0]).toBe('coverage: nodes reached 4/11, edges taken 3/15, 2 calls');
  });

  it('a file that is not a flow: the loader\'s one line, exit 2', () => {
    const r = cli(['graph', 'fixtures/calls/booking-call.json']);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('fixtures/calls/booking-call.json: Retell call call_fixture_booking, not a conversation flow');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a file that does not parse: the line, exit 2', () => {
    const dir = tempDir();
    const file = path.join(dir, 'broken.json');
    writeFileSync(file, '{\n  "nodes": [\n}');
    const r = cli(['graph', file]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/broken\.json:3:1: /);
  });

  it('a missing file, an unknown format and unreadable calls are usage trouble (exit 2)', () => {
    expect(cli(['graph', 'nope.json']).stderr).toContain('nope.json: no such file or directory');
    const format = cli(['graph', 'fixtures/graph/salon-flow.json', '--format', 'png']);
    expect(format.status).toBe(2);
    expect(format.stderr).toContain('unknown format "png" (use mermaid, svg, html, dot)');
    const calls = cli(['graph', 'fixtures/graph/salon-flow.json', '--coverage', 'fixtures/graph/salon-flow.json']);
    expect(calls.status).toBe(2);
    expect(calls.stderr).toContain('this is a conversation flow, not a call');
  });

  it('--no-lint draws every node grey', () => {
    const r = cli(['graph', 'fixtures/graph/salon-flow.json', '--no-lint']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('classDef unchecked');
    expect(r.stdout).not.toContain('classDef error');
  });
});

describe('README: graph section', () => {
  it('shows the Mermaid that graph prints for the fixture flow, and the coverage summary it prints', () => {
    const readme = readFileSync(path.join(fixture('..'), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('## retell-kit graph'));
    const mermaid = /```mermaid\n([\s\S]*?)```/.exec(section)![1];
    expect(mermaid).toBe(readFileSync(fixture('graph/salon-flow.mmd'), 'utf8'));
    const dir = tempDir();
    const r = cli(['graph', path.join(fixture('graph/salon-flow.json')), '--coverage', fixture('graph/calls'), '-o', 'salon.html'], { cwd: dir });
    expect(r.status).toBe(0);
    const shown = /```text\n([\s\S]*?)```/.exec(section)![1];
    expect(r.stderr).toBe(shown);
  });
});
