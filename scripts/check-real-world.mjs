// Lint every public Retell file in ../shared/real-world (beside the repo) with the built CLI, and fail
// on a crash, an exit 2, an internal-error, a diagnostic without a position, or a file that does not
// load the way its README says it should; parse the real call objects' transcripts with the built
// transcript parser; replay the real call with `retell-kit replay`. The files are never copied into this repo.
// Usage: npm run check:real-world   (RETELL_KIT_REAL_WORLD=/path overrides the folder)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const folder = path.resolve(repo, process.env.RETELL_KIT_REAL_WORLD ?? '../shared/real-world');
const cli = path.join(repo, 'bin', 'retell-kit.js');

if (!existsSync(folder)) {
  console.log(`check:real-world: skipped, no folder at ${folder}`);
  process.exit(0);
}
if (!existsSync(path.join(repo, 'dist', 'cli.js'))) {
  console.error('check:real-world: dist/ is missing, run npm run build first');
  process.exit(1);
}

// The built loader answers "how many flows are in this file" even when a flow lints clean.
const { loadFlow, listRules } = await import(pathToFileURL(path.join(repo, 'dist', 'index.js')).href);
const templates = new Map(listRules().map((r) => [r.id, r.meta.messages]));

/**
 * What each file is, from the folder's README. First match wins.
 * - flow: a flow or an agent export that carries one: must be linted as a flow.
 * - not-a-flow: a Retell LLM agent, LLM config, call object or agent without its flow: one not-a-flow info.
 * - schema: not Retell's schema at all: must get schema errors.
 */
const EXPECTATIONS = [
  { pattern: /friseur1_simple_booking_flow/, kind: 'schema', why: 'invented node_id/node_type shape (README #14)' },
  { pattern: /aria_single_prompt/, kind: 'not-a-flow', why: 'retell-llm agent export (README #4)' },
  { pattern: /retell-ai-medme/, kind: 'not-a-flow', why: 'retell-llm agent export with conversationFlow: null (README #24)' },
  { pattern: /llm_full_config/, kind: 'not-a-flow', why: 'GET retell-llm response (README #16)' },
  { pattern: /test_call_analysis/, kind: 'not-a-flow', why: 'GET call object (README #15)' },
  { pattern: /Newtown_Gastro_Base_Agent_e6cf0d7c/, kind: 'not-a-flow', why: 'GET agent snapshot without its flow (README #6)' },
  { pattern: /\.(json|ya?ml)$/, kind: 'flow', why: 'conversation flow or agent export with a flow' },
];

/** Loader findings that mean "this file was not read as a flow". */
const NOT_LOADED = (d) => d.ruleId === 'not-a-flow' || d.ruleId === 'parse-error' || (d.ruleId === 'schema' && (d.messageId === 'unrecognized' || d.messageId === 'notAnObject'));

const files = readdirSync(folder)
  .filter((f) => /\.(json|ya?ml)$/i.test(f))
  .sort();
if (files.length === 0) {
  console.log(`check:real-world: skipped, ${folder} holds no .json/.yaml file`);
  process.exit(0);
}

