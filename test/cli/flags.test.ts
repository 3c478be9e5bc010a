import { existsSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';

const DANGLING = 'fixtures/flows/invalid/dangling-edge-and-dead-end.json';
const UNCONNECTED = 'fixtures/flows/invalid/unconnected-edges.json';
const lines = (text: string) => text.split('\n').filter(Boolean);

describe('bad flag values: one line, exit 2 (found by trying them)', () => {
  it.each([
    [['lint', DANGLING, '--max-warnings', 'abc'], /--max-warnings <n>' argument 'abc' is invalid.*whole number from -1 up/],
    [['lint', DANGLING, '--max-warnings', '1.5'], /argument '1.5' is invalid/],
    [['lint', DANGLING, '--max-warnings', '-2'], /argument '-2' is invalid/],
    [['serve', '--port', 'abc'], /--port <n>' argument 'abc' is invalid.*from 0 to 65535/],
    [['serve', '--port', '70000'], /argument '70000' is invalid/],
    [['lint', '--frobnicate', DANGLING], /unknown option '--frobnicate'/],
  ])('%j', (args, pattern) => {
    const r = cli(args);
    expect(r.status).toBe(2);
    expect(lines(r.stderr)).toHaveLength(1);
    expect(r.stderr).toMatch(/^retell-kit: /);
    expect(r.stderr).toMatch(pattern);
    expect(r.stderr).toContain('--help');
  });

  it('accepts --max-warnings -1 (no limit)', () => {
    expect(cli(['lint', UNCONNECTED, '--rule', 'no-dead-end:off', '--max-warnings', '-1']).status).toBe(0);
  });
});

describe('help', () => {
  it.each(['lint', 'replay', 'diff', 'deploy'])('%s --help names no "(default: [])" for a repeatable option (found by reading it)', (command) => {
    const r = cli([command, '--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('repeatable');
    expect(r.stdout).not.toContain('default: []');
  });

  it("deploy --help gives --number's one default: deploy.numbers", () => {
    const help = cli(['deploy', '--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain('(repeatable; default deploy.numbers)');
    expect(help).not.toMatch(/deploy\.numbers\) \(default/);
  });
});

describe('-o with a format typo', () => {
  it('is an unknown-format error with a suggestion, and writes no file', () => {
    const dir = tempDir();
    const r = cli(['lint', path.resolve(DANGLING), '-o', 'sarf=lint.sarif'], { cwd: dir });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('retell-kit: unknown format "sarf" (did you mean "sarif"?)');
    expect(existsSync(path.join(dir, 'sarf=lint.sarif'))).toBe(false);
  });

  it('refuses a format with no file after =', () => {
    const r = cli(['lint', DANGLING, '-o', 'sarif=']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('names no file');
  });

  it('still takes a plain path and a path with a folder', () => {
    const dir = tempDir();
    const r = cli(['lint', path.resolve(DANGLING), '-f', 'json', '-o', 'out/report.json'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(existsSync(path.join(dir, 'out/report.json'))).toBe(true);
  });
});

describe('--quiet', () => {
  it('does not fail on warnings it hid', () => {
    // Only warnings in this flow once its errors are off: quiet shows nothing and passes.
    const args = ['lint', DANGLING, '--rule', 'no-dead-end:off', '--rule', 'no-dangling-edge:off', '--max-warnings', '0'];
    expect(cli(args).status).toBe(1);
    const quiet = cli([...args, '--quiet']);
    expect(quiet.stdout).toBe('');
    expect(quiet.stderr).toBe('');
    expect(quiet.status).toBe(0);
  });

  it('still fails on errors', () => {
    expect(cli(['lint', DANGLING, '--quiet']).status).toBe(1);
  });
});
