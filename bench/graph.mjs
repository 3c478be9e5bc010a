// npm run bench:graph — whole-process cost of `retell-kit graph` on a synthetic 1,000-node flow
// (bench/synthetic-flow.mjs, the one bench:lint and bench:diff use): Mermaid, SVG (Graphviz in
// WebAssembly, the fast layout above FAST_LAYOUT_NODES) and HTML, beside `retell-kit lint` of the same
// file (the baseline: graph lints the flow to colour it), and the SVG of a 200-node flow. The commands
// take turns run by run, so load from other work on the machine falls on each alike; median and best
// of the runs. Writes the table into bench/RESULTS.md under "## graph". Options: --quick, --no-write.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
  console.error('bench:graph: dist/ is missing, run npm run build first');
  process.exit(1);
}

const RSS_HOOK = `data:text/javascript,${encodeURIComponent("process.on('exit',()=>process.stderr.write('\\nBENCH_MAXRSS_KB '+process.resourceUsage().maxRSS+'\\n'))")}`;

function runOnce(args, { rss = false } = {}) {
  const argv = rss ? ['--import', RSS_HOOK, cli, ...args] : [cli, ...args];
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024, timeout: 600_000 });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.error) throw child.error;
  const m = /BENCH_MAXRSS_KB (\d+)/.exec(child.stderr ?? '');
  return { ms, status: child.status, stderr: child.stderr, rssMb: m ? Number(m[1]) / 1024 : undefined };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const fmtMs = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`);

const tmp = mkdtempSync(path.join(os.tmpdir(), 'retell-kit-bench-graph-'));
const lines = [];
const out = (line = '') => {
  lines.push(line);
  console.log(line);
};
try {
  const big = path.join(tmp, 'flow-1000.json');
  const small = path.join(tmp, 'flow-200.json');
  writeFileSync(big, JSON.stringify(syntheticFlow(1_000), null, 2));
  writeFileSync(small, JSON.stringify(syntheticFlow(200), null, 2));
  const o = (name) => path.join(tmp, name);
  const cases = [
    { name: '`lint` 1,000 nodes (baseline)', args: ['lint', big, '--format', 'json'], ok: [0, 1] },
    { name: '`graph` 1,000 nodes, mermaid', args: ['graph', big, '-o', o('big.mmd')], ok: [0] },
    { name: '`graph` 1,000 nodes, svg', args: ['graph', big, '-o', o('big.svg')], ok: [0] },
    { name: '`graph` 1,000 nodes, html', args: ['graph', big, '-o', o('big.html')], ok: [0] },
    { name: '`graph` 1,000 nodes, svg --no-lint', args: ['graph', big, '--no-lint', '-o', o('big2.svg')], ok: [0] },
    { name: '`graph` 200 nodes, svg', args: ['graph', small, '-o', o('small.svg')], ok: [0] },
  ];
  const runs = quick ? 3 : 5;
  process.stderr.write(`bench:graph: ${cases.length} commands, ${runs} runs each, interleaved...\n`);
  for (const c of cases) {
    const warm = runOnce(c.args);
    if (!c.ok.includes(warm.status)) throw new Error(`${c.name}: exit ${warm.status}: ${warm.stderr}`);
  }
  const times = cases.map(() => []);
  for (let i = 0; i < runs; i++) cases.forEach((c, k) => times[k].push(runOnce(c.args).ms));
  const rss = cases.map((c) => runOnce(c.args, { rss: true }).rssMb);
  const svg = readFileSync(o('big.svg'), 'utf8');
  const nodesDrawn = (svg.match(/class="node flow&#45;node/g) ?? []).length;
  const base = median(times[0]);

  out(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load ${os.loadavg()[0].toFixed(1)} (the machine is shared: compare rows of one run, not runs); ${runs} runs each, interleaved, whole process.`);
  out(`Flow: bench/synthetic-flow.mjs, 1,000 nodes (${(statSync(big).size / 1e6).toFixed(1)} MB), ${nodesDrawn} nodes in the SVG (${(svg.length / 1e6).toFixed(1)} MB).`);
  out('');
  out('| command | median | best | vs lint | peak RSS |');
  out('|---|---:|---:|---:|---:|');
  cases.forEach((c, k) => {
    out(`| ${c.name} | ${fmtMs(median(times[k]))} | ${fmtMs(Math.min(...times[k]))} | ${(median(times[k]) / base).toFixed(2)}x | ${rss[k] ? `${Math.round(rss[k])} MB` : '?'} |`);
  });
  out('');
  out('Above 80 nodes the SVG layout uses straight edges and short crossing/ranking passes (src/graph/dot.ts FAST_LAYOUT_NODES): with Graphviz defaults the 1,000-node SVG had not finished after 10 minutes, and 200 nodes took 8.3 s (measured by hand while building this).');
  if (write) {
    writeResultsSection('graph', `## graph\n\nGenerated by \`npm run bench:graph\` (bench/graph.mjs); edit the script, not this section.\n\n${lines.join('\n')}\n`);
    process.stderr.write('bench:graph: wrote the "## graph" section of bench/RESULTS.md\n');
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
