import { createRequire } from 'node:module';
import type Database from 'better-sqlite3';
import { KitError } from '../errors.js';

type Driver = typeof Database;
let driver: Driver | undefined;

/**
 * better-sqlite3 is an optional dependency (a native module: lint-only installs should not have to
 * build it), loaded on the first store opened. Missing or unbuilt, it is one clear line, exit 2.
 */
export function loadSqliteDriver(): Driver {
  if (driver) return driver;
  try {
    driver = createRequire(import.meta.url)('better-sqlite3') as Driver;
    return driver;
  } catch (error) {
    throw driverError(error) ?? error;
  }
}

/**
 * The ways better-sqlite3 can be unusable, each as one line: not installed (an optional dependency
 * left out), or installed without its native module (--ignore-scripts, a failed build) or with one
 * built for another Node. undefined for any other error.
 */
export function driverError(error: unknown): KitError | undefined {
  const e = error as NodeJS.ErrnoException;
  const message = String(e?.message ?? '');
  if (e?.code === 'MODULE_NOT_FOUND' && /better-sqlite3/.test(message) && !/bindings/.test(message)) {
    return new KitError('store', 'the SQLite store needs better-sqlite3, an optional dependency that is not installed', {
      hint: 'run npm install better-sqlite3; an install with --omit=optional, or whose native build failed, leaves it out',
      cause: error,
    });
  }
  if (/Could not locate the bindings file|better_sqlite3\.node|NODE_MODULE_VERSION/.test(message) || e?.code === 'ERR_DLOPEN_FAILED') {
    const why = /NODE_MODULE_VERSION/.test(message) ? 'was built for another Node.js version' : 'has no native module built (installed with --ignore-scripts, or its build failed)';
    return new KitError('store', `the SQLite store needs better-sqlite3, which is installed but ${why}`, {
      hint: 'run npm rebuild better-sqlite3',
      cause: error,
    });
  }
  return undefined;
}

