import { rmSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { outcomesByVersion } from '../../src/outcomes/index.js';
import { RetellClient } from '../../src/retell/client.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import type { FunctionTrace } from '../../src/store/store.js';
import { runCli, setUpCanary, simulate } from '../deploy/helpers/canary-setup.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';
import { tempDir } from '../helpers/cli.js';

// report --api against the local Retell emulator: list-calls + get-call through the real client, and the
// per-version numbers equal to outcomesByVersion over the same calls (the canary's code path).
let emulator: RunningEmulator;
let sdk: Retell;
let dir: string;
beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
  dir = tempDir('report-api-');
});
afterAll(async () => {
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('retell-kit report --api', () => {
  it("reads the agent's calls from the API and counts them per version as the canary does", async () => {
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: path.join(dir, 'state.db'), percent: 50 });
    const sim = await simulate(emulator.url, {
      phone_number: c.number,
      count: 60,
      seed: 5,
      outcomes: { [`${c.agentId}@0`]: { call_successful: 0.9, function_error: 0.1 }, [`${c.agentId}@${c.canary}`]: { call_successful: 0.6, function_error: 0.4 } },
    });
    const r = await runCli(['report', '--api', '--agent', c.agentId, '--since', '1d', '--format', 'json'], { cwd: dir, env: { RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url } });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect(report.calls.read).toBe(sim.calls);

    const client = new RetellClient({ apiKey: KEY, baseUrl: emulator.url });
    const calls = await client.hydrateCalls((await client.listCalls({ agentId: c.agentId })).map((x) => x.call_id));
    const expected = outcomesByVersion(calls);
    for (const v of report.byVersion) {
      const o = expected.versions[`${v.agentId}@${v.agentVersion}`]!;
      expect(v.calls).toBe(o.calls);
      expect(v.analysed).toBe(o.analysed);
      expect(v.successRate).toBeCloseTo(o.call_successful / o.analysed, 4);
      expect(v.functionErrorCalls).toBe(o.function_error);
      expect(v.earlyHangups).toBe(o.early_hangup);
    }
    expect(report.byVersion.map((v: { agentVersion: number }) => v.agentVersion)).toEqual([0, c.canary]);
    expect(report.functions.map((f: { name: string }) => f.name)).toEqual(['emulated_function']);

    // With serve's store: a call's traces replace its transcript's tool results (latency, fallbacks).
    const storeFile = path.join(dir, 'serve.db');
    const store = await SqliteStore.open({ file: storeFile });
    const traced = sim.call_ids[0]!;
    await store.recordTraces([
      { traceId: 't1', callId: traced, name: 'get_menu_v2', handler: 'get_menu', args: {}, status: 200, result: { items: [] }, outcome: 'ok', durationMs: 2500, startedAt: Date.now(), duplicate: false, fallback: true } as FunctionTrace,
    ]);
    await store.close();
    const withStore = await runCli(['report', '--api', '--agent', c.agentId, '--store', storeFile, '--format', 'json'], { cwd: dir, env: { RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url } });
    expect(withStore.status).toBe(0);
    const functions = JSON.parse(withStore.stdout).functions;
    expect(functions).toEqual([
      expect.objectContaining({ name: 'emulated_function', calls: sim.calls - 1 }),
      expect.objectContaining({ name: 'get_menu', calls: 1, errors: 0, fallbacks: 1, p50Ms: 2500 }),
    ]);
  }, 60_000);

  it('an agent without calls is an empty report (exit 0); an API that cannot be reached is one line and exit 2, the key not printed', async () => {
    const empty = await runCli(['report', '--api', '--agent', 'agent_without_calls', '--format', 'json'], { cwd: dir, env: { RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url } });
    expect(empty.status).toBe(0);
    expect(JSON.parse(empty.stdout).calls).toMatchObject({ read: 0, connected: 0 });
    const down = await runCli(['report', '--api', '--agent', 'agent_x'], { cwd: dir, env: { RETELL_API_KEY: 'key_secret_0000000000', RETELL_BASE_URL: 'http://127.0.0.1:9' } });
    expect(down.status).toBe(2);
    expect(down.stderr.trim().split('\n')).toHaveLength(1);
    expect(down.stderr).not.toContain('key_secret_0000000000');
  }, 60_000);
});
