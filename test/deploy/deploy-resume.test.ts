import type Retell from 'retell-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EMULATOR_ROUTES, type RunningEmulator } from '../../src/emulator/index.js';
import { emulatorWithSdk } from '../emulator/helpers.js';
import { newGreeting, project, run, start, type Project } from './deploy-helpers.js';

// A deploy SIGKILLed at several steps and run again: it continues from the last step recorded, and in
// the end there is one draft, one published version, and each number bound exactly as planned. The
// emulator holds the request the CLI is waiting on (a latency fault), the test kills the CLI while it
// waits, and the emulator then carries the request out: the change lands, nobody hears of it.

let emulator: RunningEmulator;
let sdk: Retell;
const LATENCY = 1_500;

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
});
afterEach(() => void emulator.faults.clear());
afterAll(() => emulator.close());

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const requests = (route: string) => emulator.stats()[route]?.requests ?? 0;

/** Start `deploy`, SIGKILL it while the emulator holds its first request to `route`, and let that request land. */
async function killDuring(p: Project, route: string, args: string[]): Promise<void> {
  emulator.faults.add({ endpoint: route, latency_ms: LATENCY, times: 1 }, EMULATOR_ROUTES);
  const before = requests(route);
  const { child, done } = start(emulator, ['deploy', p.folder, '--yes', ...args], p.dir);
  const deadline = Date.now() + 20_000;
  while (requests(route) === before) {
    if (Date.now() > deadline) throw new Error(`deploy never reached ${route}`);
    await sleep(10);
  }
  child.kill('SIGKILL');
  const killed = await done;
  expect(killed.signal).toBe('SIGKILL');
  await sleep(LATENCY + 300);
}

async function versions(agentId: string) {
  return (await sdk.agent.listVersions(agentId, { limit: 1000 })).items.map((v) => ({ version: v.version, published: v.is_published, base: v.base_version ?? null }));
}

const ONE_NEW_PUBLISHED = [
  { version: 0, published: true, base: null },
  { version: 1, published: true, base: 0 },
];

describe('deploy interrupted by SIGKILL and run again', () => {
  it('killed while create-agent-version is in flight: the draft that landed is adopted, never a second one', async () => {
    const p = await project(emulator, sdk, ['+14155550201']);
    newGreeting(p);
    const args = ['--number', '+14155550201', '--canary', '20'];
    await killDuring(p, 'create-agent-version', args);
    // The create landed after the CLI died: an orphan draft from v0.
    expect(await versions(p.agentId)).toEqual([{ version: 0, published: true, base: null }, { version: 1, published: false, base: 0 }]);
    const creates = requests('create-agent-version');

    const r = await run(emulator, ['deploy', p.folder, '--yes', ...args], p.dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/continuing the interrupted deploy agent_\w+:[0-9a-f]{12} \(planned done\)/);
    expect(r.stderr).toContain('✓ adopted draft v1 from v0');
    expect(requests('create-agent-version')).toBe(creates);
    expect(await versions(p.agentId)).toEqual(ONE_NEW_PUBLISHED);
    expect((await sdk.phoneNumber.retrieve('+14155550201')).inbound_agents).toEqual([
      { agent_id: p.agentId, agent_version: 0, weight: 0.8 },
      { agent_id: p.agentId, agent_version: 1, weight: 0.2 },
    ]);
  });

  it('killed while the flow update is in flight: the same draft is updated again and published once', async () => {
    const p = await project(emulator, sdk, ['+14155550202']);
    newGreeting(p);
    const args = ['--number', '+14155550202'];
    await killDuring(p, 'update-conversation-flow', args);
    const r = await run(emulator, ['deploy', p.folder, '--yes', ...args], p.dir);
    expect(r.status).toBe(0);
    expect(r.stderr).toMatch(/\(planned, draft_created done\)/);
    expect(r.stderr).not.toContain('created draft');
    expect(await versions(p.agentId)).toEqual(ONE_NEW_PUBLISHED);
    expect((await sdk.phoneNumber.retrieve('+14155550202')).inbound_agents).toEqual([{ agent_id: p.agentId, agent_version: 1, weight: 1 }]);
  });

  it('killed while publish is in flight: the publish that landed is not asked again (a second one would be refused)', async () => {
    const p = await project(emulator, sdk, ['+14155550203']);
    newGreeting(p);
    const args = ['--number', '+14155550203', '--canary', '50'];
    await killDuring(p, 'publish-agent-version', args);
    expect(await versions(p.agentId)).toEqual(ONE_NEW_PUBLISHED);
    const publishes = requests('publish-agent-version');
    const r = await run(emulator, ['deploy', p.folder, '--yes', ...args], p.dir);
    expect(r.status).toBe(0);
    expect(requests('publish-agent-version')).toBe(publishes);
    expect(await versions(p.agentId)).toEqual(ONE_NEW_PUBLISHED);
    expect((await sdk.phoneNumber.retrieve('+14155550203')).inbound_agents).toEqual([
      { agent_id: p.agentId, agent_version: 0, weight: 0.5 },
      { agent_id: p.agentId, agent_version: 1, weight: 0.5 },
    ]);
  });

  it('killed while the first of two numbers is being bound: the bound one is not PATCHed again, the other is; both end as planned', async () => {
    const p = await project(emulator, sdk, ['+14155550204', '+14155550205']);
    newGreeting(p);
    const args = ['--number', '+14155550204', '--number', '+14155550205', '--canary', '10'];
    const patchesBefore = requests('update-phone-number');
    await killDuring(p, 'update-phone-number', args);
    // Half-bound now: the first number split, the second not yet.
    expect((await sdk.phoneNumber.retrieve('+14155550204')).inbound_agents).toHaveLength(2);
    expect((await sdk.phoneNumber.retrieve('+14155550205')).inbound_agents).toEqual([{ agent_id: p.agentId, agent_version: 0, weight: 1 }]);

    const r = await run(emulator, ['deploy', p.folder, '--yes', '--format', 'json', ...args], p.dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.plan.resumes).toBe(out.deployment.id);
    expect(out.deployment).toMatchObject({ state: 'canary', percent: 10, stableVersion: 0, newVersion: 1 });
    // What was there before the deploy touched the numbers, not the half-bound state.
    expect(out.deployment.bindingsBefore['+14155550204']).toEqual([{ agent_id: p.agentId, agent_version: 0, weight: 1 }]);
    expect(requests('update-phone-number') - patchesBefore).toBe(2);
    expect(await versions(p.agentId)).toEqual(ONE_NEW_PUBLISHED);
    for (const number of ['+14155550204', '+14155550205']) {
      expect((await sdk.phoneNumber.retrieve(number)).inbound_agents).toEqual([
        { agent_id: p.agentId, agent_version: 0, weight: 0.9 },
        { agent_id: p.agentId, agent_version: 1, weight: 0.1 },
      ]);
    }
  });

  it('a resumed deploy with other flags than the interrupted one is refused (exit 2), not half-applied twice', async () => {
    const p = await project(emulator, sdk, ['+14155550206']);
    newGreeting(p);
    await killDuring(p, 'publish-agent-version', ['--number', '+14155550206', '--canary', '10']);
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550206'], p.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/an interrupted deploy of these files \(agent_\w+:[0-9a-f]{12}\) was started --canary 10 on \+14155550206 \(run it again with the same --canary and --number/);
    expect((await sdk.phoneNumber.retrieve('+14155550206')).inbound_agents).toEqual([{ agent_id: p.agentId, agent_version: 0, weight: 1 }]);
  });
});
