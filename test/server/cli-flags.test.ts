import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, tempDir } from '../helpers/cli.js';
import { killChildren, serveChild } from './child.js';

// serve's flags are checked before anything starts: one line, exit 2, never "internal error".
afterEach(() => killChildren());
describe('serve flags', () => {
  it.each([
    ['--port', 'abc'],
    ['--port', '80000'],
    ['--port', '-1'],
    ['--port', '1.5'],
  ])('%s %s is a usage error that names the flag', (flag, value) => {
    const r = cli(['serve', flag, value], { env: { RETELL_API_KEY: 'key_flags_test' } });
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`option '-p, --port <n>' argument '${value}' is invalid. expected a port number from 0 to 65535`);
    expect(r.stderr).not.toMatch(/internal error|\n\s+at /);
  });

  it('--wait-for-lock takes seconds', () => {
    const r = cli(['serve', '--wait-for-lock', 'soon'], { env: { RETELL_API_KEY: 'key_flags_test' } });
    expect([r.status, r.stderr.split('\n')[0]]).toEqual([2, "retell-kit: option '--wait-for-lock <seconds>' argument 'soon' is invalid. expected a number of seconds from 0 to 3600 (run with --help for usage)"]);
  });

  it('--store on an unusable path fails fast in one line', () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'a-file'), '');
      const r = cli(['serve', '--port', '0', '--store', 'a-file/state.db'], { cwd: dir, env: { RETELL_API_KEY: 'key_flags_test' } });
      expect(r.status).toBe(2);
      expect(r.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^retell-kit: a-file\/state\.db: cannot create the store's folder: E(EXIST|NOTDIR)/)]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('no config and no functions: one warning line, then serves anyway', async () => {
    const dir = tempDir();
    try {
      const child = await serveChild(['--port', '0', '--store', 'state.db'], { cwd: dir });
      await new Promise((r) => setTimeout(r, 100));
      const warnings = child.stderr().trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.level === 'warn');
      expect(warnings.map((w) => w.msg)).toEqual([expect.stringMatching(/^no config found and no functions: /)]);
      child.proc.kill('SIGTERM');
      expect((await child.exit).code).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
