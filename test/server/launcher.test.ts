import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { StoreLock } from '../../src/store/lock.js';
import { BIN } from './child.js';
import { API_KEY, until } from './helpers.js';

// npx / npm start: npm runs a shell that runs serve. When npm dies without passing SIGTERM on,
// serve must still drain and exit instead of running on, re-parented.

let dir: string | undefined;
let servePid: number | undefined;
afterEach(() => {
  if (servePid) {
    try {
      process.kill(servePid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform !== 'linux')('serve started by npm', () => {
  it('drains and exits when the npm process that started it dies', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-launcher-'));
    const store = path.join(dir, 'state.db');
    const log = path.join(dir, 'serve.log');
    // The stand-in for npm: runs `sh -c "<serve>; echo"` (the echo keeps sh from exec-ing serve, as npm's shell does).
    const launcher = path.join(dir, 'launcher.mjs');
    writeFileSync(
      launcher,
      `import { spawn } from 'node:child_process';
       spawn('/bin/sh', ['-c', '"${process.execPath}" "${BIN}" serve --port 0 --store "${store}" 2>"${log}"; echo done'], { stdio: 'ignore' });
       setInterval(() => {}, 1000);`,
    );
    const npm = spawn(process.execPath, [launcher], { cwd: dir, env: { ...process.env, RETELL_API_KEY: API_KEY, npm_command: 'exec', NO_COLOR: '1' }, stdio: 'ignore' });
    servePid = await until(() => (existsSync(log) && readFileSync(log, 'utf8').includes('serving on') ? StoreLock.holder(store)?.pid : undefined), 15_000, 'serve to start');
    npm.kill('SIGKILL'); // npm dies and passes nothing on
    // "server stopped" is serve's last line, written after it closed the store (and let go of its lock):
    // waiting on the lock alone raced that line under load.
    await until(() => readFileSync(log, 'utf8').includes('server stopped'), 5_000, 'serve to say it stopped');
    const text = readFileSync(log, 'utf8');
    expect(text).toMatch(/the npm process that started serve is gone/);
    expect(StoreLock.holder(store)).toBeUndefined();
    await until(() => {
      try {
        process.kill(servePid!, 0);
        return false;
      } catch {
        return true;
      }
    }, 3_000, 'serve to exit');
    servePid = undefined;
  });
});
