import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type Database from 'better-sqlite3';
import { KitError } from '../errors.js';
import { StoreLock } from './lock.js';
import { driverError, loadSqliteDriver } from './sqlite-driver.js';
import type { CallRecords, ClaimHolder, ClaimResult, EventState, FunctionTrace, KeyValue, NewEvent, PruneResult, Retention, Store, StoredEvent, StoredResponse } from './store.js';
import { PendingClaims } from './claims.js';

export const DEFAULT_STORE_PATH = '.retell-kit/state.db';

const SCHEMA_VERSION = 2;

/**
 * better-sqlite3 12 (the last major that runs on Node 20) aborts the whole process when a Statement
 * object is garbage-collected on Node 24 ("Assertion failed: (env) != nullptr" in
 * RemoveEnvironmentCleanupHook; WiseLibs/better-sqlite3#1515, fixed only in the N-API rewrite, 13,
 * which needs Node 22). So no statement may ever become garbage: pragmas go through exec(), which
 * makes no Statement object, statements are prepared once per store, and each store's database and
 * statements stay referenced for the life of the process (a few KB per store opened; serve opens one).
 */
const keepAlive: unknown[] = [];

/** Rows deleted per statement while pruning, so a large backlog never blocks the event loop for long. */
const PRUNE_CHUNK = 500;

const MIGRATION = `
CREATE TABLE IF NOT EXISTS answers (
  id INTEGER PRIMARY KEY,
  key TEXT NOT NULL,
  status INTEGER NOT NULL,
  body TEXT NOT NULL,
  completed_at INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS answers_age ON answers (completed_at);
CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  dedupe_key TEXT UNIQUE,
  event TEXT NOT NULL,
  call_id TEXT NOT NULL,
  body TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  state TEXT NOT NULL DEFAULT 'pending',
  attempts INTEGER NOT NULL DEFAULT 0,
  error TEXT,
  handled_at INTEGER
);
CREATE INDEX IF NOT EXISTS events_pending ON events (state, id);
CREATE INDEX IF NOT EXISTS events_call ON events (call_id, id);
CREATE TABLE IF NOT EXISTS traces (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  trace_id TEXT NOT NULL,
  call_id TEXT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS traces_call ON traces (call_id, seq);
CREATE TABLE IF NOT EXISTS meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv (
  namespace TEXT NOT NULL,
  key TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (namespace, key)
) WITHOUT ROWID;
`;

interface EventRow {
  id: number;
  dedupe_key: string | null;
  event: string;
  call_id: string;
  body: string;
  received_at: number;
  state: EventState;
  attempts: number;
  error: string | null;
  handled_at: number | null;
}

function toEvent(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    id: row.id,
    event: row.event,
    callId: row.call_id,
    body: row.body,
    receivedAt: row.received_at,
    state: row.state,
    attempts: row.attempts,
  };
  if (row.dedupe_key !== null) event.dedupeKey = row.dedupe_key;
  if (row.error !== null) event.error = row.error;
  if (row.handled_at !== null) event.handledAt = row.handled_at;
  return event;
}

interface Completion {
  key: string;
  status: number;
  body: string;
  trace?: FunctionTrace;
  resolve: () => void;
  reject: (e: unknown) => void;
}

export interface SqliteStoreOptions {
  /** `:memory:` for a throwaway store. Defaults to `.retell-kit/state.db` under cwd. */
  file?: string;
  /** How long a function call's answer is kept for retries (default 48 h). Same as retention.answersMs. */
  answerRetentionMs?: number;
  /** How long each kind of record is kept (see DEFAULT_RETENTION); pruned in the background. */
  retention?: Partial<Retention>;
  /**
   * Ownership of the file (see lock.ts): a lock already taken (SqliteStore.open waits for one), or
   * false for a store that must not own the file (tests that open a second handle on purpose).
   * Default: take it now, or throw a KitError naming the process that holds it.
   */
  lock?: StoreLock | false;
}

export const DEFAULT_ANSWER_RETENTION_MS = 48 * 3_600_000;
const DAY_MS = 86_400_000;

