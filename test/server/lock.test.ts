import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callObject, signedPost } from './helpers.js';
import { killChildren, serveChild, spawnServe } from './child.js';

// One process owns a SQLite store: two real serve processes on one file, SIGKILL, and a handover.

const CONFIG = `
import { appendFileSync } from 'node:fs';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  functions: {
    slow: { args: anything, async handler(args, ctx) { await sleep(Number(process.env.HANDLER_MS)); appendFileSync(process.env.HANDLED_LOG, 'slow:' + ctx.callId + ':' + process.pid + '\\n'); return { finished: true }; } },
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

function setup(): { args: (...extra: string[]) => string[]; env: (handlerMs: number) => NodeJS.ProcessEnv; handled: () => string[] } {
  dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-lock-'));
  writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
  const log = path.join(dir, 'handled.log');
  return {
    args: (...extra) => ['--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', path.join(dir, 'state.db'), ...extra],
    env: (handlerMs) => ({ HANDLED_LOG: log, HANDLER_MS: String(handlerMs) }),
    handled: () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []),
  };
}

describe('serve owns its SQLite store', () => {
  it('a second serve on the same store exits 2 with one line naming the holder; after a SIGKILL the next one starts', async () => {
    const t = setup();
    const first = await serveChild(t.args(), { cwd: dir, env: t.env(0) });
    const second = spawnServe(t.args(), { cwd: dir, env: t.env(0) });
    const { code } = await second.exit;
    expect(code).toBe(2);
    const lines = second.stderr().trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(`${path.join(dir, 'state.db')}: the store is in use by retell-kit serve (pid ${first.proc.pid}, since 20`);
    expect(lines[0]).toMatch(/--wait-for-lock <seconds>.*Postgres/);
    // The first one is unharmed.
    expect((await signedPost(first.url, '/functions/slow', { name: 'slow', call: callObject('call_a'), args: {} })).status).toBe(200);

    // The kernel drops the lock with the process: no stale lock file blocks the restart.
    first.proc.kill('SIGKILL');
    await first.exit;
    const third = await serveChild(t.args(), { cwd: dir, env: t.env(0) });
    expect((await signedPost(third.url, '/functions/slow', { name: 'slow', call: callObject('call_a'), args: {} })).headers['x-retell-kit-duplicate']).toBe('1');
    expect(t.handled()).toHaveLength(1);
    third.proc.kill('SIGTERM');
    expect((await third.exit).code).toBe(0);
  });

  it('handover: the new process waits (--wait-for-lock) while the old one drains its in-flight call, which runs once', async () => {
    const t = setup();
    const old = await serveChild(t.args(), { cwd: dir, env: t.env(800) });
    const call = { name: 'slow', call: callObject('call_handover'), args: {} };
    const inflight = signedPost(old.url, '/functions/slow', call);
    await new Promise((r) => setTimeout(r, 100));
    const next = serveChild(t.args('--wait-for-lock', '10'), { cwd: dir, env: t.env(800) });
    await new Promise((r) => setTimeout(r, 300));
    old.proc.kill('SIGTERM');
    expect((await inflight).json()).toEqual({ finished: true });
    expect((await old.exit).code).toBe(0);
    const started = await next;
    // The retry lands on the new process: it gets the old one's answer, the side effect ran once.
    const retry = await signedPost(started.url, '/functions/slow', call);
    expect([retry.status, retry.headers['x-retell-kit-duplicate']]).toEqual([200, '1']);
    expect(t.handled()).toEqual([`slow:call_handover:${old.proc.pid}`]);
    started.proc.kill('SIGTERM');
    expect((await started.exit).code).toBe(0);
  });

  it('--wait-for-lock gives up after its time with the same one line', async () => {
    const t = setup();
    const first = await serveChild(t.args(), { cwd: dir, env: t.env(0) });
    const second = spawnServe(t.args('--wait-for-lock', '0.5'), { cwd: dir, env: t.env(0) });
    expect((await second.exit).code).toBe(2);
    expect(second.stderr()).toMatch(new RegExp(`^retell-kit: .*the store is in use by retell-kit serve \\(pid ${first.proc.pid}, since .*\\) and did not let go within 0.5 s \\(`));
  });
});
