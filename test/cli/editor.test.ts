import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, ROOT, tempDir } from '../helpers/cli.js';

// Editor support: a flow may name its JSON Schema with "$schema" (how VS Code and others find it)
// without lint calling it an unknown property; the README's VS Code settings point at a real file.
describe('editor support', () => {
  const flow = JSON.parse(readFileSync(fixture('flows/valid/salon-booking.json'), 'utf8')) as Record<string, unknown>;

  it('a "$schema" key at the top of a flow is accepted; one anywhere else is still unknown-property', () => {
    const dir = tempDir();
    const top = path.join(dir, 'top.json');
    writeFileSync(top, JSON.stringify({ $schema: './node_modules/retell-kit/schemas/conversation-flow.schema.json', ...flow }, null, 2));
    const clean = cli(['lint', top]);
    expect(clean.stderr).toBe('');
    expect(clean.stdout).toBe('');
    expect(clean.status).toBe(0);

    const nested = path.join(dir, 'nested.json');
    const nodes = (flow.nodes as Record<string, unknown>[]).map((n, i) => (i === 0 ? { ...n, $schema: 'x' } : n));
    writeFileSync(nested, JSON.stringify({ ...flow, nodes }, null, 2));
    const run = cli(['lint', nested, '-f', 'json']);
    const ids = (JSON.parse(run.stdout) as { results: { diagnostics: { ruleId: string; pointer: string }[] }[] }).results[0]!.diagnostics.map((d) => `${d.ruleId} ${d.pointer}`);
    expect(ids).toEqual(['unknown-property /nodes/0/$schema']);
  });

  it('the VS Code json.schemas setting in the docs names the packaged schema', () => {
    const doc = readFileSync(path.join(ROOT, 'docs/editors.md'), 'utf8');
    const settings = /```jsonc?\n(\{[\s\S]*?\n\})\n```/.exec(doc)![1]!;
    const parsed = JSON.parse(settings.replace(/^\s*\/\/.*$/gm, '')) as { 'json.schemas': { fileMatch: string[]; url: string }[] };
    const entry = parsed['json.schemas'][0]!;
    expect(entry.fileMatch.length).toBeGreaterThan(0);
    expect(entry.url).toBe('./node_modules/retell-kit/schemas/conversation-flow.schema.json');
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { files: string[] };
    expect(pkg.files).toContain('schemas');
    expect(JSON.parse(readFileSync(path.join(ROOT, 'schemas/conversation-flow.schema.json'), 'utf8'))).toHaveProperty('definitions');
  });
});
