import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callObject, signedPost, until } from './helpers.js';
import { spawn } from 'node:child_process';
import { API_KEY } from './helpers.js';
import { BIN, killChildren, serveChild } from './child.js';

// SIGTERM with a handler that outlives the shutdown window: exit 0 on time, work left resumable.

const CONFIG = `
import { appendFileSync } from 'node:fs';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const log = (line) => appendFileSync(process.env.HANDLED_LOG, line + '\\n');
export default {
  server: { shutdownTimeoutMs: 400 },
  webhooks: {
    async call_ended(event, ctx) {
      log('start:' + ctx.callId + ':' + ctx.attempt);
      await sleep(Number(process.env.HANDLER_MS));
      await ctx.store.set('done:' + ctx.callId, ctx.attempt);
      log('end:' + ctx.callId + ':' + ctx.attempt);
    },
  },
};
`;

let dir: string;
beforeAll(() => {
  if (!existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
});
afterEach(() => {
  killChildren();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serve shutdown', () => {
  it('a handler longer than the window: exit 0 when the window ends, no stack, and the next start runs it again with ctx.attempt 2', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-shutdown-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
    const log = path.join(dir, 'handled.log');
    const lines = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    const args = ['--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', path.join(dir, 'state.db')];
    const first = await serveChild(args, { cwd: dir, env: { HANDLED_LOG: log, HANDLER_MS: '4000' } });
    expect((await signedPost(first.url, '/webhook', { event: 'call_ended', call: callObject('c1', { call_status: 'ended' }) })).status).toBe(200);
    await until(() => lines().includes('start:c1:1'), 5_000, 'the handler to start');
    const t0 = Date.now();
    first.proc.kill('SIGTERM');
    const { code } = await first.exit;
    const took = Date.now() - t0;
    expect(code).toBe(0);
    expect(took).toBeLessThan(2_500); // the window is 400 ms; the handler wanted 4 s
    expect(first.stderr()).toMatch(/shutdown window over: leaving unfinished work for the next start/);
    expect(first.stderr()).not.toMatch(/\n\s+at |internal error/);
    expect(lines()).toEqual(['start:c1:1']);

    const second = await serveChild(args, { cwd: dir, env: { HANDLED_LOG: log, HANDLER_MS: '10' } });
    await until(() => lines().includes('end:c1:2'), 5_000, 'the resumed handler');
    expect(lines()).toEqual(['start:c1:1', 'start:c1:2', 'end:c1:2']);
    second.proc.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);
  });

  it('the documented production start (a script that execs serve): SIGTERM to the script drains and exits 0', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-exec-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG.replace('shutdownTimeoutMs: 400', 'shutdownTimeoutMs: 5000'));
    const log = path.join(dir, 'handled.log');
    writeFileSync(path.join(dir, 'start.sh'), `#!/bin/sh\nset -e\nexec "${process.execPath}" "${BIN}" serve --port 0 --store state.db\n`, { mode: 0o755 });
    const proc = spawn('/bin/sh', [path.join(dir, 'start.sh')], { cwd: dir, env: { ...process.env, RETELL_API_KEY: API_KEY, HANDLED_LOG: log, HANDLER_MS: '300', NO_COLOR: '1' }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const exit = new Promise<number | null>((resolve) => proc.once('exit', resolve));
    try {
      const url = await until(() => /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr)?.[1], 15_000, 'serve to start');
      expect((await signedPost(url!, '/webhook', { event: 'call_ended', call: callObject('c_exec') })).status).toBe(200);
      await until(() => existsSync(log) && readFileSync(log, 'utf8').includes('start:c_exec:1'), 5_000, 'the handler');
      proc.kill('SIGTERM'); // the script's pid is serve's, thanks to exec
      expect(await exit).toBe(0);
      expect(readFileSync(log, 'utf8')).toContain('end:c_exec:1');
    } finally {
      if (proc.exitCode === null) proc.kill('SIGKILL');
    }
  });
});
