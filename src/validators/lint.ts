import { expandInputs, loadFile, loadText, readStdin, type LoadedFile } from '../flow/load.js';
import type { SourceFormat } from '../flow/source.js';
import { lintLoaded, type FileResult, type LintOptions } from './engine.js';

export type { FileResult, LintOptions, RuleSetting } from './engine.js';
// Config and --rule resolution lives in config/lint-options.ts; re-exported for the public API's import path.
export { parseRuleFlags, resolveLintOptions } from '../config/lint-options.js';

export interface LintFilesOptions extends LintOptions {
  cwd?: string;
  stdinFilename?: string;
  readStdin?: () => Promise<string>;
}

/** Lint files, directories, globs and '-' (stdin). I/O trouble throws a KitError; findings never throw. */
export async function lintFiles(inputs: readonly string[], options: LintFilesOptions = {}): Promise<FileResult[]> {
  const cwd = options.cwd ?? process.cwd();
  const files = await expandInputs(inputs, cwd);
  const results: FileResult[] = [];
  for (const file of files) {
    let loaded: LoadedFile;
    if (file === '-') {
      const text = await (options.readStdin ?? readStdin)();
      loaded = loadText(text, { path: options.stdinFilename ?? '<stdin>' });
    } else {
      loaded = await loadFile(file, cwd);
    }
    results.push(lintLoaded(loaded, options));
  }
  // Reports are ordered by file, whatever order the shell or the glob gave.
  return results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
}

/**
 * Lint one flow given as text or as an already parsed object (programmatic API). Objects are
 * serialised so that diagnostics still carry line and column.
 */
export function lintFlow(input: string | object, options: LintOptions & { path?: string; format?: SourceFormat } = {}): FileResult {
  const text = typeof input === 'string' ? input : JSON.stringify(input, null, 2);
  return lintLoaded(loadText(text, { path: options.path, format: options.format }), options);
}
