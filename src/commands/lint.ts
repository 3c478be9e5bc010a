import path from 'node:path';
import { countBySeverity } from '../diagnostic.js';
import { KitError, ExitCode } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { parseRuleFlags, resolveLintOptions } from '../config/lint-options.js';
import { planOutputs, writeOutputs } from '../report/outputs.js';
import { renderRuleList } from '../report/rule-list.js';
import { version } from '../cli.js';
import { listRules } from '../validators/engine.js';
import { lintFiles, type FileResult } from '../validators/lint.js';
import { useColor } from '../util/color.js';

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
}

export async function runLint(inputs: string[], flags: LintFlags): Promise<number> {
  const cwd = process.cwd();
  if (flags.listRules) {
    process.stdout.write(renderRuleList(listRules(), flags.format.includes('json') ? 'json' : 'text'));
    return ExitCode.ok;
  }
  if (inputs.length === 0) {
    throw new KitError('usage', 'no input: give flow files, directories or globs', { hint: 'e.g. retell-kit lint flows/ (or - to read stdin)' });
  }
  const outputs = planOutputs(flags.format, flags.outputFile);
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const configName = filepath ? path.relative(cwd, filepath) || filepath : 'config';
  const options = resolveLintOptions(config.lint, parseRuleFlags(flags.rule), configName);
  // Functions the config declares idempotent count as safe for Retell's max_retry (max-retry-idempotent).
  const declared = Object.entries(config.functions ?? {}).filter(([, fn]) => (fn as { idempotent?: boolean }).idempotent).map(([name]) => name);
  if (declared.length) options.settings = { ...options.settings, idempotentFunctions: [...(options.settings?.idempotentFunctions ?? []), ...declared] };
  const maxWarnings = flags.maxWarnings ?? config.lint?.maxWarnings ?? -1;

  let results: FileResult[] = await lintFiles(inputs, { ...options, cwd, stdinFilename: flags.stdinFilename });

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

  const counts = countBySeverity(results.flatMap((r) => r.diagnostics));
  const shown = flags.quiet ? results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.filter((d) => d.severity === 'error') })) : results;

  await writeOutputs(outputs, shown, {
    cwd,
    color: (output) => !output.file && output.format === 'stylish' && useColor(process.stdout),
    version: version(),
    rules: listRules(),
    suppressed: suppressedResults,
  });
  if (suppressed > 0) process.stderr.write(`retell-kit: ${suppressed} finding${suppressed === 1 ? '' : 's'} hidden by the baseline ${flags.baseline}\n`);

  if (counts.errors > 0) return ExitCode.findings;
  if (maxWarnings >= 0 && counts.warnings > maxWarnings) {
    process.stderr.write(`retell-kit: ${counts.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}
