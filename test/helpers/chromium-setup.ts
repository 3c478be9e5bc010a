import { execFileSync } from 'node:child_process';
import { chromiumPath } from './chromium.js';

/**
 * vitest globalSetup: make sure Debian's chromium is there for the browser tests. `npm test` on a fresh
 * machine of this kind (root, apt, Debian's packages reachable) installs it once; .ci/run installs it
 * before the suite, so there this is a no-op. Anywhere else, the browser tests fail with one line saying
 * what to install (they are never skipped and counted as passing).
 */
export default function setup(): void {
  try {
    chromiumPath();
    return;
  } catch {
    // Not installed yet.
  }
  if (process.getuid?.() !== 0) return;
  try {
    process.stderr.write('retell-kit tests: installing Debian chromium for the browser tests (apt-get install -y chromium)\n');
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', timeout: 600_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  } catch {
    try {
      execFileSync('sh', ['-c', 'apt-get update -qq && apt-get install -y -qq chromium'], { stdio: 'ignore', timeout: 900_000, env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    } catch {
      // The browser tests will say what is missing.
    }
  }
}
