// Shell completion scripts for bash and zsh, generated from a plain description of the CLI (the
// command layer derives it from the commander program, so the scripts list exactly the real
// commands and flags of this version). Nothing here runs a shell or prints.
import { KitError } from '../errors.js';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

export interface CompletionOption {
  /** Every spelling: ['-f', '--format']. */
  flags: string[];
  description: string;
  takesValue: boolean;
  /** Can be given more than once. */
  repeatable: boolean;
  /** Fixed values to offer for the option's value. */
  values?: string[];
  /** The value is a path: offer files. */
  files?: boolean;
}

export interface CompletionCommand {
  name: string;
  description: string;
  options: CompletionOption[];
  /** What the positional arguments are: fixed words, files, or nothing to offer. */
  args: { values?: string[]; files?: boolean; description: string } | undefined;
}

export interface CompletionSpec {
  program: string;
  globalOptions: CompletionOption[];
  commands: CompletionCommand[];
}

export function isShell(name: string): name is Shell {
  return (SHELLS as readonly string[]).includes(name);
}

export function completionScript(shell: string, spec: CompletionSpec): string {
  if (shell === 'bash') return bashScript(spec);
  if (shell === 'zsh') return zshScript(spec);
  throw new KitError('usage', `no completion for shell "${shell}"`, { hint: `use one of ${SHELLS.join(', ')}` });
}

const fnName = (program: string) => `_${program.replace(/[^A-Za-z0-9]/g, '_')}`;
/** A word list for bash's compgen -W, quoted for the shell. */
const words = (list: string[]) => `'${list.join(' ').replace(/'/g, "'\\''")}'`;

export function bashScript(spec: CompletionSpec): string {
  const fn = fnName(spec.program);
  const globalFlags = spec.globalOptions.flatMap((o) => o.flags);
  const cases = spec.commands.map((c) => {
    const valueCases = c.options
      .filter((o) => o.takesValue)
      .map((o) => {
        const action = o.values ? `COMPREPLY=($(compgen -W ${words(o.values)} -- "$cur"))` : o.files ? 'COMPREPLY=($(compgen -f -- "$cur"))' : 'COMPREPLY=()';
        return `        ${o.flags.join('|')}) ${action}; return ;;`;
      });
    const flags = [...c.options.flatMap((o) => o.flags), '--help'];
    const positional = c.args?.values
      ? `COMPREPLY=($(compgen -W ${words(c.args.values)} -- "$cur"))`
      : c.args?.files
        ? 'COMPREPLY=($(compgen -f -- "$cur"))'
        : 'COMPREPLY=()';
    return [
      `    ${c.name})`,
      ...(valueCases.length ? ['      case "$prev" in', ...valueCases, '      esac'] : []),
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W ${words(flags)} -- "$cur")); else ${positional}; fi`,
      '      ;;',
    ].join('\n');
  });
  return `# bash completion for ${spec.program}
# Load it in this shell:      source <(${spec.program} completion bash)
# or for every new shell:     ${spec.program} completion bash > ~/.local/share/bash-completion/completions/${spec.program}
${fn}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" cmd="" i
  for ((i = 1; i < COMP_CWORD; i++)); do
    case "\${COMP_WORDS[i]}" in
      -*) ;;
      *) cmd="\${COMP_WORDS[i]}"; break ;;
    esac
  done
  case "$cmd" in
    "")
      COMPREPLY=($(compgen -W ${words([...spec.commands.map((c) => c.name), ...globalFlags])} -- "$cur"))
      ;;
${cases.join('\n')}
  esac
}
complete -o default -o bashdefault -F ${fn} ${spec.program}
`;
}

/** Text inside single quotes for zsh: brackets softened; colons escaped where they separate fields. */
function zshText(text: string, colons = true): string {
  const soft = text.replace(/[[\]]/g, (c) => (c === '[' ? '(' : ')')).replace(/'/g, "'\\''");
  return colons ? soft.replace(/:/g, '\\:') : soft;
}

function zshOption(o: CompletionOption): string {
  const value = !o.takesValue ? '' : o.values ? `:value:(${o.values.join(' ')})` : o.files ? ':file:_files' : ':value: ';
  const desc = `[${zshText(o.description, false)}]`;
  const repeat = o.repeatable ? '*' : '';
  if (o.flags.length === 1) return `'${repeat}${o.flags[0]}${desc}${value}'`;
  // Spellings of one option exclude each other, unless it can be repeated.
  const prefix = o.repeatable ? "'*'" : `'(${o.flags.join(' ')})'`;
  return `${prefix}{${o.flags.join(',')}}'${desc}${value}'`;
}

export function zshScript(spec: CompletionSpec): string {
  // Named like the file zsh autoloads it from (_retell-kit in $fpath), so that an autoloaded first
  // Tab completes at once instead of only registering the function.
  const fn = `_${spec.program}`;
  const commandList = spec.commands.map((c) => `    '${c.name}:${zshText(c.description)}'`);
  const cases = spec.commands.map((c) => {
    const positional = c.args?.values
      ? `'*:${zshText(c.args.description)}:(${c.args.values.join(' ')})'`
      : c.args?.files
        ? `'*:${zshText(c.args.description)}:_files'`
        : undefined;
    const lines = [...c.options.map(zshOption), "'(-h --help)'{-h,--help}'[display help for command]'", ...(positional ? [positional] : [])];
    return `        ${c.name})\n          _arguments -s \\\n            ${lines.join(' \\\n            ')}\n          ;;`;
  });
  return `#compdef ${spec.program}
# zsh completion for ${spec.program}
# Load it in this shell:      source <(${spec.program} completion zsh)
# or for every new shell:     ${spec.program} completion zsh > "\${fpath[1]}/_${spec.program}"
${fn}() {
  local curcontext="$curcontext" state line
  local -a commands
  commands=(
${commandList.join('\n')}
  )
  _arguments -C \\
    ${spec.globalOptions.map(zshOption).join(' \\\n    ')} \\
    '1: :->command' \\
    '*:: :->args'
  case $state in
    command) _describe -t commands '${spec.program} command' commands ;;
    args)
      case $line[1] in
${cases.join('\n')}
      esac
      ;;
  esac
}
if [[ "\${funcstack[1]}" == "${fn}" ]]; then
  ${fn} "$@"
else
  compdef ${fn} ${spec.program}
fi
`;
}
