import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Deployments } from '../../src/deploy/record.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { openStore } from '../../src/store/open.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';
import { tempDir } from '../helpers/cli.js';
import { freshDatabase } from '../helpers/pg.js';
import { feeder, runCli, setUpCanary, simulate } from './helpers/canary-setup.js';

// `retell-kit canary` end to end: the real binary against the emulator, the canary set up through the
// real modules (RetellClient, splitTraffic, Deployments), calls fed by /emulator/simulate-calls.

let emulator: RunningEmulator;
let sdk: Retell;
beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
}, 20_000);
afterAll(async () => {
  await emulator.close();
});

/** A project folder: config pointing at the emulator and a SQLite store in the folder. */
function project(canary: Record<string, unknown> = {}) {
  const dir = tempDir('retell-kit-canary-');
  writeFileSync(path.join(dir, 'retell-kit.config.json'), JSON.stringify({ retell: { baseUrl: emulator.url }, server: { store: 'state.db' }, canary }));
  return { dir, storeFile: path.join(dir, 'state.db'), env: { RETELL_API_KEY: KEY } };
}

async function record(storeFile: string, id: string) {
  const store = await openStore({ kind: 'sqlite', file: storeFile }, { shared: true });
  try {
    return (await new Deployments(store).get(id))!;
  } finally {
    await store.close();
  }
}

async function weights(number: string) {
  const n = await sdk.phoneNumber.retrieve(number);
  return (n.inbound_agents ?? []).map((b) => [b.agent_version, b.weight]);
}

describe('canary status', () => {
  it('a trickle of calls is not enough: JSON says so and how many canary calls it needs (exit 0)', async () => {
    const p = project();
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 10 });
    await simulate(emulator.url, { phone_number: c.number, count: 120, seed: 11 });
    const r = await runCli(['canary', 'status', '--format', 'json'], { cwd: p.dir, env: p.env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const s = JSON.parse(r.stdout);
    expect(s.verdict).toBe('insufficient');
    expect(s.stable.agent_version).toBe(0);
    expect(s.canary.agent_version).toBe(c.canary);
    expect(s.stable.calls + s.canary.calls).toBe(120);
    expect(s.callsNeeded).toBeGreaterThan(100);
    expect(s.hoursNeeded).toBeGreaterThan(0);
    expect(s.percent).toBe(10);
    expect(s.deployment.id).toBe(c.deployment.id);
    expect(s.duration.decision).toBe('insufficient');
    expect(s.functionErrors).toEqual({ fromTraces: 0, fromToolResults: 120 });

    const text = await runCli(['canary', 'status', '--agent', c.agentId], { cwd: p.dir, env: p.env });
    expect(text.status).toBe(0);
    expect(text.stdout).toContain(`canary ${c.agentId} v0 → v${c.canary} at 10 % on ${c.number}`);
    expect(text.stdout).toMatch(/^verdict: insufficient: call_successful: \d+ stable and \d+ canary calls; at least 30 each/m);
    expect(text.stdout).toMatch(/^needed: about \d+ more canary calls/m);
  }, 30_000);

  it('a clearly worse canary is degraded: exit 1 with the metric and its interval', async () => {
    const p = project();
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 25 });
    await simulate(emulator.url, { phone_number: c.number, count: 800, seed: 3, outcomes: { [`${c.agentId}@0`]: { call_successful: 0.9 }, [`${c.agentId}@${c.canary}`]: { call_successful: 0.7 } } });
    const r = await runCli(['canary', 'status', '--format', 'json', '--number', c.number], { cwd: p.dir, env: p.env });
    expect(r.status).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.verdict).toBe('degraded');
    expect(s.callsNeeded).toBeNull();
    expect(s.reason).toMatch(/^call_successful down \d+\.\d points/);
    expect(s.metric.interval[1]).toBeLessThan(0);
  }, 30_000);

  it('a canary whose calls run much longer is degraded on duration (Mann-Whitney beyond the tolerance)', async () => {
    const p = project({ durationTolerance: 0.2 });
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 50 });
    await simulate(emulator.url, { phone_number: c.number, count: 400, seed: 8, outcomes: { [`${c.agentId}@0`]: { duration_ms: [60_000, 120_000] }, [`${c.agentId}@${c.canary}`]: { duration_ms: [120_000, 200_000] } } });
    const r = await runCli(['canary', 'status', '--format', 'json'], { cwd: p.dir, env: p.env });
    expect(r.status).toBe(1);
    const s = JSON.parse(r.stdout);
    expect(s.verdict).toBe('degraded');
    expect(s.duration.decision).toBe('worse');
    expect(s.reason).toMatch(/^duration_ms: median .* longer than the 20 % tolerance \(Mann-Whitney p = /);
  }, 30_000);

  it('no canary in the store, or a bad flag: one line, exit 2', async () => {
    const p = project();
    const none = await runCli(['canary', 'status'], { cwd: p.dir, env: p.env });
    expect(none.status).toBe(2);
    expect(none.stderr.trim().split('\n')).toHaveLength(1);
    expect(none.stderr).toMatch(/^retell-kit: no canary in progress in the store \(check --store, --agent and --number/);
    const bad = await runCli(['canary', 'status', '--format', 'xml'], { cwd: p.dir, env: p.env });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^retell-kit: --format: expected text or json, got "xml"/);
  }, 30_000);
});

