import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticFlow } from '../../bench/synthetic-flow.mjs';
import { JsonSource } from '../../src/flow/source.js';
import { startAssist } from '../../src/validators/assist.js';
import { checkFlowSchema } from '../../src/validators/schema/check.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const files = { bundle: path.join(ROOT, 'dist/lint-assist.cjs'), codeCache: path.join(ROOT, 'dist/boot/code-cache.cjs') };

/** A synthetic flow with findings for schema and unknown-property, pretty-printed as the dashboard does. */
function flowText(nodes: number): string {
  const flow = syntheticFlow(nodes) as { nodes: Record<string, unknown>[] };
  flow.nodes[10]!.bogus_key = 1;
  flow.nodes[20]!.instruction = 42;
  flow.nodes[flow.nodes.length - 5]!.type = 'conversaton';
  return JSON.stringify(flow, null, 2);
}

/** Every node's pointer and a few inside nodes (edges, keys), as findings name them. */
function pointersOf(value: { nodes: unknown[] }): string[] {
  const out = ['', '/start_node_id', '/tools/3', '/tools/3/name#key', '/components/2/nodes/1'];
  value.nodes.forEach((_, k) => out.push(`/nodes/${k}`, `/nodes/${k}/edges/0`, `/nodes/${k}/id#key`));
  return out;
}

describe('lint assist (worker)', () => {
  it('answers exactly what the main thread computes: the schema check and the ranges of every pointer', () => {
    const text = flowText(600);
    const assist = startAssist(Buffer.from(text), { files, minBytes: 0, env: {} })!;
    expect(assist).toBeDefined();
    const local = checkFlowSchema(JSON.parse(text));
    expect(local.problems.length).toBeGreaterThan(0);
    expect(local.unknown.length).toBeGreaterThan(0);
    expect(assist.schema('')).toEqual(local);
    const skeleton = assist.skeleton();
    expect(skeleton?.count).toBeGreaterThan(600);
    expect(assist.answers).toBe(2);
    assist.close();

    const pointers = pointersOf(JSON.parse(text));
    const plain = new JsonSource('f.json', text).locate(pointers);
    const helped = new JsonSource('f.json', text);
    helped.skeleton = () => skeleton;
    expect(helped.locate(pointers)).toEqual(plain);
  });

  it('finds a flow inside an agent export, and reads a file with a byte-order mark as the main thread does', () => {
    const inner = JSON.parse(flowText(60));
    const text = `\uFEFF${JSON.stringify({ agent_name: 'a', conversationFlow: inner }, null, 4)}`;
    const assist = startAssist(Buffer.from(text), { files, minBytes: 0, env: {} })!;
    expect(assist.schema('/conversationFlow')).toEqual(checkFlowSchema(JSON.parse(text.slice(1)).conversationFlow));
    expect(assist.schema('')).toBeUndefined();
    const body = text.slice(1);
    const pointers = pointersOf(inner).map((p) => `/conversationFlow${p}`);
    const helped = new JsonSource('f.json', body);
    helped.skeleton = () => assist.skeleton();
    expect(helped.locate(pointers)).toEqual(new JsonSource('f.json', body).locate(pointers));
    assist.close();
  });

  it('starts no worker for a small file or with RETELL_KIT_LINT_WORKER=0', () => {
    const bytes = Buffer.from(flowText(60));
    expect(startAssist(bytes, { files, env: {} })).toBeUndefined();
    expect(startAssist(bytes, { files, minBytes: 0, env: { RETELL_KIT_LINT_WORKER: '0' } })).toBeUndefined();
  });

  it('gives nothing (so lint computes it itself) when the worker cannot start its bundle', () => {
    const assist = startAssist(Buffer.from(flowText(60)), { files: { ...files, bundle: path.join(ROOT, 'no-such-bundle.cjs') }, minBytes: 0, env: {} })!;
    expect(assist.schema('')).toBeUndefined();
    expect(assist.skeleton()).toBeUndefined();
    expect(assist.answers).toBe(0);
    assist.close();
  });

  it('stops waiting for a worker that never answers', () => {
    const dir = tempDir();
    const stuck = path.join(dir, 'stuck.cjs');
    writeFileSync(stuck, 'exports.runAssist = () => { for (;;); };');
    const assist = startAssist(Buffer.from('{"nodes": []}'), { files: { ...files, bundle: stuck }, minBytes: 0, env: {} })!;
    const started = Date.now();
    expect(assist.schema('')).toBeUndefined();
    expect(Date.now() - started).toBeGreaterThanOrEqual(1900);
    expect(assist.skeleton()).toBeUndefined();
    assist.close();
  });

  it('lint of a big file prints the same report with and without the worker, and --stats says the worker ran', () => {
    const dir = tempDir();
    const file = path.join(dir, 'big.json');
    writeFileSync(file, flowText(3000));
    const helped = cli(['lint', file, '--format', 'json', '--stats']);
    const alone = cli(['lint', file, '--format', 'json', '--stats'], { env: { RETELL_KIT_LINT_WORKER: '0' } });
    expect(helped.status).toBe(1);
    expect(JSON.parse(helped.stdout).summary.errors).toBeGreaterThan(0);
    expect(helped.stdout).toBe(alone.stdout);
    expect(helped.stderr).toMatch(/a worker thread did the schema check and the position scan of 1 big file/);
    expect(alone.stderr).not.toMatch(/worker thread/);
  });
});
