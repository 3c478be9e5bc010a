// `npm run bench:client`: what the client's get-call hydration buys. v3 list-calls items carry no
// transcript, so a report over N calls makes N get-call requests. Against the emulator (run in a child
// process so it does not share our event loop) with a fixed per-request latency standing in for the
// round trip to api.retellai.com, hydrate the same calls: one at a time (the baseline: a plain loop
// over the SDK), with the client's default cap of 8 and with 16, then again from the disk cache.
// Also times listCalls over every page. Needs dist/ (npm run build).
// Options: --calls <n> (default 400), --latency <ms> (default 25), --no-write.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeResultsSection } from './results.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');
const KEY = 'key_bench_client';
const arg = (name, fallback) => {
  const i = process.argv.indexOf(name);
  return i === -1 ? fallback : Number(process.argv[i + 1]);
};

if (process.argv[2] === '--emulator') {
  const { startEmulator } = await import(path.join(dist, 'emulator/index.js'));
  const emulator = await startEmulator({ port: 0 });
  process.stdout.write(`${emulator.url}\n`);
  process.on('SIGTERM', () => emulator.close().then(() => process.exit(0)));
} else {
  if (!existsSync(path.join(dist, 'retell/client.js'))) throw new Error('dist/ is missing: npm run build');
  const { RetellClient } = await import(path.join(dist, 'retell/client.js'));
  const calls = arg('--calls', 400);
  const latency = arg('--latency', 25);
  const child = spawn(process.execPath, [fileURLToPath(import.meta.url), '--emulator'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise((resolve) => child.stdout.once('data', (d) => resolve(String(d).trim())));
  const post = (p, body) => fetch(`${url}${p}`, { method: 'POST', headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  try {
    const setup = new RetellClient({ apiKey: KEY, baseUrl: url });
    const agent = await setup.sdk.agent.create({ voice_id: 'v', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://x' } });
    const number = await setup.sdk.phoneNumber.create({ inbound_agents: [{ agent_id: agent.agent_id, weight: 1 }] });
    await post('/emulator/simulate-calls', { phone_number: number.phone_number, count: calls, seed: 1 });
    await post('/emulator/faults', { endpoint: 'get-call', latency_ms: latency });

    const time = async (fn) => {
      const t = performance.now();
      const out = await fn();
      return { ms: performance.now() - t, out };
    };
    const list = await time(() => new RetellClient({ apiKey: KEY, baseUrl: url }).listCalls({ agentId: agent.agent_id }));
    const ids = list.out.map((c) => c.call_id);
    const rows = [];
    let baseline;
    for (const concurrency of [1, 8, 16]) {
      const client = new RetellClient({ apiKey: KEY, baseUrl: url, concurrency });
      const r = await time(() => client.hydrateCalls(ids));
      baseline ??= r.ms;
      rows.push({ what: concurrency === 1 ? 'one at a time (baseline)' : `cap ${concurrency}${concurrency === 8 ? ' (default)' : ''}`, ms: r.ms, ratio: baseline / r.ms });
    }
    const cacheDir = mkdtempSync(path.join(tmpdir(), 'retell-kit-bench-cache-'));
    try {
      await new RetellClient({ apiKey: KEY, baseUrl: url, callCacheDir: cacheDir }).hydrateCalls(ids);
      const cached = await time(() => new RetellClient({ apiKey: KEY, baseUrl: url, callCacheDir: cacheDir }).hydrateCalls(ids));
      rows.push({ what: 'again, from the disk cache (a new client)', ms: cached.ms, ratio: baseline / cached.ms });
    } finally {
      rmSync(cacheDir, { recursive: true, force: true });
    }

    const table = [
      `| hydrate ${ids.length} calls, ${latency} ms per get-call | wall time | speed-up vs one at a time |`,
      '|---|---|---|',
      ...rows.map((r) => `| ${r.what} | ${(r.ms / 1000).toFixed(2)} s | ${r.ratio.toFixed(1)}× |`),
    ].join('\n');
    const listLine = `listCalls over every page (${ids.length} calls, pages of 1000, no latency fault): ${list.ms.toFixed(0)} ms.`;
    console.log(table);
    console.log(`\n${listLine}`);
    if (!process.argv.includes('--no-write')) {
      const file = path.join(here, 'RESULTS.md');
      const section = [
        '## client',
        '',
        `\`npm run bench:client\` on ${new Date().toISOString().slice(0, 10)}: Node ${process.version}, ${cpus().length} CPU (${cpus()[0]?.model.trim() ?? 'unknown'}), the emulator in a child process on loopback,`,
        `a ${latency} ms latency fault on get-call standing in for the round trip to Retell. The baseline is a plain loop over the SDK's get-call.`,
        '',
        table,
        '',
        listLine,
        '',
      ].join('\n');
      writeResultsSection('client', section, file);
      console.error(`recorded in ${path.relative(process.cwd(), file)}`);
    }
  } finally {
    child.kill('SIGTERM');
  }
}
