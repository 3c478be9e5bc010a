import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { ExitCode, isKitError, KitError } from './errors.js';
import { version } from './version.js';
import { flushStdio, watchStdio } from './util/stdout.js';
import { FORMAT_CHOICES } from './report/index.js';

/** The package's version, from package.json through src/version.ts. */
export { version };

/**
 * Commands register cheaply; each one's module is imported only when it runs. With `only: 'lint'` (a
 * command line that runs lint) the others are not registered at all: commander's options and help
 * objects for twelve commands were a tenth of a cold lint's start-up.
 */
export function buildProgram({ only }: { only?: 'lint' } = {}): Command {
  const program = new Command('retell-kit')
    .description('Lint, serve, replay, diff, pull, deploy with canaries and report on Retell AI voice agents like software.')
    .version(version(), '-v, --version')
    .option('--debug', 'print stack traces for errors')
    // Usage errors are one line like every other error: `retell-kit: <what> (run ... --help for usage)`.
    .configureOutput({ outputError: (text, write) => write(`retell-kit: ${text.replace(/^error: /, '').trim()} (run with --help for usage)\n`) })
    .exitOverride();

  program
    .command('lint')
    .description('check conversation flows for defects that strand callers')
    .argument('[inputs...]', 'flow files (.json, .yaml, .yml), directories or globs; - reads stdin')
    .option('-f, --format <name>', `${FORMAT_CHOICES} (repeatable)`, collect)
    .option('-o, --output-file <[format=]path>', 'write a format to a file instead of stdout (repeatable: sarif=out.sarif)', collect)
    .option('--max-warnings <n>', 'exit 1 when there are more warnings than this (-1: no limit)', integerIn(-1, Number.MAX_SAFE_INTEGER))
    .option('--quiet', 'report errors only')
    .option('--rule <id:severity>', 'set a rule\'s severity: off | error | warning | info (repeatable)', collect)
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .option('--list-rules', 'list every rule with its default severity and exit')
    .option('--baseline <file>', 'report only findings not recorded in this baseline file')
    .option('--baseline-write <file>', 'record the current findings as the baseline and exit 0')
    .option('--stdin-filename <name>', 'name to show for input read from stdin')
    .option('--ignore-pattern <glob>', 'skip files matching this glob, relative to the current folder (repeatable)', collect)
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
      const lists = { format: options.format ?? [], outputFile: options.outputFile ?? [], rule: options.rule ?? [], ignorePattern: options.ignorePattern ?? [] };
      process.exitCode = await runLint(inputs, { ...options, ...lists });
    });
  if (only === 'lint') return program;

  program
    .command('serve')
    .description('run the webhook, inbound and custom-function server for your handlers')
    .option('-p, --port <n>', 'port to listen on (0 picks a free one)', parsePort)
    .option('--host <host>', 'interface to bind (default 127.0.0.1; 0.0.0.0 behind your own HTTPS)')
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .option('--store <path-or-url>', 'SQLite state file (default .retell-kit/state.db), or postgres://user:pass@host/db for several replicas (or DATABASE_URL)')
    .option('--record <dir>', 'write one redacted recording per call into this folder')
    .option('--insecure-no-verify', 'accept unsigned requests (local experiments only; warns on every request)')
    .option('--wait-for-lock <seconds>', 'if another serve owns the store, wait this long for it to drain and let go (a handover)', parseSeconds)
    .addHelpText(
      'after',
      () => `
The API key that verifies x-retell-signature comes from RETELL_API_KEY (or server.apiKey in the
config), never from a flag.

${serveRouteList ?? 'Routes: see docs/serve.md'}

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

  program
    .command('replay')
    .description('run recorded calls again against your handlers and show what changed')
    .argument('<inputs...>', 'recordings (serve --record), Retell call objects (GET /v2/get-call or a call_ended/call_analyzed body), folders or globs; - reads one from stdin')
    .option('-c, --config <path>', 'config file with the handlers (default: search for retell-kit.config.* from the current folder)')
    .option('-f, --format <name>', 'text | json | junit', 'text')
    .option('--ignore <path>', 'leave an answer path out of comparisons: booking_id, **.timestamp, slots[*].id (repeatable)', collect)
    .option('--update', 'write the new answers into the recordings (never into Retell call objects)')
    .option('--store <path>', 'one SQLite store for every call (default: a fresh in-memory store per call)')
    .option('--redeliver <n>', 'deliver every event and function call n times and fail unless side effects ran once and duplicates got the same answer', integerIn(1, 10_000))
    .option('--target <url>', 'send the requests, freshly signed with RETELL_API_KEY, to a running serve instead')
    .option('--no-relative-dates', 'compare dates literally (by default a recorded "tomorrow" matches tomorrow)')
    .option('--allow-network', "let handlers' ctx.fetch reach the network (default: answered from the downstream exchanges in the recording)")
    .addHelpText(
      'after',
      `
Examples:
  $ retell-kit replay recordings/
  $ retell-kit replay "calls/**/*.json" --ignore "**.created_at" --format junit > replay.xml
  $ retell-kit replay recordings/ --update
  $ retell-kit replay recordings/ --redeliver 10
  $ RETELL_API_KEY=key_... retell-kit replay recordings/ --target https://staging.example.com

Exit codes: 0 every call answers as recorded, 1 a difference, error or missing handler, 2 bad input or config.`,
    )
    .action(async (inputs: string[], options) => {
      const { runReplay } = await import('./commands/replay.js');
      process.exitCode = await runReplay(inputs, options);
    });

  program
    .command('report')
    .description('what the calls really did: outcomes per agent version, booking conversion, claims the functions do not back, spikes')
    .argument('[inputs...]', 'recordings (serve --record), Retell call objects, folders or globs; - reads one from stdin')
    .option('-c, --config <path>', 'config file (report.outcomes, report.claims, report.alert; default: search for retell-kit.config.*)')
    .option('-f, --format <name>', 'text | json | markdown | html', 'text')
    .option('-o, --output <file>', 'write the report to this file instead of stdout')
    .option('--api', "read the agent's calls from Retell's API instead of files (RETELL_API_KEY)")
    .option('--agent <agent_id>', 'with --api: the agent')
    .option('--since <duration>', 'with --api: calls that started within this long, e.g. 7d or 12h')
    .option('--store <path|url>', "with --api: serve's store, for function errors, latency and fallbacks from its traces")
    .option('--alert', 'exit 1 with one line per threshold in report.alert that is crossed (and POST to the webhook)')
    .option('--webhook <url>', 'with --alert: POST Slack-compatible JSON here (default report.alert.webhookUrl)')
    .option('--no-redact', 'quote the agent and the results without redacting phone numbers and names')
    .addHelpText(
      'after',
      `
Examples:
  $ retell-kit report recordings/
  $ retell-kit report recordings/ --format html --output report.html
  $ retell-kit report "calls/*.json" --format json | jq '.unfulfilledClaims[].callId'
  $ RETELL_API_KEY=key_... retell-kit report --api --agent agent_123 --since 7d --alert

Claims, spikes and the JSON contract: docs/report.md.
Exit codes: 0 done, 1 with --alert: a threshold crossed, 2 bad input, config or I/O trouble.`,
    )
    .action(async (inputs: string[], options) => {
      const { runReport } = await import('./commands/report.js');
      process.exitCode = await runReport(inputs, options);
    });

  program
    .command('trigger')
    .description('send a signed sample Retell event or function call to a server; --explain says why a signature fails')
    .argument('[event]', 'call_started | call_ended | call_analyzed | transcript_updated | transfer_* | call_inbound | function:<name>')
    .option('--to <url>', 'where to send it: a serve origin (the route is added) or a full URL')
    .option('--from <file>', 'build it from this call (GET /v2/get-call, a webhook body or a recording) instead of a sample')
    .option('--args <json>', 'the arguments of a function:<name> call (default: the --from call\'s own)')
    .option('--explain', 'diagnose a signature instead: with --body and --signature, using RETELL_API_KEY')
    .option('--body <file>', 'with --explain: the exact request body received (- for stdin)')
    .option('--signature <value>', 'with --explain: the x-retell-signature header received')
    .addHelpText(
      'after',
      `
The key comes from RETELL_API_KEY (RETELL_API_KEYS, comma-separated, adds more keys for --explain to try).

Examples:
  $ RETELL_API_KEY=key_... retell-kit trigger call_ended --to http://127.0.0.1:8787
  $ retell-kit trigger function:book_appointment --to http://127.0.0.1:8787 --from call.json
  $ retell-kit trigger call_inbound --to https://staging.example.com/retell/inbound
  $ retell-kit trigger --explain --body body.json --signature "v=1773655200000,d=0f3a..."

Exit codes: 0 a 2xx answer (or a signature that verifies), 1 any other answer (or one that does not), 2 usage, config or I/O trouble.`,
    )
    .action(async (event: string | undefined, options) => {
      const { runTrigger } = await import('./commands/trigger.js');
      process.exitCode = await runTrigger(event, options);
    });

  program
    .command('diff')
    .description('what changed between two versions of an agent or flow, with severities CI can gate on')
    .argument('[inputs...]', 'a and b: flow files (any shape lint loads) or pull folders; with --git, one path')
    .option('-f, --format <name>', 'text | json | markdown (markdown fits a PR comment)', 'text')
    .option('--fail-on <level>', 'exit 1 on changes at or above: breaking | warning | any (default any, or diff.failOn in the config)')
    .option('--git <rev>', 'compare the path with itself at this git revision (e.g. origin/main)')
    .option('--no-lint', 'leave out the lint delta (findings b introduces and fixes)')
    .option('--usage <path>', 'recordings or call objects (files, folders, globs; repeatable): changes on nodes and tools no call used drop a level, used ones are marked hot', collect)
    .option('--list-changes', 'list every change kind with its default severity and exit')
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .addHelpText(
      'after',
      `
Nodes and edges are matched by id (never by position): canvas moves and node order are no change.
Severities come from the change kind (--list-changes) and diff.severity in the config; changes on
nodes nothing reaches drop to info.

Examples:
  $ retell-kit diff flows/booking.v1.json flows/booking.json
  $ retell-kit diff --git origin/main agents/support --format markdown > diff.md
  $ retell-kit diff old-export.json new-export.json --fail-on breaking
  $ retell-kit diff agent_0123@published agents/salon --usage recordings/

Exit codes: 0 no change at or above --fail-on, 1 such changes, 2 usage, config or I/O trouble (a side
that cannot be read is never "no changes").`,
    )
    .action(async (inputs: string[], options) => {
      const { runDiff } = await import('./commands/diff.js');
      process.exitCode = await runDiff(inputs, options);
    });

  program
    .command('graph')
    .description('draw a flow: Mermaid, SVG or HTML, nodes coloured by lint findings, edges marked by recorded calls')
    .argument('<flow>', 'a flow file (.json, .yaml, .yml), an agent export with its flow, or a flow list response')
    .option('-f, --format <name>', 'mermaid | svg | html | dot (default: from --output\'s extension, else mermaid)')
    .option('-o, --output <file>', 'write to this file instead of stdout')
    .option('--coverage <paths...>', 'recordings (serve --record) or Retell call objects: files, folders, globs; mark each node and edge with the calls that passed through it')
    .option('--no-lint', 'draw without linting (every node grey)')
    .option('--flow <id>', 'which flow, when the file holds several (its conversation_flow_id)')
    .option('-c, --config <path>', 'config file for the lint settings (default: search for retell-kit.config.* from the current folder)')
    .addHelpText(
      'after',
      `
Nodes are coloured by their worst lint finding (red error, yellow warning, green clean) and shaped by
type; with --coverage, edges get thicker with the calls that took them, nodes calls ended in without
reaching an end are outlined orange (stuck), nodes no call reached are dashed. The coverage summary
goes to stderr (and into the HTML legend). SVG and HTML are rendered offline (Graphviz in WebAssembly).

Examples:
  $ retell-kit graph flows/booking.json > booking.mmd
  $ retell-kit graph flows/booking.json -o booking.svg
  $ retell-kit graph flows/booking.json --coverage recordings/ -o booking.html

Exit codes: 0 drawn, 2 usage or I/O trouble (not a flow, unreadable calls).`,
    )
    .action(async (flow: string, options) => {
      const { runGraph } = await import('./commands/graph.js');
      process.exitCode = await runGraph(flow, options);
    });

  program
    .command('pull')
    .description('write a live agent (settings and conversation flow) as files: agents as code')
    .argument('[agent_id]', 'the agent to pull (or --all)')
    .option('--all', 'pull every agent of the workspace')
    .option('--version <n|latest|published>', 'which version (default latest: the highest, possibly a draft)')
    // main() renames pull's --version to this, or the program's own -v/--version would take it.
    .addOption(new Option('--agent-version <v>').hideHelp())
    .option('--out <dir>', 'folder to write into (default agents/)')
    .option('--format <json|yaml>', 'file format (default json)')
    .option('--secrets-file <path>', 'write the values of pulled header secrets here (NAME=value, mode 0600); keep it out of git')
    .option('--json', 'print what was pulled as JSON on stdout')
    .option('--check', 'write nothing; exit 1 when Retell differs from the files (drift, e.g. dashboard edits)')
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .addHelpText(
      'after',
      `
Reads RETELL_API_KEY (and RETELL_BASE_URL, e.g. the emulator's URL, or retell.baseUrl in the config).
Each agent gets a folder with agent.json and conversation-flow.json, keys sorted; ids, versions and
timestamps go to <out>/.retell-kit/remote.json; tool header secrets become \${RETELL_SECRET_...}.

Examples:
  $ retell-kit pull agent_0123456789abcdef --version published
  $ retell-kit pull --all --out agents --format yaml
  $ RETELL_BASE_URL=http://127.0.0.1:8765 retell-kit pull --all

Exit codes: 0 pulled (or, with --check, no drift), 1 drift found by --check, 2 usage, config, API or
I/O trouble (one line naming what and what to do).`,
    )
    .action(async (agentId: string | undefined, options) => {
      const { runPull } = await import('./commands/pull.js');
      process.exitCode = await runPull(agentId, { ...options, version: options.agentVersion ?? options.version });
    });

  program
    .command('deploy')
    .description('ship an agent folder as a new published version and bind phone numbers to it (all calls, or a share of them)')
    .argument('[folder]', 'the agent folder pull wrote (agent.json + conversation-flow.json; default deploy.folder)')
    .option('--dry-run', 'lint and print the plan (the diff against the serving version); change nothing')
    .option('--canary <percent>', "send this share of the agent's calls on the numbers to the new version (e.g. 10)")
    .option('--number <phone>', 'an E.164 number whose inbound calls move (repeatable; default deploy.numbers)', collect)
    .option('-m, --message <text>', 'why: the version title, and its description with the git commit')
    .option('-y, --yes', 'apply without asking (needed without a terminal, e.g. in CI)')
    .option('--force', 'ship despite lint errors or breaking changes to tools a handler serves (recorded in the deployment)')
    .option('--store <path|url>', 'the deployment records: a SQLite file (default .retell-kit/state.db) or postgres://...')
    .option('-f, --format <name>', 'text | json (the deployment record and the plan summary)', 'text')
    .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)')
    .addHelpText(
      'after',
      `
Steps: lint gate, plan (diff against the version serving the numbers), draft from that version, flow
and settings onto it (\${ENV} placeholders filled from the environment), publish (title and
description from --message and the git commit), read back, bind the numbers. Each step is recorded
in the store: run the same deploy again after an interruption and it continues where it stopped.

Examples:
  $ retell-kit deploy agents/salon --dry-run --number +14155550100
  $ retell-kit deploy agents/salon --number +14155550100 --canary 10 --yes -m "shorter greeting"
  $ retell-kit deploy --yes --format json          # deploy.folder and deploy.numbers from the config

Exit codes: 0 deployed, dry run or nothing to deploy, 1 refused (lint errors, breaking changes to a
handler's tool, a rollout of the agent still in progress), 2 usage, config, API, store or I/O trouble.`,
    )
    .action(async (folder: string | undefined, options) => {
      const { runDeploy } = await import('./commands/deploy.js');
      process.exitCode = await runDeploy(folder, options);
    });

  const canary = program
    .command('canary')
    .description('judge a canary agent version on its calls, and promote, roll back or watch it step by step')
    .addHelpText(
      'after',
      `
Acts on the newest canary deployment recorded in the store (--store, server.store, DATABASE_URL or
.retell-kit/state.db), narrowed by --agent and --number. Reads RETELL_API_KEY and RETELL_BASE_URL.
The method (mSPRT on the primary metric, Mann-Whitney on call duration) is in docs/canary.md.

Examples:
  $ retell-kit canary status --format json
  $ retell-kit canary watch
  $ retell-kit canary promote --to 50
  $ retell-kit canary rollback --reason "bookings failing"`,
    );
  const common = (command: Command) =>
    command
      .option('--number <phone>', 'the canary on this phone number (E.164)')
      .option('--agent <agent_id>', 'the canary of this agent')
      .option('--store <path|url>', 'the store the deployment is recorded in (a SQLite file or postgres:// URL)')
      .option('-c, --config <path>', 'config file (default: search for retell-kit.config.* from the current folder)');
  common(canary.command('status').description('the verdict now: healthy, degraded, inconclusive (with the calls still needed) or insufficient'))
    .option('--format <text|json>', 'output format (default text)')
    .addHelpText('after', '\nExit codes: 0 healthy, inconclusive or insufficient; 1 degraded; 2 usage, config, API or store trouble.')
    .action(async (options) => {
      const { runCanaryStatus } = await import('./commands/canary.js');
      process.exitCode = await runCanaryStatus(options);
    });
  common(canary.command('promote').description('give the canary a larger share: the next step, --to <percent>, or --full (100 %)'))
    .option('--to <percent>', 'the canary share to move to')
    .option('--full', 'promote to 100 %')
    .option('--reason <text>', 'recorded in the history')
    .addHelpText('after', '\nExit codes: 0 moved; 2 usage, config, API or store trouble.')
    .action(async (options) => {
      const { runCanaryPromote } = await import('./commands/canary.js');
      process.exitCode = await runCanaryPromote(options);
    });
  common(canary.command('rollback').description('send all of the agent\'s traffic back to the stable version now (no analysis needed); the canary version is kept'))
    .option('--reason <text>', 'why (recorded in the deployment)')
    .addHelpText('after', '\nExit codes: 0 rolled back; 2 usage, config, API or store trouble.')
    .action(async (options) => {
      const { runCanaryRollback } = await import('./commands/canary.js');
      process.exitCode = await runCanaryRollback(options);
    });
  common(canary.command('watch').description('check every interval; promote step by step when healthy, roll back when degraded, pause or roll back when a step stays inconclusive'))
    .option('--interval <duration>', 'time between checks, e.g. 30s (default canary.interval, 1m)')
    .option('--format <text|json>', 'the final result as text on stderr (default) or JSON on stdout')
    .addHelpText(
      'after',
      `
Steps, minimum time and calls per step, the step deadline and what happens after it come from the
config's canary section (default steps 5, 25, 50, 100 %). Killed and started again, watch continues
from the recorded step.

Exit codes: 0 promoted to 100 %; 1 rolled back or paused; 2 usage, config, API or store trouble.`,
    )
    .action(async (options) => {
      const { runCanaryWatch } = await import('./commands/canary.js');
      process.exitCode = await runCanaryWatch(options);
    });

  program
    .command('emulator')
    .description('run a local emulator of the Retell API (agents, versions, flows, phone numbers, calls, faults, simulated traffic)')
    .option('-p, --port <n>', `port to listen on (default 8765; 0 picks a free one)`, parsePort)
    .option('--host <host>', 'interface to bind (default 127.0.0.1)')
    .option('--data <dir>', 'folder the workspace persists in (default: in memory)')
    .option('--quiet', 'no request log')
    .option('--example', 'start with an example: a published agent on a booking flow, bound to +14155550100 (when the workspace is empty)')
    .option('--traffic <calls-per-minute>', 'keep simulated calls coming on every bound number, by its current weights (e.g. 600)', parsePositiveNumber)
    .addHelpText(
      'after',
      `
Any non-empty Bearer key is accepted, unless RETELL_EMULATOR_API_KEY is set: then only that one (it
also signs the webhooks of simulated calls). Retired endpoints answer 404 with Retell's deprecation
notice; GET /emulator/routes lists every route. Control routes: POST|GET|DELETE /emulator/faults,
POST /emulator/simulate-calls, GET|PUT /emulator/state, POST /emulator/reset (docs/emulator.md).

Examples:
  $ retell-kit emulator --data .retell-kit/emulator
  $ retell-kit emulator --example --traffic 600     # an agent to pull and deploy, 10 calls a second
  $ RETELL_BASE_URL=http://127.0.0.1:8765 RETELL_API_KEY=test retell-kit pull --all

Exit codes: 0 after SIGTERM/SIGINT, 2 I/O trouble (port in use, unreadable --data).`,
    )
    .action(async (options) => {
      const { runEmulator } = await import('./commands/emulator.js');
      process.exitCode = await runEmulator(options);
    });

  program
    .command('docs')
    .description("print a rule's documentation (from the installed package, no network needed)")
    .argument('[rule]', 'rule id, e.g. no-dead-end; without one, list the rules')
    .action(async (rule: string | undefined) => {
      const { runDocs } = await import('./commands/docs.js');
      process.exitCode = runDocs(rule);
    });

  program
    .command('completion')
    .description('print a shell completion script: source <(retell-kit completion bash)')
    .argument('<shell>', 'bash | zsh')
    .action(async (shell: string) => {
      const { runCompletion } = await import('./commands/completion.js');
      process.exitCode = runCompletion(shell, program);
    });

  return program;
}

/** serve's route list for its help text; set by loadServeRoutes before serve's help can be shown. */
let serveRouteList: string | undefined;

/**
 * serve's routes for its help, from the table the server matches (wrapped like the text around it).
 * Loaded only when serve or help runs: lint and the other commands never load the server's tables.
 */
export async function loadServeRoutes(): Promise<void> {
  if (serveRouteList !== undefined) return;
  const [{ describeRoutes }, { SERVE_ROUTES }] = await Promise.all([import('./http/routes.js'), import('./server/routes/table.js')]);
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
  serveRouteList = [...lines, line].join('\n');
}

/**
 * A repeatable option's values. No [] default: commander would print "(default: [])" in the help, a default
 * that says nothing (and contradicted --number's own "default deploy.numbers"); an option not given is undefined.
 */
function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function parsePort(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isInteger(n) || n > 65_535) {
    throw new InvalidArgumentError('expected a port number from 0 to 65535 (0 picks a free one)');
  }
  return n;
}

