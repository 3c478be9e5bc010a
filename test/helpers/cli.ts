import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const BIN = path.join(ROOT, 'bin/retell-kit.js');

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Run the built binary (dist/ comes from `npm ci`'s prepare step or `npm run build`). */
export function cli(args: string[], options: { cwd?: string; input?: string | Buffer; env?: Record<string, string | undefined>; timeoutMs?: number } = {}): CliResult {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true', ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? '',
    env: env as NodeJS.ProcessEnv,
    encoding: 'utf8',
    timeout: options.timeoutMs ?? 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

const made: string[] = [];

/** A new folder in the temp directory, removed when the test file is done (test/helpers/cleanup.ts). */
export function tempDir(prefix = 'retell-kit-'): string {
  const dir = mkdtempSync(path.join(tmpdir(), prefix));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export function fixture(...parts: string[]): string {
  return path.join(ROOT, 'fixtures', ...parts);
}
