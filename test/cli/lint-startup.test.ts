import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, ROOT, tempDir } from '../helpers/cli.js';

// What a cold `lint` loads: start-up is most of a real-sized lint (bench:lint, issue 12), so what it
// reads and compiles is kept to what linting needs. A resolve hook registered before the binary runs
// records every ES module node resolves, require's cache the CommonJS ones, node's own list the built-ins.
const dir = tempDir('retell-kit-startup-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function loadedBy(args: string[]): { files: string[]; builtins: string[] } {
  const log = path.join(dir, `resolved-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const builtinsLog = `${log}.builtins`;
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
  writeFileSync(log, '');
  const preload = [
    "import { createRequire, register } from 'node:module';",
    "import { writeFileSync } from 'node:fs';",
    `register(${JSON.stringify(pathToFileURL(hooks).href)});`,
    // CommonJS packages required at run time (yaml, cosmiconfig's loaders) pass no ESM hook: read require's cache.
    `process.on('exit', () => writeFileSync(${JSON.stringify(builtinsLog)}, JSON.stringify({ builtins: process.moduleLoadList, required: Object.keys(createRequire(${JSON.stringify(hooks)}).cache) })));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  const { builtins, required } = JSON.parse(readFileSync(builtinsLog, 'utf8')) as { builtins: string[]; required: string[] };
  const resolved = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  return { files: [...new Set([...resolved, ...required])], builtins };
}

/** Packages bundled into dist/ leave their path in a comment before their code; external ones resolve into node_modules. */
function packagesIn(files: string[]): string[] {
  const found = new Set<string>();
  for (const file of files) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\/\/ node_modules\/((?:@[^/]+\/)?[^/]+)\//gm)) found.add(m[1]!);
    const external = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(file);
    if (external) found.add(external[1]!.replace(/\\/g, '/'));
  }
  return [...found].sort();
}

describe('lint start-up', () => {
  it('a JSON flow without a config loads commander and our own code only: no config loader, YAML, zod, HTTP client, spinner or child_process', () => {
    const { files, builtins } = loadedBy(['lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.json'), '--format', 'json']);
    expect(packagesIn(files)).toEqual(['commander']);
    // commander wants child_process only for executable subcommands; the bundle hands it over on first use.
    expect(builtins).not.toContain('NativeModule child_process');
    const ours = files.filter((f) => f.startsWith(path.join(ROOT, 'dist')));
    // Every ESM file costs a resolve, a read and a link: the shared small modules come in one chunk (scripts/build.mjs).
    expect(ours.length, ours.map((f) => path.basename(f)).join(' ')).toBeLessThanOrEqual(11);
    expect(ours.map((f) => readFileSync(f, 'utf8')).join('\n')).not.toMatch(/^\/\/ src\/(server|emulator|store|replay|deploy|outcomes|graph)\//m);
  });

  it('a YAML flow loads the YAML parser, and a config file loads cosmiconfig and the config schema', () => {
    writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ lint: { rules: { 'no-dead-end': 'warning' } } }));
    try {
      const { files } = loadedBy(['lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.yaml'), '--format', 'json']);
      expect(packagesIn(files)).toEqual(expect.arrayContaining(['commander', 'cosmiconfig', 'yaml', 'zod']));
    } finally {
      rmSync(path.join(dir, 'retell-kit.config.json'));
    }
  });
});