function lint(args) {
  const started = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [cli, 'lint', ...args, '--format', 'json'], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  return { ...run, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}

/** Problems with one file's lint run; empty when it behaved. */
async function check(run, kind, file) {
  const problems = [];
  if (run.error) return { problems: [`could not run: ${run.error.message}`], diagnostics: [] };
  if (run.signal) return { problems: [`killed by ${run.signal}`], diagnostics: [] };
  if (run.status !== 0 && run.status !== 1) problems.push(`exit ${run.status}: ${run.stderr.trim().split('\n')[0]}`);
  if (/\n\s+at .+:\d+:\d+/.test(run.stderr)) problems.push('printed a stack trace');
  let report;
  try {
    report = JSON.parse(run.stdout);
  } catch {
    problems.push(`stdout is not JSON: ${run.stdout.slice(0, 80)}`);
    return { problems, diagnostics: [] };
  }
  const diagnostics = (report.results ?? []).flatMap((r) => r.diagnostics);
  for (const d of diagnostics) {
    if (d.ruleId === 'internal-error') problems.push(`internal-error: ${d.message}`);
    const positioned = [d.line, d.column, d.endLine, d.endColumn].every((n) => Number.isInteger(n) && n >= 1) && d.endLine >= d.line;
    if (!positioned) problems.push(`${d.ruleId} at ${d.pointer || '/'} has no valid position (${d.line}:${d.column}-${d.endLine}:${d.endColumn})`);
    // Messages quote the flow's own {{variables}}; what must not happen is a template placeholder left unfilled.
    const template = templates.get(d.ruleId)?.[d.messageId];
    if (template === undefined) problems.push(`${d.ruleId}: unknown messageId "${d.messageId}"`);
    for (const [, key] of (template ?? '').matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) {
      if (!(key in (d.data ?? {}))) problems.push(`${d.ruleId}: placeholder {{${key}}} left unfilled in "${d.message}"`);
    }
  }
  const expected = (status) => (run.status === status ? [] : [`expected exit ${status}, got ${run.status}`]);
  if (kind === 'flow') {
    const loaded = await loadFlow(file);
    if (loaded.flows.length === 0) problems.push('should load as a flow but the loader found no flow in it');
    const notLoaded = diagnostics.filter(NOT_LOADED);
    for (const d of notLoaded) problems.push(`should load as a flow but got ${d.ruleId}/${d.messageId}: ${d.message}`);
  } else if (kind === 'not-a-flow') {
    if (!diagnostics.some((d) => d.ruleId === 'not-a-flow')) problems.push('should be recognised as not-a-flow');
    const others = diagnostics.filter((d) => d.ruleId !== 'not-a-flow');
    if (others.length) problems.push(`should have only not-a-flow, also got ${[...new Set(others.map((d) => d.ruleId))].join(', ')}`);
    problems.push(...expected(0));
  } else if (kind === 'schema') {
    if (!diagnostics.some((d) => d.ruleId === 'schema' && d.severity === 'error')) problems.push('should get schema errors (not Retell\'s schema)');
    problems.push(...expected(1));
  }
  return { problems, diagnostics };
}

function summary(diagnostics) {
  const bySeverity = { error: new Map(), warning: new Map(), info: new Map() };
  for (const d of diagnostics) {
    const m = bySeverity[d.severity] ?? bySeverity.info;
    m.set(d.ruleId, (m.get(d.ruleId) ?? 0) + 1);
  }
  const part = (name, m) => {
    const total = [...m.values()].reduce((a, b) => a + b, 0);
    if (!total) return '';
    return `${total} ${name} (${[...m.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([id, n]) => `${id} ${n}`).join(', ')})`;
  };
  return [part('errors', bySeverity.error), part('warnings', bySeverity.warning), part('infos', bySeverity.info)].filter(Boolean).join('; ') || 'clean';
}

let failed = 0;
const width = Math.min(60, Math.max(...files.map((f) => f.length)));
console.log(`check:real-world: ${files.length} files in ${folder}`);
for (const file of files) {
  const { kind } = EXPECTATIONS.find((e) => e.pattern.test(file));
  const run = lint([path.join(folder, file)]);
  const { problems, diagnostics } = await check(run, kind, path.join(folder, file));
  // Cut the middle, not the end: several names differ only in their last characters.
  const name = file.length > width ? `${file.slice(0, 24)}…${file.slice(file.length - (width - 25))}` : file.padEnd(width);
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${name} [${kind}] exit ${run.status} ${Math.round(run.ms)} ms: ${summary(diagnostics)}`);
  for (const p of problems) console.log(`       - ${p}`);
  if (problems.length) failed++;
}

// The whole folder in one run: the directory path of the CLI must agree with the per-file runs.
const all = lint([folder]);
const { problems: allProblems, diagnostics: allDiagnostics } = await check(all, 'any');
let linted = 0;
try {
  linted = JSON.parse(all.stdout).summary.files;
} catch {}
if (linted !== files.length) allProblems.push(`linted ${linted} files, expected ${files.length}`);
console.log(`${allProblems.length ? 'FAIL' : 'ok  '} whole folder in one run: exit ${all.status} ${Math.round(all.ms)} ms, ${linted} files, ${summary(allDiagnostics)}`);
for (const p of allProblems) console.log(`       - ${p}`);
if (allProblems.length) failed++;

// A {{variable}} finding points at its own braces in the string, not at the whole prompt: in these files'
// prompts of thousands of characters the string's start says nothing about where to look.
{
  const problems = [];
  let exact = 0;
  for (const result of allDiagnostics.length ? JSON.parse(all.stdout).results : []) {
    const text = readFileSync(path.resolve(result.file), 'utf8');
    const starts = [0];
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    for (const d of result.diagnostics) {
      if (d.ruleId !== 'no-undefined-variable') continue;
      const covered = text.slice(starts[d.line - 1] + d.column - 1, starts[d.endLine - 1] + d.endColumn - 1);
      if (covered.startsWith('{{') && covered.replace(/\s+/g, '') === d.data.ref.replace(/\s+/g, '')) exact++;
      else problems.push(`${path.basename(result.file)} ${d.pointer}: ${d.line}:${d.column} covers ${JSON.stringify(covered.slice(0, 40))}, not ${d.data.ref}`);
    }
  }
  console.log(`${problems.length ? 'FAIL' : 'ok  '} {{variable}} findings at their braces: ${exact} of ${exact + problems.length}`);
  for (const p of problems.slice(0, 10)) console.log(`       - ${p}`);
  if (problems.length) failed++;
}

// The whole folder as SARIF, through Microsoft's validator with its default rules and GitHub's
// ingestion rules (--rule-kind Gh): what code scanning would accept, with no error or warning.
{
  const { multitoolPath, validateSarif } = await import('./sarif-validate.mjs');
  if (!multitoolPath()) {
    console.log(`skip SARIF validation: @microsoft/sarif-multitool has no binary for ${process.platform}`);
  } else {
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-real-world-'));
    const file = path.join(dir, 'real-world.sarif');
    const run = spawnSync(process.execPath, [cli, 'lint', folder, '--format', 'sarif', '--output-file', `sarif=${file}`], { encoding: 'utf8' });
    const problems = run.status === 0 || run.status === 1 ? [] : [`lint exited ${run.status}: ${run.stderr.trim().split('\n')[0]}`];
    let counts = '';
    if (!problems.length) {
      const findings = validateSarif([file]);
      counts = `${findings.filter((f) => f.ruleId.startsWith('SARIF')).length} (default rules), ${findings.filter((f) => f.ruleId.startsWith('GH')).length} (GitHub rules)`;
      for (const f of findings) problems.push(`${f.level} ${f.ruleId}: ${f.text}`);
    }
    rmSync(dir, { recursive: true, force: true });
    console.log(`${problems.length ? 'FAIL' : 'ok  '} SARIF of the whole folder through sarif-multitool validate: errors and warnings: ${counts || 'not run'}`);
    for (const p of problems) console.log(`       - ${p}`);
    if (problems.length) failed++;
  }
}

// Call objects go through the one transcript parser (dist/retell/transcript.js): each must give its
// tool calls, paired with their results, and nothing the parser had to skip.
const { parseCallTranscript, callFrom } = await import(pathToFileURL(path.join(repo, 'dist', 'retell', 'transcript.js')).href);
const CALLS = [{ pattern: /test_call_analysis/, why: 'GET call object with 2 tool calls (README #15)' }];
for (const { pattern } of CALLS) {
  const file = files.find((f) => pattern.test(f));
  const problems = [];
  let line = `transcript of ${pattern}`;
  if (!file) {
    problems.push(`no file matches ${pattern}`);
  } else {
    const call = callFrom(JSON.parse(readFileSync(path.join(folder, file), 'utf8')));
    const parsed = parseCallTranscript(call);
    const paired = parsed.toolCalls.filter((c) => c.result !== undefined);
    const kinds = new Map();
    for (const c of parsed.toolCalls) kinds.set(c.kind, (kinds.get(c.kind) ?? 0) + 1);
    const byKind = [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', ');
    line = `transcript of ${file}: ${parsed.toolCalls.length} tool calls (${byKind || 'none'}), ${paired.length} with results, ${parsed.nodeTransitions.length} node transitions, ${parsed.utterances.length} utterances`;
    if (!call) problems.push('not recognised as a call object');
    if (parsed.toolCalls.length === 0) problems.push('the parser found no tool call');
    if (paired.length !== parsed.toolCalls.length) problems.push(`${parsed.toolCalls.length - paired.length} tool calls without a result`);
    for (const c of parsed.toolCalls) if (c.argumentsError) problems.push(`${c.name}: ${c.argumentsError}`);
    if (parsed.nodeTransitions.length === 0) problems.push('the parser found no node transition');
    for (const s of [...parsed.skipped, ...parsed.orphanResults.map((r) => ({ index: r.index, reason: 'result without an invocation' }))]) problems.push(`item ${s.index} skipped: ${s.reason}`);
  }
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${line}`);
  for (const p of problems) console.log(`       - ${p}`);
  if (problems.length) failed++;
}