/** Defaults: answers outlive Retell's retries by far; events and traces cover two weeks of debugging
 * and recordings; handler key-value data is the handlers' own (bookings) and is never pruned unless set. */
export const DEFAULT_RETENTION: Retention = { answersMs: DEFAULT_ANSWER_RETENTION_MS, eventsMs: 14 * DAY_MS, tracesMs: 14 * DAY_MS, kvMs: false };

/**
 * SQLite in WAL mode. Function-call records commit with synchronous=NORMAL (they survive a crashed
 * process); webhook events commit with synchronous=FULL because they are acknowledged to Retell and
 * must survive a power cut too.
 */
export class SqliteStore implements Store {
  readonly file: string;
  /** The ownership lock (undefined for :memory: and lock: false). */
  readonly lock: StoreLock | undefined;
  private readonly db: Database.Database;
  private readonly stmts;
  private readonly pending = new PendingClaims();
  /** Fencing tokens (claims are in memory, so is their counter): every claim and takeover gets the next one. */
  /** Key -> row id of every kept answer: lookups never touch the disk, inserts only append. */
  private readonly answers = new Map<string, number>();
  private readonly retentionMs: number;
  readonly retention: Retention;
  private pruning: Promise<PruneResult> | undefined;
  private readonly pruneTimer: NodeJS.Timeout;
  private completions: Completion[] = [];
  private readonly completeBatch: (batch: readonly Completion[]) => number[];
  private readonly traceBatch: (traces: readonly FunctionTrace[]) => void;

