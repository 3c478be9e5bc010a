import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { createServer, retentionFromConfig, type RetellKitServer } from '../server/app.js';
import { watchLauncher } from '../server/parent-watch.js';
import { chooseStore, describeStore, openStore } from '../store/open.js';

export interface ServeFlags {
  port?: number;
  host?: string;
  config?: string;
  store?: string;
  record?: string;
  insecureNoVerify?: boolean;
  /** Seconds to wait for another process to let go of the store (a handover). */
  waitForLock?: number;
}

/** Flags -> createServer -> listen; stays up until SIGTERM/SIGINT, then drains and exits 0. */
export async function runServe(flags: ServeFlags): Promise<number> {
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const base = filepath ? path.dirname(filepath) : cwd;
  const target = chooseStore({ flag: flags.store, config: config.server?.store, base, env: process.env });
  // SQLite: one process owns the file, a second serve on it stops here in one line naming the holder.
  // Postgres: any number of replicas share the database.
  const store = await openStore(target, {
    waitForLockMs: (flags.waitForLock ?? 0) * 1000,
    command: 'retell-kit serve',
    retention: retentionFromConfig(config.server ?? {}),
    poolSize: config.server?.storePoolSize,
  });
  let server: RetellKitServer;
  try {
    server = createServer(config, {
      insecureNoVerify: flags.insecureNoVerify,
      store,
      recordDir: flags.record ?? (config.server?.record ? path.resolve(base, config.server.record) : undefined),
      log: (line) => process.stderr.write(line),
      pretty: Boolean(process.stderr.isTTY),
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  try {
    await server.listen(flags.port ?? config.server?.port ?? 8787, flags.host ?? config.server?.host ?? '127.0.0.1');
  } catch (error) {
    await server.close();
    throw error;
  }
  const functions = server.registry.functionNames;
  // Everything serve says goes through its logger: one stream, JSON or pretty, never mixed.
  server.logger.info(`serving on ${server.url}`, { config: filepath ? path.relative(cwd, filepath) || filepath : 'none', store: describeStore(target), functions });
  if (!filepath && functions.length === 0) {
    server.logger.warn('no config found and no functions: webhooks are stored and acknowledged but nothing handles them (add retell-kit.config.mjs or pass --config)');
  }
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      server.logger.info(`${signal}: finishing in-flight work`);
      server.close().then(
        () => {
          resolve(0);
          // Handlers abandoned after the shutdown window may still hold timers or sockets: they must
          // not keep the process alive (or touch the closed store) after it said it stopped.
          setTimeout(() => process.exit(0), 50).unref();
        },
        (error: unknown) => {
          server.logger.error('shutdown trouble', { error: error instanceof Error ? error.message : String(error) });
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
    // Started through npx / npm start: if npm goes away without passing the signal on, drain anyway.
    watchLauncher(() => {
      server.logger.warn('the npm process that started serve is gone (a signal it did not pass on?): stopping as on SIGTERM; start serve with `node node_modules/.bin/retell-kit serve` in production');
      stop('SIGTERM');
    });
    // A handler's forgotten promise must not take every other call down with it.
    process.on('unhandledRejection', (reason) => {
      server.logger.error('unhandled promise rejection (a handler forgot an await or a catch?); serve keeps running', { error: reason instanceof Error ? reason.message : String(reason) });
    });
  });
}

