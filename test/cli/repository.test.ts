import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, fixture, tempDir } from '../helpers/cli.js';

/** A repository as people keep one: flows beside code, tool configs, a compose file, our config and reports. */
function repository(config: object = {}): string {
  const dir = tempDir();
  const put = (file: string, text: string) => {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  };
  put('package.json', '{"name":"salon","version":"1.0.0","retell-kit-unrelated":true}');
  put('package-lock.json', '{"lockfileVersion":3,"packages":{}}');
  put('docker-compose.yml', 'services:\n  db:\n    image: postgres:16\n');
  put('renovate.json', '{"extends":["config:recommended"]}');
  put('tsconfig.build.json', '{"compilerOptions":{}}');
  put('.github/workflows/ci.yml', 'on: push\njobs: {}\n');
  put('otel.yaml', 'receivers:\n  otlp: {}\n');
  put('lint-report.json', '{"version":1,"results":[],"summary":{"errors":0}}');
  put('retell-kit.config.json', JSON.stringify(config));
  mkdirSync(path.join(dir, 'flows'));
  mkdirSync(path.join(dir, 'archive'));
  copyFileSync(fixture('flows/invalid/dangling-edge-and-dead-end.json'), path.join(dir, 'flows/booking.json'));
  copyFileSync(fixture('flows/valid/salon-booking.json'), path.join(dir, 'flows/salon.json'));
  copyFileSync(fixture('flows/invalid/trap.json'), path.join(dir, 'archive/old.json'));
  return dir;
}

const filesIn = (stdout: string) => (JSON.parse(stdout) as { results: { file: string }[] }).results.map((r) => r.file);

describe('lint . in a real repository', () => {
  it('lints the flows, does not read tool files, and says once which read files held nothing of Retell', () => {
    const dir = repository();
    const r = cli(['lint', '.', '-f', 'json'], { cwd: dir });
    expect(filesIn(r.stdout)).toEqual(['archive/old.json', 'flows/booking.json', 'flows/salon.json']);
    expect(r.stderr.trim()).toBe('retell-kit: skipped 2 files with nothing of Retell in them (lint-report.json, otel.yaml)');
    expect(r.status).toBe(1);
  });

  it('lints a non-Retell file named on the command line (the user asked for it)', () => {
    const dir = repository();
    const r = cli(['lint', 'otel.yaml', '-f', 'json'], { cwd: dir });
    expect(filesIn(r.stdout)).toEqual(['otel.yaml']);
    expect(r.stdout).toContain('"ruleId": "schema"');
  });

  it('honours ignores in the config (relative to its folder) and --ignore-pattern (relative to cwd)', () => {
    const dir = repository({ lint: { ignores: ['archive/'] } });
    const fromRoot = cli(['lint', '.', '-f', 'json'], { cwd: dir });
    expect(filesIn(fromRoot.stdout)).toEqual(['flows/booking.json', 'flows/salon.json']);
    // The same config from a subfolder: its patterns stay relative to the config file.
    const fromFlows = cli(['lint', '..', '-f', 'json'], { cwd: path.join(dir, 'flows') });
    expect(filesIn(fromFlows.stdout)).toEqual(['booking.json', 'salon.json']);
    const flag = cli(['lint', '.', '-f', 'json', '--ignore-pattern', 'booking.json'], { cwd: dir });
    expect(filesIn(flag.stdout)).toEqual(['flows/salon.json']);
    expect(flag.status).toBe(0);
  });

  it('says when a file named on the command line is ignored, and exits 2 when everything a folder holds is', () => {
    const dir = repository({ lint: { ignores: ['archive/'] } });
    const named = cli(['lint', 'archive/old.json', 'flows/salon.json'], { cwd: dir });
    expect(named.stderr).toContain('archive/old.json: ignored by a pattern');
    expect(named.status).toBe(0);
    const all = cli(['lint', 'archive'], { cwd: dir });
    expect(all.status).toBe(2);
    expect(all.stderr.trim()).toBe('retell-kit: archive: every file in it is ignored or not a Retell file (check ignores in the config and --ignore-pattern)');
  });

  it('applies per-glob overrides after the base rules, with --rule still winning', () => {
    const dir = repository({ lint: { rules: { 'no-unused-tool': 'off' }, overrides: [{ files: ['flows/booking.json'], rules: { 'no-dead-end': 'warning', 'no-dangling-edge': 'off' } }] } });
    const r = cli(['lint', 'flows', '-f', 'json'], { cwd: dir });
    const booking = (JSON.parse(r.stdout) as { results: { file: string; diagnostics: { ruleId: string; severity: string }[] }[] }).results[0]!;
    expect(booking.diagnostics.map((d) => `${d.ruleId}:${d.severity}`)).toEqual(['no-unreachable-node:warning', 'no-dead-end:warning']);
    expect(r.status).toBe(0);
    const cliWins = cli(['lint', 'flows', '-f', 'json', '--rule', 'no-dead-end:error'], { cwd: dir });
    expect(cliWins.status).toBe(1);
    const printed = JSON.parse(cli(['lint', '--print-config', 'flows/booking.json'], { cwd: dir }).stdout);
    expect(printed).toMatchObject({ config: 'retell-kit.config.json', file: 'flows/booking.json', ignored: false });
    expect(printed.rules).toMatchObject({ 'no-dead-end': 'warning', 'no-dangling-edge': 'off', 'no-unused-tool': 'off', 'no-trap': 'error' });
    expect(JSON.parse(cli(['lint', '--print-config', 'flows/salon.json'], { cwd: dir }).stdout).rules['no-dead-end']).toBe('error');
  });

  it('words a bad override like any other config value', () => {
    const dir = repository({ lint: { overrides: [{ files: ['x'], rules: { 'no-ded-end': 'off' } }] } });
    const r = cli(['lint', 'flows'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: retell-kit.config.json: lint.overrides[0].rules.no-ded-end: unknown rule (did you mean "no-dead-end"?)');
  });
});

describe('--color, --no-color and --stats', () => {
  const FLOW = fixture('flows/invalid/dangling-edge-and-dead-end.json');
  it('--color forces colour even under NO_COLOR; --no-color removes it even under FORCE_COLOR', () => {
    expect(cli(['lint', FLOW, '--color']).stdout).toContain('\u001b[');
    expect(cli(['lint', FLOW, '--no-color'], { env: { NO_COLOR: undefined, FORCE_COLOR: '1' } }).stdout).not.toContain('\u001b[');
  });

  it('--stats prints the time per stage and per rule on stderr, leaving stdout machine-readable', () => {
    const r = cli(['lint', FLOW, '--stats', '-f', 'json']);
    expect(() => JSON.parse(r.stdout)).not.toThrow();
    expect(r.stderr).toMatch(/stats for 1 file\n {2}parse +\d+\.\d ms\n {2}graph .*\n {2}rules .*\n {2}positions .*\n/);
    expect(r.stderr).toMatch(/^ {4}no-dead-end +\d+\.\d ms$/m);
  });
});
