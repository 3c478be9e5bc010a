import type Retell from 'retell-sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { RetellClient } from '../../src/retell/client.js';
import { agentOnFlow as agentOnFlowFor, emulatorWithSdk, KEY } from './helpers.js';

// LocalStack-style faults: rules by endpoint with status, probability, latency, times, Retry-After
// and dropped connections; the client turns each into one line.

let emulator: RunningEmulator;
let sdk: Retell;
let dice: number[];
beforeAll(async () => ({ emulator, sdk } = await emulatorWithSdk({ random: () => dice.shift() ?? 0.5 })));
afterAll(() => emulator.close());
beforeEach(async () => {
  dice = [];
  await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' });
});

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emulator.url}/emulator/faults`, { method: 'POST', body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

const list = () => fetch(`${emulator.url}/v2/list-phone-numbers`, { headers: { authorization: `Bearer ${KEY}` } });

describe('/emulator/faults', () => {
  it('adds rules, lists them with how often they fired, and DELETE clears them', async () => {
    const added = await post({ faults: [{ endpoint: 'list-phone-numbers', status: 503, times: 2 }] });
    expect(added.status).toBe(201);
    expect(added.json.faults).toEqual([expect.objectContaining({ id: expect.stringMatching(/^fault_/), endpoint: 'list-phone-numbers', status: 503, probability: 1, times: 2, fired: 0 })]);
    expect([(await list()).status, (await list()).status, (await list()).status]).toEqual([503, 503, 200]);
    const listed = (await (await fetch(`${emulator.url}/emulator/faults`)).json()) as { faults: { fired: number }[] };
    expect(listed.faults[0]?.fired).toBe(2);
    expect(await (await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' })).json()).toEqual({ cleared: 1 });
  });

  it('latency_ms models a slow server that has the request: a client that gives up (or dies) waiting still finds the change made', async () => {
    const { agent } = await agentOnFlowFor(sdk);
    await post({ endpoint: 'create-agent-version', latency_ms: 400, times: 1 });
    const aborted = fetch(`${emulator.url}/create-agent-version/${agent.agent_id}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: JSON.stringify({ base_version: 0 }),
      signal: AbortSignal.timeout(100),
    });
    await expect(aborted).rejects.toThrow();
    await new Promise((resolve) => setTimeout(resolve, 600));
    const versions = (await sdk.agent.listVersions(agent.agent_id)).items.map((v) => [v.version, v.base_version ?? null]);
    expect(versions).toEqual([[0, null], [1, 0]]);
  });

  it('matches by route id or by method and path as the route table prints them, or "*"; never control routes', async () => {
    await post({ endpoint: 'GET /v2/list-phone-numbers', status: 500, times: 1 });
    expect((await list()).status).toBe(500);
    await post({ endpoint: '*', status: 502 });
    expect((await list()).status).toBe(502);
    expect((await fetch(`${emulator.url}/emulator/health`)).status).toBe(200);
  });

  it('fires with its probability (the dice are pinned here)', async () => {
    await post({ endpoint: 'list-phone-numbers', status: 500, probability: 0.3 });
    dice = [0.29, 0.31, 0.9, 0.1];
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await list()).status);
    expect(statuses).toEqual([500, 200, 200, 500]);
  });

  it('429 carries Retry-After; latency delays; a rule with only latency answers normally', async () => {
    await post({ endpoint: 'list-phone-numbers', status: 429, retry_after: 7, times: 1 });
    const limited = await list();
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '7']);
    expect(await limited.json()).toEqual({ status: 'error', message: 'Too many requests (fault injected by the emulator)' });
    await post({ endpoint: 'list-phone-numbers', latency_ms: 150, times: 1 });
    const started = performance.now();
    expect((await list()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drop "before" cuts the connection unanswered: nothing happens, and the client says it could not reach the API', async () => {
    await post({ endpoint: 'create-agent', drop: 'before' });
    const client = new RetellClient({ apiKey: KEY, baseUrl: emulator.url, maxRetries: 0 });
    const before = (await sdk.agent.list({ limit: 1000 })).items.length;
    const error = await client.getAgent('agent_x').then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KitError); // a 404 for get-agent: the fault is on create-agent only
    await expect(sdk.agent.create({ voice_id: 'v', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://x' } })).rejects.toThrow(/Connection error/);
    expect((await sdk.agent.list({ limit: 1000 })).items.length).toBe(before);
    await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' });
    await post({ endpoint: 'get-agent', drop: 'before' });
    const line = await client.getAgent('agent_x').then(
      () => '',
      (e: KitError) => e.oneLine(),
    );
    expect(line).toBe(`Retell API: cannot reach ${emulator.url} (the connection closed without an answer): get agent agent_x (check RETELL_BASE_URL and the network)`);
  });

  it('refuses a bad rule in one line naming the field', async () => {
    expect(await post({ endpoint: 'create-agnet', status: 500 })).toMatchObject({ status: 400, json: { message: expect.stringMatching(/^faults\/0\/endpoint: expected "\*" or an API route id/) } });
    expect(await post({ endpoint: 'create-agent', status: 200 })).toMatchObject({ status: 400, json: { message: 'faults/0/status: expected an HTTP error status from 400 to 599' } });
    expect(await post({ endpoint: 'create-agent', probability: 2, status: 500 })).toMatchObject({ status: 400, json: { message: 'faults/0/probability: expected a number from 0 to 1' } });
    expect(await post({ endpoint: 'create-agent' })).toMatchObject({ status: 400, json: { message: 'faults/0: give at least one of status, latency_ms or drop' } });
    expect(await post({ endpoint: 'create-agent', status: 500, colour: 'red' })).toMatchObject({ status: 400, json: { message: expect.stringContaining('unknown field "colour"') } });
  });
});