describe('canary on a Postgres store', () => {
  it('status, promote and rollback read and write the deployment in Postgres (--store postgres://...)', async () => {
    const db = await freshDatabase('rk_canary');
    try {
      const p = project();
      const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, storeUrl: db.url, percent: 10 });
      await simulate(emulator.url, { phone_number: c.number, count: 200, seed: 12 });
      const s = await runCli(['canary', 'status', '--format', 'json', '--store', db.url], { cwd: p.dir, env: p.env });
      expect(s.status, s.stderr).toBe(0);
      expect(JSON.parse(s.stdout).deployment.id).toBe(c.deployment.id);
      // Not in the SQLite file of the config: the flag picked the store.
      expect((await runCli(['canary', 'status'], { cwd: p.dir, env: p.env })).status).toBe(2);
      expect((await runCli(['canary', 'promote', '--store', db.url], { cwd: p.dir, env: p.env })).status).toBe(0);
      expect(await weights(c.number)).toEqual([[0, 0.75], [c.canary, 0.25]]);
      const down = await runCli(['canary', 'rollback', '--store', db.url, '--reason', 'test'], { cwd: p.dir, env: p.env });
      expect(down.status).toBe(0);
      expect(await weights(c.number)).toEqual([[0, 1]]);
    } finally {
      await db.drop();
    }
  }, 40_000);
});

describe('canary promote and rollback', () => {
  it('promote --to 50 rebinds the number; an emergency rollback needs no calls and records the reason', async () => {
    const p = project();
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 5 });
    const up = await runCli(['canary', 'promote', '--to', '50'], { cwd: p.dir, env: p.env });
    expect(up.stderr).toBe(`retell-kit canary: ${c.agentId} v${c.canary} 5 % → 50 % on ${c.number}\n`);
    expect(up.status).toBe(0);
    expect(await weights(c.number)).toEqual([[0, 0.5], [c.canary, 0.5]]);
    const next = await runCli(['canary', 'promote'], { cwd: p.dir, env: p.env });
    expect(next.status).toBe(0);
    expect(await weights(c.number)).toEqual([[c.canary, 1]]);
    // Promoted to 100 %: nothing left to act on.
    expect((await record(p.storeFile, c.deployment.id)).state).toBe('promoted');

    const q = project();
    const d = await setUpCanary({ url: emulator.url, sdk, storeFile: q.storeFile, percent: 20 });
    const down = await runCli(['canary', 'rollback', '--reason', 'bookings failing'], { cwd: q.dir, env: q.env });
    expect(down.status).toBe(0);
    expect(down.stderr).toContain('v0 takes 100 % of its share');
    expect(await weights(d.number)).toEqual([[0, 1]]);
    const rec = await record(q.storeFile, d.deployment.id);
    expect(rec.state).toBe('rolled_back');
    expect(rec.rollbackReason).toBe('bookings failing');
    expect(rec.history.at(-1)).toMatchObject({ action: 'rollback', from: 20, to: 0, reason: 'bookings failing' });
    // The canary version is kept.
    expect((await sdk.agent.retrieve(d.agentId, { version: d.canary })).is_published).toBe(true);
  }, 30_000);
});

