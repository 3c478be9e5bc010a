import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import { SqliteStore } from '../../src/store/sqlite.js';
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

  it('forgets answers older than the retention window, and only those', async () => {
    const file = path.join(dir, 'retention.db');
    let store = new SqliteStore({ file, answerRetentionMs: 200 });
    await store.claim('old', 'a', 1);
    await store.complete('old', 'a', { status: 200, body: 'old' });
    await new Promise((r) => setTimeout(r, 250));
    await store.claim('new', 'a', 2);
    await store.complete('new', 'a', { status: 200, body: 'new' });
    await store.close();
    store = new SqliteStore({ file, answerRetentionMs: 200 });
    try {
      expect(await store.claim('old', 'b', 3)).toEqual({ state: 'claimed' });
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
});
