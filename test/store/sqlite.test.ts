import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { StoreLock } from '../../src/store/lock.js';
import { storeContract } from './contract.js';

const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
let current = '';

storeContract('sqlite file', {
  async open() {
    current = path.join(dir, `nested/state-${++n}.db`);
    return new SqliteStore({ file: current });
  },
  async reopen() {
    return new SqliteStore({ file: current });
  },
});

storeContract('sqlite :memory:', { open: async () => new SqliteStore({ file: ':memory:' }) });

describe('SqliteStore', () => {
  it('uses WAL', async () => {
    const store = new SqliteStore({ file: path.join(dir, 'wal.db') });
    await store.appendEvent({ dedupeKey: 'a', event: 'call_started', callId: 'c', body: '{}', receivedAt: 1 });
    await store.close();
    // The -wal file is checkpointed away on a clean close, but the header says WAL.
    const header = readFileSync(path.join(dir, 'wal.db'));
    expect(header[18]).toBe(2); // file format write version 2 = WAL
    expect(existsSync(path.join(dir, 'wal.db'))).toBe(true);
  });

  it('checkpoints its WAL every 4,000 pages rather than SQLite\'s default 1,000, and keeps the file within 16 MB', async () => {
    const file = path.join(dir, 'checkpoint.db');
    const store = new SqliteStore({ file });
    const body = { text: 'x'.repeat(4000) }; // about one 4 KB page an answer
    for (let i = 0; i < 1600; i++) {
      const claim = (await store.claim(`k${i}`, 'me', Date.now())) as { fence: number };
      await store.complete(`k${i}`, { owner: 'me', fence: claim.fence }, { status: 200, body });
    }
    const wal = statSync(`${file}-wal`).size;
    // With the default, the WAL would have been checkpointed and reused at ~1,000 pages (~4 MB).
    expect(wal).toBeGreaterThan(1300 * 4096);
    expect(wal).toBeLessThan(16 * 1024 * 1024 + 64 * 1024);
    await store.close();
  });

  it('forgets answers older than the retention window, and only those', async () => {
    const file = path.join(dir, 'retention.db');
    let store = new SqliteStore({ file, answerRetentionMs: 200 });
    const old = (await store.claim('old', 'a', 1)) as { fence: number };
    expect(await store.complete('old', { owner: 'a', fence: old.fence }, { status: 200, body: 'old' })).toBe(true);
    await new Promise((r) => setTimeout(r, 250));
    const fresh = (await store.claim('new', 'a', 2)) as { fence: number };
    expect(await store.complete('new', { owner: 'a', fence: fresh.fence }, { status: 200, body: 'new' })).toBe(true);
    await store.close();
    store = new SqliteStore({ file, answerRetentionMs: 200 });
    try {
      expect(await store.claim('old', 'b', 3)).toEqual({ state: 'claimed', fence: expect.any(Number) });
      expect(await store.claim('new', 'b', 3)).toEqual({ state: 'done', response: { status: 200, body: 'new' } });
    } finally {
      await store.close();
    }
  });

  it('reports an unusable file as a KitError naming the file', () => {
    const file = path.join(dir, 'not-a-db.db');
    writeFileSync(file, 'this is not sqlite, just text that is long enough to be read as a header....');
    let error: unknown;
    try {
      new SqliteStore({ file });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).oneLine()).toMatch(/not-a-db\.db: cannot open the store/);
  });

  it('is owned by one store at a time: a second open names the holder; close lets go; open() waits for it', async () => {
    const file = path.join(dir, 'owned.db');
    const first = new SqliteStore({ file });
    expect(() => new SqliteStore({ file })).toThrow(KitError);
    try {
      new SqliteStore({ file });
    } catch (error) {
      expect((error as KitError).oneLine()).toMatch(new RegExp(`owned\\.db: the store is in use by retell-kit serve \\(pid ${process.pid}, since \\d{4}-`));
    }
    expect(StoreLock.holder(file)).toMatchObject({ pid: process.pid });
    // A handover: open() waits while the holder finishes, then owns the file.
    setTimeout(() => void first.close(), 150);
    const t0 = Date.now();
    const second = await SqliteStore.open({ file, waitForLockMs: 5_000 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(100);
    await second.close();
    expect(StoreLock.holder(file)).toBeUndefined();
    // A failed open leaves no lock behind.
    const bad = path.join(dir, 'bad-owned.db');
    writeFileSync(bad, 'not sqlite at all, but long enough to be read as a header.........................');
    expect(() => new SqliteStore({ file: bad })).toThrow(/cannot open the store/);
    expect(StoreLock.holder(bad)).toBeUndefined();
  });

  it('fails fast with one line when the store folder cannot be created', () => {
    writeFileSync(path.join(dir, 'a-file'), '');
    expect(() => new SqliteStore({ file: path.join(dir, 'a-file', 'state.db') })).toThrow(expect.objectContaining({ code: 'store', message: expect.stringMatching(/cannot create the store's folder/) }));
  });

  it('prunes kv when asked, in chunks, and upgrades a version-1 file (old rows count from the upgrade)', async () => {
    const file = path.join(dir, 'v1.db');
    let store = new SqliteStore({ file });
    await store.recordTraces([{ traceId: 't', callId: 'v1', name: 'f', handler: 'f', args: {}, status: 200, result: 1, outcome: 'ok', durationMs: 1, startedAt: 1, duplicate: false }]);
    await store.close();
    const raw = new Database(file);
    raw.exec('DROP INDEX kv_age; ALTER TABLE traces DROP COLUMN recorded_at; ALTER TABLE kv DROP COLUMN updated_at; ALTER TABLE events DROP COLUMN rewritten; PRAGMA user_version = 1');
    raw.close();
    store = new SqliteStore({ file, retention: { kvMs: 1000 } });
    try {
      expect(await store.tracesForCall('v1')).toHaveLength(1);
      for (let i = 0; i < 1200; i++) await store.kvSet('ns', `k${i}`, i);
      expect(await store.prune(Date.now() + 2000)).toMatchObject({ kv: 1200, traces: 0 });
      expect(await store.kvList('ns')).toEqual([]);
    } finally {
      await store.close();
    }
  });
});
