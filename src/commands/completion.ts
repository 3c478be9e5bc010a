import type { Command, Option } from 'commander';
import { completionScript, SHELLS, type CompletionOption, type CompletionSpec } from '../completion/index.js';
import { documentedRules } from '../docs/index.js';
import { FORMAT_NAMES } from '../report/index.js';

/** Values the shell can offer for options and arguments whose choices commander does not know. */
const OPTION_VALUES: Record<string, () => string[]> = {
  '--format': () => [...FORMAT_NAMES],
};
const ARGUMENT_VALUES: Record<string, () => string[]> = {
  docs: documentedRules,
  completion: () => [...SHELLS],
};

function option(o: Option): CompletionOption {
  const flags = [o.short, o.long].filter((f): f is string => Boolean(f));
  const takesValue = o.required || o.optional;
  const values = o.argChoices ?? (o.long ? OPTION_VALUES[o.long]?.() : undefined);
  return {
    flags,
    description: o.description,
    takesValue,
    repeatable: Array.isArray(o.defaultValue),
    ...(values ? { values } : {}),
    ...(takesValue && !values && /path|file|dir/i.test(o.flags) ? { files: true } : {}),
  };
}

/** The CLI as the completion scripts see it: every visible command, its flags and its arguments. */
export function completionSpec(program: Command): CompletionSpec {
  const help: CompletionOption = { flags: ['-h', '--help'], description: 'display help', takesValue: false, repeatable: false };
  return {
    program: program.name(),
    globalOptions: [...program.options.map(option), help],
    commands: program.commands.map((c) => {
      const arg = c.registeredArguments[0];
      const values = ARGUMENT_VALUES[c.name()]?.();
      return {
        name: c.name(),
        description: c.description(),
        options: c.options.map(option),
        args: arg ? { description: arg.description || arg.name(), ...(values ? { values } : /input|file|path|dir/i.test(arg.name()) ? { files: true } : {}) } : undefined,
      };
    }),
  };
}

export function runCompletion(shell: string, program: Command): number {
  process.stdout.write(completionScript(shell, completionSpec(program)));
  return 0;
}
