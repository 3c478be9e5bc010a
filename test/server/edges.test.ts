import http from 'node:http';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineFunction } from '../../src/handlers/define.js';
import { createServer } from '../../src/server/app.js';
import { recordingFileName, writeRecording } from '../../src/server/record.js';
import { Redactor } from '../../src/server/redact.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { API_KEY, callObject, signedPost, start, type Started } from './helpers.js';

let s: Started | undefined;
const cleanup: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  await s?.stop();
  s = undefined;
  for (const f of cleanup.splice(0)) await f();
});

describe('serve edge cases', () => {
  it('different call ids never share a recording file, and concurrent writes of one file do not race', async () => {
    const ids = ['call/1', 'call_1', 'call:1', 'call 1', 'call?1', 'call\\1', '../call_1', '..', '.', '', 'Call_1', 'call_1 ', 'a'.repeat(300), `${'a'.repeat(300)}b`, 'call\n1', 'call_abc123'];
    const names = ids.map(recordingFileName);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) expect(name).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_.~-]*\.json$/);
    expect(recordingFileName('call_abc123')).toBe('call_abc123.json');

    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-rec-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const store = new SqliteStore({ file: ':memory:' });
    cleanup.push(() => store.close());
    await store.appendEvent({ dedupeKey: 'call_ended:c', event: 'call_ended', callId: 'c', body: JSON.stringify({ event: 'call_ended', call: callObject('c') }), receivedAt: 1 });
    await Promise.all(Array.from({ length: 10 }, () => writeRecording(dir, store, 'c', new Redactor())));
    expect(readdirSync(dir)).toEqual(['c.json']);
    expect(JSON.parse(readFileSync(path.join(dir, 'c.json'), 'utf8')).callId).toBe('c');
  });

  it('a numeric call_id still deduplicates', async () => {
    let runs = 0;
    s = await start({ functions: { f: defineFunction({ args: z.object({}), handler: () => ({ run: ++runs }) }) } });
    const body = { name: 'f', call: { ...callObject('x'), call_id: 12345 }, args: {} };
    expect((await signedPost(s.url, '/functions/f', body)).json()).toEqual({ run: 1 });
    const again = await signedPost(s.url, '/functions/f', body);
    expect([again.json(), again.headers['x-retell-kit-duplicate']]).toEqual([{ run: 1 }, '1']);
  });

  it('deeply nested args and webhooks are a 400, not a 500', async () => {
    s = await start({ functions: { f: defineFunction({ args: z.any(), handler: () => 'ok' }) } });
    const deep = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const fn = await signedPost(s.url, '/functions/f', `{"name":"f","call":${JSON.stringify(callObject('deep'))},"args":${deep}}`);
    expect([fn.status, fn.json().error]).toEqual([400, 'too_deep']);
    const hook = await signedPost(s.url, '/webhook', `{"event":"call_ended","call":${JSON.stringify(callObject('deep')).slice(0, -1)},"metadata":${deep}}}`);
    expect(hook.status).toBe(400);
    expect(s.entries().some((e) => e.msg === 'internal error')).toBe(false);
  });

  it('behind body-parsing middleware: a 500 that says why, instead of a hang', async () => {
    const lines: string[] = [];
    const kit = createServer({}, { apiKey: API_KEY, store: new SqliteStore({ file: ':memory:' }), log: (l) => lines.push(l), env: {} });
    // What express.json() does: read the whole stream, then hand the request on.
    const front = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => kit.http.emit('request', req, res));
    });
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    cleanup.push(async () => {
      await new Promise((r) => front.close(r));
      await kit.close();
    });
    const url = `http://127.0.0.1:${(front.address() as { port: number }).port}`;
    const res = await signedPost(url, '/webhook', { event: 'call_ended', call: callObject('mw') });
    expect([res.status, res.json().error]).toEqual([500, 'body_consumed']);
    expect(res.json().message).toMatch(/body-parsing middleware such as express\.json\(\)/);
    expect(lines.some((l) => JSON.parse(l).level === 'error' && /already read/.test(JSON.parse(l).error))).toBe(true);
  });
});
