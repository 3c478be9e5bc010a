import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { fixture, ROOT, tempDir } from '../helpers/cli.js';

// The package as the registry would serve it: `npm pack` of the built checkout (dist/ from
// `npm run build`), inspected, then installed into an empty folder that knows nothing of the
// checkout, and run there through npx.
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tarball = '';
let files: { path: string; size: number }[] = [];

beforeAll(() => {
  const dir = tempDir('retell-kit-pack-');
  // --ignore-scripts: pack the dist/ that the other tests use instead of rebuilding it (prepare).
  const out = execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  const [info] = JSON.parse(out) as [{ filename: string; files: { path: string; size: number }[] }];
  tarball = path.join(dir, info.filename);
  files = info.files;
}, 90_000);

describe('npm pack', () => {
  it('ships the CLI, the API, schemas, docs, README, LICENSE and CHANGELOG; no tests, sources, fixtures or source maps', () => {
    const paths = files.map((f) => f.path);
    for (const required of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'bin/retell-kit.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'dist/server/index.js', 'schemas/conversation-flow.schema.json', 'docs/rules/no-dead-end.md']) {
      expect(paths, required).toContain(required);
    }
    expect(paths.filter((p) => /^(src|test|fixtures|bench|scripts|\.ci)\//.test(p) || p.endsWith('.map') || /\.test\.[jt]s$/.test(p))).toEqual([]);
    expect(new Set(paths).size).toBe(paths.length);
  });

  it('holds no two copies of the same large file, and the generated flow validator once', () => {
    const byHash = new Map<string, string[]>();
    for (const f of files.filter((f) => f.size > 4096)) {
      const hash = createHash('sha256').update(readFileSync(path.join(ROOT, f.path))).digest('hex');
      byHash.set(hash, [...(byHash.get(hash) ?? []), f.path]);
    }
    expect([...byHash.values()].filter((p) => p.length > 1)).toEqual([]);
    // A string of the standalone validator's embedded schema: one JavaScript file in the package has it.
    const marker = '#/definitions/Flow';
    const holders = files.filter((f) => f.path.endsWith('.js') && readFileSync(path.join(ROOT, f.path), 'utf8').includes(marker)).map((f) => f.path);
    expect(holders).toEqual(['dist/validators/schema/flow-validator.js']);
  });

  it('installed into an empty folder without optional dependencies: npx retell-kit lints, prints docs, and serve names the missing better-sqlite3 (exit 2)', () => {
    const app = tempDir('retell-kit-consumer-');
    writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    // The dependencies come from npm's cache when it has them (CI just ran npm ci), else the registry.
    const install = spawnSync(npm, ['install', '--omit=optional', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: app, encoding: 'utf8', timeout: 180_000 });
    expect(install.status, install.stderr).toBe(0);
    copyFileSync(fixture('flows/invalid/dangling-edge-and-dead-end.json'), path.join(app, 'flow.json'));
    const env = { ...process.env, NO_COLOR: '1', CI: 'true', RETELL_API_KEY: 'key_test_only' };
    const run = (args: string[]) => spawnSync(npm, ['exec', '--offline', '--', 'retell-kit', ...args], { cwd: app, encoding: 'utf8', env, timeout: 60_000 });

    const lint = run(['lint', 'flow.json']);
    expect(lint.status, lint.stderr).toBe(1);
    expect(lint.stdout).toContain('no-dangling-edge');
    expect(lint.stdout).toContain('✖ 4 problems (2 errors, 2 warnings)');
    // The binary that ran is the installed one, not the checkout's.
    expect(readFileSync(path.join(app, 'node_modules/retell-kit/package.json'), 'utf8')).toContain('"name": "retell-kit"');

    // The library entries resolve by name through the package's exports, as a user's code imports them.
    const entries = spawnSync(process.execPath, ['--input-type=module', '-e', "const f = await import('retell-kit/fetch'); const m = await import('retell-kit'); console.log(typeof f.createFetch, typeof f.FetchError, typeof m.defineFunction)"], { cwd: app, encoding: 'utf8', timeout: 30_000 });
    expect(entries.status, entries.stderr).toBe(0);
    expect(entries.stdout.trim()).toBe('function function function');

    const docs = run(['docs', 'no-dead-end']);
    expect(docs.status, docs.stderr).toBe(0);
    expect(docs.stdout.startsWith('## no-dead-end\n')).toBe(true);

    const serve = run(['serve', '--port', '0']);
    expect(serve.status).toBe(2);
    expect(serve.stderr).toBe(
      'retell-kit: the SQLite store needs better-sqlite3, an optional dependency that is not installed (run npm install better-sqlite3; an install with --omit=optional, or whose native build failed, leaves it out)\n',
    );

    // Installed without its native module (--ignore-scripts): also one line, saying what to run.
    const range = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { optionalDependencies: Record<string, string> }).optionalDependencies['better-sqlite3']!;
    const unbuilt = spawnSync(npm, ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', `better-sqlite3@${range}`], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    expect(unbuilt.status, unbuilt.stderr).toBe(0);
    const serveUnbuilt = run(['serve', '--port', '0']);
    expect(serveUnbuilt.status).toBe(2);
    expect(serveUnbuilt.stderr).toBe(
      'retell-kit: the SQLite store needs better-sqlite3, which is installed but has no native module built (installed with --ignore-scripts, or its build failed) (run npm rebuild better-sqlite3)\n',
    );
  }, 240_000);
});
