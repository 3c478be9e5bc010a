import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { killChildren, serveChild } from './child.js';
import { callObject, request, signedPost, until } from './helpers.js';

// A real full disk: the store lives on an 8 MB tmpfs that the test fills. Mounting needs root (it
// is skipped elsewhere; test/server/store-failure.test.ts covers the same paths in-process).

const CONFIG = `
import { appendFileSync } from 'node:fs';
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const record = async (event, ctx) => {
  await sleep(Number(process.env.HANDLER_MS));
  appendFileSync(process.env.HANDLED_LOG, event.event + ':' + ctx.callId + ':' + ctx.attempt + '\\n');
};
const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  webhooks: { call_started: record, call_ended: record },
  functions: {
    book: { args: anything, async handler(args, ctx) { appendFileSync(process.env.HANDLED_LOG, 'book:' + ctx.callId + '\\n'); return { booked: true, note: args.note }; } },
  },
};
`;

// Mounted in beforeAll, not at import: collecting the file (vitest list) must not leave a mount behind.
let root = '';
let disk = '';
let mounted = false;

beforeAll(() => {
  if (!existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
  root = mkdtempSync(path.join(tmpdir(), 'retell-kit-diskfull-'));
  disk = path.join(root, 'disk');
  mkdirSync(disk);
  mounted = process.platform === 'linux' && process.getuid?.() === 0 && spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=8m', 'tmpfs', disk]).status === 0;
});
afterEach(() => killChildren());
afterAll(() => {
  if (mounted) spawnSync('umount', ['-l', disk]);
  if (root) rmSync(root, { recursive: true, force: true });
});

/** Write until the file system says ENOSPC, down to the last byte. */
function fill(file: string): void {
  const fd = openSync(file, 'w');
  try {
    for (const size of [65_536, 4_096, 512, 1]) {
      const chunk = Buffer.alloc(size, 120);
      for (;;) {
        try {
          writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
  } finally {
    closeSync(fd);
  }
}

describe.skipIf(process.platform !== 'linux' || process.getuid?.() !== 0)('serve on a full disk (tmpfs, root only)', () => {
  it('never exits: 503 + Retry-After, /readyz 503, running handlers finish, answers kept, nothing acknowledged lost', async (ctx) => {
    if (!mounted) ctx.skip(); // root, but no mount here (a container without CAP_SYS_ADMIN)
    writeFileSync(path.join(root, 'retell-kit.config.mjs'), CONFIG);
    const log = path.join(root, 'handled.log');
    const handled = () => (existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter(Boolean) : []);
    const store = path.join(disk, 'state.db');
    const child = await serveChild(['--port', '0', '--config', path.join(root, 'retell-kit.config.mjs'), '--store', store], {
      cwd: root,
      env: { HANDLED_LOG: log, HANDLER_MS: '1200' },
    });
    // Acknowledged before the disk fills; their handlers are still running when it does.
    for (const id of ['c1', 'c2', 'c3']) expect((await signedPost(child.url, '/webhook', { event: 'call_started', call: callObject(id) })).status).toBe(200);
    fill(path.join(disk, 'filler'));

    const big = 'x'.repeat(100_000);
    const ended = { event: 'call_ended', call: callObject('c4', { call_status: 'ended', transcript: big }) };
    const refused = await signedPost(child.url, '/webhook', ended);
    expect(refused.status).toBe(503);
    expect(refused.headers['retry-after']).toBe('5');
    expect(refused.json()).toMatchObject({ error: 'store_unavailable' });
    const ready = await request(child.url, { method: 'GET', path: '/readyz' });
    expect(ready.status).toBe(503);
    expect(ready.json()).toMatchObject({ status: 'store_write_failing', message: expect.stringMatching(/full/) });

    // The handler runs, its answer cannot be saved: the caller still gets it, and a retry does not run it again.
    const booking = { name: 'book', call: callObject('c5'), args: { note: big } };
    const first = await signedPost(child.url, '/functions/book', booking);
    expect(first.status).toBe(200);
    const retry = await signedPost(child.url, '/functions/book', booking);
    expect([retry.status, retry.headers['x-retell-kit-duplicate']]).toEqual([200, '1']);
    expect(handled().filter((l) => l.startsWith('book:'))).toEqual(['book:c5']);

    // The handlers that were running finish, and the process is still up.
    await until(() => handled().filter((l) => l.startsWith('call_started')).length === 3, 10_000, 'running handlers');
    expect(child.proc.exitCode).toBeNull();
    expect((await request(child.url, { method: 'GET', path: '/healthz' })).status).toBe(200);

    // Space comes back: ready again, Retell's redelivery is taken, the kept answer is written.
    unlinkSync(path.join(disk, 'filler'));
    await until(async () => (await request(child.url, { method: 'GET', path: '/readyz' })).status === 200, 10_000, 'readyz 200');
    expect((await signedPost(child.url, '/webhook', ended)).status).toBe(200);
    await until(() => handled().includes('call_ended:c4:1'), 10_000, 'the redelivered event');
    child.proc.kill('SIGTERM');
    expect((await child.exit).code).toBe(0);
    expect(child.stderr()).toMatch(/the store refuses writes/);
    expect(child.stderr()).toMatch(/the store takes writes again/);

    const reopened = new SqliteStore({ file: store });
    try {
      for (const id of ['c1', 'c2', 'c3']) expect((await reopened.eventsForCall(id)).map((e) => e.state)).toEqual(['done']);
      expect((await reopened.eventsForCall('c4')).map((e) => e.state)).toEqual(['done']);
      expect(await reopened.pendingEvents()).toEqual([]);
      expect(handled().filter((l) => l.startsWith('call_started')).sort()).toEqual(['call_started:c1:1', 'call_started:c2:1', 'call_started:c3:1']);
    } finally {
      await reopened.close();
    }
  });
});
