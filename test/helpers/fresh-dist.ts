// Vitest global setup: the CLI tests run the built binary (bin/retell-kit.js loads dist/), so a
// dist/ older than src/ would test yesterday's code and pass. Build first when any file under src/
// (or the build script) is newer than dist/cli.js, and say so; a failed build fails the run.
import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { ROOT } from './cli.js';

function newest(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newest(full) : statSync(full).mtimeMs);
  }
  return latest;
}

export function distIsStale(root = ROOT): boolean {
  let built: number;
  try {
    built = statSync(path.join(root, 'dist/cli.js')).mtimeMs;
  } catch {
    return true;
  }
  const sources = Math.max(newest(path.join(root, 'src')), statSync(path.join(root, 'scripts/build.mjs')).mtimeMs, statSync(path.join(root, 'package.json')).mtimeMs);
  return sources > built;
}

export default function setup(): void {
  if (!distIsStale()) return;
  process.stderr.write('retell-kit tests: dist/ is older than src/: building first (npm run build)\n');
  execFileSync(process.execPath, [path.join(ROOT, 'scripts/build.mjs')], { cwd: ROOT, stdio: 'inherit' });
}
