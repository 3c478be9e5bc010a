import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canaryVerdict } from '../../src/deploy/verdict.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { outcomesByVersion } from '../../src/outcomes/index.js';
import { RetellClient } from '../../src/retell/client.js';
import { agentOnFlow, emulatorWithSdk, KEY } from '../emulator/helpers.js';

// The verdict on calls as the API returns them: the emulator's simulated canary traffic, read back with
// list-calls through our client, grouped by the frozen agent_version and judged.

let emulator: RunningEmulator;
let sdk: Retell;

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
}, 20_000);
afterAll(async () => {
  await emulator.close();
});

async function canaryCalls(canaryShare: number, stableSuccess: number, canarySuccess: number, count: number, seed: number) {
  const { agent } = await agentOnFlow(sdk);
  await sdk.agent.publish(agent.agent_id, { version: 0 });
  await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
  const number = await sdk.phoneNumber.create({
    inbound_agents: [
      { agent_id: agent.agent_id, agent_version: 0, weight: 1 - canaryShare },
      { agent_id: agent.agent_id, agent_version: 1, weight: canaryShare },
    ],
  });
  const outcomes = {
    [`${agent.agent_id}@0`]: { call_successful: stableSuccess, function_error: 0 },
    [`${agent.agent_id}@1`]: { call_successful: canarySuccess, function_error: 0 },
  };
  const res = await fetch(`${emulator.url}/emulator/simulate-calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({ phone_number: number.phone_number, count, seed, outcomes }),
  });
  expect(res.status).toBe(200);
  const calls = await new RetellClient({ apiKey: KEY, baseUrl: emulator.url }).listCalls({ agentId: agent.agent_id });
  const { versions } = outcomesByVersion(calls);
  return { stable: versions[`${agent.agent_id}@0`], canary: versions[`${agent.agent_id}@1`], calls: calls.length };
}

describe('canary verdict on the emulator\'s simulated calls', () => {
  it('70 % vs 90 % success at a 20 % split is degraded', async () => {
    const { stable, canary, calls } = await canaryCalls(0.2, 0.9, 0.7, 600, 3);
    expect(calls).toBe(600);
    expect(stable!.calls + canary!.calls).toBe(600);
    const v = canaryVerdict(stable, canary);
    expect(v.verdict).toBe('degraded');
    expect(v.metric.metric).toBe('call_successful');
    expect(v.canary.agent_version).toBe(1);
  }, 20_000);

  it('a trickle of equal calls is inconclusive and says how many more calls and hours it needs', async () => {
    const { stable, canary } = await canaryCalls(0.1, 0.85, 0.85, 600, 5);
    const v = canaryVerdict(stable, canary);
    expect(v.verdict).toBe('inconclusive');
    expect(v.callsNeeded).toBeGreaterThan(0);
    expect(v.hoursNeeded).not.toBeNull();
  }, 20_000);
});
