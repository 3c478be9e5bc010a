import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { KitError } from '../errors.js';
import { parseSource, type SourceFormat } from '../flow/source.js';
import { importModule } from '../util/import-module.js';

// cosmiconfig finds the config; these load it, so that trouble says why: a JSON or YAML syntax error
// with the parser's reason and position (cosmiconfig's own loaders print "YAML Error in <path>:"
// and put the reason on a second line), a JS syntax error as one (cosmiconfig falls back to
// require() and reports its "not yet fully loaded ... race condition" instead), a .ts config on a
// Node that cannot load it with what to do.

type Loader = (filepath: string, content: string) => Promise<unknown> | unknown;

const shown = (cwd: string, file: string) => path.relative(cwd, file) || file;

function dataLoader(format: SourceFormat, cwd: string): Loader {
  return (filepath, content) => {
    // A config that is JSON in a YAML-named file (.retell-kitrc) parses as YAML too.
    const parsed = parseSource(filepath, content, format);
    if (!parsed.ok) {
      const { line, column } = parsed.error.range;
      throw new KitError('config', `${line}:${column}: ${parsed.error.message}`, { file: shown(cwd, filepath), hint: 'fix the syntax, or run the file through a JSON/YAML validator' });
    }
    return parsed.value;
  };
}

/** `file:LINE` and the SyntaxError line from `node --check`, which prints where ESM import() does not. */
function syntaxPosition(filepath: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--check', filepath], { timeout: 10_000 }, (_error, _stdout, stderr) => {
      const line = /:(\d+)\r?\n/.exec(stderr)?.[1];
      resolve(line);
    });
  });
}

function jsLoader(cwd: string): Loader {
  return async (filepath) => {
    try {
      const mod = await importModule<{ default?: unknown }>(pathToFileURL(filepath).href);
      return 'default' in mod ? mod.default : mod;
    } catch (error) {
      const err = error as Error & { code?: string };
      if (err instanceof SyntaxError) {
        const line = await syntaxPosition(filepath);
        throw new KitError('config', `${line ? `line ${line}: ` : ''}JavaScript syntax error: ${err.message}`, { file: shown(cwd, filepath), hint: `node --check ${shown(cwd, filepath)} shows where`, cause: error });
      }
      if (err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') {
        throw new KitError('config', `cannot load config: ${err.message.split('\n')[0]}`, { file: shown(cwd, filepath), hint: 'install the package it imports, next to the config', cause: error });
      }
      throw new KitError('config', `the config threw while loading: ${err.message?.split('\n')[0] ?? String(error)}`, { file: shown(cwd, filepath), hint: 'run with --debug for the stack', cause: error });
    }
  };
}

/**
 * A .ts config: Node's own type stripping where it has it (22.18+, 23.6+), else the project's
 * `typescript` package through cosmiconfig's loader; neither is one clear line saying what to do.
 */
function tsLoader(cwd: string, fallback: Loader): Loader {
  const js = jsLoader(cwd);
  return async (filepath, content) => {
    if ((process.features as { typescript?: string | false }).typescript) return js(filepath, content);
    try {
      return await fallback(filepath, content);
    } catch (error) {
      const err = error as Error & { code?: string };
      if ((err.code === 'ERR_MODULE_NOT_FOUND' || err.code === 'MODULE_NOT_FOUND') && /typescript/.test(err.message)) {
        throw new KitError('config', `a .ts config needs Node 22.18 or later, or the typescript package (this is Node ${process.versions.node} without it)`, {
          file: shown(cwd, filepath),
          hint: 'npm i -D typescript, or rename it retell-kit.config.mjs',
          cause: error,
        });
      }
      throw new KitError('config', `cannot load config: ${err.message.split('\n').filter(Boolean).slice(0, 2).join(': ')}`, { file: shown(cwd, filepath), cause: error });
    }
  };
}

export function configLoaders(cwd: string, defaults: Record<string, Loader>): Record<string, Loader> {
  const js = jsLoader(cwd);
  return {
    '.json': dataLoader('json', cwd),
    '.yaml': dataLoader('yaml', cwd),
    '.yml': dataLoader('yaml', cwd),
    noExt: dataLoader('yaml', cwd),
    '.js': js,
    '.mjs': js,
    '.cjs': js,
    '.ts': tsLoader(cwd, defaults['.ts']!),
  };
}

/**
 * Config files of ours sitting side by side in one folder (package.json's "retell-kit" key counts):
 * which one wins would be an accident of search order, so lint refuses to guess.
 */
export function rivalConfigs(found: string, searchPlaces: readonly string[], hasPackageKey: (file: string) => boolean): string[] {
  const dir = path.dirname(found);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  return searchPlaces.filter((place) => names.includes(place) && (place !== 'package.json' || hasPackageKey(path.join(dir, place))));
}
