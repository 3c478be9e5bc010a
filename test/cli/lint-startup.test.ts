import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { BIN, cli, ROOT, tempDir } from '../helpers/cli.js';

// What a cold `lint` loads: start-up is most of a real-sized lint (bench:lint, issue 12), so what it
// reads and compiles is kept to what linting needs. A resolve hook registered before the binary runs
// records every ES module node resolves, require's cache the CommonJS ones, node's own list the built-ins.
const dir = tempDir('retell-kit-startup-');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * The module hooks run on a worker thread, which needs the stream modules itself: with `hooks` off,
 * only node's list of built-ins is recorded, as a plain run loads them.
 */
function loadedBy(args: string[], { hooks: withHooks = true } = {}): { files: string[]; builtins: string[] } {
  const log = path.join(dir, `resolved-${Date.now()}-${Math.random().toString(36).slice(2)}.log`);
  const builtinsLog = `${log}.builtins`;
  const hooks = path.join(dir, 'hooks.mjs');
  writeFileSync(hooks, `import { appendFileSync } from 'node:fs';\nexport async function resolve(specifier, context, next) {\n  const result = await next(specifier, context);\n  appendFileSync(${JSON.stringify(log)}, result.url + '\\n');\n  return result;\n}\n`);
  writeFileSync(log, '');
  const preload = [
    "import { createRequire, register } from 'node:module';",
    withHooks ? `register(${JSON.stringify(pathToFileURL(hooks).href)});` : '',
    // CommonJS packages required at run time (yaml, cosmiconfig's loaders) pass no ESM hook: read require's cache.
    // fs through require: an ES import of node:fs would itself load the stream modules.
    `process.on('exit', () => createRequire(${JSON.stringify(hooks)})('node:fs').writeFileSync(${JSON.stringify(builtinsLog)}, JSON.stringify({ builtins: process.moduleLoadList, required: Object.keys(createRequire(${JSON.stringify(hooks)}).cache) })));`,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(preload)}`, BIN, ...args], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  expect(r.status, r.stderr).toBe(0);
  const { builtins, required } = JSON.parse(readFileSync(builtinsLog, 'utf8')) as { builtins: string[]; required: string[] };
  const resolved = readFileSync(log, 'utf8').split('\n').filter((url) => url.startsWith('file:')).map((url) => fileURLToPath(url));
  return { files: [...new Set([...resolved, ...required])], builtins };
}

/**
 * Read a child's stdout only after a pause, long enough for lint to fill the pipe (the report is
 * bigger than the pipe and the reader's buffer together): the writer has to wait for the reader.
 * The listener is there from the start (paused), or Node would drop what the child wrote at exit.
 */
async function slowlyRead(child: ChildProcess): Promise<{ code: number | null; stderr: string; text: string }> {
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  child.stdout!.on('data', (c: Buffer) => chunks.push(c));
  child.stdout!.pause();
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  await new Promise((resolve) => setTimeout(resolve, 1_500));
  child.stdout!.resume();
  return { code: await closed, stderr, text: Buffer.concat(chunks).toString('utf8') };
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
  it('a JSON flow without a config loads the lint bundle and nothing from node_modules: no config loader, YAML, zod, HTTP client, spinner or child_process', () => {
    const { files, builtins } = loadedBy(['lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.json'), '--format', 'json']);
    // bin/retell-kit.js runs lint from one CommonJS bundle, dist/lint.cjs, which dist/boot/code-cache.cjs reads and
    // runs as a vm.Script (V8's code cache works for that on Node 20) rather than require()s; what the bundle holds
    // is checked when it is built (scripts/build.mjs: no server, store, emulator... code in it).
    const ours = files.filter((f) => f.startsWith(ROOT)).map((f) => path.relative(ROOT, f).split(path.sep).join('/'));
    expect(ours.sort()).toEqual(['bin/retell-kit.js', 'dist/boot/code-cache.cjs']);
    expect(packagesIn(files)).toEqual([]);
    // commander wants child_process only for executable subcommands; the bundle hands it over on first use.
    expect(builtins).not.toContain('NativeModule child_process');
    // The report goes to the pipe with blocking writes (util/stdout.ts), and files are read and stat'ed
    // synchronously: neither process.stdout's socket, the stream modules nor fs/promises (which brings
    // readline) are loaded.
    const plain = loadedBy(['lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.json'), '--format', 'json'], { hooks: false });
    expect(plain.builtins.filter((m) => /^NativeModule (net|stream|tty|child_process|fs\/promises|readline)$/.test(m))).toEqual([]);
  });

  it('a lint command line registers lint alone; any other registers every command (a typo still finds lint)', () => {
    expect(buildProgram({ only: 'lint' }).commands.map((c) => c.name())).toEqual(['lint']);
    expect(buildProgram().commands.map((c) => c.name())).toEqual(expect.arrayContaining(['lint', 'serve', 'replay', 'diff', 'pull', 'deploy', 'canary']));
    const typo = cli(['lnt', 'flow.json']);
    expect(typo.status).toBe(2);
    expect(typo.stderr).toContain('Did you mean lint?');
    expect(cli(['--debug', 'lint', '--help']).stdout).toContain('Usage: retell-kit lint');
  });

  it('says nothing on stderr on every Node it runs on: the bundle reads no deprecated fs export (F_OK warns on Node 24)', () => {
    const r = spawnSync(process.execPath, [BIN, 'lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.json'), '--format', 'json'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
  });

  it('a YAML flow loads the YAML parser, and a config file loads cosmiconfig and the config schema', () => {
    writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ lint: { rules: { 'no-dead-end': 'warning' } } }));
    try {
      const { files } = loadedBy(['lint', path.join(ROOT, 'fixtures/flows/valid/salon-booking.yaml'), '--format', 'json']);
      expect(packagesIn(files)).toEqual(expect.arrayContaining(['cosmiconfig', 'yaml', 'zod']));
    } finally {
      rmSync(path.join(dir, 'retell-kit.config.json'));
    }
  });

  it('a report bigger than a pipe holds arrives whole while the reader is slow', async () => {
    const { syntheticFlow } = (await import(pathToFileURL(path.join(ROOT, 'bench/synthetic-flow.mjs')).href)) as { syntheticFlow: (n: number, seed?: number) => unknown };
    const file = path.join(dir, 'big.json');
    writeFileSync(file, JSON.stringify(syntheticFlow(8_000, 3)));
    const { code, stderr, text } = await slowlyRead(spawn(process.execPath, [BIN, 'lint', file, '--format', 'json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] }));
    expect(stderr).toBe('');
    expect(text.length).toBeGreaterThan(200 * 1024); // a Linux pipe holds 64 KiB, the reader's buffer 16-64 KiB
    expect((JSON.parse(text) as { summary: { warnings: number } }).summary.warnings).toBeGreaterThan(0);
    expect(code).toBe(0);
  }, 20_000);

  // A pipe someone else set non-blocking (a parent or a sibling sharing it; here a preload that opens a
  // socket on fd 1, as libuv does): a write that does not fit answers EAGAIN, and the rest goes
  // through process.stdout, which waits for the reader. A FIFO, whose 64 KiB fill up for sure.
  it.skipIf(process.platform === 'win32')('a non-blocking pipe on stdout gets the whole report too', async () => {
    const { syntheticFlow } = (await import(pathToFileURL(path.join(ROOT, 'bench/synthetic-flow.mjs')).href)) as { syntheticFlow: (n: number, seed?: number) => unknown };
    const file = path.join(dir, 'big-nonblocking.json');
    writeFileSync(file, JSON.stringify(syntheticFlow(4_000, 4)));
    const fifo = path.join(dir, 'out.fifo');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const writer = openSync(fifo, constants.O_WRONLY);
    const nonBlocking = "import net from 'node:net'; new net.Socket({ fd: 1, readable: false, writable: true }).unref();";
    const child = spawn(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(nonBlocking)}`, BIN, 'lint', file, '--format', 'json'], { cwd: dir, stdio: ['ignore', writer, 'pipe'] });
    closeSync(writer);
    let stderr = '';
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // lint fills the FIFO meanwhile
    const chunks: Buffer[] = [];
    const buffer = Buffer.alloc(64 * 1024);
    for (;;) {
      let n: number;
      try {
        n = readSync(reader, buffer);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
        await new Promise((resolve) => setTimeout(resolve, 5));
        continue;
      }
      if (n === 0) break; // no writer left: the child is done
      chunks.push(Buffer.from(buffer.subarray(0, n)));
    }
    closeSync(reader);
    expect(await closed).toBe(0);
    expect(stderr).toBe('');
    const text = Buffer.concat(chunks).toString('utf8');
    expect(text.length).toBeGreaterThan(64 * 1024);
    expect((JSON.parse(text) as { summary: { warnings: number } }).summary.warnings).toBeGreaterThan(0);
  }, 20_000);
});
