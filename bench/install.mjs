// npm run bench:install — how long installing the packed tarball takes into an empty folder, the way
// a team adds retell-kit: with every dependency (better-sqlite3's install script fetches a prebuilt
// binary, or compiles SQLite when it cannot: no network here, so it compiles), with --ignore-scripts
// (nothing built: lint works, serve needs `npm rebuild better-sqlite3`), and with --omit=optional
// (lint only: better-sqlite3 is not installed at all). Dependencies come from npm's cache
// (--prefer-offline), so the numbers are install work, not download time. Baseline: the full install,
// which is what every install cost before better-sqlite3 became optional.
// Writes the table into bench/RESULTS.md under "## install". Options: --no-write, --skip-full.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const write = !process.argv.includes('--no-write');
const skipFull = process.argv.includes('--skip-full');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
if (!existsSync(path.join(repo, 'dist', 'cli.js'))) {
  console.error('bench:install: dist/ is missing, run npm run build first');
  process.exit(1);
}

const tmp = mkdtempSync(path.join(os.tmpdir(), 'retell-kit-bench-install-'));
try {
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', tmp], { cwd: repo, encoding: 'utf8' }));
  const tarball = path.join(tmp, info.filename);
  const variants = [
    { name: 'full: `npm install <tarball>` (builds better-sqlite3)', flags: [], full: true },
    { name: '`--ignore-scripts`', flags: ['--ignore-scripts'] },
    { name: '`--omit=optional` (lint only)', flags: ['--omit=optional'] },
  ].filter((v) => !(skipFull && v.full));
  const rows = [];
  for (const v of variants) {
    const dir = mkdtempSync(path.join(tmp, 'app-'));
    writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    const started = process.hrtime.bigint();
    const run = spawnSync(npm, ['install', '--prefer-offline', '--no-audit', '--no-fund', ...v.flags, tarball], { cwd: dir, encoding: 'utf8' });
    const ms = Number(process.hrtime.bigint() - started) / 1e6;
    if (run.status !== 0) throw new Error(`${v.name}: npm install exited ${run.status}: ${run.stderr.slice(-500)}`);
    const lint = spawnSync(process.execPath, [path.join(dir, 'node_modules/retell-kit/bin/retell-kit.js'), 'lint', path.join(repo, 'fixtures/flows/valid/salon-booking.json')], { encoding: 'utf8' });
    const sqlite = existsSync(path.join(dir, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node')) ? 'built' : existsSync(path.join(dir, 'node_modules/better-sqlite3')) ? 'not built' : 'absent';
    const packages = JSON.parse(execFileSync(npm, ['ls', '--all', '--json', '--omit=dev'], { cwd: dir, encoding: 'utf8' }).toString() || '{}');
    const seen = new Set();
    const walk = (deps) => Object.entries(deps ?? {}).forEach(([name, d]) => { if (d.version) seen.add(`${name}@${d.version}`); walk(d.dependencies); });
    walk(packages.dependencies);
    rows.push({ name: v.name, ms, lint: lint.status === 0 ? 'works' : `exit ${lint.status}`, sqlite, packages: seen.size });
    console.error(`bench:install: ${v.name}: ${(ms / 1000).toFixed(1)} s`);
  }
  const base = rows.find((r) => r.name.startsWith('full'));
  const lines = [
    `\`npm run bench:install\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, npm ${execFileSync(npm, ['--version'], { encoding: 'utf8' }).trim()}, ${os.cpus().length} CPU (${os.cpus()[0]?.model.trim()}), ${info.filename} (${(info.size / 1024).toFixed(0)} KB packed), dependencies from npm's cache, no network for prebuilt binaries (so the full install compiles SQLite). One run each (the machine was shared).`,
    '',
    '| install | time | ratio to full | better-sqlite3 | packages | lint |',
    '|---|---|---|---|---|---|',
    ...rows.map((r) => `| ${r.name} | ${(r.ms / 1000).toFixed(1)} s | ${base ? `${(r.ms / base.ms).toFixed(3)}×` : 'n/a'} | ${r.sqlite} | ${r.packages} | ${r.lint} |`),
    '',
    'Reading: the full install is dominated by better-sqlite3\'s install script; with network access it',
    'usually downloads a prebuilt binary instead of compiling (seconds, not minutes), but where it cannot',
    '(no network, an unusual platform or Node version) every install paid the compile before it was',
    'optional. Lint-only installs (`--omit=optional`, which the GitHub Action uses) skip it and its',
    'prebuild-install dependencies altogether.',
  ];
  console.log(lines.join('\n'));
  if (write) {
    const results = path.join(repo, 'bench', 'RESULTS.md');
    const section = `## install\n\nGenerated by \`npm run bench:install\` (bench/install.mjs); edit the script, not this section.\n\n${lines.join('\n')}\n`;
    writeResultsSection('install', section, results);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
