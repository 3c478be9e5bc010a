// npm run bench:replay: 1,000 recordings of 10 function calls each, replayed in-process against
// trivial handlers, against the direct loop (the least any replay must do: validate each recorded
// call's args with the handler's zod schema, call the handler, compare its answer with the recorded
// one). Prints a table and the ratio; writes bench/RESULTS.md under "## replay" (other sections are
// left alone). Flags: --no-write, --recordings <n> (default 1000), --rounds <n> (default 5).
// Needs dist/ (npm run build).
import { cpus, tmpdir } from 'node:os';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeResultsSection } from './results.mjs';
import { z } from 'zod';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '..');
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};
const RECORDINGS = arg('--recordings', 1000);
const CALLS = 10;
const ROUNDS = arg('--rounds', 7);
// Each measurement replays the whole set this many times, so a round lasts long enough that one GC
// pause or a neighbour's burst does not decide it.
const PASSES = arg('--passes', 5);
if (!existsSync(path.join(repo, 'dist', 'replay', 'index.js'))) {
  console.error('bench:replay: dist/ is missing, run npm run build first');
  process.exit(1);
}
const { replay, replayCalls, loadReplayables } = await import(pathToFileURL(path.join(repo, 'dist', 'replay', 'index.js')).href);
const { defineFunction } = await import(pathToFileURL(path.join(repo, 'dist', 'index.js')).href);

// Ten trivial handlers: validate, echo a little, answer.
const functions = {};
for (let f = 0; f < CALLS; f++) {
  functions[`fn_${f}`] = defineFunction({
    args: z.object({ n: z.number(), slot: z.string() }),
    handler: async (args) => ({ ok: true, n: args.n, slot: args.slot, fn: f }),
  });
}
const config = { functions };

// Recordings in the format serve --record writes, each with its 10 function calls and answers.
const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-bench-replay-'));
const start = Date.parse('2026-03-16T10:00:00Z');
for (let r = 0; r < RECORDINGS; r++) {
  const callId = `call_bench_${r}`;
  const functionCalls = [];
  for (let f = 0; f < CALLS; f++) {
    const args = { n: r * CALLS + f, slot: `${String(9 + (f % 8)).padStart(2, '0')}:00` };
    functionCalls.push({ traceId: `t${r}_${f}`, name: `fn_${f}_v3`, handler: `fn_${f}`, toolCallId: `tool_call_${f}`, agentVersion: 3, args, status: 200, outcome: 'ok', result: { ok: true, n: args.n, slot: args.slot, fn: f }, durationMs: 1, startedAt: new Date(start + f * 1000).toISOString(), duplicate: false });
  }
  const recording = { version: 1, callId, agentId: 'agent_bench', agentVersion: 3, recordedAt: new Date(start).toISOString(), call: { call_id: callId, agent_id: 'agent_bench', agent_version: 3, start_timestamp: start }, events: [], functionCalls };
  writeFileSync(path.join(dir, `${callId}.json`), JSON.stringify(recording, null, 2));
}
const total = RECORDINGS * CALLS;
const calls = await loadReplayables([dir]);

async function direct() {
  // The same handlers called directly in a loop, with what any replay must do around them.
  let same = 0;
  for (const call of calls) {
    for (const step of call.steps) {
      const definition = functions[step.name.replace(/_v\d+$/, '')];
      const parsed = definition.args.safeParse(step.args);
      const result = await definition.handler(parsed.data, { callId: call.callId, replay: true });
      if (JSON.stringify(result) === JSON.stringify(step.expected.body)) same++;
    }
  }
  if (same !== total) throw new Error(`direct loop: ${same} of ${total} same`);
}

async function inProcess() {
  const report = await replayCalls(calls, config);
  if (report.summary.same !== total) throw new Error(`replay: ${report.summary.same} of ${total} same: ${JSON.stringify(report.summary)}`);
}

async function fromDisk() {
  const report = await replay([dir], config);
  if (report.summary.same !== total) throw new Error(`replay: ${report.summary.same} of ${total} same`);
}

async function measure(fn) {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  for (let i = 0; i < PASSES; i++) await fn();
  const ms = (performance.now() - t0) / PASSES;
  const cpu = process.cpuUsage(cpu0);
  return { ms, cpuMs: (cpu.user + cpu.system) / 1000 / PASSES };
}

