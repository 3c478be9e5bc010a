import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { ExitCode, KitError } from '../errors.js';
import type { HandlerConfig } from '../handlers/registry.js';
import { formatReport, replay, REPLAY_FORMATS, type ReplayFormat } from '../replay/index.js';
import type { Store } from '../store/store.js';
import { useColor } from '../util/color.js';

export interface ReplayFlags {
  config?: string;
  format?: string;
  ignore?: string[];
  update?: boolean;
  store?: string;
  redeliver?: number;
  target?: string;
  relativeDates?: boolean;
  allowNetwork?: boolean;
}

/** Flags -> replay() -> print the report -> 0 all same, 1 any difference or failure, 2 bad input. */
export async function runReplay(inputs: string[], flags: ReplayFlags): Promise<number> {
  const format = (flags.format ?? 'text') as ReplayFormat;
  if (!REPLAY_FORMATS.includes(format)) throw new KitError('usage', `unknown format "${flags.format}"`, { hint: `use ${REPLAY_FORMATS.join(', ')}` });
  if (flags.redeliver !== undefined && (flags.redeliver < 1 || flags.redeliver > 1000)) throw new KitError('usage', '--redeliver takes 1 to 1000 deliveries');
  if (flags.update && flags.redeliver && flags.redeliver > 1) throw new KitError('usage', '--update and --redeliver do not go together', { hint: 'update the answers first, then prove exactly-once' });
  if (flags.update && flags.target) throw new KitError('usage', '--update rewrites recordings from your own handlers: run it without --target');
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  let target: { url: string; apiKey: string } | undefined;
  if (flags.target) {
    let url: URL;
    try {
      url = new URL(flags.target);
    } catch {
      throw new KitError('usage', `--target "${flags.target}" is not a URL`, { hint: 'e.g. --target http://127.0.0.1:8787' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new KitError('usage', `--target must be http(s), not ${url.protocol}`);
    const apiKey = process.env.RETELL_API_KEY || config.server?.apiKey;
    if (!apiKey) throw new KitError('config', 'no API key to sign requests to the target with', { hint: 'set RETELL_API_KEY to the key the target serve verifies with' });
    target = { url: flags.target, apiKey };
  } else if (!filepath) {
    throw new KitError('config', 'no config file with handlers found', { hint: 'pass --config retell-kit.config.mjs, or run from the project folder' });
  }
  let store: Store | undefined;
  if (flags.store) {
    const { SqliteStore } = await import('../store/sqlite.js');
    store = new SqliteStore({ file: path.resolve(cwd, flags.store) });
  }
  try {
    const report = await replay(inputs, config as HandlerConfig, {
      cwd,
      ignore: [...(config.replay?.ignore ?? []), ...(flags.ignore ?? [])],
      update: flags.update,
      store,
      redeliver: flags.redeliver,
      target,
      relativeDates: flags.relativeDates,
      allowNetwork: flags.allowNetwork,
    });
    process.stdout.write(formatReport(report, format, { color: format === 'text' && useColor(process.stdout) }));
    return report.summary.failedCalls > 0 ? ExitCode.findings : ExitCode.ok;
  } finally {
    await store?.close();
  }
}
