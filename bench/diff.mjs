// npm run bench:diff — `retell-kit diff` on two versions of a synthetic 10k-node flow (bench:lint's
// generator) against `retell-kit lint` on one of them, whole process each, run by run in turns so
// load on the machine falls on both alike. Target: diff under 3x lint. Version b is a: every node
// moved on the canvas, the node list reversed, and ~2% of the nodes edited (instructions, rewired
// edges, conditions, nodes removed and added, a tool's parameters). Writes "## diff" in
// bench/RESULTS.md. Options: --quick (1k and 10k, fewer runs), --no-write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results.mjs';
import { syntheticFlow } from './synthetic-flow.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = path.join(repo, 'bin', 'retell-kit.js');
const quick = process.argv.includes('--quick');
const write = !process.argv.includes('--no-write');
if (!existsSync(path.join(repo, 'dist', 'cli.js'))) {
  console.error('bench:diff: dist/ is missing, run npm run build first');
  process.exit(1);
}

/** b: a with canvas noise everywhere and real edits on every 50th node. */
function edited(flow) {
  const b = structuredClone(flow);
  for (const n of b.nodes) if (n.display_position) n.display_position = { x: n.display_position.x + 40, y: n.display_position.y + 40 };
  const ids = b.nodes.map((n) => n.id);
  const removed = new Set();
  b.nodes.forEach((n, i) => {
    if (i % 50 !== 7) return;
    const what = (i / 50) % 5 | 0;
    if (what === 0 && n.instruction?.text) n.instruction.text = n.instruction.text.replace(/ the /, ' the new ') + ' Confirm before moving on.';
    else if (what === 1 && n.edges?.[0]) n.edges[0].destination_node_id = ids[(i + 13) % ids.length];
    else if (what === 2 && n.edges?.[0]?.transition_condition?.prompt) n.edges[0].transition_condition.prompt += ' and agreed';
    else if (what === 3 && n.type === 'conversation' && i > 10) removed.add(n.id);
    else n.interruption_sensitivity = 0.5;
  });
  b.nodes = b.nodes.filter((n) => !removed.has(n.id));
  for (let k = 0; k < 20; k++) b.nodes.push({ id: `added-${k}`, type: 'conversation', instruction: { type: 'prompt', text: 'A new step.' }, edges: [{ id: `added-e-${k}`, destination_node_id: ids[k + 1], transition_condition: { type: 'prompt', prompt: 'Caller is ready' } }] });
  if (b.tools?.[0]) b.tools[0].parameters.required = ['customer_name', 'date'];
  b.nodes.reverse();
  return b;
}

function runOnce(args, cwd) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.error) throw child.error;
  return { ms, status: child.status, stdout: child.stdout, stderr: child.stderr };
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'retell-kit-bench-diff-'));
const lines = [];
const out = (line = '') => {
  lines.push(line);
  console.log(line);
};
let failed = false;
try {
  const sizes = quick ? [1_000, 10_000] : [1_000, 10_000];
  const runs = quick ? 3 : 7;
  const rows = [];
  for (const n of sizes) {
    const a = path.join(tmp, `a-${n}.json`);
    const b = path.join(tmp, `b-${n}.json`);
    const flow = syntheticFlow(n);
    writeFileSync(a, JSON.stringify(flow, null, 2));
    writeFileSync(b, JSON.stringify(edited(flow), null, 2));
    process.stderr.write(`bench:diff: ${n} nodes...\n`);
    const commands = [
      [cli, 'lint', b, '--format', 'json'],
      [cli, 'diff', a, b, '--format', 'json'],
      [cli, 'diff', a, b, '--format', 'json', '--no-lint'],
    ];
    const warm = commands.map((c) => runOnce(c, tmp));
    const diff = JSON.parse(warm[1].stdout);
    if (warm[1].status !== 1 || !diff.summary) throw new Error(`diff of ${n} nodes: exit ${warm[1].status} ${warm[1].stderr}`);
    const times = commands.map(() => []);
    for (let i = 0; i < runs; i++) commands.forEach((c, k) => times[k].push(runOnce(c, tmp).ms));
    const [lint, full, noLint] = times.map(median);
    rows.push({ n, size: statSync(b).size, lint, full, noLint, changes: diff.summary.total, kinds: new Set(diff.changes.map((c) => c.kind)).size });
  }
  out(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg()[0].toFixed(1)}; median of ${quick ? 3 : 7} runs each, whole process.`);
  out('');
  out('| nodes | file | lint b | diff a b | ratio | diff --no-lint | ratio | changes found |');
  out('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    out(`| ${r.n.toLocaleString('en')} | ${(r.size / 1e6).toFixed(1)} MB | ${fmtMs(r.lint)} | ${fmtMs(r.full)} | ${(r.full / r.lint).toFixed(2)}x | ${fmtMs(r.noLint)} | ${(r.noLint / r.lint).toFixed(2)}x | ${r.changes} (${r.kinds} kinds) |`);
  }
  const tenK = rows.find((r) => r.n === 10_000);
  const ratio = tenK.full / tenK.lint;
  out('');
  out(`Target: diff of two 10k-node versions (lint delta included: both sides are linted) under 3x lint of one: ${ratio.toFixed(2)}x, ${ratio < 3 ? 'met' : 'NOT met'}.`);
  if (ratio >= 3) failed = true;

  if (write) {
    const results = path.join(repo, 'bench', 'RESULTS.md');
    const section = `## diff\n\nGenerated by \`npm run bench:diff\` (bench/diff.mjs); edit the script, not this section.\n\n${lines.join('\n')}\n`;
    writeResultsSection('diff', section, results);
    process.stderr.write('bench:diff: wrote the "## diff" section of bench/RESULTS.md\n');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
if (failed) process.exit(1);