// Replay: the real call against handlers that answer what it recorded (a config written at run time
// from the call itself, never copied into the repo) must replay the same (exit 0); with one handler
// changed it must exit 1 and name that function and the field.
{
  const file = files.find((f) => /test_call_analysis/.test(f));
  const problems = [];
  let line = 'replay of the real call';
  if (!file) problems.push('no file matches /test_call_analysis/');
  else {
    const callFile = path.join(folder, file);
    const call = callFrom(JSON.parse(readFileSync(callFile, 'utf8')));
    const custom = parseCallTranscript(call).toolCalls.filter((c) => c.kind === 'custom' && c.result);
    const handlers = new Map();
    for (const c of custom) handlers.set(c.name.replace(/_v\d+$/, ''), JSON.parse(c.result.content));
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-real-world-'));
    const anyArgs = '{ safeParse: (value) => ({ success: true, data: value }) }';
    const write = (name, changed) => {
      const functions = [...handlers].map(([fn, result], i) => `  ${JSON.stringify(fn)}: { args: ${anyArgs}, handler: () => (${JSON.stringify(i === changed ? { ...result, changed_by_check: true } : result)}) },`);
      const config = path.join(dir, name);
      writeFileSync(config, `export default {\n functions: {\n${functions.join('\n')}\n },\n};\n`);
      return config;
    };
    const replayRun = (config) => spawnSync(process.execPath, [cli, 'replay', callFile, '--config', config, '--format', 'json'], { encoding: 'utf8' });
    try {
      const same = replayRun(write('same.config.mjs', -1));
      const report = JSON.parse(same.stdout || '{}');
      const statuses = (report.groups ?? []).flatMap((g) => g.calls.flatMap((c) => c.steps.map((s) => `${s.name} ${s.status}`)));
      line = `replay of ${file}: ${handlers.size} handlers answering the recorded results: exit ${same.status} (${statuses.join(', ')})`;
      if (same.status !== 0) problems.push(`expected exit 0, got ${same.status}: ${same.stderr.trim() || statuses.join(', ')}`);
      if (custom.length === 0 || statuses.filter((s) => s.endsWith(' same')).length !== custom.length) problems.push(`expected ${custom.length} same answers`);
      const lastName = [...handlers.keys()].at(-1);
      const changed = replayRun(write('changed.config.mjs', handlers.size - 1));
      const changedReport = JSON.parse(changed.stdout || '{}');
      const changedSteps = (changedReport.groups ?? []).flatMap((g) => g.calls.flatMap((c) => c.steps)).filter((s) => s.status === 'changed');
      line += `; with ${lastName} changed: exit ${changed.status}, ${changedSteps.map((s) => `${s.handler} ${s.differences.map((d) => d.path).join(', ')}`).join('; ')}`;
      if (changed.status !== 1) problems.push(`with ${lastName} changed: expected exit 1, got ${changed.status}`);
      if (changedSteps.length !== 1 || changedSteps[0].handler !== lastName || changedSteps[0].differences[0]?.path !== 'changed_by_check') problems.push(`with ${lastName} changed: expected exactly that function named, with the field changed_by_check`);
    } catch (error) {
      problems.push(`replay output is not JSON: ${error.message}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  console.log(`${problems.length ? 'FAIL' : 'ok  '} ${line}`);
  for (const p of problems) console.log(`       - ${p}`);
  if (problems.length) failed++;
}

// Diff: the real versions of one business must give a report a reviewer can act on, bounded in size;
// the same version after a canvas move and a node reorder must be no change. The Newtown Gastro agent
// and its flow become one pull folder (in a temp dir) and are diffed with an edited copy.
{
  const diffRun = (args, cwd) => spawnSync(process.execPath, [cli, 'diff', ...args], { encoding: 'utf8', cwd, maxBuffer: 64 * 1024 * 1024 });
  const report = (name, problems, line) => {
    console.log(`${problems.length ? 'FAIL' : 'ok  '} ${line}`);
    for (const p of problems) console.log(`       - ${p}`);
    if (problems.length) failed++;
  };
  const v43 = files.find((f) => /friseur1_flow_v43/.test(f));
  const v124 = files.find((f) => /conversation_flow_v124/.test(f));
  if (v43 && v124) {
    const problems = [];
    const a = path.join(folder, v43);
    const b = path.join(folder, v124);
    const text = diffRun([a, b]);
    const json = diffRun([a, b, '--format', 'json']);
    const md = diffRun([a, b, '--format', 'markdown']);
    let result = { changes: [], summary: {} };
    try {
      result = JSON.parse(json.stdout);
    } catch {
      problems.push(`--format json is not JSON: ${json.stderr.trim()}`);
    }
    const lines = text.stdout.split('\n');
    if (text.status !== 1) problems.push(`expected exit 1, got ${text.status}: ${text.stderr.trim()}`);
    if (lines.length > 500 || text.stdout.length > 80_000) problems.push(`text report too long: ${lines.length} lines, ${text.stdout.length} bytes`);
    const longest = Math.max(...lines.map((l) => l.length));
    if (longest > 1200) problems.push(`a line of ${longest} characters`);
    if (md.stdout.length > 65_536) problems.push(`markdown ${md.stdout.length} bytes: over GitHub's comment limit`);
    const kinds = new Set(result.changes.map((c) => c.kind));
    for (const k of ['start-node-changed', 'global-prompt-changed', 'node-removed', 'node-added', 'edge-removed', 'edge-added', 'node-instruction-changed', 'tool-parameter-removed', 'tool-endpoint-changed', 'lint-finding-introduced']) if (!kinds.has(k)) problems.push(`no ${k} change`);
    if (result.changes.some((c) => !c.message || /(^|\s)undefined(\s|$)|\[object Object\]/.test(c.message))) problems.push('a change without a readable message');
    const s = result.summary;
    report('diff askproai', problems, `diff ${v43} -> ${v124}: exit ${text.status}, ${s.total} changes (${s.breaking} breaking, ${s.warning} warning, ${s.info} info), ${lines.length} lines of text, ${md.stdout.length} bytes of markdown`);

    // The same version with every node moved on the canvas and the nodes and tools in reverse order.
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-real-world-diff-'));
    try {
      const flow = JSON.parse(readFileSync(b, 'utf8'));
      flow.nodes.reverse();
      flow.tools?.reverse();
      for (const n of flow.nodes) if (n.display_position) n.display_position = { x: n.display_position.x + 500, y: n.display_position.y + 300 };
      const moved = path.join(dir, 'moved.json');
      writeFileSync(moved, JSON.stringify(flow, null, 4));
      const same = diffRun([b, moved]);
      report('diff noise', same.status === 0 && same.stdout.includes('No changes.') ? [] : [`expected exit 0 and "No changes.", got ${same.status}: ${same.stdout.slice(0, 300)}${same.stderr}`], `diff ${v124} with itself after a canvas move and node reorder: exit ${same.status}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  } else {
    report('diff askproai', ['the askproai v43 and v124 flows are missing'], 'diff askproai');
  }

  const gastroAgent = files.find((f) => /Newtown_Gastro_Base_Agent_e6cf0d7c/.test(f));
  const gastroFlow = files.find((f) => /Newtown_Gastro_Base_Agent_conversation_flow/.test(f));
  if (gastroAgent && gastroFlow) {
    const problems = [];
    const agentFile = path.join(folder, gastroAgent);
    const flowFile = path.join(folder, gastroFlow);
    const apart = diffRun([agentFile, flowFile]);
    if (apart.status !== 2 || !apart.stderr.includes('is an agent without its flow')) problems.push(`agent file vs flow file: expected exit 2 saying so, got ${apart.status}: ${apart.stderr.trim()}`);
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-real-world-diff-'));
    let line = 'diff Newtown Gastro';
    try {
      const agent = JSON.parse(readFileSync(agentFile, 'utf8'));
      const flow = JSON.parse(readFileSync(flowFile, 'utf8'));
      const folderOf = (name, a, f) => {
        mkdirSync(path.join(dir, name));
        writeFileSync(path.join(dir, name, 'agent.json'), JSON.stringify(a, null, 2));
        writeFileSync(path.join(dir, name, 'conversation-flow.json'), JSON.stringify(f, null, 2));
      };
      folderOf('v5', agent, flow);
      const noisy = structuredClone(flow);
      noisy.nodes.reverse();
      for (const c of noisy.components ?? []) c.nodes?.reverse();
      for (const n of noisy.nodes) if (n.display_position) n.display_position = { x: n.display_position.x - 100, y: n.display_position.y };
      folderOf('v5-moved', { ...agent, last_modification_timestamp: agent.last_modification_timestamp + 1 }, noisy);
      const same = diffRun(['v5', 'v5-moved'], dir);
      if (same.status !== 0) problems.push(`pull folder vs itself moved: expected exit 0, got ${same.status}: ${same.stdout.slice(0, 300)}${same.stderr}`);
      // One agent edit and one flow edit: exactly those two changes (and what lint says about them).
      const edited = structuredClone(flow);
      const node = edited.nodes.find((n) => Array.isArray(n.edges) && n.edges.length > 1);
      const [first, second] = node.edges;
      first.destination_node_id = second.destination_node_id;
      folderOf('v6', { ...agent, webhook_url: 'https://example.com/new-webhook' }, edited);
      const changed = diffRun(['v5', 'v6', '--format', 'json', '--no-lint'], dir);
      const kinds = JSON.parse(changed.stdout || '{"changes":[]}').changes.map((c) => c.kind).sort();
      line = `diff Newtown Gastro as a pull folder: with itself moved exit ${same.status}; one webhook and one edge edit: exit ${changed.status}, ${kinds.join(', ')}`;
      if (changed.status !== 1 || kinds.join() !== 'agent-webhook-changed,edge-rewired') problems.push(`expected exit 1 with agent-webhook-changed and edge-rewired, got ${changed.status}: ${kinds.join(', ')} ${changed.stderr}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    report('diff gastro', problems, line);
  }
}

if (failed) {
  console.error(`check:real-world: ${failed} failure${failed === 1 ? '' : 's'}`);
  process.exit(1);
}
console.log(`check:real-world: all ${files.length} files behaved`);
