import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ExitCode, isKitError } from './errors.js';
import { describeRoutes } from './http/routes.js';
import { SERVE_ROUTES } from './server/routes/table.js';
import { FORMAT_CHOICES } from './report/index.js';

export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Commands register cheaply; each one's module is imported only when it runs. */
export function buildProgram(): Command {
  const program = new Command('retell-kit')
    .description('Lint Retell AI conversation flows and serve their webhooks and custom functions.')
    .version(version(), '-v, --version')
    .option('--debug', 'print stack traces for errors')
    // Usage errors are one line like every other error: `retell-kit: <what> (run ... --help for usage)`.
    .configureOutput({ outputError: (text, write) => write(`retell-kit: ${text.replace(/^error: /, '').trim()} (run with --help for usage)\n`) })
    .exitOverride();

  program
    .command('lint')
    .description('check conversation flows for defects that strand callers')
    .argument('[inputs...]', 'flow files (.json, .yaml, .yml), directories or globs; - reads stdin')
    .option('-f, --format <name>', `${FORMAT_CHOICES} (repeatable)`, collect, [])
    .option('-o, --output-file <[format=]path>', 'write a format to a file instead of stdout (repeatable: sarif=out.sarif)', collect, [])
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', integerIn(-1, Number.MAX_SAFE_INTEGER))
    .option('--quiet', 'report errors only')
    .option('--rule <id:severity>', 'set a rule\'s severity: off | error | warning | info (repeatable)', collect, [])
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .option('--list-rules', 'list every rule with its default severity and exit')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--baseline-write <file>', 'record the current findings as the baseline and exit 0')
    .option('--stdin-filename <name>', 'name to show for input read from stdin')
    .option('--ignore-pattern <glob>', 'skip files matching this glob, relative to the current folder (repeatable)', collect, [])
    .option('--print-config <file>', 'print the rules and settings that apply to this file, as JSON, and exit')
    .option('--color', 'force colour in stylish output')
    .option('--no-color', 'disable colour in stylish output')
    .option('--stats', 'print the time each stage and each rule took (stderr)')
    .option('--fix', 'apply mechanical fixes (renamed keys, = for ==, bare equation names) to JSON files, then report what is left')
    .option('--fix-dry-run', 'print the changes --fix would make (unified format), and write nothing')
    .addHelpText(
      'after',
      `
Examples:
  $ retell-kit lint flows/booking.json
  $ retell-kit lint "flows/**/*.json" --format sarif --output-file lint.sarif
  $ retell-kit lint flows/ --format github --format json -o json=lint.json
  $ retell-kit lint flows/ --baseline-write retell-kit.baseline.json
  $ retell-kit lint . --ignore-pattern 'archive/'
  $ retell-kit lint --print-config flows/booking.json
  $ cat flow.json | retell-kit lint -

Exit codes: 0 clean, 1 errors (or more warnings than --max-warnings), 2 usage, config or I/O trouble.`,
    )
    .action(async (inputs: string[], options) => {
      exitWhenDone = true;
      const { runLint } = await import('./commands/lint.js');
      process.exitCode = await runLint(inputs, options);
    });

  program
    .command('serve')
    .description('run the webhook, inbound and custom-function server for your handlers')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', integerIn(0, 65_535))
    .option('--host <host>', 'interface to bind (default 127.0.0.1; 0.0.0.0 behind your own HTTPS)')
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .option('--store <path>', 'SQLite state file (default .retell-kit/state.db)')
    .option('--record <dir>', 'write one redacted recording per call into this folder')
    .option('--insecure-no-verify', 'accept unsigned requests (local experiments only; warns on every request)')
    .addHelpText(
      'after',
      `
The API key that verifies x-retell-signature comes from RETELL_API_KEY (or server.apiKey in the
config), never from a flag.

${routeList()}

Examples:
  $ RETELL_API_KEY=key_... retell-kit serve
  $ retell-kit serve --port 8787 --config retell-kit.config.mjs --record recordings/
  $ retell-kit serve --host 0.0.0.0 --store /var/lib/retell-kit/state.db

Exit codes: 0 after SIGTERM/SIGINT once in-flight work is done, 2 config or I/O trouble.`,
    )
    .action(async (options) => {
      const { runServe } = await import('./commands/serve.js');
      process.exitCode = await runServe(options);
    });

  return program;
}

/** serve's routes for its help, from the table the server matches (wrapped like the text around it). */
function routeList(): string {
  const lines: string[] = [];
  let line = 'Routes:';
  for (const [i, route] of describeRoutes(SERVE_ROUTES).entries()) {
    const item = `${route}${i < SERVE_ROUTES.length - 1 ? ',' : ''}`;
    if (line.length + 1 + item.length > 96) {
      lines.push(line);
      line = '       ';
    }
    line += ` ${item}`;
  }
  return [...lines, line].join('\n');
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A flag's whole-number value within [min, max]; commander turns the throw into one usage line, exit 2. */
function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = /^\s*-?\d+\s*$/.test(value) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(max === Number.MAX_SAFE_INTEGER ? `expected a whole number from ${min} up` : `expected a whole number from ${min} to ${max}`);
    }
    return n;
  };
}

/**
 * lint ends when its work is done, even if a config module left a timer or a pool open at import
 * (the handlers' database client, a metrics interval): set by commands that finish, not by serve.
 */
let exitWhenDone = false;

export async function main(argv: string[]): Promise<void> {
  const debug = argv.includes('--debug');
  // `retell-kit lint --list-rules | head` closes the pipe early: that is the reader's choice, not an error.
  process.stdout.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    process.exitCode = reportError(error, debug);
  }
  if (exitWhenDone) {
    // Writes to a pipe can be asynchronous (macOS): an empty write's callback runs after the ones before it.
    await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
    process.exit();
  }
}

/** Every failure becomes one line on stderr and exit 2; --debug adds the stack. */
export function reportError(error: unknown, debug: boolean): number {
  if (error instanceof CommanderError) {
    // --help and --version end here too, with exit code 0.
    if (error.exitCode === 0 || error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
    return ExitCode.usage;
  }
  if (isKitError(error)) {
    process.stderr.write(`retell-kit: ${error.oneLine()}\n`);
    if (debug && error.stack) process.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`retell-kit: internal error: ${message.split('\n')[0]} (run with --debug for the stack, and please report it)\n`);
  if (debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return ExitCode.usage;
}
