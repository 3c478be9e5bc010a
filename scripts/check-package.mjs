// The package as npm would publish it, checked by the tools made for that: publint (package.json
// fields, exports, files) and @arethetypeswrong/cli (types for every export, ESM-only profile: the
// package is ESM and Node >= 20.19 can require() it). Packs the current dist/ (no rebuild).
// Usage: npm run check:package   (CI runs it once, after the tests)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-check-package-'));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let failed = 0;
try {
  const [info] = JSON.parse(execFileSync(npm, ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }));
  const tarball = path.join(dir, info.filename);
  console.log(`check:package: ${info.filename}, ${info.entryCount} files, ${(info.size / 1024).toFixed(0)} KB packed, ${(info.unpackedSize / 1024).toFixed(0)} KB unpacked`);
  const tools = [
    ['publint', [path.join(root, 'node_modules/publint/src/cli.js'), tarball, '--strict']],
    ['attw', [path.join(root, 'node_modules/@arethetypeswrong/cli/dist/index.js'), tarball, '--profile', 'esm-only']],
  ];
  for (const [name, args] of tools) {
    try {
      const out = execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      console.log(`ok   ${name}${out.includes('All good') ? ': All good!' : ''}`);
    } catch (error) {
      failed++;
      console.log(`FAIL ${name}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
    }
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
