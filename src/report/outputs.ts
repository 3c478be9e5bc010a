import { KitError } from '../errors.js';
import type { FileResult } from '../validators/engine.js';
import { isFormatName, loadFormatter, unknownFormat, type FormatContext, type FormatName } from './index.js';
import { writeAtomicallySync } from './write.js';

export interface PlannedOutput {
  format: FormatName;
  /** Where to write it; undefined is stdout. */
  file?: string;
}

/** Pair formats with destinations: `-o path` for a single format, or `-o format=path` for each. */
export function planOutputs(formats: readonly string[], outputFiles: readonly string[]): PlannedOutput[] {
  const names = formats.length ? formats : ['stylish'];
  const plan = new Map<FormatName, string | undefined>();
  for (const n of names) {
    if (!isFormatName(n)) throw unknownFormat(n);
    plan.set(n, undefined);
  }
  for (const spec of outputFiles) {
    const eq = spec.indexOf('=');
    const named = eq > 0 ? spec.slice(0, eq) : '';
    // `-o sarf=lint.sarif` is a typo of a format, not a stylish file named "sarf=lint.sarif".
    if (/^[A-Za-z][\w-]*$/.test(named) && !isFormatName(named)) throw unknownFormat(named);
    if (isFormatName(named) && eq === spec.length - 1) throw new KitError('usage', `--output-file "${spec}" names no file`, { hint: `e.g. -o ${named}=lint.${named}` });
    if (isFormatName(named)) {
      if (!formats.length) plan.delete('stylish');
      plan.set(named, spec.slice(eq + 1));
    } else if (plan.size === 1) {
      plan.set([...plan.keys()][0]!, spec);
    } else {
      throw new KitError('usage', `--output-file "${spec}" is ambiguous with ${plan.size} formats`, { hint: 'write format=path, e.g. -o sarif=lint.sarif' });
    }
  }
  const outputs = [...plan.entries()].map(([format, file]) => ({ format, file }));
  if (outputs.filter((o) => !o.file).length > 1) {
    throw new KitError('usage', 'several formats would share stdout', { hint: 'send all but one to files with -o format=path' });
  }
  return outputs;
}

/**
 * Format the results once per planned output and send each to its file (written atomically, and
 * synchronously: lint exits right after) or to stdout. `color` says whether an output to stdout may use
 * colour; the command decides that.
 */
export async function writeOutputs(
  outputs: readonly PlannedOutput[],
  results: readonly FileResult[],
  context: Omit<FormatContext, 'color'> & { color: (output: PlannedOutput) => boolean },
  stdout: { write(text: string): unknown } = process.stdout,
): Promise<void> {
  for (const output of outputs) {
    const format = await loadFormatter(output.format);
    const text = format(results, { ...context, color: context.color(output) });
    if (output.file) writeAtomicallySync(output.file, text);
    else stdout.write(text);
  }
}
