import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { syntheticFlow } from '../../bench/synthetic-flow.mjs';
import { NO_OSR_BELOW, NO_OSR_FROM, osrSuits } from '../../src/util/jit.js';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

// The CLI turns V8's on-stack replacement off for inputs of 1 to 24 MB (src/util/jit.ts, bench:lint).
// V8's --trace-opt prints a line for each OSR compile: none while it is off.
const dir = tempDir('retell-kit-jit-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const OSR_LINE = /OSR/;

function traceOsr(args: string[]): { status: number | null; osr: string[]; stderr: string } {
  const r = spawnSync(process.execPath, ['--trace-opt', ...args], { cwd: dir, encoding: 'utf8', timeout: 120_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: r.status, osr: r.stdout.split('\n').filter((l) => OSR_LINE.test(l)), stderr: r.stderr };
}

describe('OSR by input size', () => {
  it('is off from 1 MB up to 24 MB of input', () => {
    expect(osrSuits(NO_OSR_FROM - 1)).toBe(true);
    expect(osrSuits(NO_OSR_FROM)).toBe(false);
    expect(osrSuits(NO_OSR_BELOW - 1)).toBe(false);
    expect(osrSuits(NO_OSR_BELOW)).toBe(true);
  });

  it('the CLI lints a 2.4 MB flow without OSR compiles; the API, which leaves V8 alone, has them', () => {
    const file = path.join(dir, 'flow-3000.json');
    const text = JSON.stringify(syntheticFlow(3000), null, 2);
    expect(text.length).toBeGreaterThanOrEqual(NO_OSR_FROM);
    writeFileSync(file, text);
    const report = path.join(dir, 'report.json');

    const cli = traceOsr([BIN, 'lint', file, '--format', 'json', '--output-file', report]);
    expect(cli.status, cli.stderr).toBe(0);
    expect((JSON.parse(readFileSync(report, 'utf8')) as { results: { diagnostics: unknown[] }[] }).results[0]!.diagnostics.length).toBeGreaterThan(0);
    expect(cli.osr).toEqual([]);

    const api = traceOsr(['--input-type=module', '-e', `const { lintFiles } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/index.js')).href)}); await lintFiles([${JSON.stringify(file)}]);`]);
    expect(api.status, api.stderr).toBe(0);
    expect(api.osr.length).toBeGreaterThan(0);
  });
});
