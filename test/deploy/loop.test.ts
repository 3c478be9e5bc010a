import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, tempDir } from '../helpers/cli.js';

// The README's whole loop, as a user types it: `retell-kit emulator --example --traffic`, pull, edit,
// deploy --canary 10, canary watch (promotes step by step on live simulated traffic), canary status.
// Every step is the real binary in a child process; nothing is set up through our modules.

let emulator: ChildProcess;
let url: string;
const dir = tempDir('retell-kit-loop-');

beforeAll(async () => {
  emulator = spawn(process.execPath, [BIN, 'emulator', '--example', '--traffic', '3000', '--port', '0', '--quiet'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the emulator did not start: ${stderr}`)), 15_000);
    emulator.stderr!.on('data', (d) => {
      stderr += d;
      const m = /RETELL_BASE_URL=(\S+)/.exec(stderr);
      if (m && stderr.includes('simulating')) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
  });
}, 20_000);
afterAll(() => {
  emulator?.kill('SIGKILL');
});

function run(args: string[], timeoutMs = 30_000): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true', RETELL_BASE_URL: url, RETELL_API_KEY: 'test' };
    for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

it('emulator --example, pull, deploy --canary 10, watch promotes 10 → 25 → 50 → 100 %, status says healthy and promoted', async () => {
  // A config with small steps so the loop runs in seconds (the defaults wait 10 minutes a step).
  writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ deploy: { numbers: ['+14155550100'] }, canary: { minEffect: 20, stepMinTime: '1s', stepMinCalls: 5, interval: '1s' } }));
  const pulled = await run(['pull', '--all', '--out', 'agents']);
  expect(pulled.status, pulled.stderr).toBe(0);
  const flowFile = path.join(dir, 'agents/salon-front-desk/conversation-flow.json');
  const flow = JSON.parse(readFileSync(flowFile, 'utf8'));
  flow.global_prompt = `${flow.global_prompt} Speak warmly.`;
  writeFileSync(flowFile, JSON.stringify(flow, null, 2));

  const deployed = await run(['deploy', 'agents/salon-front-desk', '--canary', '10', '--yes', '-m', 'warmer tone']);
  expect(deployed.status, deployed.stderr).toBe(0);
  expect(deployed.stdout).toMatch(/\+14155550100: v0 100 % -> v0 90 %, new 10 %/);
  expect(deployed.stdout).toMatch(/Deployed agent_\w+ v1 \(canary at 10 %\): warmer tone/);

  const watched = await run(['canary', 'watch'], 90_000);
  expect(watched.status, watched.stderr).toBe(0);
  expect(watched.stderr).toMatch(/healthy: 10 % → 25 %/);
  expect(watched.stderr).toMatch(/healthy: 25 % → 50 %/);
  expect(watched.stderr).toMatch(/healthy: 50 % → 100 %/);
  expect(watched.stderr).toMatch(/promoted: promoted to 100 % after 10 → 25 → 50 %/);

  const status = await run(['canary', 'status', '--format', 'json']);
  expect(status.status, status.stderr).toBe(0);
  const s = JSON.parse(status.stdout);
  expect(s.verdict).toBe('healthy');
  expect(s.deployment.state).toBe('promoted');
  expect(s.canary.agent_version).toBe(1);
  expect(s.canary.calls).toBeGreaterThan(0);
  expect(s.callsNeeded).toBeNull();
}, 150_000);
