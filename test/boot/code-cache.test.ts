import { chmodSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { afterAll, describe, expect, it } from 'vitest';
import { cli, fixture, ROOT, tempDir } from '../helpers/cli.js';

// The built module, as bin/retell-kit.js requires it (vite does not load .cts sources).
const MODULE = path.join(ROOT, 'dist/boot/code-cache.cjs');
const { cacheDirectory } = createRequire(import.meta.url)(MODULE) as typeof import('../../src/boot/code-cache.cjs');

/**
 * loadBundle in a process of its own, as the bin runs it: within one process V8 finds a script it compiled
 * before in its own memory and never looks at the cached data, so only a new process shows what V8 did.
 */
function loadBundle(file: string, { cacheDir, save = false }: { cacheDir: string; save?: boolean }): { cache: string; cacheFile?: string; sum: number; dir: string; required: string } {
  const script = `const b = require(${JSON.stringify(MODULE)}).loadBundle(${JSON.stringify(file)}, { cacheDir: ${JSON.stringify(cacheDir)} });
${save ? 'b.save();' : ''}
process.stdout.write(JSON.stringify({ cache: b.cache, cacheFile: b.cacheFile, sum: b.exports.sum([1, 2, 3]), dir: b.exports.dir, required: b.exports.required }));`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

// lint runs from dist/lint.cjs with V8's compiled code kept between runs (src/boot/code-cache.cts): a cache is
// written once, taken by V8 after that, replaced when V8 refuses it, and never read from a directory another
// user could have written to.
const dir = tempDir('retell-kit-code-cache-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
/** A bundle as the build stamps it: its first line names its content's hash. */
function bundle(body: string, stamp: string | null = `${(++n).toString(16).padStart(16, '0')}`): string {
  const file = path.join(dir, `bundle-${n}-${Math.random().toString(36).slice(2)}.cjs`);
  writeFileSync(file, `${stamp ? `// retell-kit bundle ${stamp}\n` : ''}${body}`);
  return file;
}

const BODY = "function add(a, b) { return a + b; }\nmodule.exports = { sum: (xs) => xs.reduce(add, 0), dir: __dirname, required: typeof require('node:path').join };\n";

describe('loadBundle', () => {
  it('runs the bundle as CommonJS; a first run misses, its save is taken by V8 on the next run', () => {
    const cacheDir = path.join(dir, 'cache-a');
    const file = bundle(BODY);
    const first = loadBundle(file, { cacheDir, save: true });
    expect(first).toMatchObject({ cache: 'miss', sum: 6, dir, required: 'function' });
    expect(readdirSync(cacheDir)).toEqual([path.basename(first.cacheFile!)]);
    // Only this user may write the directory and read the file: a cache file is code.
    expect(statSync(cacheDir).mode & 0o777).toBe(0o700);
    expect(statSync(first.cacheFile!).mode & 0o777).toBe(0o600);
    expect(loadBundle(file, { cacheDir })).toMatchObject({ cache: 'hit', sum: 6 });
  });

  it('a cache V8 refuses (here garbage of the right size) is reported and rewritten', () => {
    const cacheDir = path.join(dir, 'cache-b');
    const file = bundle(BODY);
    const first = loadBundle(file, { cacheDir, save: true });
    writeFileSync(first.cacheFile!, Buffer.alloc(statSync(first.cacheFile!).size, 7));
    expect(loadBundle(file, { cacheDir, save: true })).toMatchObject({ cache: 'rejected', sum: 6 });
    expect(loadBundle(file, { cacheDir })).toMatchObject({ cache: 'hit', sum: 6 });
  });

  it('a new build gets its own cache file; of other builds for this Node the newest three stay', () => {
    const cacheDir = path.join(dir, 'cache-c');
    const builds = [1, 2, 3, 4, 5].map((i) => loadBundle(bundle(`${BODY}\n// build ${i}\n`), { cacheDir, save: true }));
    expect(new Set(builds.map((b) => b.cacheFile)).size).toBe(5);
    const otherNode = path.join(cacheDir, `0123456789abcdef-v0.0.0-${process.arch}.v8cache`);
    writeFileSync(otherNode, 'another Node version in use beside this one');
    // Two installs used by turns (a global one and a project's) keep each other's cache.
    expect(loadBundle(bundle(`${BODY}\n// build 6\n`), { cacheDir, save: true }).cache).toBe('miss');
    const kept = readdirSync(cacheDir);
    expect(kept).toContain(path.basename(otherNode));
    expect(kept).toHaveLength(5);
    for (const b of builds.slice(2)) expect(kept).toContain(path.basename(b.cacheFile!));
  });

  it('never reads or writes a cache in a directory others can write to', () => {
    const cacheDir = path.join(dir, 'cache-d');
    const file = bundle(BODY);
    const first = loadBundle(file, { cacheDir, save: true });
    chmodSync(cacheDir, 0o777);
    const before = readFileSync(first.cacheFile!);
    expect(loadBundle(file, { cacheDir, save: true })).toMatchObject({ cache: 'off', sum: 6 });
    expect(readFileSync(first.cacheFile!)).toEqual(before);
    // A directory someone else made first, without a cache in it yet: nothing is written there.
    const planted = path.join(dir, 'cache-e');
    mkdirSync(planted);
    chmodSync(planted, 0o777);
    loadBundle(file, { cacheDir: planted, save: true });
    expect(readdirSync(planted)).toEqual([]);
  });

  it('is off for a bundle without the build stamp and with NODE_DISABLE_COMPILE_CACHE', () => {
    const cacheDir = path.join(dir, 'cache-f');
    expect(loadBundle(bundle(BODY, null), { cacheDir, save: true })).toMatchObject({ cache: 'off', sum: 6 });
    expect(() => readdirSync(cacheDir)).toThrow();
    expect(cacheDirectory({ NODE_DISABLE_COMPILE_CACHE: '1', RETELL_KIT_CACHE_DIR: dir })).toBeUndefined();
    expect(cacheDirectory({ RETELL_KIT_CACHE_DIR: dir })).toBe(dir);
    expect(cacheDirectory({})).toMatch(/retell-kit-/);
  });
});

describe('retell-kit lint with the code cache', () => {
  const flow = fixture('flows/valid/salon-booking.json');
  const cacheFiles = (cacheDir: string) => readdirSync(cacheDir).filter((f) => f.endsWith('.v8cache'));

  it('writes the cache after the first lint, keeps it on the next, and the report is the same', () => {
    const cacheDir = path.join(dir, 'bin-a');
    const env = { RETELL_KIT_CACHE_DIR: cacheDir };
    const first = cli(['lint', flow, '--format', 'json'], { env });
    expect(first.status, first.stderr).toBe(0);
    const [file] = cacheFiles(cacheDir);
    expect(file).toMatch(new RegExp(`^[0-9a-f]{16}-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
    const written = statSync(path.join(cacheDir, file!));
    const second = cli(['lint', flow, '--format', 'json'], { env });
    expect(second.stdout).toBe(first.stdout);
    expect(second.stderr).toBe('');
    // Taken, not written again.
    expect(statSync(path.join(cacheDir, file!)).mtimeMs).toBe(written.mtimeMs);
    // The same report as without any cache.
    const uncached = cli(['lint', flow, '--format', 'json'], { env: { NODE_DISABLE_COMPILE_CACHE: '1', RETELL_KIT_CACHE_DIR: path.join(dir, 'bin-unused') } });
    expect(uncached.stdout).toBe(first.stdout);
    expect(() => statSync(path.join(dir, 'bin-unused'))).toThrow();
  });

  it('a damaged cache is replaced and lint still reports right', () => {
    const cacheDir = path.join(dir, 'bin-b');
    const env = { RETELL_KIT_CACHE_DIR: cacheDir };
    const first = cli(['lint', flow, '--format', 'json'], { env });
    const [file] = cacheFiles(cacheDir);
    const target = path.join(cacheDir, file!);
    writeFileSync(target, Buffer.alloc(statSync(target).size, 1));
    const damaged = cli(['lint', flow, '--format', 'json'], { env });
    expect(damaged.status).toBe(first.status);
    expect(damaged.stdout).toBe(first.stdout);
    expect(readFileSync(target).equals(Buffer.alloc(statSync(target).size, 1))).toBe(false);
  });

  it('a config module is imported on a run from the cache (V8 drops the import() callback of a cached script)', () => {
    const project = path.join(dir, 'project-mjs');
    mkdirSync(project);
    writeFileSync(path.join(project, 'retell-kit.config.mjs'), "export default { lint: { rules: { 'no-dead-end': 'off', 'start-node': 'off' } } };\n");
    writeFileSync(path.join(project, 'flow.json'), readFileSync(fixture('flows/invalid/dangling-edge-and-dead-end.json')));
    const env = { RETELL_KIT_CACHE_DIR: path.join(dir, 'bin-mjs') };
    const first = cli(['lint', 'flow.json', '--format', 'json'], { cwd: project, env });
    const cached = cli(['lint', 'flow.json', '--format', 'json'], { cwd: project, env });
    expect(cached.stderr).toBe('');
    expect(cached.status).toBe(first.status);
    expect(cached.stdout).toBe(first.stdout);
    expect(JSON.parse(cached.stdout).results[0].diagnostics.map((d: { ruleId: string }) => d.ruleId)).not.toContain('no-dead-end');
  });

  it('lint --help does not write the cache (it would hold little of what a lint runs)', () => {
    const cacheDir = path.join(dir, 'bin-c');
    const help = cli(['lint', '--help'], { env: { RETELL_KIT_CACHE_DIR: cacheDir } });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('Usage: retell-kit lint');
    expect(() => readdirSync(cacheDir)).toThrow();
  });

  it('lint of folders named like other commands (serve, help) lints them: the bundle has no other command', () => {
    const project = path.join(dir, 'project-names');
    for (const name of ['serve', 'help']) {
      mkdirSync(path.join(project, name), { recursive: true });
      writeFileSync(path.join(project, name, 'flow.json'), readFileSync(flow));
    }
    const r = cli(['lint', 'serve', 'help', '--format', 'json'], { cwd: project, env: { RETELL_KIT_CACHE_DIR: path.join(dir, 'bin-names') } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).results.map((x: { file: string }) => x.file).sort()).toEqual([path.join('help', 'flow.json'), path.join('serve', 'flow.json')]);
  });

  it('--debug before lint still runs lint from its bundle; other commands run from the ES module bundle', () => {
    const cacheDir = path.join(dir, 'bin-d');
    const r = cli(['--debug', 'lint', flow, '--format', 'json'], { env: { RETELL_KIT_CACHE_DIR: cacheDir } });
    expect(r.status, r.stderr).toBe(0);
    expect(cacheFiles(cacheDir)).toHaveLength(1);
    const version = cli(['--version'], { env: { RETELL_KIT_CACHE_DIR: path.join(dir, 'bin-e') } });
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    expect(() => readdirSync(path.join(dir, 'bin-e'))).toThrow();
  });
});
