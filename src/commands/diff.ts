import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveLintOptions } from '../config/lint-options.js';
import { formatJson } from '../diff/format/json.js';
import { formatMarkdown } from '../diff/format/markdown.js';
import { formatText } from '../diff/format/text.js';
import { diffSides, diffTrees, fails, gitSide, gitTree, isTreeFolder, KIND_TABLE, loadSide, loadTree, loadUsage, type DiffOptions, type DiffResult, type FailOn } from '../diff/index.js';
import { ExitCode, KitError } from '../errors.js';
import { createRetellClient, type RetellClient } from '../retell/client.js';

export interface DiffFlags {
  format?: string;
  failOn?: string;
  git?: string;
  config?: string;
  lint?: boolean;
  listChanges?: boolean;
  usage?: string[];
}

const FORMATS = ['text', 'json', 'markdown'] as const;
const FAIL_ON = ['breaking', 'warning', 'any'] as const;

/** Flags -> two sides -> diffSides -> print -> 0 nothing at or above --fail-on, 1 something, 2 trouble. */
export async function runDiff(inputs: string[], flags: DiffFlags): Promise<number> {
  if (flags.listChanges) {
    const width = Math.max(...KIND_TABLE.map((k) => k.id.length));
    for (const k of KIND_TABLE) process.stdout.write(`${k.id.padEnd(width)}  ${k.severity.padEnd(8)}  ${k.summary}\n`);
    return ExitCode.ok;
  }
  const format = flags.format ?? 'text';
  if (!(FORMATS as readonly string[]).includes(format)) throw new KitError('usage', `unknown format "${format}"`, { hint: `use ${FORMATS.join(', ')}` });
  const cwd = process.cwd();
  const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
  const failOn = (flags.failOn ?? config.diff?.failOn ?? 'any') as FailOn;
  if (!(FAIL_ON as readonly string[]).includes(failOn)) throw new KitError('usage', `--fail-on "${flags.failOn}" is not a level`, { hint: `use ${FAIL_ON.join(', ')}` });

  // The client is made on first use: local diffs need no API key.
  let client: RetellClient | undefined;
  const sideOptions = { cwd, client: () => (client ??= createRetellClient(config)) };
  const usage = flags.usage?.length ? await loadUsage(flags.usage, cwd) : undefined;
  const configName = filepath ? path.relative(cwd, filepath) || filepath : 'config';
  const options: DiffOptions = {
    ...(config.diff?.severity && { severity: config.diff.severity }),
    lint: flags.lint !== false,
    lintOptions: resolveLintOptions(config.lint, {}, configName),
    handlers: Object.keys(config.functions ?? {}),
    ...(usage && { usage }),
  };

  let result: DiffResult;
  if (flags.git !== undefined) {
    if (inputs.length !== 1) throw new KitError('usage', `--git compares one path with itself at a revision: give one path, not ${inputs.length}`, { hint: 'e.g. retell-kit diff --git origin/main agents/support' });
    const input = inputs[0]!;
    if (isTreeFolder(input, cwd)) {
      // A folder of flows or pull folders (flows/, agents/): each file or pull folder with its old self.
      result = diffTrees(gitTree(flags.git, input, { cwd }), await loadTree(input, sideOptions), { a: `${input.replace(/\/+$/, '')}@${flags.git}`, b: input }, options);
    } else {
      result = diffSides(gitSide(flags.git, input, { cwd }), await loadSide(input, sideOptions), options);
    }
  } else {
    if (inputs.length !== 2) throw new KitError('usage', `diff takes two versions, got ${inputs.length}`, { hint: 'e.g. retell-kit diff flows/v1.json flows/v2.json, or --git origin/main flows/booking.json' });
    const [ia, ib] = inputs as [string, string];
    if (isTreeFolder(ia, cwd) && isTreeFolder(ib, cwd)) result = diffTrees(await loadTree(ia, sideOptions), await loadTree(ib, sideOptions), { a: ia, b: ib }, options);
    else result = diffSides(await loadSide(ia, sideOptions), await loadSide(ib, sideOptions), options);
  }
  process.stdout.write(format === 'json' ? formatJson(result) : format === 'markdown' ? formatMarkdown(result) : formatText(result));
  return fails(result, failOn) ? ExitCode.findings : ExitCode.ok;
}
