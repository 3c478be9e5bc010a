import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { createServer } from '../server/app.js';

export interface ServeFlags {
  port?: number;
  host?: string;
  config?: string;
  store?: string;
  record?: string;
  insecureNoVerify?: boolean;
}

/** Flags -> createServer -> listen; stays up until SIGTERM/SIGINT, then drains and exits 0. */
export async function runServe(flags: ServeFlags): Promise<number> {
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const base = filepath ? path.dirname(filepath) : cwd;
  const server = createServer(config, {
    insecureNoVerify: flags.insecureNoVerify,
    storePath: flags.store ?? (config.server?.store ? path.resolve(base, config.server.store) : undefined),
    recordDir: flags.record ?? (config.server?.record ? path.resolve(base, config.server.record) : undefined),
    log: (line) => process.stderr.write(line),
    pretty: Boolean(process.stderr.isTTY),
  });
  try {
    await server.listen(flags.port ?? config.server?.port ?? 8787, flags.host ?? config.server?.host ?? '127.0.0.1');
  } catch (error) {
    await server.close();
    throw error;
  }
  const functions = server.registry.functionNames;
  process.stderr.write(
    `retell-kit: serving on ${server.url} (config: ${filepath ? path.relative(cwd, filepath) || filepath : 'none'}; ` +
      `${functions.length} function${functions.length === 1 ? '' : 's'}${functions.length ? `: ${functions.join(', ')}` : ''})\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      if (stopping) return;
      stopping = true;
      process.stderr.write(`retell-kit: ${signal}: finishing in-flight work\n`);
      server.close().then(
        () => resolve(0),
        (error: unknown) => {
          process.stderr.write(`retell-kit: shutdown trouble: ${error instanceof Error ? error.message : String(error)}\n`);
          resolve(1);
        },
      );
    };
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
}

