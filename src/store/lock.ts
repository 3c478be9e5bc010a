import { hostname } from 'node:os';
import type Database from 'better-sqlite3';
import { driverError, loadSqliteDriver } from './sqlite-driver.js';
import { KitError } from '../errors.js';

// One process owns a SQLite store. The lock is an OS-level file lock that SQLite itself takes: a
// small side database (`state.db.lock`) in which the owner holds a write transaction open
// (`BEGIN IMMEDIATE`, a RESERVED lock: other writers are refused, readers may still read who holds
// it). The kernel drops the lock when the process dies, however it dies, so a SIGKILLed server never
// blocks its restart, and there is no pid file to go stale. The main database stays an ordinary WAL
// file that tools (`sqlite3 state.db`) can read while serve runs; `locking_mode=EXCLUSIVE` on it
// would have locked them out and could not say who holds it.
//
// Like the store's own statements (see sqlite.ts), lock databases are never let go of: better-sqlite3
// 12 on Node 24 aborts the process when one is garbage-collected.
const keepAlive: unknown[] = [];

export interface LockHolder {
  pid: number;
  host: string;
  /** Epoch ms at which the holder took the lock. */
  since: number;
  /** What holds it (`retell-kit serve`). */
  command: string;
}

export interface StoreLockOptions {
  /** Keep trying for this long (a handover: the old process drains, then lets go). Default 0. */
  waitMs?: number;
  /** Written for whoever is refused next. */
  command?: string;
  /** How often to retry while waiting. */
  pollMs?: number;
}

export function lockFileFor(storeFile: string): string {
  return `${storeFile}.lock`;
}

/** The exclusive ownership of one SQLite store file, held until release() or process death. */
export class StoreLock {
  private released = false;

  /** @internal Use acquire() or acquireNow(). */
  constructor(
    readonly file: string,
    private readonly db: Database.Database,
    readonly holder: LockHolder,
  ) {}

  /** Take the lock without waiting; throws a one-line KitError naming the holder when it is taken. */
  static acquireNow(storeFile: string, options: Omit<StoreLockOptions, 'waitMs' | 'pollMs'> = {}): StoreLock {
    const attempt = tryAcquire(storeFile, options.command ?? 'retell-kit serve');
    if (attempt instanceof StoreLock) return attempt;
    throw heldError(storeFile, attempt, 0);
  }

  /** Take the lock, waiting up to `waitMs` for the holder to let go (without blocking the event loop). */
  static async acquire(storeFile: string, options: StoreLockOptions = {}): Promise<StoreLock> {
    const waitMs = options.waitMs ?? 0;
    const deadline = Date.now() + waitMs;
    for (;;) {
      const attempt = tryAcquire(storeFile, options.command ?? 'retell-kit serve');
      if (attempt instanceof StoreLock) return attempt;
      if (Date.now() >= deadline) throw heldError(storeFile, attempt, waitMs);
      await new Promise((resolve) => setTimeout(resolve, Math.min(options.pollMs ?? 100, Math.max(1, deadline - Date.now()))));
    }
  }

  /** Who holds the lock on `storeFile` now, or undefined when nobody does. */
  static holder(storeFile: string): LockHolder | undefined {
    const attempt = tryAcquire(storeFile, 'probe');
    if (attempt instanceof StoreLock) {
      attempt.release();
      return undefined;
    }
    return attempt ?? { pid: 0, host: 'unknown', since: 0, command: 'unknown' };
  }

  release(): void {
    if (this.released) return;
    this.released = true;
    try {
      this.db.exec('ROLLBACK');
    } catch {
      // Nothing to roll back.
    }
    this.db.close();
  }
}

/** A StoreLock, or the current holder (undefined when it could not be read) when someone has it. */
function tryAcquire(storeFile: string, command: string): StoreLock | LockHolder | undefined {
  try {
    return tryAcquireOrThrow(storeFile, command);
  } catch (error) {
    // better-sqlite3 missing or unbuilt (at load or at first open): one line of its own, not about the lock file.
    if (error instanceof KitError) throw error;
    const unusable = driverError(error);
    if (unusable) throw unusable;
    throw new KitError('store', `cannot open the store's lock file ${lockFileFor(storeFile)}: ${(error as Error).message}`, {
      file: storeFile,
      hint: 'the folder must be writable by this user; if the lock file is damaged, delete it: it holds no data',
      cause: error,
    });
  }
}

function tryAcquireOrThrow(storeFile: string, command: string): StoreLock | LockHolder | undefined {
  const file = lockFileFor(storeFile);
  const Driver = loadSqliteDriver();
  const db = new Driver(file);
  keepAlive.push(db);
  try {
    // A rollback journal (not WAL): readers see the committed holder row while the RESERVED lock is held.
    // synchronous = OFF: the holder row is a courtesy for the next process's message, not data; fsyncs cost ~17 ms a start.
    db.exec('PRAGMA busy_timeout = 0; PRAGMA journal_mode = DELETE; PRAGMA synchronous = OFF; CREATE TABLE IF NOT EXISTS holder (id INTEGER PRIMARY KEY CHECK (id = 1), pid INTEGER, host TEXT, since INTEGER, command TEXT)');
  } catch (error) {
    if (!isBusy(error)) {
      db.close();
      throw error;
    }
  }
  const holder: LockHolder = { pid: process.pid, host: hostname(), since: Date.now(), command };
  try {
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if (!isBusy(error)) {
      db.close();
      throw error;
    }
    const current = readHolder(db);
    db.close();
    return current;
  }
  try {
    // Record who we are, then hold a write transaction open for as long as we own the store. Between
    // COMMIT and the next BEGIN another process could slip in: then it owns the store and we do not.
    db.exec(`INSERT OR REPLACE INTO holder (id, pid, host, since, command) VALUES (1, ${holder.pid}, ${sqlText(holder.host)}, ${holder.since}, ${sqlText(command)}); COMMIT`);
    db.exec('BEGIN IMMEDIATE');
  } catch (error) {
    if (!isBusy(error)) {
      db.close();
      throw error;
    }
    const current = readHolder(db);
    db.close();
    return current;
  }
  return new StoreLock(file, db, holder);
}

function readHolder(db: Database.Database): LockHolder | undefined {
  try {
    const stmt = db.prepare('SELECT pid, host, since, command FROM holder WHERE id = 1');
    keepAlive.push(stmt);
    const row = stmt.get() as LockHolder | undefined;
    return row ? { pid: row.pid, host: row.host, since: row.since, command: row.command } : undefined;
  } catch {
    return undefined;
  }
}

function isBusy(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

function sqlText(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function heldError(storeFile: string, holder: LockHolder | undefined, waitedMs: number): KitError {
  const who = holder
    ? `${holder.command} (pid ${holder.pid}${holder.host === hostname() ? '' : ` on ${holder.host}`}, since ${new Date(holder.since).toISOString()})`
    : 'another process';
  const waited = waitedMs > 0 ? ` and did not let go within ${Math.round(waitedMs / 100) / 10} s` : '';
  return new KitError('store', `the store is in use by ${who}${waited}`, {
    file: storeFile,
    hint: 'one process owns a SQLite store: stop the other one, or start this one with --wait-for-lock <seconds> to take over when it has drained; to run several replicas, use a Postgres store',
  });
}
