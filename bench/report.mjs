// npm run bench:report (after npm run build): `retell-kit report` over 10,000 recordings in one run,
// the real binary, time and peak memory (max RSS, from the child's own process.resourceUsage()).
// Baseline: the floor any report must pay, a child that reads and JSON.parses the same 10,000 files
// one by one and keeps nothing. Rounds are interleaved (floor, report, floor, report, ...) because
// the machine is shared; the median of each is reported, and the ratio of the medians.
// Writes bench/RESULTS.md under "## report".
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const N = Number(process.env.BENCH_REPORT_CALLS ?? 10_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const dir = mkdtempSync(path.join(tmpdir(), 'bench-report-'));
const recDir = path.join(dir, 'recordings');
mkdirSync(recDir);

// 10,000 recordings from the six fixture recordings (a real serve --record run), spread over 3 days,
// with a bad hour of timeouts so the spike detector has something to find.
const seeds = readdirSync(path.join(repo, 'fixtures/report/recordings')).map((f) => JSON.parse(readFileSync(path.join(repo, 'fixtures/report/recordings', f), 'utf8')));
const T0 = Date.UTC(2026, 2, 16, 0, 0, 0);
let bytes = 0;
for (let i = 0; i < N; i++) {
  const seed = seeds[i % seeds.length];
  const callId = `call_bench_${String(i).padStart(5, '0')}`;
  const start = T0 + Math.floor((i / N) * 72 * 3_600_000);
  const badHour = Math.floor((start - T0) / 3_600_000) === 50;
  const rec = structuredClone(seed);
  rec.callId = callId;
  rec.call.call_id = callId;
  rec.call.start_timestamp = start;
  rec.call.end_timestamp = start + rec.call.duration_ms;
  for (const e of rec.events) e.payload.call && (e.payload.call.call_id = callId);
  rec.functionCalls.forEach((fc, k) => {
    fc.startedAt = new Date(start + 5_000 + k * 1_000).toISOString();
    if (badHour && i % 3 === 0) Object.assign(fc, { outcome: 'timeout', status: 504, durationMs: 8000 });
  });
  const text = JSON.stringify(rec, null, 2);
  bytes += text.length;
  writeFileSync(path.join(recDir, `${callId}.json`), text);
}

const hook = path.join(dir, 'rss.mjs');
writeFileSync(hook, "import { writeSync } from 'node:fs';\nprocess.on('exit', () => writeSync(2, `\\nBENCH_MAXRSS_KB=${process.resourceUsage().maxRSS}\\n`));\n");
const floor = path.join(dir, 'floor.mjs');
writeFileSync(
  floor,
  `import { readdirSync, readFileSync } from 'node:fs';\nimport path from 'node:path';\nconst d = process.argv[2];\nlet n = 0;\nfor (const f of readdirSync(d)) { const v = JSON.parse(readFileSync(path.join(d, f), 'utf8')); if (v.callId) n++; }\nconsole.log(n);\n`,
);

function run(args) {
  const t = process.hrtime.bigint();
  const r = spawnSync(process.execPath, ['--import', hook, ...args], { cwd: repo, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const rss = Number(/BENCH_MAXRSS_KB=(\d+)/.exec(r.stderr)?.[1] ?? NaN) / 1024;
  return { ms, rss, stdout: r.stdout };
}

const out = path.join(dir, 'report.json');
const floors = [];
const reports = [];
let last;
for (let round = 0; round < ROUNDS; round++) {
  floors.push(run([floor, recDir]));
  reports.push(run([path.join(repo, 'bin/retell-kit.js'), 'report', recDir, '--format', 'json', '--output', out]));
}
last = JSON.parse(readFileSync(out, 'utf8'));
// Memory against input size: the same report over a fifth of the files. Streaming shows as RSS that
// grows far slower than the input.
const fifthDir = path.join(dir, 'fifth');
mkdirSync(fifthDir);
for (const f of readdirSync(recDir).slice(0, Math.floor(N / 5))) symlinkSync(path.join(recDir, f), path.join(fifthDir, f));
const fifth = run([path.join(repo, 'bin/retell-kit.js'), 'report', fifthDir, '--format', 'json', '--output', path.join(dir, 'fifth.json')]);
const htmlFile = path.join(dir, 'report.html');
run([path.join(repo, 'bin/retell-kit.js'), 'report', recDir, '--format', 'html', '--output', htmlFile]);
const htmlKb = statSync(htmlFile).size / 1024;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const f = { ms: median(floors.map((x) => x.ms)), rss: median(floors.map((x) => x.rss)) };
const r = { ms: median(reports.map((x) => x.ms)), rss: median(reports.map((x) => x.rss)) };
const rows = [
  ['run', 'median wall time', 'best', 'calls/s', 'peak RSS (median)'],
  ['floor: read + JSON.parse each file, keep nothing', `${(f.ms / 1000).toFixed(2)} s`, `${(Math.min(...floors.map((x) => x.ms)) / 1000).toFixed(2)} s`, String(Math.round(N / (f.ms / 1000))), `${f.rss.toFixed(0)} MB`],
  ['retell-kit report --format json', `${(r.ms / 1000).toFixed(2)} s`, `${(Math.min(...reports.map((x) => x.ms)) / 1000).toFixed(2)} s`, String(Math.round(N / (r.ms / 1000))), `${r.rss.toFixed(0)} MB`],
];
const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`)].join('\n');
const summary = [
  `${N.toLocaleString('en')} recordings (${(bytes / 1024 / 1024).toFixed(0)} MB of JSON) in one run, ${ROUNDS} interleaved rounds on a shared 2-core machine (Node ${process.version}).`,
  `Ratio to the floor: ${(r.ms / f.ms).toFixed(2)}x the time, ${(r.rss / f.rss).toFixed(2)}x the memory. Peak RSS ${r.rss.toFixed(0)} MB for ${N.toLocaleString('en')} calls against ${fifth.rss.toFixed(0)} MB for ${Math.floor(N / 5).toLocaleString('en')} (${(fifth.ms / 1000).toFixed(2)} s): 5x the input, ${(r.rss / fifth.rss).toFixed(2)}x the memory. Files are read one at a time and only the numbers and the claims are kept.`,
  `The report found ${last.calls.connected} calls, ${last.unfulfilledClaims.length} unfulfilled claims, ${last.recovered.length} recovered and ${last.spikes.length} spike(s) (${last.spikes.map((s) => `${s.metric} at ${s.hour}`).join(', ')}). The --format html page of the same run: ${htmlKb.toFixed(0)} KB, self-contained (inline SVG, claim tables capped at 500 rows).`,
];
console.log(table);
console.log(summary.join('\n'));
writeResultsSection('report', `## report\n\n\`npm run bench:report\`: ${summary[0]}\n\n${table}\n\n${summary.slice(1).join('\n')}\n`);
rmSync(dir, { recursive: true, force: true });
