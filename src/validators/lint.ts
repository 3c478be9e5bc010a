import { KitError } from '../errors.js';
import type { LintConfig } from '../config/schema.js';
import { expandInputs, loadFile, loadText, readStdin, type LoadedFile } from '../flow/load.js';
import type { SourceFormat } from '../flow/source.js';
import { suggest } from '../util/suggest.js';
import { getRule, lintLoaded, listRules, type FileResult, type LintOptions, type RuleSetting } from './engine.js';

export type { FileResult, LintOptions, RuleSetting } from './engine.js';

/** Turn config rules plus --rule overrides into engine options, rejecting unknown ids and bad options. */
export function resolveLintOptions(config: LintConfig = {}, overrides: Record<string, RuleSetting> = {}, source = 'config'): LintOptions {
  const rules: Record<string, RuleSetting> = {};
  const ruleOptions: Record<string, unknown> = {};
  const known = listRules().map((r) => r.id);
  const check = (id: string, where: string) => {
    if (!getRule(id)) {
      const near = suggest(id, known);
      throw new KitError('config', `unknown rule "${id}"`, { file: where, hint: near ? `did you mean "${near}"?` : 'run retell-kit lint --list-rules' });
    }
  };
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    check(id, source);
    if (Array.isArray(setting)) {
      rules[id] = setting[0];
      const schema = getRule(id)!.meta.options;
      if (!schema) throw new KitError('config', `rules.${id}: this rule takes no options`, { file: source, hint: `write "${setting[0]}" instead of a list` });
      const parsed = schema.safeParse(setting[1]);
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        throw new KitError('config', `rules.${id}[1]${issue.path.length ? '.' + issue.path.join('.') : ''}: ${issue.message}`, { file: source });
      }
      ruleOptions[id] = parsed.data;
    } else {
      rules[id] = setting;
    }
  }
  for (const [id, severity] of Object.entries(overrides)) {
    check(id, '--rule');
    rules[id] = severity;
  }
  return {
    rules,
    ruleOptions,
    settings: { requiredFunctions: config.requiredFunctions ?? [], variables: config.variables ?? [] },
  };
}

/** Parse `id:severity` flags. */
export function parseRuleFlags(flags: readonly string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const flag of flags) {
    const m = /^([\w-]+)\s*[:=]\s*(off|error|warning|warn|info)$/.exec(flag.trim());
    if (!m) throw new KitError('usage', `--rule "${flag}": expected id:severity, e.g. --rule no-unreachable-node:off`, { hint: 'severity is off, error, warning or info' });
    out[m[1]!] = (m[2] === 'warn' ? 'warning' : m[2]) as RuleSetting;
  }
  return out;
}

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
