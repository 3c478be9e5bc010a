import path from 'node:path';
import type { Retention, Store } from './store.js';
import { PostgresStore, isPostgresUrl, redactUrl } from './postgres.js';
import { DEFAULT_STORE_PATH, SqliteStore } from './sqlite.js';

export interface StoreChoice {
  /** --store: a SQLite path or a postgres:// URL. */
  flag?: string;
  /** server.store from the config (a relative path resolves against the config's folder). */
  config?: string;
  /** The config's folder. */
  base: string;
  /** The environment (DATABASE_URL is read from it). */
  env?: NodeJS.ProcessEnv;
}

export type StoreTarget = { kind: 'postgres'; url: string } | { kind: 'sqlite'; file: string };

/**
 * The one place that decides which store serve uses: --store, then server.store, then DATABASE_URL
 * (when it is a postgres:// URL), then the SQLite default. A postgres:// (or postgresql://) value is
 * Postgres; anything else is a SQLite file.
 */
export function chooseStore(choice: StoreChoice): StoreTarget {
  const fromConfig = choice.config && !isPostgresUrl(choice.config) ? path.resolve(choice.base, choice.config) : choice.config;
  const databaseUrl = choice.env?.DATABASE_URL;
  const value = choice.flag ?? fromConfig ?? (databaseUrl && isPostgresUrl(databaseUrl) ? databaseUrl : undefined) ?? DEFAULT_STORE_PATH;
  return isPostgresUrl(value) ? { kind: 'postgres', url: value } : { kind: 'sqlite', file: value };
}

/** Where the store is, safe to log (a URL's password replaced). */
export function describeStore(target: StoreTarget): string {
  return target.kind === 'postgres' ? redactUrl(target.url) : target.file;
}

export interface OpenStoreOptions {
  retention?: Partial<Retention>;
  /** Postgres connections per process (default 10). */
  poolSize?: number;
  /** SQLite: wait this long for another process to let go of the file. */
  waitForLockMs?: number;
  command?: string;
  /**
   * A command (canary) that only reads traces and writes its own kv records: open the SQLite file
   * without taking its ownership, so a serve running on it (or started later, e.g. during a long
   * `canary watch`) is neither refused nor blocked. WAL lets both write; serve's exactly-once state
   * (claims in flight) lives in serve's memory and in rows this handle never writes. Postgres is
   * shared anyway.
   */
  shared?: boolean;
}

export async function openStore(target: StoreTarget, options: OpenStoreOptions = {}): Promise<Store> {
  if (target.kind === 'postgres') return PostgresStore.open({ url: target.url, poolSize: options.poolSize, retention: options.retention });
  if (options.shared) return new SqliteStore({ file: target.file, lock: false, retention: options.retention });
  return SqliteStore.open({ file: target.file, waitForLockMs: options.waitForLockMs, command: options.command, retention: options.retention });
}
