// Runs a CommonJS bundle with V8's compiled code kept between runs: what Node 22+ does for modules with
// module.enableCompileCache(), which Node 20 lacks. A real-sized lint is mostly start-up, and most of
// start-up is V8 parsing and compiling the bundle (bench:lint); with the cache V8 reads the bytecode of
// every function the last run compiled instead. CommonJS because only a vm.Script takes cached data on
// Node 20 (ES modules cannot), and loading it needs no ES module loader either.
//
// The cache is a file per bundle build, Node version and CPU in a directory of the user's own (mode 700,
// checked before each read: a cache file is code, so one another user could write is never run). V8
// checks the rest itself (its version, its flags, the source's length) and rejects a cache that does not
// fit, which is then written anew. Nothing here ever fails a run: no cache is only slower.
import { closeSync, fsyncSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire, wrap } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Script } from 'node:vm';

/**
 * `hit`: V8 took the cache; `miss`: none yet; `rejected`: V8 refused it (another V8, other flags); `off`: no
 * cache (turned off, a bundle without a build stamp, or a directory another user could write to).
 */
export type CacheState = 'hit' | 'miss' | 'rejected' | 'off';

export interface LoadedBundle {
  /** The bundle's module.exports. */
  exports: unknown;
  cache: CacheState;
  /** Where the cache is (or would be) kept; undefined when caching is off. */
  cacheFile: string | undefined;
  /**
   * Writes the cache from what this process compiled so far (call it at exit, so it holds the functions
   * the run used, not just the bundle's top level). Atomic: a concurrent run reads the old file or the new.
   */
  save(): void;
}

/** Caches of other builds kept per Node version beside the one in use (~0.5 MB each). */
const KEEP_OTHER_BUILDS = 3;

/** The first line of a bundle the build stamps: `// retell-kit bundle <hash of its content>`. */
const STAMP = /^\/\/ retell-kit bundle ([0-9a-f]{8,64})\n/;

/**
 * The cache directory: RETELL_KIT_CACHE_DIR, else retell-kit-<uid> in the temp folder (where Node keeps its
 * own compile cache by default). Off with NODE_DISABLE_COMPILE_CACHE=1, Node's switch for the same thing.
 */
export function cacheDirectory(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.NODE_DISABLE_COMPILE_CACHE) return undefined;
  if (env.RETELL_KIT_CACHE_DIR) return env.RETELL_KIT_CACHE_DIR;
  return join(tmpdir(), `retell-kit-${process.getuid?.() ?? 'user'}`);
}

/** A directory only this user can write to (on Windows the temp folder is the user's own already). */
function privateDirectory(dir: string): boolean {
  try {
    const stat = lstatSync(dir);
    if (!stat.isDirectory()) return false;
    if (process.platform === 'win32') return true;
    return stat.uid === process.getuid?.() && (stat.mode & 0o022) === 0;
  } catch {
    return false;
  }
}

export function loadBundle(file: string, { cacheDir = cacheDirectory() }: { cacheDir?: string | undefined } = {}): LoadedBundle {
  // The build checks that a bundle is ASCII, so latin1 reads the same text as utf8, into a one-byte string, faster.
  const source = readFileSync(file, 'latin1');
  const hash = STAMP.exec(source)?.[1];
  const cacheFile = cacheDir && hash ? join(cacheDir, `${hash}-${process.version}-${process.arch}.v8cache`) : undefined;
  let cachedData: Buffer | undefined;
  let usable = cacheFile !== undefined;
  if (cacheFile) {
    try {
      cachedData = readFileSync(cacheFile);
      // Read first, checked after: the usual run has a cache, and one lstat is cheaper than a failed open.
      if (!privateDirectory(cacheDir!)) usable = false;
    } catch {
      // No cache yet; save() makes the directory, or refuses one another user could write to.
    }
  }
  if (!usable) cachedData = undefined;
  const script = new Script(wrap(source), { filename: file, cachedData });
  const cache: CacheState = !usable ? 'off' : cachedData === undefined ? 'miss' : script.cachedDataRejected ? 'rejected' : 'hit';
  const module = { exports: {} as unknown, id: file, filename: file, loaded: false };
  const run = script.runInThisContext() as (exports: unknown, require: NodeJS.Require, module: unknown, filename: string, dirname: string) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, dirname(file));
  module.loaded = true;
  return {
    exports: module.exports,
    cache,
    cacheFile,
    save: () => {
      if (usable && cacheFile) writeCache(cacheFile, script);
    },
  };
}

function writeCache(cacheFile: string, script: Script): void {
  const dir = dirname(cacheFile);
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    if (!privateDirectory(dir)) return;
    const data = script.createCachedData();
    const temp = `${cacheFile}.${process.pid}.tmp`;
    const fd = openSync(temp, 'w', 0o600);
    try {
      writeFileSync(fd, data); // all of it: a single write may take only part
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, cacheFile);
    // Earlier builds' caches for this Node pile up with upgrades; but two installs in use side by side (a
    // global one and a project's) must not delete each other's on every run. The newest few stay.
    const suffix = `-${process.version}-${process.arch}.v8cache`;
    const others = readdirSync(dir)
      .filter((name) => name.endsWith(suffix) && join(dir, name) !== cacheFile)
      .map((name) => ({ file: join(dir, name), mtime: lstatSync(join(dir, name)).mtimeMs }))
      .sort((a, b) => b.mtime - a.mtime);
    for (const { file } of others.slice(KEEP_OTHER_BUILDS)) rmSync(file, { force: true });
  } catch {
    // A read-only or full disk: the next run compiles again.
  }
}

/**
 * import() for the bundle: a script from the code cache loses Node's import() callback ("A dynamic import
 * callback was not specified"), and vm's own option for it warns as experimental on Node 20. This module is
 * a plain CommonJS one, whose import() Node resolves as usual (src/util/import-module.ts).
 */
export function importModule(specifier: string): Promise<unknown> {
  return import(specifier);
}
