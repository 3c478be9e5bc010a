import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isKitError, KitError } from '../errors.js';
import type { RetellKitConfig } from './schema.js';
import { importModule } from '../util/import-module.js';

export const MODULE_NAME = 'retell-kit';

export interface LoadedConfig {
  /** Absolute path of the config file, or undefined when none was found. */
  filepath?: string;
  config: RetellKitConfig;
}

/** Validate a config object. Throws a KitError (exit 2) that names the file and the key. */
export async function validateConfig(value: unknown, file: string): Promise<RetellKitConfig> {
  // The schema pulls in zod (~90 ms to load): only runs that found a config file pay for it.
  const { configSchema } = await import('./schema.js');
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) {
    // The wording is shared with rule options and --rule (config/lint-options.ts); loaded only on this error path.
    const { configError } = await import('./lint-options.js');
    throw configError(file, result.error.issues[0]!, value ?? {});
  }
  return result.data;
}

const SEARCH_PLACES = [
  'package.json',
  `.${MODULE_NAME}rc`,
  `.${MODULE_NAME}rc.json`,
  `.${MODULE_NAME}rc.yaml`,
  `.${MODULE_NAME}rc.yml`,
  `.${MODULE_NAME}rc.js`,
  `.${MODULE_NAME}rc.mjs`,
  `.${MODULE_NAME}rc.cjs`,
  `${MODULE_NAME}.config.js`,
  `${MODULE_NAME}.config.mjs`,
  `${MODULE_NAME}.config.cjs`,
  `${MODULE_NAME}.config.ts`,
  `${MODULE_NAME}.config.json`,
  `${MODULE_NAME}.config.yaml`,
  `${MODULE_NAME}.config.yml`,
];

/**
 * False only when no folder cosmiconfig would search holds a config: then lint skips cosmiconfig,
 * whose loading and ~15 stats a folder cost ~40 ms, as much as linting a real flow. Up to the project
 * root (the first folder with package.json) like searchStrategy 'project', it asks for each name
 * cosmiconfig would look for, as cosmiconfig does (so a case-insensitive file system answers alike):
 * ~16 cheap stats a folder, where a readdir costs as much as the folder is big (a tmp or home folder
 * of thousands of entries took longer than the lint). Anything unusual (cosmiconfig's own .config/
 * meta config, package.yaml, a folder or package.json it cannot read) answers true, so cosmiconfig
 * decides with its full rules.
 */
export function mayHaveConfig(cwd: string): boolean {
  const exists = (file: string): boolean => {
    try {
      return statSync(file, { throwIfNoEntry: false }) !== undefined;
    } catch (error) {
      // A path through a file is no entry (Node 24 says so itself, Node 20 throws ENOTDIR); anything else
      // (EACCES, ELOOP...): let cosmiconfig say what it makes of it.
      return (error as NodeJS.ErrnoException).code !== 'ENOTDIR';
    }
  };
  let dir = path.resolve(cwd);
  for (let first = true; ; first = false) {
    if (MAY_CONFIGURE.some((name) => exists(path.join(dir, name))) || (first && exists(path.join(dir, '.config')))) return true;
    const pkgFile = path.join(dir, 'package.json');
    if (exists(pkgFile)) {
      try {
        const pkg = JSON.parse(readFileSync(pkgFile, 'utf8')) as unknown;
        return typeof pkg !== 'object' || pkg === null || MODULE_NAME in pkg || 'cosmiconfig' in pkg;
      } catch {
        return true;
      }
    }
    const parent = path.dirname(dir);
    if (parent === dir) return false;
    dir = parent;
  }
}

/** The search places but package.json (read for its key), plus cosmiconfig's package.yaml. */
const MAY_CONFIGURE = [...SEARCH_PLACES.filter((p) => p !== 'package.json'), 'package.yaml'];

/**
 * Find and load the config: `--config path` when given, else cosmiconfig's search from cwd up to the
 * project root (retell-kit.config.{js,mjs,cjs,ts,json,yaml,yml}, .retell-kitrc*, package.json#retell-kit).
 */
export async function loadConfig(options: { configPath?: string; cwd?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  if (!options.configPath && !mayHaveConfig(cwd)) return { config: {} };
  const { cosmiconfig, defaultLoaders } = await importModule<typeof import('cosmiconfig')>('cosmiconfig');
  const { configLoaders, rivalConfigs } = await import('./loaders.js');
  const explorer = cosmiconfig(MODULE_NAME, { searchStrategy: 'project', searchPlaces: SEARCH_PLACES, loaders: configLoaders(cwd, defaultLoaders as never) });
  let found: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  const shown = (p: string) => path.relative(cwd, p) || p;
  try {
    found = options.configPath ? await explorer.load(path.resolve(cwd, options.configPath)) : await explorer.search(cwd);
  } catch (error) {
    if (isKitError(error)) throw error;
    const err = error as NodeJS.ErrnoException;
    if (options.configPath && err.code === 'ENOENT') {
      throw new KitError('config', 'config file not found', { file: options.configPath, hint: 'check the --config path', cause: error });
    }
    const file = options.configPath ?? (typeof (err as { filepath?: string }).filepath === 'string' ? shown((err as { filepath?: string }).filepath!) : 'config');
    throw new KitError('config', `cannot load config: ${err.message.split('\n')[0]}`, { file, cause: error });
  }
  if (!found) return { config: {} };
  if (!options.configPath) {
    const rivals = rivalConfigs(found.filepath, SEARCH_PLACES, hasPackageKey);
    if (rivals.length > 1) {
      const names = rivals.map((r) => (r === 'package.json' ? `package.json "${MODULE_NAME}"` : r));
      const dir = path.relative(cwd, path.dirname(found.filepath));
      throw new KitError('config', `${names.join(' and ')} both configure retell-kit${dir ? ` in ${dir}` : ''}: keep one`, {
        hint: 'move the settings of one into the other, or pick one with --config',
      });
    }
  }
  const raw = found.config && typeof found.config === 'object' && 'default' in (found.config as object) ? (found.config as { default: unknown }).default : found.config;
  return { filepath: found.filepath, config: await validateConfig(raw, shown(found.filepath)) };
}

function hasPackageKey(file: string): boolean {
  try {
    const pkg = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof pkg === 'object' && pkg !== null && MODULE_NAME in pkg;
  } catch {
    return false;
  }
}

/** Identity helper that gives config files type checking and completion. */
export function defineConfig<T extends RetellKitConfig>(config: T): T {
  return config;
}
