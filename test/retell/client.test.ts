import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type Retell from 'retell-sdk';
import { validateConfig } from '../../src/config/load.js';
import { KitError } from '../../src/errors.js';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { createRetellClient, RetellClient, retellSettings } from '../../src/retell/client.js';
import { agentOnFlow, emulatorWithSdk, KEY, salonFlow } from '../emulator/helpers.js';

// The real SDK inside RetellClient against the emulator on 127.0.0.1; faults come from the
// emulator's /emulator/faults, as a test of deploy would set them.

let emulator: RunningEmulator;
let sdk: Retell;
let requests: string[];
beforeAll(async () => ({ emulator, sdk } = await emulatorWithSdk({ log: (line) => requests.push(line) })));
afterAll(() => emulator.close());
beforeEach(async () => {
  requests = [];
  await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' });
});

function client(extra: Partial<ConstructorParameters<typeof RetellClient>[0]> = {}): RetellClient {
  return new RetellClient({ apiKey: KEY, baseUrl: emulator.url, timeoutMs: 2_000, reconcileDelayMs: 10, ...extra });
}

async function fault(rule: Record<string, unknown>): Promise<void> {
  const res = await fetch(`${emulator.url}/emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(rule) });
  expect(res.status).toBe(201);
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function failure(promise: Promise<unknown>): Promise<KitError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    return error as KitError;
  }
  throw new Error('expected a KitError');
}

describe('settings', () => {
  it('reads RETELL_API_KEY and RETELL_BASE_URL, env over config; no key is a config error (exit 2)', () => {
    expect(retellSettings({ retell: { baseUrl: 'http://config.example' } }, { RETELL_API_KEY: 'k', RETELL_BASE_URL: 'http://env.example' })).toMatchObject({ apiKey: 'k', baseUrl: 'http://env.example' });
    expect(retellSettings({ retell: { baseUrl: 'http://config.example' } }, { RETELL_API_KEY: 'k' }).baseUrl).toBe('http://config.example');
    expect(retellSettings({}, { RETELL_API_KEY: 'k' }).baseUrl).toBe('https://api.retellai.com');
    const error = (() => {
      try {
        retellSettings({}, {});
      } catch (e) {
        return e as KitError;
      }
    })();
    expect(error?.exitCode).toBe(2);
    expect(error?.oneLine()).toBe('no Retell API key (set RETELL_API_KEY (for the emulator any non-empty value works))');
  });
});

describe('the retell: config section', () => {
  it('accepts baseUrl, timeoutMs, maxRetries and concurrency, and names a bad value in one line', async () => {
    const config = await validateConfig({ retell: { baseUrl: 'http://127.0.0.1:8765', timeoutMs: 5000, maxRetries: 0, concurrency: 4 } }, 'retell-kit.config.json');
    expect(retellSettings(config, { RETELL_API_KEY: 'k' })).toMatchObject({ baseUrl: 'http://127.0.0.1:8765', timeoutMs: 5000, maxRetries: 0, concurrency: 4 });
    const bad = await validateConfig({ retell: { baseUrl: 'ftp://x' } }, 'retell-kit.config.json').catch((e: KitError) => e);
    expect((bad as KitError).oneLine()).toBe('retell-kit.config.json: retell.baseUrl: expected an http(s) URL such as https://api.retellai.com or http://127.0.0.1:8765');
    await expect(validateConfig({ retell: { apiKey: 'k' } }, 'retell-kit.config.json')).rejects.toThrow(/retell/);
  });
});

describe('every endpoint the client wraps', () => {
  it('agents, versions (every page), publish, flows and phone numbers', async () => {
    const c = createRetellClient({}, { RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url }, { pageSize: 2 });
    const { agent, flow } = await agentOnFlow(c.sdk);
    expect((await c.getAgent(agent.agent_id)).agent_id).toBe(agent.agent_id);
    for (let i = 0; i < 4; i++) await c.createAgentVersion(agent.agent_id, 0);
    const versions = await c.listAgentVersions(agent.agent_id);
    expect(versions.map((v) => v.version)).toEqual([0, 1, 2, 3, 4]);
    await c.publishAgentVersion(agent.agent_id, 2, { title: 'v2', description: 'canary' });
    expect(await c.getAgent(agent.agent_id, 2)).toMatchObject({ is_published: true, version_title: 'v2', version_description: 'canary' });
    const draft = await c.updateAgent(agent.agent_id, { agent_name: 'renamed' }, 3);
    expect(draft).toMatchObject({ version: 3, agent_name: 'renamed' });
    const pinned = (await c.getAgent(agent.agent_id, 3)).response_engine as { conversation_flow_id: string; version: number };
    expect(pinned.conversation_flow_id).toBe(flow.conversation_flow_id);
    expect((await c.updateConversationFlow(pinned.conversation_flow_id, { global_prompt: 'Be brief.' }, pinned.version)).global_prompt).toBe('Be brief.');
    expect((await c.getConversationFlow(pinned.conversation_flow_id, pinned.version)).global_prompt).toBe('Be brief.');

    const agents = await c.listAgents();
    expect(agents.map((a) => a.agent_id)).toContain(agent.agent_id);
    expect(agents.length).toBe((await sdk.agent.list({ limit: 1000 })).items.length);

    const numbers = [];
    for (let i = 0; i < 3; i++) numbers.push(await c.sdk.phoneNumber.create({ inbound_agents: [{ agent_id: agent.agent_id, weight: 1, agent_version: 0 }] }));
    const listed = await c.listPhoneNumbers();
    expect(listed.map((n) => n.phone_number)).toEqual(expect.arrayContaining(numbers.map((n) => n.phone_number)));
    const split = await c.updatePhoneNumber(numbers[0]!.phone_number, {
      inbound_agents: [
        { agent_id: agent.agent_id, agent_version: 0, weight: 0.75 },
        { agent_id: agent.agent_id, agent_version: 2, weight: 0.25 },
      ],
    });
    expect((await c.getPhoneNumber(numbers[0]!.phone_number)).inbound_agents).toEqual(split.inbound_agents);
  });

  it('list-calls with agent, version and time filters, every page; getCall hydrates with a cap and caches finished calls', async () => {
    const c = client({ pageSize: 7, concurrency: 3 });
    const { agent } = await agentOnFlow(c.sdk);
    await c.publishAgentVersion(agent.agent_id, 0);
    await c.createAgentVersion(agent.agent_id, 0);
    const number = await c.sdk.phoneNumber.create({
      inbound_agents: [
        { agent_id: agent.agent_id, agent_version: 0, weight: 0.5 },
        { agent_id: agent.agent_id, agent_version: 1, weight: 0.5 },
      ],
    });
    const res = await fetch(`${emulator.url}/emulator/simulate-calls`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ phone_number: number.phone_number, count: 40, seed: 7 }) });
    const sim = (await res.json()) as { calls: number; by_version: Record<string, number> };
    expect(sim.calls).toBe(40);

    const all = await c.listCalls({ agentId: agent.agent_id });
    expect(all).toHaveLength(40);
    expect(all.every((call) => !('transcript' in call) && !('transcript_with_tool_calls' in call))).toBe(true);
    const v1 = await c.listCalls({ agentId: agent.agent_id, versions: [1] });
    expect(v1).toHaveLength(sim.by_version[`${agent.agent_id}@1`]!);
    expect(v1.every((call) => call.agent_version === 1)).toBe(true);
    const sorted = all.map((call) => call.start_timestamp!);
    const window = await c.listCalls({ agentId: agent.agent_id, since: sorted[10], until: sorted[19] });
    expect(window.map((call) => call.call_id)).toEqual(all.slice(10, 20).map((call) => call.call_id));

    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-calls-'));
    try {
      const cached = client({ concurrency: 3, callCacheDir: dir });
      await fault({ endpoint: 'get-call', latency_ms: 20 });
      const before = emulator.stats()['get-call'] ?? { requests: 0, peakInFlight: 0 };
      requests = [];
      const progress: number[] = [];
      const full = await cached.hydrateCalls(v1.map((call) => call.call_id), (done) => progress.push(done));
      expect(full.map((call) => call.call_id)).toEqual(v1.map((call) => call.call_id));
      expect(full.every((call) => Array.isArray(call.transcript_with_tool_calls))).toBe(true);
      expect(progress.at(-1)).toBe(v1.length);
      expect(requests.filter((line) => line.startsWith('GET /v2/get-call/'))).toHaveLength(v1.length);
      // At most `concurrency` get-calls in flight, and the cap was reached (the calls overlap).
      expect(emulator.stats()['get-call']!.requests - before.requests).toBe(v1.length);
      expect(emulator.stats()['get-call']!.peakInFlight).toBe(3);
      expect(readdirSync(dir)).toHaveLength(v1.length);
      // One missing call fails the whole hydration in one line, and no more requests start after it.
      requests = [];
      const ids = [...v1.map((call) => call.call_id), 'call_missing', ...all.map((call) => call.call_id)];
      const error = await failure(client({ concurrency: 2, maxRetries: 0 }).hydrateCalls(ids));
      expect(error.oneLine()).toBe('Retell API: 404 get call call_missing: call call_missing not found (check the id, and that the key belongs to the workspace that has it)');
      await new Promise((resolve) => setTimeout(resolve, 300)); // long enough for 30 more 20 ms requests, had they started
      expect(requests.filter((line) => line.startsWith('GET /v2/get-call/')).length).toBeLessThanOrEqual(v1.length + 2);
      // A second client on the same cache asks Retell nothing.
      requests = [];
      await client({ callCacheDir: dir }).hydrateCalls(v1.map((call) => call.call_id));
      expect(requests).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('non-idempotent calls are made safe', () => {
  it('a create-agent-version whose answer is lost leaves exactly one new draft', async () => {
    const c = client();
    const { agent } = await agentOnFlow(c.sdk);
    await fault({ endpoint: 'create-agent-version', drop: 'after', times: 1 });
    const draft = await c.createAgentVersion(agent.agent_id, 0);
    expect(draft).toMatchObject({ version: 1, base_version: 0 });
    expect((await c.listAgentVersions(agent.agent_id)).map((v) => v.version)).toEqual([0, 1]);
    // The create was sent once: the retry found the draft instead of making another.
    expect(requests.filter((line) => line.startsWith(`POST /create-agent-version/`))).toHaveLength(1);
  });

  it('the SDK alone (its default retries) would have made a duplicate: the fault is real', async () => {
    const { agent } = await agentOnFlow(sdk);
    const { default: RetellSdk } = await import('retell-sdk');
    const naive = new RetellSdk({ apiKey: KEY, baseURL: emulator.url, maxRetries: 2, timeout: 2_000 });
    await fault({ endpoint: 'create-agent-version', drop: 'after', times: 1 });
    await naive.agent.createVersion(agent.agent_id, { base_version: 0 });
    expect((await naive.agent.listVersions(agent.agent_id)).items.map((v) => v.version)).toEqual([0, 1, 2]);
  });

  it('create-agent and create-conversation-flow whose answers are lost leave exactly one new object', async () => {
    const c = client();
    await fault({ endpoint: 'create-conversation-flow', drop: 'after', times: 1 });
    const flowsBefore = (await c.listConversationFlows()).length;
    const flow = await c.createConversationFlow(salonFlow() as never);
    expect((await c.listConversationFlows()).length).toBe(flowsBefore + 1);
    await fault({ endpoint: 'create-agent', drop: 'after', times: 1 });
    const agentsBefore = (await c.listAgents()).length;
    const agent = await c.createAgent({ agent_name: 'Made once', voice_id: 'retell-Cimo', response_engine: { type: 'conversation-flow', conversation_flow_id: flow.conversation_flow_id } });
    expect(agent).toMatchObject({ agent_name: 'Made once', version: 0 });
    expect((await c.listAgents()).length).toBe(agentsBefore + 1);
    expect(requests.filter((line) => /^POST \/create-(agent|conversation-flow) /.test(line))).toHaveLength(2);
  });

  it('a publish whose answer is lost is found published, not reported as a failure', async () => {
    const c = client();
    const { agent } = await agentOnFlow(c.sdk);
    await fault({ endpoint: 'publish-agent-version', drop: 'after', times: 1 });
    await c.publishAgentVersion(agent.agent_id, 0, { title: 'go' });
    expect(await c.getAgent(agent.agent_id, 0)).toMatchObject({ is_published: true, version_title: 'go' });
  });

  it('a 429 is retried after Retry-After, not reconciled', async () => {
    const c = client();
    const { agent } = await agentOnFlow(c.sdk);
    await fault({ endpoint: 'create-agent-version', status: 429, retry_after: 0, times: 1 });
    expect((await c.createAgentVersion(agent.agent_id, 0)).version).toBe(1);
    expect(requests.filter((line) => line.startsWith('POST /create-agent-version/'))).toEqual([expect.stringContaining('-> 429'), expect.stringContaining('-> 201')]);
  });
});

describe('API errors are one line: status, what was asked, what to do', () => {
  it('401 never contains the key', async () => {
    const strict = await emulatorWithSdk({ apiKey: 'the-right-key' });
    try {
      const c = new RetellClient({ apiKey: KEY, baseUrl: strict.emulator.url });
      const error = await failure(c.getAgent('agent_x'));
      expect(error.oneLine()).toBe('Retell API: 401 get agent agent_x: invalid API key (check RETELL_API_KEY (it is never printed))');
      expect(error.exitCode).toBe(2);
      expect(JSON.stringify({ message: error.message, hint: error.hint, line: error.oneLine() })).not.toContain(KEY);
    } finally {
      await strict.emulator.close();
    }
  });

  it('404, 400, 5xx, 429, a timeout and an unreachable API each read as one line', async () => {
    const c = client({ maxRetries: 0, timeoutMs: 300 });
    expect((await failure(c.getAgent('agent_missing'))).oneLine()).toBe('Retell API: 404 get agent agent_missing: agent agent_missing not found (check the id, and that the key belongs to the workspace that has it)');
    const { agent } = await agentOnFlow(c.sdk);
    expect((await failure(c.publishAgentVersion(agent.agent_id, 9))).oneLine()).toBe(`Retell API: 400 publish agent ${agent.agent_id} version 9: version: agent ${agent.agent_id} has no version 9 (the request was refused as sent; fix what the message names)`);
    await fault({ endpoint: 'get-agent', status: 503 });
    expect((await failure(c.getAgent(agent.agent_id))).oneLine()).toBe(`Retell API: 503 get agent ${agent.agent_id}: Internal server error (fault injected by the emulator) (Retell had trouble; retry in a minute)`);
    await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' });
    await fault({ endpoint: 'list-agent-versions', status: 429, retry_after: 30 });
    expect((await failure(c.listAgentVersions(agent.agent_id))).oneLine()).toBe(`Retell API: 429 list versions of agent ${agent.agent_id}: Too many requests (fault injected by the emulator) (rate limited; retry after 30 s)`);
    await fault({ endpoint: 'get-phone-number', latency_ms: 1_000 });
    expect((await failure(c.getPhoneNumber('+14155550100'))).oneLine()).toBe(`Retell API: no answer from ${emulator.url} in time: get phone number +14155550100 (retry; raise retell.timeoutMs for slow listings)`);
    const closed = await closedPort();
    const down = new RetellClient({ apiKey: KEY, baseUrl: `http://127.0.0.1:${closed}`, maxRetries: 0 });
    expect((await failure(down.listAgents())).oneLine()).toBe(`Retell API: cannot reach http://127.0.0.1:${closed} (ECONNREFUSED): list agents (check RETELL_BASE_URL and the network)`);
  });
});
