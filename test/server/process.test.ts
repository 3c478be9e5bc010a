import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { API_KEY, callObject, signedPost, until } from './helpers.js';

// These drive the built CLI (`node bin/retell-kit.js serve`), as a user does. CI builds dist/ first.
const BIN = path.resolve('bin/retell-kit.js');

const CONFIG = `
import { appendFileSync } from 'node:fs';
const log = process.env.HANDLED_LOG;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const record = async (event, ctx) => {
  await sleep(Number(process.env.HANDLER_MS));
  appendFileSync(log, event.event + ':' + ctx.callId + '\\n');
};
const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  webhooks: { call_started: record, call_ended: record },
  functions: {
    slow: { args: anything, async handler() { await sleep(Number(process.env.HANDLER_MS)); return { finished: true }; } },
  },
};
`;

interface Child {
  proc: ChildProcess;
  url: string;
  stderr: () => string;
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let dir: string;
const children: ChildProcess[] = [];

beforeAll(() => {
  if (!existsSync(path.resolve('dist/cli.js'))) throw new Error('dist/ is missing: run `npm run build` before these tests');
});

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function serve(handlerMs: number): Promise<Child> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', path.join(dir, 'state.db')], {
    cwd: dir,
    env: { ...process.env, RETELL_API_KEY: API_KEY, HANDLED_LOG: path.join(dir, 'handled.log'), HANDLER_MS: String(handlerMs), NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  children.push(proc);
  let stderr = '';
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 15 s:\n${stderr}`)), 15_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, stderr: () => stderr, exit });
      }
    });
    void exit.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code} before listening:\n${stderr}`));
    });
  });
}

function handledLines(): string[] {
  const file = path.join(dir, 'handled.log');
  return existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [];
}

describe('serve as a process', () => {
  it('survives SIGKILL: every acknowledged event is stored and every pending handler runs after restart', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-durable-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
    const first = await serve(300);
    // 40 calls x 2 events, all at once: acknowledged fast, handled slowly (300 ms each, in order per call).
    const deliveries = Array.from({ length: 40 }, (_, i) => `call_${i}`).flatMap((id) => [
      { event: 'call_started', call: callObject(id) },
      { event: 'call_ended', call: callObject(id, { call_status: 'ended' }) },
    ]);
    const results = await Promise.all(deliveries.map((d) => signedPost(first.url, '/webhook', d).then((r) => r.status, () => 0)));
    const acknowledged = deliveries.filter((_, i) => results[i] === 200).map((d) => `${d.event}:${d.call.call_id}`);
    first.proc.kill('SIGKILL');
    expect((await first.exit).signal).toBe('SIGKILL');
    expect(acknowledged.length).toBe(deliveries.length);
    const handledBeforeCrash = handledLines().length;
    // The crash interrupted work: otherwise this test would prove nothing.
    expect(handledBeforeCrash).toBeLessThan(acknowledged.length);

    const second = await serve(5);
    await until(() => new Set(handledLines()).size >= acknowledged.length, 20_000, 'resumed handlers');
    expect(new Set(handledLines())).toEqual(new Set(acknowledged));
    expect(second.stderr()).toMatch(/resuming webhook events left pending/);
    second.proc.kill('SIGTERM');
    expect((await second.exit).code).toBe(0);

    const store = new SqliteStore({ file: path.join(dir, 'state.db') });
    try {
      for (let i = 0; i < 40; i++) {
        // Both were sent at once, so either may have arrived first.
        const events = await store.eventsForCall(`call_${i}`);
        expect(events.map((e) => `${e.event}:${e.state}`).sort()).toEqual(['call_ended:done', 'call_started:done']);
      }
      expect(await store.pendingEvents()).toEqual([]);
    } finally {
      await store.close();
    }
  });

  it('on SIGTERM finishes in-flight requests, closes the store and exits 0', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-term-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
    const child = await serve(600);
    const inflight = signedPost(child.url, '/functions/slow', { name: 'slow', call: callObject('call_term'), args: {} });
    const event = signedPost(child.url, '/webhook', { event: 'call_ended', call: callObject('call_term') });
    await new Promise((r) => setTimeout(r, 150));
    child.proc.kill('SIGTERM');
    const response = await inflight;
    expect(response.status).toBe(200);
    expect(response.json()).toEqual({ finished: true });
    expect((await event).status).toBe(200);
    const { code } = await child.exit;
    expect(code).toBe(0);
    expect(child.stderr()).toMatch(/SIGTERM: finishing in-flight work/);
    // Not a terminal: every line serve wrote is one JSON log record.
    for (const line of child.stderr().trim().split('\n')) expect(JSON.parse(line)).toMatchObject({ time: expect.any(String), level: expect.any(String), msg: expect.any(String) });
    // The webhook handler that was running finished before exit.
    expect(handledLines()).toEqual(['call_ended:call_term']);
    // The store was closed cleanly: WAL checkpointed, nothing pending.
    expect(existsSync(path.join(dir, 'state.db-wal'))).toBe(false);
  });

  it('the trace of an answered function call survives a SIGKILL right after the answer', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-trace-kill-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
    const child = await serve(0);
    const answers = await Promise.all(Array.from({ length: 5 }, (_, i) => signedPost(child.url, '/functions/slow', { name: 'slow', call: callObject(`call_k${i}`), args: { i } })));
    child.proc.kill('SIGKILL');
    await child.exit;
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 200, 200]);
    const store = new SqliteStore({ file: path.join(dir, 'state.db') });
    try {
      for (let i = 0; i < 5; i++) expect(await store.tracesForCall(`call_k${i}`)).toMatchObject([{ name: 'slow', status: 200, args: { i }, duplicate: false }]);
    } finally {
      await store.close();
    }
  });

  it('a handler that forgets a rejected promise does not take the process down', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-unhandled-'));
    writeFileSync(
      path.join(dir, 'retell-kit.config.mjs'),
      `export default { functions: { careless: { args: { safeParse: (v) => ({ success: true, data: v }) }, handler() { Promise.reject(new Error('forgot to await this')); return { ok: true }; } } } };`,
    );
    const child = await serve(0);
    expect((await signedPost(child.url, '/functions/careless', { name: 'careless', call: callObject('call_u'), args: {} })).status).toBe(200);
    await until(() => child.stderr().includes('unhandled promise rejection'), 5_000, 'the log line');
    expect((await signedPost(child.url, '/functions/careless', { name: 'careless', call: callObject('call_u2'), args: {} })).status).toBe(200);
    expect(child.proc.exitCode).toBeNull();
    expect(child.stderr()).toMatch(/"error":"forgot to await this"/);
  });

  it('refuses to start without an API key, in one line, exit 2', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-nokey-'));
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), CONFIG);
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.RETELL_API_KEY;
    const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--store', path.join(dir, 'state.db')], { cwd: dir, env, stdio: ['ignore', 'ignore', 'pipe'] });
    children.push(proc);
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
    expect(code).toBe(2);
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(/^retell-kit: no Retell API key to verify signatures with \(set RETELL_API_KEY .*--insecure-no-verify/)]);
  });
});
