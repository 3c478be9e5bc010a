import path from 'node:path';
import type { z } from 'zod';
import { KitError } from '../errors.js';
import { configSchema, type RetellKitConfig } from './schema.js';

export const MODULE_NAME = 'retell-kit';

export interface LoadedConfig {
  /** Absolute path of the config file, or undefined when none was found. */
  filepath?: string;
  config: RetellKitConfig;
}

/** `file: key.path: what was expected` for the first problem zod found. */
export function formatConfigIssue(file: string, issue: z.core.$ZodIssue): string {
  const key = issue.path.length ? issue.path.map(String).join('.') : '(root)';
  let what = issue.message;
  if (issue.code === 'unrecognized_keys') {
    return `${file}: ${key === '(root)' ? '' : key + '.'}${issue.keys.join(', ')}: unknown key${issue.keys.length > 1 ? 's' : ''} (remove ${issue.keys.length > 1 ? 'them' : 'it'}, or check the spelling)`;
  }
  if (issue.code === 'invalid_union' || issue.code === 'invalid_value') {
    what = issue.message.replace(/^Invalid (option|input): /, '');
  }
  return `${file}: ${key}: ${what}`;
}

/** Validate a config object. Throws a KitError (exit 2) that names the file and the key. */
export function validateConfig(value: unknown, file: string): RetellKitConfig {
  const result = configSchema.safeParse(value ?? {});
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new KitError('config', formatConfigIssue(file, issue).replace(`${file}: `, ''), { file });
  }
  return result.data;
}

/**
 * Find and load the config: `--config path` when given, else cosmiconfig's search from cwd up to the
 * project root (retell-kit.config.{js,mjs,cjs,ts,json,yaml,yml}, .retell-kitrc*, package.json#retell-kit).
 */
export async function loadConfig(options: { configPath?: string; cwd?: string } = {}): Promise<LoadedConfig> {
  const cwd = options.cwd ?? process.cwd();
  const { cosmiconfig } = await import('cosmiconfig');
  const explorer = cosmiconfig(MODULE_NAME, {
    searchStrategy: 'project',
    searchPlaces: [
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
    ],
  });
  let found: { filepath: string; config: unknown; isEmpty?: boolean } | null;
  const shown = (p: string) => path.relative(cwd, p) || p;
  try {
    found = options.configPath ? await explorer.load(path.resolve(cwd, options.configPath)) : await explorer.search(cwd);
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    if (options.configPath && err.code === 'ENOENT') {
      throw new KitError('config', 'config file not found', { file: options.configPath, hint: 'check the --config path', cause: error });
    }
    const file = options.configPath ?? (typeof (err as { filepath?: string }).filepath === 'string' ? shown((err as { filepath?: string }).filepath!) : 'config');
    throw new KitError('config', `cannot load config: ${err.message.split('\n')[0]}`, { file, cause: error });
  }
  if (!found) return { config: {} };
  const raw = found.config && typeof found.config === 'object' && 'default' in (found.config as object) ? (found.config as { default: unknown }).default : found.config;
  return { filepath: found.filepath, config: validateConfig(raw, shown(found.filepath)) };
}

/** Identity helper that gives config files type checking and completion. */
export function defineConfig<T extends RetellKitConfig>(config: T): T {
  return config;
}