describe('canary watch', () => {
  const fast = { minEffect: 10, stepMinTime: '300ms', stepMinCalls: 5, stepDeadline: '20s', interval: '100ms' };

  it('a clearly worse canary (70 % vs 90 %) is rolled back while calls come in: exit 1', async () => {
    const p = project(fast);
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 5 });
    const feed = feeder(emulator.url, c.number, { batch: 60, everyMs: 150, seed: 100, maxCalls: 20_000, outcomes: { [`${c.agentId}@0`]: { call_successful: 0.9 }, [`${c.agentId}@${c.canary}`]: { call_successful: 0.7 } } });
    const r = await runCli(['canary', 'watch'], { cwd: p.dir, env: p.env, timeoutMs: 40_000 });
    await feed.stop();
    expect(r.stderr).toMatch(/^retell-kit canary: rolled back: call_successful down \d+\.\d points/m);
    expect(r.status).toBe(1);
    expect(await weights(c.number)).toEqual([[0, 1]]);
    const rec = await record(p.storeFile, c.deployment.id);
    expect(rec.state).toBe('rolled_back');
    expect(rec.history.at(-1)).toMatchObject({ action: 'rollback', verdict: 'degraded' });
  }, 60_000);

  it('an equal canary is promoted through every step (5 → 25 → 50 → 100 %): exit 0', async () => {
    const p = project(fast);
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 5 });
    const same = { call_successful: 0.95, function_error: 0 };
    const feed = feeder(emulator.url, c.number, { batch: 60, everyMs: 150, seed: 200, maxCalls: 20_000, outcomes: { [`${c.agentId}@0`]: same, [`${c.agentId}@${c.canary}`]: same } });
    const r = await runCli(['canary', 'watch', '--format', 'json'], { cwd: p.dir, env: p.env, timeoutMs: 50_000 });
    await feed.stop();
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ outcome: 'promoted', percent: 100, deployment: c.deployment.id });
    expect(r.stderr).toContain('healthy: 5 % → 25 %');
    expect(r.stderr).toContain('healthy: 50 % → 100 %');
    const rec = await record(p.storeFile, c.deployment.id);
    expect(rec.state).toBe('promoted');
    expect(rec.history.filter((e) => e.action === 'step' || e.action === 'promote').map((e) => [e.from, e.to])).toEqual([[5, 25], [25, 50], [50, 100]]);
    expect(await weights(c.number)).toEqual([[c.canary, 1]]);
  }, 70_000);

  it('a trickle stays inconclusive until the step deadline, then pauses (exit 1); status says how many calls it needs', async () => {
    const p = project({ ...fast, stepDeadline: '1500ms', minCalls: 10 });
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 10 });
    await simulate(emulator.url, { phone_number: c.number, count: 400, seed: 21 });
    const r = await runCli(['canary', 'watch'], { cwd: p.dir, env: p.env, timeoutMs: 20_000 });
    expect(r.status).toBe(1);
    // (Under load the first check may already come after the deadline: the pause line is what must be there.)
    expect(r.stderr).toMatch(/^retell-kit canary: paused: (inconclusive|insufficient) at 10 % past the step deadline: .*about \d+ more canary calls/m);
    expect((await record(p.storeFile, c.deployment.id)).state).toBe('paused');
    const s = await runCli(['canary', 'status', '--format', 'json'], { cwd: p.dir, env: p.env });
    expect(s.status).toBe(0);
    expect(JSON.parse(s.stdout).callsNeeded).toBeGreaterThan(0);
  }, 40_000);

  it('a watch SIGKILLed after its first step and started again continues from the recorded step', async () => {
    // A step lasts at least 1 s: the kill lands while the watch waits at 25 %.
    const p = project({ ...fast, stepMinTime: '1s' });
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: p.storeFile, percent: 5 });
    const same = { call_successful: 0.95, function_error: 0 };
    const outcomes = { [`${c.agentId}@0`]: same, [`${c.agentId}@${c.canary}`]: same };
    const feed = feeder(emulator.url, c.number, { batch: 60, everyMs: 150, seed: 300, maxCalls: 20_000, outcomes });
    let child: import('node:child_process').ChildProcess | undefined;
    const first = runCli(['canary', 'watch'], { cwd: p.dir, env: p.env, timeoutMs: 40_000, onSpawn: (ch) => (child = ch) });
    let rec = await record(p.storeFile, c.deployment.id);
    for (let i = 0; i < 400 && rec.percent === 5; i++) {
      await new Promise((r) => setTimeout(r, 50));
      rec = await record(p.storeFile, c.deployment.id);
    }
    child!.kill('SIGKILL');
    const killed = await first;
    expect(killed.signal).toBe('SIGKILL');
    expect(rec.percent).toBe(25);
    const second = await runCli(['canary', 'watch'], { cwd: p.dir, env: p.env, timeoutMs: 40_000 });
    await feed.stop();
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).not.toContain('5 % → 25 %');
    expect(second.stderr).toMatch(/^retell-kit canary: 25 %: /);
    const done = await record(p.storeFile, c.deployment.id);
    expect(done.history.filter((e) => e.action === 'step' || e.action === 'promote').map((e) => [e.from, e.to])).toEqual([[5, 25], [25, 50], [50, 100]]);
  }, 90_000);
});