// Warm-up, then rounds taking turns.
await direct();
await inProcess();
await fromDisk();
const runs = { direct: [], inProcess: [], fromDisk: [] };
for (let i = 0; i < ROUNDS; i++) {
  runs.direct.push(await measure(direct));
  runs.inProcess.push(await measure(inProcess));
  runs.fromDisk.push(await measure(fromDisk));
}
rmSync(dir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const stats = (list) => ({ ms: median(list.map((r) => r.ms)), best: Math.min(...list.map((r) => r.ms)), cpuMs: median(list.map((r) => r.cpuMs)) });
const d = stats(runs.direct);
const p = stats(runs.inProcess);
const f = stats(runs.fromDisk);
// The ratio of each round (direct and replay ran next to each other), then the median of those.
const roundRatios = runs.inProcess.map((r, i) => r.ms / runs.direct[i].ms);
const ratio = median(roundRatios);
const perSec = (ms) => Math.round(total / (ms / 1000));
const rows = [
  ['run', 'median', 'function calls/s', 'best run', 'CPU (median)', 'ratio to direct (median / best / CPU)'],
  ['direct loop: validate, call, compare', `${d.ms.toFixed(0)} ms`, perSec(d.ms).toLocaleString('en'), `${d.best.toFixed(0)} ms`, `${d.cpuMs.toFixed(0)} ms`, '1x'],
  ['replay in-process (loaded calls)', `${p.ms.toFixed(0)} ms`, perSec(p.ms).toLocaleString('en'), `${p.best.toFixed(0)} ms`, `${p.cpuMs.toFixed(0)} ms`, `${(p.ms / d.ms).toFixed(2)}x / ${(p.best / d.best).toFixed(2)}x / ${(p.cpuMs / d.cpuMs).toFixed(2)}x`],
  ['replay in-process, reading the 1,000 files', `${f.ms.toFixed(0)} ms`, perSec(f.ms).toLocaleString('en'), `${f.best.toFixed(0)} ms`, `${f.cpuMs.toFixed(0)} ms`, `${(f.ms / d.ms).toFixed(2)}x / ${(f.best / d.best).toFixed(2)}x / ${(f.cpuMs / d.cpuMs).toFixed(2)}x`],
];
const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
const rate = perSec(p.ms);
const verdict = [
  `Rounds (replay / direct): ${roundRatios.map((r) => `${r.toFixed(2)}x`).join(', ')}.`,
  `Targets (issue 14): >= 2,000 function calls/s: ${rate.toLocaleString('en')}/s (${perSec(f.ms).toLocaleString('en')}/s with the files read) — ${rate >= 2000 ? 'met' : 'NOT met'};`,
  `within 3x of the direct loop: ${ratio.toFixed(2)}x, the median of the rounds (best runs ${(p.best / d.best).toFixed(2)}x, CPU ${(p.cpuMs / d.cpuMs).toFixed(2)}x) — ${ratio <= 3 ? 'met' : 'NOT met'}.`,
].join('\n');
console.log(`${table}\n\n${verdict}`);

if (!process.argv.includes('--no-write')) {
  const file = path.join(here, 'RESULTS.md');
  const load = (await import('node:os')).loadavg().map((n) => n.toFixed(1)).join(' ');
  const section = [
    '## replay',
    '',
    `\`npm run bench:replay\` (bench/replay.mjs) on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), load average ${load}.`,
    `${RECORDINGS.toLocaleString('en')} recordings (serve --record format) of ${CALLS} function calls each (${total.toLocaleString('en')} calls), ten trivial handlers with zod args,`,
    'all answers the same. Replay does per call what `retell-kit replay` does: routes the `_v3` name through the registry, derives',
    "the idempotency key (SHA-256) and applies serve's keep/retry rules to it, gives each recording a fresh in-memory store,",
    'validates the args, builds ctx, runs the handler under its timeout, diffs the answer field by field and builds the report.',
    'The direct loop validates the args, calls the handler and compares JSON.stringify of the answers. Times are per pass over',
    `the 10,000 calls (${PASSES} passes a measurement); median of ${ROUNDS} rounds taking turns, after a warm-up.`,
    '',
    table,
    '',
    verdict,
    '',
  ].join('\n');
  writeResultsSection('replay', section, file);
}
