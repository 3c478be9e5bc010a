import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { countBySeverity } from '../diagnostic.js';
import { KitError, ExitCode } from '../errors.js';
import { loadConfig } from '../config/load.js';
import { isFormatName, loadFormatter, type FormatName } from '../report/index.js';
import { version } from '../cli.js';
import { listRules } from '../validators/engine.js';
import { lintFiles, parseRuleFlags, resolveLintOptions, type FileResult } from '../validators/lint.js';
import { useColor } from './terminal.js';

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

/** Pair formats with destinations: `-o path` for a single format, or `-o format=path` for each. */
export function planOutputs(formats: string[], outputFiles: string[]): { format: FormatName; file?: string }[] {
  const names = formats.length ? formats : ['stylish'];
  const plan = new Map<string, string | undefined>();
  for (const n of names) {
    if (!isFormatName(n)) throw new KitError('usage', `unknown format "${n}"`, { hint: 'use stylish, json, sarif, github or junit' });
    plan.set(n, undefined);
  }
  for (const spec of outputFiles) {
    const m = /^(stylish|json|sarif|github|junit)=(.+)$/.exec(spec);
    if (m) {
      if (!formats.length) plan.delete('stylish');
      plan.set(m[1]!, m[2]);
    } else if (plan.size === 1) {
      plan.set([...plan.keys()][0]!, spec);
    } else {
      throw new KitError('usage', `--output-file "${spec}" is ambiguous with ${plan.size} formats`, { hint: 'write format=path, e.g. -o sarif=lint.sarif' });
    }
  }
  const outputs = [...plan.entries()].map(([format, file]) => ({ format: format as FormatName, file }));
  if (outputs.filter((o) => !o.file).length > 1) {
    throw new KitError('usage', 'several formats would share stdout', { hint: 'send all but one to files with -o format=path' });
  }
  return outputs;
}

export async function runLint(inputs: string[], flags: LintFlags): Promise<number> {
  const cwd = process.cwd();
  if (flags.listRules) {
    const rules = listRules().filter((r) => r.id !== 'internal-error');
    if (flags.format.includes('json')) {
      process.stdout.write(JSON.stringify(rules.map((r) => ({ id: r.id, defaultSeverity: r.meta.defaultSeverity, description: r.meta.description })), null, 2) + '\n');
    } else {
      const width = Math.max(...rules.map((r) => r.id.length));
      for (const r of rules) process.stdout.write(`${r.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.description}\n`);
    }
    return ExitCode.ok;
  }
  if (inputs.length === 0) {
    throw new KitError('usage', 'no input: give flow files, directories or globs', { hint: 'e.g. retell-kit lint flows/ (or - to read stdin)' });
  }
  const outputs = planOutputs(flags.format, flags.outputFile);
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const configName = filepath ? path.relative(cwd, filepath) || filepath : 'config';
  const options = resolveLintOptions(config.lint, parseRuleFlags(flags.rule), configName);
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

  for (const output of outputs) {
    const format = await loadFormatter(output.format);
    const color = !output.file && output.format === 'stylish' && useColor(process.stdout);
    const text = format(shown, { cwd, color, version: version(), rules: listRules(), suppressed: suppressedResults });
    if (output.file) await writeAtomically(output.file, text);
    else process.stdout.write(text);
  }
  if (suppressed > 0) process.stderr.write(`retell-kit: ${suppressed} finding${suppressed === 1 ? '' : 's'} hidden by the baseline ${flags.baseline}\n`);

  if (counts.errors > 0) return ExitCode.findings;
  if (maxWarnings >= 0 && counts.warnings > maxWarnings) {
    process.stderr.write(`retell-kit: ${counts.warnings} warnings exceed --max-warnings ${maxWarnings}\n`);
    return ExitCode.findings;
  }
  return ExitCode.ok;
}

async function writeAtomically(file: string, text: string): Promise<void> {
  try {
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const tmp = `${file}.${process.pid}.tmp`;
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    throw new KitError('io', `cannot write report: ${(error as Error).message}`, { file, cause: error });
  }
}
