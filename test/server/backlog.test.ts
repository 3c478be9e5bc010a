import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../src/store/sqlite.js';
import { callObject, signedPost, start, until, type Started } from './helpers.js';

let s: Started | undefined;
let dir: string | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serve start-up with a backlog', () => {
  it('3,000 pending events: handled oldest first, at most 32 at once, each call in order', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-backlog-'));
    const file = path.join(dir, 'state.db');
    await new SqliteStore({ file }).close(); // the schema
    const events = ['call_started', 'transcript_updated', 'call_ended'];
    // As a crashed server leaves them: acknowledged, never handled (inserted in one transaction, for speed).
    const raw = new Database(file);
    raw.exec('BEGIN');
    for (let i = 0; i < 1_000; i++) {
      for (const event of events) {
        const body = JSON.stringify({ event, call: callObject(`c${i}`) }).replace(/'/g, "''");
        raw.exec(`INSERT INTO events (dedupe_key, event, call_id, body, received_at) VALUES (${event === 'transcript_updated' ? 'NULL' : `'${event}:c${i}'`}, '${event}', 'c${i}', '${body}', ${i})`);
      }
    }
    raw.exec('COMMIT');
    raw.close();

    let running = 0;
    let peak = 0;
    const seen = new Map<string, string[]>();
    const handler = async (event: { event: string }, ctx: { callId: string }) => {
      peak = Math.max(peak, ++running);
      await new Promise((r) => setTimeout(r, 1));
      seen.set(ctx.callId, [...(seen.get(ctx.callId) ?? []), event.event]);
      running--;
    };
    s = await start({ webhooks: { call_started: handler, transcript_updated: handler, call_ended: handler } }, { storePath: file, logLevel: 'info' });
    await until(() => [...seen.values()].reduce((n, list) => n + list.length, 0) === 3_000, 20_000, 'the backlog');
    expect(peak).toBeLessThanOrEqual(32);
    expect(peak).toBeGreaterThan(1);
    for (const list of seen.values()) expect(list).toEqual(events);
    expect(await s.server.store.pendingEvents()).toEqual([]);
  });

  it('an event delivered while the backlog loads runs once, though the next page finds it pending', async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-backlog2-'));
    const file = path.join(dir, 'state.db');
    await new SqliteStore({ file }).close();
    const raw = new Database(file);
    raw.exec('BEGIN');
    for (let i = 0; i < 600; i++) {
      raw.exec(`INSERT INTO events (dedupe_key, event, call_id, body, received_at) VALUES ('call_started:b${i}', 'call_started', 'b${i}', '${JSON.stringify({ event: 'call_started', call: callObject(`b${i}`) })}', ${i})`);
    }
    raw.exec('COMMIT');
    raw.close();
    const runs = new Map<string, number>();
    s = await start(
      {
        webhooks: {
          call_started: async (_event: unknown, ctx: { callId: string }) => {
            runs.set(ctx.callId, (runs.get(ctx.callId) ?? 0) + 1);
            await new Promise((r) => setTimeout(r, ctx.callId === 'fresh' ? 1_500 : 10));
          },
        },
      },
      { storePath: file, logLevel: 'info' },
    );
    expect((await signedPost(s.url, '/webhook', { event: 'call_started', call: callObject('fresh') })).status).toBe(200);
    await until(() => runs.size === 601, 10_000, 'every event');
    await until(async () => (await s!.server.store.pendingEvents()).length === 0, 5_000, 'all handled');
    expect([...runs.values()].every((n) => n === 1)).toBe(true);
  });
});
