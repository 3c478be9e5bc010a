import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers/cli.js';

// The package's entries as users import them (dist/, built by `npm run build`). A resolve hook
// registered before the import records every module node resolves, ESM and native addons alike.
const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-entry-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function resolvedBy(entry: string): string[] {
  const log = path.join(dir, `${path.basename(path.dirname(entry))}-${Date.now()}.log`);
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
  writeFileSync(log, '');
  const register = `import { register } from 'node:module'; register(${JSON.stringify(pathToFileURL(hooks).href)});`;
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(register)}`, '--input-type=module', '-e', `await import(${JSON.stringify(pathToFileURL(entry).href)});`], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('package entries', () => {
  it("import('retell-kit') for linting loads neither the server nor better-sqlite3", () => {
    const loaded = resolvedBy(path.join(ROOT, 'dist/index.js'));
    expect(loaded.some((url) => url.endsWith('/dist/validators/lint.js'))).toBe(true);
    expect(loaded.filter((url) => url.includes('better-sqlite3') || url.includes('/dist/server/') || url.includes('/dist/store/sqlite'))).toEqual([]);
  });

  it('retell-kit/server is where the server comes from; better-sqlite3 (optional) loads only when a store opens', () => {
    const loaded = resolvedBy(path.join(ROOT, 'dist/server/index.js'));
    expect(loaded.some((url) => url.endsWith('/dist/server/app.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('better-sqlite3'))).toBe(false);
    // Opening a store is what loads the native module (through require: the hook sees the JS side only
    // for ESM, so check the module cache of a real process instead).
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', `const { SqliteStore } = await import(${JSON.stringify(pathToFileURL(path.join(ROOT, 'dist/server/index.js')).href)}); const { createRequire } = await import('node:module'); const cache = createRequire(import.meta.url).cache; const before = Object.keys(cache).some((k) => k.includes('better-sqlite3')); const s = new SqliteStore({ file: ':memory:' }); await s.close?.(); console.log(JSON.stringify({ before, after: Object.keys(cache).some((k) => k.includes('better-sqlite3')) }));`], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim().split('\n').pop()!)).toEqual({ before: false, after: true });
  });

  it('retell-kit/replay loads the replay API without SQLite (each call gets an in-memory store)', async () => {
    const loaded = resolvedBy(path.join(ROOT, 'dist/replay/index.js'));
    expect(loaded.filter((url) => url.includes('better-sqlite3') || url.includes('/dist/store/sqlite') || url.endsWith('/dist/server/app.js'))).toEqual([]);
    const replay = (await import(pathToFileURL(path.join(ROOT, 'dist/replay/index.js')).href)) as Record<string, unknown>;
    expect(typeof replay.replay).toBe('function');
  });

  it('package.json exports every entry with its types', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    for (const key of ['.', './server', './replay', './fetch']) {
      const entry = pkg.exports[key]!;
      expect(readFileSync(path.join(ROOT, entry.types), 'utf8')).toContain('export');
      expect(readFileSync(path.join(ROOT, entry.default), 'utf8')).toContain('export');
    }
    const main = (await import(pathToFileURL(path.join(ROOT, pkg.exports['.']!.default)).href)) as Record<string, unknown>;
    const server = (await import(pathToFileURL(path.join(ROOT, pkg.exports['./server']!.default)).href)) as Record<string, unknown>;
    expect(typeof main.defineFunction).toBe('function');
    expect(typeof main.defineConfig).toBe('function');
    expect(main.createServer).toBeUndefined();
    expect(typeof server.createServer).toBe('function');
    expect(typeof server.SqliteStore).toBe('function');
  });

  it('retell-kit/fetch is ctx.fetch on its own (createFetch, FetchError): no server, no store', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    const entry = path.join(ROOT, pkg.exports['./fetch']!.default);
    const loaded = resolvedBy(entry);
    expect(loaded.filter((url) => url.includes('better-sqlite3') || url.includes('/dist/store/') || url.includes('/dist/server/'))).toEqual([]);
    const types = readFileSync(path.join(ROOT, pkg.exports['./fetch']!.types), 'utf8');
    for (const name of ['createFetch', 'FetchError', 'FetchErrorCode', 'FetchPolicyInput', 'KitFetch', 'CallScope']) expect(types, name).toContain(name);
    const mod = (await import(pathToFileURL(entry).href)) as typeof import('../src/handlers/fetch.js');
    // Lockdown answers from recorded exchanges without a socket; an unmatched request is a FetchError.
    const fetcher = mod.createFetch({ mode: 'lockdown', exchanges: [{ method: 'GET', url: 'https://cal.example/slots', status: 200, body: '{"slots":["09:30"]}' }] });
    const { fetch } = fetcher.forCall({ callId: 'c', functionName: 'f', idempotencyKey: 'fn:k', deadline: Date.now() + 5000 });
    expect(await (await fetch('https://cal.example/slots')).json()).toEqual({ slots: ['09:30'] });
    const error = await fetch('https://cal.example/book', { method: 'POST' }).catch((e: unknown) => e);
    expect(mod.isFetchError(error)).toBe(true);
    expect(error).toBeInstanceOf(mod.FetchError);
    expect((error as InstanceType<typeof mod.FetchError>).code).toBe('lockdown');
  });
});