  /** Open a store, waiting up to `waitForLockMs` for another process to let go of it (a handover). */
  static async open(options: Omit<SqliteStoreOptions, 'lock'> & { waitForLockMs?: number; command?: string } = {}): Promise<SqliteStore> {
    const file = options.file ?? DEFAULT_STORE_PATH;
    if (file === ':memory:') return new SqliteStore(options);
    prepareFolder(file);
    const lock = await StoreLock.acquire(file, { waitMs: options.waitForLockMs, command: options.command });
    try {
      return new SqliteStore({ ...options, lock });
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  constructor(options: SqliteStoreOptions = {}) {
    this.file = options.file ?? DEFAULT_STORE_PATH;
    const Database = loadSqliteDriver();
    if (this.file !== ':memory:') prepareFolder(this.file);
    this.lock = this.file === ':memory:' || options.lock === false ? undefined : (options.lock ?? StoreLock.acquireNow(this.file));
    try {
      this.db = new Database(this.file);
      // wal_autocheckpoint 4000 pages (default 1000): every function call appends an answer and a trace
      // whose (call_id, seq) index page is one of many hot pages; checkpointing them back 4x less often
      // cut a commit's cost per answer by about a third (better-sqlite3 micro-benchmark, 1,000 calls
      // interleaved: ~22 -> ~15 us). journal_size_limit keeps the WAL file at most that size after one.
      this.db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA busy_timeout = 5000; PRAGMA wal_autocheckpoint = 4000; PRAGMA journal_size_limit = 16777216');
      const versionQuery = this.db.prepare('PRAGMA user_version').pluck();
      keepAlive.push(this.db, versionQuery);
      const version = versionQuery.get() as number;
      if (version > SCHEMA_VERSION) {
        throw new Error(`store schema version ${version} is newer than this retell-kit understands (${SCHEMA_VERSION}); upgrade retell-kit`);
      }
      this.db.exec(MIGRATION);
      if (version < 2) {
        // 2: timestamps for retention (rows from version 1 count from now).
        const now = Date.now();
        this.db.exec(`BEGIN;
          ALTER TABLE traces ADD COLUMN recorded_at INTEGER; UPDATE traces SET recorded_at = ${now};
          ALTER TABLE kv ADD COLUMN updated_at INTEGER; UPDATE kv SET updated_at = ${now};
          CREATE INDEX IF NOT EXISTS kv_age ON kv (updated_at);
          ALTER TABLE events ADD COLUMN rewritten INTEGER NOT NULL DEFAULT 0;
          PRAGMA user_version = 2;
          COMMIT`);
      }
    } catch (error) {
      this.lock?.release();
      const unusable = driverError(error);
      if (unusable) throw unusable;
      throw new KitError('store', `cannot open the store: ${(error as Error).message}`, { file: this.file, cause: error });
    }
    const db = this.db;
    this.stmts = {
      answerById: db.prepare<[number], { status: number; body: string }>(`SELECT status, body FROM answers WHERE id = ?`),
      answerInsert: db.prepare(`INSERT INTO answers (key, status, body, completed_at) VALUES (?, ?, ?, ?)`),
      answersSince: db.prepare<[number], { id: number; key: string }>(`SELECT id, key FROM answers WHERE completed_at >= ? ORDER BY id`),
      answersPrune: db.prepare<[number], { key: string }>(`DELETE FROM answers WHERE completed_at < ? RETURNING key`),
      eventInsert: db.prepare(
        `INSERT INTO events (dedupe_key, event, call_id, body, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (dedupe_key) DO NOTHING`,
      ),
      eventByKey: db.prepare<[string], EventRow>(`SELECT * FROM events WHERE dedupe_key = ?`),
      eventById: db.prepare<[number], EventRow>(`SELECT * FROM events WHERE id = ?`),
      eventsPending: db.prepare<[number, number], EventRow>(`SELECT * FROM events WHERE state = 'pending' AND id > ? ORDER BY id LIMIT ?`),
      eventsForCall: db.prepare<[string], EventRow>(`SELECT * FROM events WHERE call_id = ? ORDER BY id`),
      eventMark: db.prepare(`UPDATE events SET state = ?, attempts = ?, error = ?, handled_at = ? WHERE id = ?`),
      traceInsert: db.prepare(`INSERT INTO traces (trace_id, call_id, data, recorded_at) VALUES (?, ?, ?, ?)`),
      eventsSupersede: db.prepare(`DELETE FROM events WHERE call_id = ? AND event = ? AND state != 'pending'`),
      pruneEvents: db.prepare(`DELETE FROM events WHERE id IN (SELECT id FROM events WHERE received_at < ? AND state != 'pending' ORDER BY id LIMIT ${PRUNE_CHUNK})`),
      pruneTraces: db.prepare(`DELETE FROM traces WHERE seq IN (SELECT seq FROM traces WHERE recorded_at < ? ORDER BY seq LIMIT ${PRUNE_CHUNK})`),
      pruneKv: db.prepare(`DELETE FROM kv WHERE (namespace, key) IN (SELECT namespace, key FROM kv WHERE updated_at < ? LIMIT ${PRUNE_CHUNK})`),
      tracesForCall: db.prepare<[string], { data: string }>(`SELECT data FROM traces WHERE call_id = ? ORDER BY seq`),
      traceRowsForCall: db.prepare<[string], { seq: number; data: string }>(`SELECT seq, data FROM traces WHERE call_id = ? ORDER BY seq`),
      traceRewrite: db.prepare(`UPDATE traces SET data = ? WHERE seq = ?`),
      handledEventsForCall: db.prepare<[string], { id: number; body: string; rewritten: number }>(`SELECT id, body, rewritten FROM events WHERE call_id = ? AND state != 'pending' ORDER BY id`),
      eventRewrite: db.prepare(`UPDATE events SET body = ?, rewritten = 1 WHERE id = ? AND state != 'pending'`),
      eventsMarkRewritten: db.prepare(`UPDATE events SET rewritten = 1 WHERE call_id = ? AND state != 'pending'`),
      callsAwaitingRewrite: db.prepare<[number, number], { call_id: string }>(
        `SELECT DISTINCT call_id FROM events WHERE event IN ('call_ended', 'chat_ended') AND state != 'pending' AND rewritten = 0 AND received_at < ? LIMIT ?`,
      ),
      kvGet: db.prepare<[string, string], { value: string }>(`SELECT value FROM kv WHERE namespace = ? AND key = ?`),
      kvSet: db.prepare(`INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`),
      kvInsert: db.prepare(`INSERT INTO kv (namespace, key, value, updated_at) VALUES (?, ?, ?, ?) ON CONFLICT (namespace, key) DO NOTHING`),
      kvDelete: db.prepare(`DELETE FROM kv WHERE namespace = ? AND key = ?`),
      // substr instead of LIKE: keys may contain % and _.
      kvList: db.prepare<[string, string, string], { key: string; value: string }>(
        `SELECT key, value FROM kv WHERE namespace = ? AND substr(key, 1, length(?)) = ? ORDER BY key`,
      ),
      ping: db.prepare(`SELECT 1`),
      probe: db.prepare(`INSERT INTO meta (key, value) VALUES ('write_probe', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    };
    keepAlive.push(this.stmts);
    const insertAnswer = this.stmts.answerInsert;
    const insertTrace = this.stmts.traceInsert;
    this.completeBatch = db.transaction((batch: readonly Completion[]) => {
      const now = Date.now();
      return batch.map((c) => {
        if (c.trace) insertTrace.run(c.trace.traceId, c.trace.callId, JSON.stringify(c.trace), now);
        return Number(insertAnswer.run(c.key, c.status, c.body, now).lastInsertRowid);
      });
    });
    this.retention = { ...DEFAULT_RETENTION, ...(options.answerRetentionMs === undefined ? {} : { answersMs: options.answerRetentionMs }), ...options.retention };
    this.retentionMs = this.retention.answersMs;
    this.pruneAnswers(Date.now());
    for (const row of this.stmts.answersSince.all(Date.now() - this.retentionMs)) this.answers.set(row.key, row.id);
    // The rest is pruned in the background, in chunks, starting shortly after start-up.
    const every = Math.min(this.retentionMs, 3_600_000);
    this.pruneTimer = setInterval(() => void this.prune().catch(() => {}), every);
    this.pruneTimer.unref();
    setTimeout(() => void this.prune().catch(() => {}), Math.min(every, 5_000)).unref();
    const insert = this.stmts.traceInsert;
    this.traceBatch = db.transaction((traces: readonly FunctionTrace[]) => {
      const now = Date.now();
      for (const trace of traces) insert.run(trace.traceId, trace.callId, JSON.stringify(trace), now);
    });
  }

  async ping(options: { write?: boolean } = {}): Promise<void> {
    if (options.write) this.stmts.probe.run(String(Date.now()));
    else this.stmts.ping.get();
  }

  async close(): Promise<void> {
    clearInterval(this.pruneTimer);
    if (this.completions.length) this.commitCompletions();
    if (this.db.open) this.db.close();
    this.lock?.release();
  }

  // Pending claims live in memory: one process owns a SQLite file, and a claim left by a crashed
  // process would only be taken over and re-run anyway. Answers are appended (a random-key B-tree
  // costs a page write per answer: ~55 us here against ~8 us appended in groups) and found through
  // an in-memory key index covering the retention window. Several processes need a store whose
  // claims are shared (Postgres).
  async claim(key: string, owner: string, now: number): Promise<ClaimResult> {
    const pending = this.pending.get(key);
    if (pending) return { state: 'pending', owner: pending.owner, claimedAt: pending.claimedAt };
    const id = this.answers.get(key);
    const row = id === undefined ? undefined : this.stmts.answerById.get(id);
    if (row) return { state: 'done', response: { status: row.status ?? 200, body: JSON.parse(row.body ?? 'null') } };
    return { state: 'claimed', fence: this.pending.claim(key, owner, now) };
  }

  async takeOver(key: string, owner: string, staleBefore: number, now: number): Promise<number | undefined> {
    return this.pending.takeOver(key, owner, staleBefore, now);
  }

  async complete(key: string, holder: ClaimHolder, response: StoredResponse, trace?: FunctionTrace): Promise<boolean> {
    // A second complete by the same holder before the batch commits finds the claim still pending:
    // the batch keeps the first (the key leaves `pending` once committed).
    if (!this.pending.holds(key, holder) || this.completions.some((c) => c.key === key)) return false;
    // Group commit: answers finished in the same event-loop turn go in one transaction (a commit
    // costs ~35 us here, an appended row ~5 us), and each caller resolves only once it is on disk.
    return new Promise<boolean>((resolve, reject) => {
      this.completions.push({ key, status: response.status, body: JSON.stringify(response.body ?? null), trace, resolve: () => resolve(true), reject });
      if (this.completions.length === 1) setImmediate(this.commitCompletions);
    });
  }

  private readonly commitCompletions = (): void => {
    const batch = this.completions;
    this.completions = [];
    let ids: number[];
    try {
      ids = this.completeBatch(batch);
    } catch (error) {
      // Not committed (a full disk fails at COMMIT too): the claims stay pending, the index untouched.
      for (const c of batch) c.reject(error);
      return;
    }
    batch.forEach((c, i) => {
      this.answers.set(c.key, ids[i]!);
      this.pending.delete(c.key);
      c.resolve();
    });
  };

  /** Forget answers older than the retention window (Retell retries within minutes, not days). */
  private pruneAnswers(now: number): number {
    if (!this.db.open) return 0;
    try {
      const rows = this.stmts.answersPrune.all(now - this.retentionMs);
      for (const row of rows) this.answers.delete(row.key);
      return rows.length;
    } catch {
      // A full or read-only disk: pruning waits for the next round; it must never take the process down.
      return 0;
    }
  }

  /** Delete what is older than the retention of its kind; never a pending event. */
  prune(now = Date.now()): Promise<PruneResult> {
    this.pruning ??= this.pruneAll(now).finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private async pruneAll(now: number): Promise<PruneResult> {
    const result: PruneResult = { answers: this.pruneAnswers(now), events: 0, traces: 0, kv: 0 };
    const { eventsMs, tracesMs, kvMs } = this.retention;
    const chunks: [keyof PruneResult, Database.Statement<[number]>, number | false][] = [
      ['events', this.stmts.pruneEvents, eventsMs],
      ['traces', this.stmts.pruneTraces, tracesMs],
      ['kv', this.stmts.pruneKv, kvMs],
    ];
    for (const [kind, stmt, ms] of chunks) {
      if (ms === false) continue;
      for (;;) {
        if (!this.db.open) return result;
        const changes = stmt.run(now - ms).changes;
        result[kind] += changes;
        if (changes < PRUNE_CHUNK) break;
        // Let requests in between chunks.
        await new Promise((resolve) => setImmediate(resolve));
      }
    }
    return result;
  }

  async release(key: string, holder: ClaimHolder): Promise<boolean> {
    if (!this.pending.holds(key, holder) || this.completions.some((c) => c.key === key)) return false;
    this.pending.delete(key);
    return true;
  }

  async appendEvent(event: NewEvent): Promise<{ inserted: boolean; event: StoredEvent }> {
    this.db.exec('PRAGMA synchronous = FULL');
    try {
      if (event.supersede) return this.appendSuperseding(event);
      const info = this.stmts.eventInsert.run(event.dedupeKey ?? null, event.event, event.callId, event.body, event.receivedAt);
      if (info.changes === 1) {
        return { inserted: true, event: toEvent(this.stmts.eventById.get(Number(info.lastInsertRowid))!) };
      }
      return { inserted: false, event: toEvent(this.stmts.eventByKey.get(event.dedupeKey!)!) };
    } finally {
      this.db.exec('PRAGMA synchronous = NORMAL');
    }
  }

  private appendSuperseding(event: NewEvent): { inserted: boolean; event: StoredEvent } {
    // One transaction: earlier handled events of this kind for the call go, the new one comes in.
    this.db.exec('BEGIN IMMEDIATE');
    try {
      this.stmts.eventsSupersede.run(event.callId, event.event);
      const info = this.stmts.eventInsert.run(event.dedupeKey ?? null, event.event, event.callId, event.body, event.receivedAt);
      const stored = toEvent(this.stmts.eventById.get(Number(info.lastInsertRowid))!);
      this.db.exec('COMMIT');
      return { inserted: true, event: stored };
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async pendingEvents(limit = 1000, afterId = 0): Promise<StoredEvent[]> {
    return this.stmts.eventsPending.all(afterId, limit).map(toEvent);
  }

  // One process owns the file and events are not leased: no stale lease holder to fence off (`fence` is accepted and ignored).
  async markEvent(id: number, update: { state: EventState; attempts: number; error?: string; handledAt?: number }, _fence?: number): Promise<boolean> {
    return this.stmts.eventMark.run(update.state, update.attempts, update.error ?? null, update.handledAt ?? null, id).changes === 1;
  }

  async eventsForCall(callId: string): Promise<StoredEvent[]> {
    return this.stmts.eventsForCall.all(callId).map(toEvent);
  }

  async getEvent(id: number): Promise<StoredEvent | undefined> {
    const row = this.stmts.eventById.get(id);
    return row ? toEvent(row) : undefined;
  }

  async recordTraces(traces: readonly FunctionTrace[]): Promise<void> {
    if (traces.length) this.traceBatch(traces);
  }

  async tracesForCall(callId: string): Promise<FunctionTrace[]> {
    return this.stmts.tracesForCall.all(callId).map((row) => JSON.parse(row.data) as FunctionTrace);
  }

  async rewriteCall(callId: string, rewrite: (records: CallRecords) => CallRecords): Promise<void> {
    const { traceRowsForCall, traceRewrite, handledEventsForCall, eventRewrite } = this.stmts;
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const handled = handledEventsForCall.all(callId);
      // Everything handled was rewritten already (a sweep and a final event met): nothing to do.
      if (!handled.some((e) => !e.rewritten)) {
        this.db.exec('COMMIT');
        return;
      }
      const traceRows = traceRowsForCall.all(callId);
      const events = handled.map((e) => ({ id: e.id, body: e.body }));
      const out = rewrite({ events, traces: traceRows.map((row) => JSON.parse(row.data) as FunctionTrace) });
      const byId = new Map(events.map((e) => [e.id, e.body]));
      for (const e of out.events) if (byId.has(e.id) && byId.get(e.id) !== e.body) eventRewrite.run(e.body, e.id);
      out.traces.forEach((trace, i) => {
        const row = traceRows[i];
        if (row) traceRewrite.run(JSON.stringify(trace), row.seq);
      });
      this.stmts.eventsMarkRewritten.run(callId);
      this.db.exec('COMMIT');
    } catch (error) {
      if (this.db.inTransaction) this.db.exec('ROLLBACK');
      throw error;
    }
  }

  async callsAwaitingRewrite(endedBefore: number, limit = 100): Promise<string[]> {
    return this.stmts.callsAwaitingRewrite.all(endedBefore, limit).map((row) => row.call_id);
  }

  async kvGet(namespace: string, key: string): Promise<unknown> {
    const row = this.stmts.kvGet.get(namespace, key);
    return row ? JSON.parse(row.value) : undefined;
  }

  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    this.stmts.kvSet.run(namespace, key, JSON.stringify(value ?? null), Date.now());
  }

  async kvInsert(namespace: string, key: string, value: unknown): Promise<boolean> {
    return this.stmts.kvInsert.run(namespace, key, JSON.stringify(value ?? null), Date.now()).changes === 1;
  }

  async kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.stmts.kvDelete.run(namespace, key).changes === 1;
  }

  async kvList(namespace: string, prefix = ''): Promise<KeyValue[]> {
    return this.stmts.kvList.all(namespace, prefix, prefix).map((row) => ({ key: row.key, value: JSON.parse(row.value) }));
  }
}

function prepareFolder(file: string): void {
  try {
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  } catch (error) {
    throw new KitError('store', `cannot create the store's folder: ${(error as Error).message}`, { file, cause: error });
  }
}
