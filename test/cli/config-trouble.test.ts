import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, tempDir } from '../helpers/cli.js';

const FLOW = fixture('flows/valid/salon-booking.json');

function project(files: Record<string, string>): string {
  const dir = tempDir();
  writeFileSync(path.join(dir, 'package.json'), '{"name":"p"}');
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** One line on stderr, exit 2, no stack. */
function configTrouble(files: Record<string, string>): string {
  const r = cli(['lint', FLOW], { cwd: project(files) });
  expect(r.status).toBe(2);
  expect(r.stderr.split('\n').filter(Boolean)).toHaveLength(1);
  return r.stderr.trim();
}

describe('config trouble says why (found by trying it)', () => {
  it('a YAML syntax error gives the parser reason and the position', () => {
    expect(configTrouble({ 'retell-kit.config.yaml': 'lint:\n  rules:\n    no-dead-end: [off\n' })).toBe(
      'retell-kit: retell-kit.config.yaml: 4:1: invalid YAML: Flow sequence in block collection must be sufficiently indented and end with a ] (fix the syntax, or run the file through a JSON/YAML validator)',
    );
  });

  it('a JSON syntax error gives the reason and the position', () => {
    expect(configTrouble({ 'retell-kit.config.json': '{"lint": {"rules": }}' })).toMatch(/^retell-kit: retell-kit\.config\.json: 1:20: invalid JSON: expected a value .*found "}"/);
    expect(configTrouble({ '.retell-kitrc': '{"lint": {"maxWarnings": 1}' })).toMatch(/^retell-kit: \.retell-kitrc: 1:\d+: invalid YAML/);
  });

  it('an .mjs syntax error is a syntax error with its line, not a require() race', () => {
    const line = configTrouble({ 'retell-kit.config.mjs': 'export default {\n  lint: { rules: { "no-dead-end": "off" }, }\n' });
    expect(line).toBe('retell-kit: retell-kit.config.mjs: line 3: JavaScript syntax error: Unexpected end of input (node --check retell-kit.config.mjs shows where)');
    expect(line).not.toMatch(/race|require/);
  });

  it('a config that throws, or imports what is not installed, says so', () => {
    expect(configTrouble({ 'retell-kit.config.mjs': 'throw new Error("DATABASE_URL is not set")' })).toBe(
      'retell-kit: retell-kit.config.mjs: the config threw while loading: DATABASE_URL is not set (run with --debug for the stack)',
    );
    expect(configTrouble({ 'retell-kit.config.mjs': 'import pg from "no-such-package-here"; export default {}' })).toMatch(/Cannot find package 'no-such-package-here'.*\(install the package it imports/);
  });

  it('a "retell-kit" key in package.json does not silently win over retell-kit.config.mjs', () => {
    const dir = tempDir();
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p', 'retell-kit': { lint: { maxWarnings: 0 } } }));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), 'export default { lint: { rules: { "no-dead-end": "off" } } };');
    const r = cli(['lint', FLOW], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: package.json "retell-kit" and retell-kit.config.mjs both configure retell-kit: keep one (move the settings of one into the other, or pick one with --config)');
    expect(cli(['lint', FLOW, '--config', 'retell-kit.config.mjs'], { cwd: dir }).status).toBe(0);
    // package.json without the key is no rival.
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'p' }));
    expect(cli(['lint', FLOW], { cwd: dir }).status).toBe(0);
  });

  it('lint ends when the config module leaves a timer open at import (handlers\' pools, intervals)', () => {
    const dir = project({ 'retell-kit.config.mjs': 'setInterval(() => {}, 1000);\nexport default { lint: { rules: { "no-dead-end": "off" } } };' });
    const r = cli(['lint', FLOW, '-f', 'json'], { cwd: dir, timeoutMs: 8000 });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).summary.errors).toBe(0);
    // And on a config error after the timer started.
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), 'setInterval(() => {}, 1000);\nexport default { lint: { bogus: 1 } };');
    const bad = cli(['lint', FLOW], { cwd: dir, timeoutMs: 8000 });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('lint.bogus: unknown key');
  });

  it('a .ts config loads (Node type stripping, or the typescript package)', () => {
    const dir = project({ 'retell-kit.config.ts': 'const limit: number = 0;\nexport default { lint: { maxWarnings: limit } };' });
    const r = cli(['lint', fixture('flows/invalid/unconnected-edges.json'), '--rule', 'no-dead-end:off'], { cwd: dir });
    expect(r.stderr).toContain('exceed --max-warnings 0');
    expect(r.status).toBe(1);
  });
});