function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 600_000) throw new InvalidArgumentError('expected a number above 0 (calls per minute, at most 600000)');
  return n;
}

function parseSeconds(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0 || n > 3600) {
    throw new InvalidArgumentError('expected a number of seconds from 0 to 3600');
  }
  return n;
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
  // Attached when something makes process.stdout: lint writes through util/stdout.ts without it.
  watchStdio((stdout) =>
    stdout.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
      throw error;
    }),
  );
  // The command named first; bin/retell-kit.js picks lint's bundle the same way.
  const command = argv.slice(2).find((arg) => !arg.startsWith('-'));
  const program = buildProgram({ only: command === 'lint' ? 'lint' : undefined });
  try {
    // `serve --help` and `help serve` list serve's routes; every other command starts without them.
    if (command === 'serve' || command === 'help') await loadServeRoutes();
    await program.parseAsync(agentVersionFlag(argv));
  } catch (error) {
    process.exitCode = reportError(error, debug);
  }
  if (exitWhenDone) {
    // Writes to a pipe can be asynchronous (macOS): an empty write's callback runs after the ones before it.
    await flushStdio();
    process.exit();
  }
}

/** `pull <id> --version N` names an agent version: hand it to pull under a name the program's --version does not claim. */
function agentVersionFlag(argv: string[]): string[] {
  const command = argv.slice(2).find((arg) => !arg.startsWith('-'));
  if (command !== 'pull') return argv;
  argv.forEach((arg, i) => {
    const value = argv[i + 1];
    if (i >= 2 && arg === '--version' && (value === undefined || value.startsWith('-'))) {
      throw new KitError('usage', 'pull --version needs a value', { hint: 'give a version number, latest or published: retell-kit pull <agent_id> --version published' });
    }
  });
  return argv.map((arg, i) => (i < 2 ? arg : arg === '--version' ? '--agent-version' : arg.startsWith('--version=') ? `--agent-version=${arg.slice('--version='.length)}` : arg));
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
