import path from 'node:path';
import { countBySeverity } from '../diagnostic.js';
import { KitError, ExitCode } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { parseRuleFlags, resolveLintOptions, resolveOverrides } from '../config/lint-options.js';
import { planOutputs, writeOutputs } from '../report/outputs.js';
import { renderRuleList } from '../report/rule-list.js';
import { renderSkipped, renderStats } from '../report/run-notes.js';
import { version } from '../version.js';
import { emptyTimings, listRules } from '../validators/engine.js';
import { effectiveConfig, lintRun, type FileResult, type LintFilesOptions } from '../validators/lint.js';
import { useColor } from '../util/color.js';
import { stdoutIsTTY, writeStdout } from '../util/stdout.js';
import { setOsr, tuneJitFor } from '../util/jit.js';

export interface LintFlags {
  format: string[];
  outputFile: string[];
  maxWarnings?: number;
  quiet?: boolean;
  rule: string[];
  config?: string;
  listRules?: boolean;
  baseline?: string;
  baselineWrite?: string;
  stdinFilename?: string;
  ignorePattern: string[];
  printConfig?: string;
  /** --color / --no-color; undefined leaves it to NO_COLOR, FORCE_COLOR and the terminal. */
  color?: boolean;
  stats?: boolean;
  fix?: boolean;
  fixDryRun?: boolean;
}

export async function runLint(inputs: string[], flags: LintFlags): Promise<number> {
  const cwd = process.cwd();
  if (flags.listRules) {
    writeStdout(renderRuleList(listRules(), flags.format.includes('json') ? 'json' : 'text'));
    return ExitCode.ok;
  }
  if (inputs.length === 0 && !flags.printConfig) {
    throw new KitError('usage', 'no input: give flow files, directories or globs', { hint: 'e.g. retell-kit lint flows/ (or - to read stdin)' });
  }
  const outputs = planOutputs(flags.format, flags.outputFile);
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const configName = filepath ? path.relative(cwd, filepath) || filepath : 'config';
  const configDir = filepath ? path.dirname(filepath) : cwd;
  const cliRules = parseRuleFlags(flags.rule);
  const options: LintFilesOptions = {
    ...resolveLintOptions(config.lint, cliRules, configName),
    cwd,
    stdinFilename: flags.stdinFilename,
    ignores: [
      ...(config.lint?.ignores?.length ? [{ base: configDir, patterns: config.lint.ignores }] : []),
      ...(flags.ignorePattern.length ? [{ base: cwd, patterns: flags.ignorePattern }] : []),
    ],
    overrides: resolveOverrides(config.lint, cliRules, configName).map((o) => ({ base: configDir, ...o })),
    timings: flags.stats ? emptyTimings() : undefined,
    beforeLint: (file) => tuneJitFor(file.source.text.length),
  };
  // Functions the config declares idempotent count as safe for Retell's max_retry (max-retry-idempotent).
  const declared = Object.entries(config.functions ?? {}).filter(([, fn]) => (fn as { idempotent?: boolean }).idempotent).map(([name]) => name);
  if (declared.length) options.settings = { ...options.settings, idempotentFunctions: [...(options.settings?.idempotentFunctions ?? []), ...declared] };
  if (flags.printConfig) {
    writeStdout(`${JSON.stringify({ config: filepath ? configName : null, ...(await effectiveConfig(flags.printConfig, options)) }, null, 2)}\n`);
    return ExitCode.ok;
  }
  const maxWarnings = flags.maxWarnings ?? config.lint?.maxWarnings ?? -1;

  if ((flags.fix || flags.fixDryRun) && inputs.includes('-')) {
    throw new KitError('usage', '--fix cannot write back to stdin', { hint: 'give the file path instead of -' });
  }
  const run = await lintRun(inputs, options);
  setOsr(true);
  let results: FileResult[] = run.results;
  if (run.skipped.length && !flags.quiet) process.stderr.write(renderSkipped(run.skipped));

  if (flags.fix || flags.fixDryRun) {
    const { fixFile, unifiedDiff } = await import('../validators/fix.js');
    const fixed = [];
    for (const result of results) {
      const file = await fixFile(result, cwd);
      if (file?.skipped) process.stderr.write(`retell-kit: ${file.file}: not fixed: ${file.skipped}\n`);
      else if (file?.applied) fixed.push(file);
    }
    const count = fixed.reduce((n, f) => n + f.applied, 0);
    const summary = `${count} fix${count === 1 ? '' : 'es'} in ${fixed.length} file${fixed.length === 1 ? '' : 's'}`;
    if (flags.fixDryRun) {
      for (const f of fixed) writeStdout(unifiedDiff(f.file, f.before, f.after));
      process.stderr.write(`retell-kit: --fix-dry-run: ${summary} (nothing written)\n`);
      return ExitCode.ok;
    }
    const { writeAtomically } = await import('../report/write.js');
    for (const f of fixed) await writeAtomically(f.absPath, f.after);
    if (fixed.length) {
      process.stderr.write(`retell-kit: applied ${summary}\n`);
      // Report what is left, as ESLint does.
      results = (await lintRun(inputs, options)).results;
      setOsr(true);
    }
  }

  const baselineModule = flags.baseline || flags.baselineWrite ? await import('../validators/baseline.js') : undefined;
  if (flags.baselineWrite) {
    const count = await baselineModule!.writeBaseline(results, flags.baselineWrite);
    process.stderr.write(`retell-kit: recorded ${count} finding${count === 1 ? '' : 's'} in ${flags.baselineWrite}\n`);
    return ExitCode.ok;
  }
  let suppressed = 0;
  let suppressedResults: FileResult[] = [];
  if (flags.baseline) {
    const applied = baselineModule!.applyBaseline(results, await baselineModule!.readBaseline(flags.baseline));
    results = applied.results;
    suppressed = applied.suppressed;
    suppressedResults = applied.suppressedResults;
  }

  // --quiet hides warnings and infos, and what it hides cannot fail the run (ESLint's behaviour).
  const shown = flags.quiet ? results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') })) : results;
  const counts = countBySeverity(shown.flatMap((r) => r.diagnostics));

  const color = flags.color ?? useColor({ get isTTY() { return stdoutIsTTY(); } });
  await writeOutputs(outputs, shown, {
    cwd,
    color: (output) => !output.file && output.format === 'stylish' && color,
    version: version(),
    rules: listRules(),
    suppressed: suppressedResults,
  }, { write: writeStdout });
  if (suppressed > 0) process.stderr.write(`retell-kit: ${suppressed} finding${suppressed === 1 ? '' : 's'} hidden by the baseline ${flags.baseline}\n`);
  if (options.timings) process.stderr.write(renderStats(options.timings, results.length));

  if (counts.errors > 0) return ExitCode.findings;
  if (maxWarnings >= 0 && counts.warnings > maxWarnings) {
    process.stderr.write(`retell-kit: ${counts.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}
