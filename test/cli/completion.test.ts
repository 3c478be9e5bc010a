import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildProgram } from '../../src/cli.js';
import { FORMAT_NAMES } from '../../src/report/index.js';
import { cli, ROOT, tempDir } from '../helpers/cli.js';

const hasZsh = spawnSync('zsh', ['--version'], { encoding: 'utf8' }).status === 0;

// The real program's commands and flags, read from commander: the scripts must offer all of them.
const program = buildProgram();
const commands = program.commands.map((c) => c.name());
const flagsOf = Object.fromEntries(program.commands.map((c) => [c.name(), c.options.flatMap((o) => [o.short, o.long].filter(Boolean) as string[])]));

function script(shell: string): string {
  const run = cli(['completion', shell]);
  expect(run.status, run.stderr).toBe(0);
  return run.stdout;
}

/** What bash's completion offers for a command line whose last word is being typed. */
function complete(file: string, line: string[]): string[] {
  const words = line.map((w) => `'${w}'`).join(' ');
  const body = `source ${JSON.stringify(file)}; COMP_WORDS=(${words}); COMP_CWORD=${line.length - 1}; _retell_kit; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', body], { encoding: 'utf8', timeout: 10_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.split('\n').filter(Boolean);
}

describe('retell-kit completion', () => {
  it('bash: offers the real commands, each command\'s real flags and the values of --format, docs and completion', () => {
    expect(commands).toEqual(expect.arrayContaining(['lint', 'serve', 'docs', 'completion']));
    const file = path.join(tempDir('retell-kit-completion-'), 'retell-kit.bash');
    writeFileSync(file, script('bash'));

    expect(complete(file, ['retell-kit', ''])).toEqual(expect.arrayContaining(commands));
    for (const command of commands) {
      const offered = complete(file, ['retell-kit', command, '-']);
      expect(offered, command).toEqual(expect.arrayContaining([...flagsOf[command]!, '--help']));
      expect(offered.filter((f) => !flagsOf[command]!.includes(f) && f !== '--help'), command).toEqual([]);
    }
    expect(complete(file, ['retell-kit', 'lint', 'flows/', '--format', 's'])).toEqual(['stylish', 'sarif']);
    expect(complete(file, ['retell-kit', '--debug', 'lint', '-f', 'j'])).toEqual(['json', 'junit']);
    expect(complete(file, ['retell-kit', 'docs', 'no-dead'])).toEqual(['no-dead-end']);
    expect(complete(file, ['retell-kit', 'completion', ''])).toEqual(['bash', 'zsh']);
    expect(complete(file, ['retell-kit', 'li'])).toEqual(['lint']);
  });

  it('zsh: a compdef script naming every command and flag, with balanced quotes', () => {
    const text = script('zsh');
    expect(text.startsWith('#compdef retell-kit\n')).toBe(true);
    for (const command of commands) {
      expect(text, command).toContain(`\n    '${command}:`);
      expect(text, command).toContain(`\n        ${command})\n`);
      for (const flag of flagsOf[command]!) expect(text, `${command} ${flag}`).toMatch(new RegExp(`[{,'*]${flag}[\\[,}]`));
    }
    expect(text).toContain(`:value:(${FORMAT_NAMES.join(' ')})`);
    // Every line's single quotes pair up (an unescaped quote in a description would break the script).
    for (const line of text.split('\n')) expect(line.replace(/'\\''/g, '').split("'").length % 2, line).toBe(1);
  });

  // Where zsh is installed (not on every CI image): its real completion system, autoloading the
  // script from $fpath as `retell-kit completion zsh > "${fpath[1]}/_retell-kit"` sets it up.
  it.skipIf(!hasZsh)('zsh: the first Tab completes flags, format values, rule ids and lists the commands', () => {
    const fpath = path.join(tempDir('retell-kit-zsh-'), 'functions');
    mkdirSync(fpath);
    writeFileSync(path.join(fpath, '_retell-kit'), script('zsh'));
    const lines = ['retell-kit lint --fo', 'retell-kit docs no-dead', 'retell-kit lint -f s', 'retell-kit '];
    const r = spawnSync('zsh', ['-f', path.join(ROOT, 'test/helpers/zsh-complete.zsh'), fpath, ...lines], { encoding: 'utf8', timeout: 30_000 });
    expect(r.status, r.stderr).toBe(0);
    const shown = Object.fromEntries(r.stdout.split(/^<<<(.*)>>>$/m).slice(1).reduce<[string, string][]>((acc, part, i, all) => (i % 2 === 0 ? [...acc, [part, all[i + 1]!]] : acc), []));
    expect(shown['retell-kit lint --fo']).toContain('retell-kit lint --format ');
    expect(shown['retell-kit docs no-dead']).toContain('retell-kit docs no-dead-end ');
    expect(shown['retell-kit lint -f s']).toMatch(/sarif\s+stylish/);
    for (const command of commands) expect(shown['retell-kit ']).toMatch(new RegExp(`^${command}\\s+-- `, 'm'));
  });

  it('an unknown shell is a usage error, exit 2, one line', () => {
    const run = cli(['completion', 'fish']);
    expect(run.status).toBe(2);
    expect(run.stderr).toBe('retell-kit: no completion for shell "fish" (use one of bash, zsh)\n');
  });
});
