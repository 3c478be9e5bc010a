import path from 'node:path';
import { collectInputs, displayPath, loadBytes, loadFile, loadText, readStdinBytes, type LoadedFile, type SkippedFile } from '../flow/load.js';
import type { IgnoreGroup } from '../flow/ignore.js';
import type { SourceFormat } from '../flow/source.js';
import { isObject } from '../retell/wire.js';
import { lintLoaded, listRules, type FileResult, type RuleSetting, type LintOptions, type LintTimings } from './engine.js';

export type { FileResult, LintOptions, LintTimings } from './engine.js';
export type { RuleSetting };
export type { SkippedFile } from '../flow/load.js';
// Config and --rule resolution lives in config/lint-options.ts; re-exported for the public API's import path.
export { parseRuleFlags, resolveLintOptions } from '../config/lint-options.js';

/** Options for the files a glob matches (config `lint.overrides`), relative to `base`. */
export interface LintOverride {
  base: string;
  files: readonly string[];
  options: LintOptions;
}

export interface LintFilesOptions extends LintOptions {
  cwd?: string;
  stdinFilename?: string;
  readStdin?: () => Promise<string>;
  /** Ignore patterns with their base folder (config `ignores` from the config's folder, --ignore-pattern from cwd). */
  ignores?: readonly IgnoreGroup[];
  /** Later overrides win; each merges its rules and options over the base options. */
  overrides?: readonly LintOverride[];
  /** Called with each file once it is parsed, before its rules run (the CLI tunes V8 to its size there). */
  beforeLint?: (file: LoadedFile) => void;
}

export interface LintRun {
  results: FileResult[];
  /** Files a folder or glob found that were not linted: ignored by a pattern, or not Retell files. */
  skipped: SkippedFile[];
}

/** Keys that say a document was meant as a Retell file even when it is not a well-formed one. */
const RETELL_KEYS = ['nodes', 'start_node_id', 'global_prompt', 'conversation_flow_id', 'model_choice', 'start_speaker', 'components', 'tools', 'response_engine', 'agent_id', 'llm_id', 'call_id', 'conversationFlow', 'conversation_flow', 'items'];

/** A document with nothing of Retell in it (a compose file, a renovate config, a lint report): skipped when a folder or glob found it. */
function isForeign(loaded: LoadedFile): boolean {
  if (loaded.flows.length > 0 || loaded.problems.length !== 1) return false;
  const [problem] = loaded.problems;
  if (problem!.pointer !== '') return false;
  if (problem!.kind === 'not-an-object') return true;
  return problem!.kind === 'unrecognised' && isObject(loaded.value) && !RETELL_KEYS.some((k) => Object.hasOwn(loaded.value as object, k));
}

function optionsFor(file: string, cwd: string, options: LintFilesOptions, overrides: readonly { matches: (abs: string) => boolean; options: LintOptions }[]): LintOptions {
  if (overrides.length === 0 || file === '-') return options;
  const abs = path.resolve(cwd, file);
  let merged: LintOptions = options;
  for (const o of overrides) {
    if (!o.matches(abs)) continue;
    merged = {
      ...merged,
      rules: { ...merged.rules, ...o.options.rules },
      ruleOptions: { ...merged.ruleOptions, ...o.options.ruleOptions },
      settings: { ...merged.settings, ...o.options.settings },
    };
  }
  return merged;
}

/**
 * Lint files, directories, globs and '-' (stdin), and say which found files were left alone. I/O
 * trouble throws a KitError; findings never throw.
 */
export async function lintRun(inputs: readonly string[], options: LintFilesOptions = {}): Promise<LintRun> {
  const cwd = options.cwd ?? process.cwd();
  const matchers = options.ignores?.length || options.overrides?.length ? await import('../flow/ignore.js') : undefined;
  const ignored = options.ignores?.length ? matchers!.ignoreMatcher(options.ignores) : undefined;
  const { files, skipped } = await collectInputs(inputs, cwd, { ignored });
  const overrides = (options.overrides ?? []).map((o) => ({ matches: matchers!.filesMatcher(o.base, o.files), options: o.options }));
  const results: FileResult[] = [];
  for (const file of files) {
    let loaded: LoadedFile;
    const started = options.timings ? performance.now() : 0;
    if (file.path === '-') {
      const where = { path: options.stdinFilename ?? '<stdin>' };
      loaded = options.readStdin ? loadText(await options.readStdin(), where) : loadBytes(await readStdinBytes(), where);
    } else {
      loaded = await loadFile(file.path, cwd);
    }
    if (options.timings) options.timings.parse += performance.now() - started;
    if (!file.explicit && isForeign(loaded)) {
      skipped.push({ file: loaded.path, reason: 'not-retell', explicit: false });
      continue;
    }
    options.beforeLint?.(loaded);
    results.push(lintLoaded(loaded, optionsFor(file.path, cwd, options, overrides)));
  }
  // Reports are ordered by file, whatever order the shell or the glob gave.
  results.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { results, skipped };
}

/** Lint files, directories, globs and '-' (stdin). I/O trouble throws a KitError; findings never throw. */
export async function lintFiles(inputs: readonly string[], options: LintFilesOptions = {}): Promise<FileResult[]> {
  return (await lintRun(inputs, options)).results;
}

/**
 * Lint one flow given as text or as an already parsed object (programmatic API). Objects are
 * serialised so that diagnostics still carry line and column.
 */
export function lintFlow(input: string | object, options: LintOptions & { path?: string; format?: SourceFormat } = {}): FileResult {
  const text = typeof input === 'string' ? input : JSON.stringify(input, null, 2);
  return lintLoaded(loadText(text, { path: options.path, format: options.format }), options);
}

/** What `--print-config <file>` shows: every rule's effective setting for that file, and whether it is ignored. */
export interface EffectiveConfig {
  file: string;
  ignored: boolean;
  rules: Record<string, RuleSetting | [RuleSetting, unknown]>;
  requiredFunctions: string[];
  variables: string[];
}

export async function effectiveConfig(file: string, options: LintFilesOptions = {}): Promise<EffectiveConfig> {
  const cwd = options.cwd ?? process.cwd();
  const abs = path.resolve(cwd, file);
  const { filesMatcher, ignoreMatcher } = await import('../flow/ignore.js');
  const ignored = options.ignores?.length ? ignoreMatcher(options.ignores)(abs) : false;
  const overrides = (options.overrides ?? []).map((o) => ({ matches: filesMatcher(o.base, o.files), options: o.options }));
  const merged = optionsFor(file, cwd, options, overrides);
  const rules: EffectiveConfig['rules'] = {};
  for (const rule of listRules()) {
    const severity = merged.rules?.[rule.id] ?? rule.meta.defaultSeverity;
    const ruleOptions = merged.ruleOptions?.[rule.id];
    rules[rule.id] = ruleOptions === undefined ? severity : [severity, ruleOptions];
  }
  return { file: displayPath(file, cwd), ignored, rules, requiredFunctions: [...(merged.settings?.requiredFunctions ?? [])], variables: [...(merged.settings?.variables ?? [])] };
}
