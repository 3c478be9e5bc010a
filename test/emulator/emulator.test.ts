import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { agentOnFlow, emulatorWithSdk, KEY, salonFlow } from './helpers.js';

let emulator: RunningEmulator;
let sdk: Retell;
beforeAll(async () => ({ emulator, sdk } = await emulatorWithSdk()));
afterAll(() => emulator.close());

/** The status and message of a rejected SDK call (Retell's `{ status, message }` body). */
async function rejection(promise: Promise<unknown>): Promise<{ status: number | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as InstanceType<typeof Retell.APIError>;
    return { status: e.status, message: String((e.error as { message?: string } | undefined)?.message ?? e.message) };
  }
  throw new Error('expected the call to be rejected');
}

describe('agents and versions through the real SDK', () => {
  it('creates an agent at version 0 (a draft) pinned to the flow version', async () => {
    const { flow, agent } = await agentOnFlow(sdk);
    expect(flow.version).toBe(0);
    expect(agent).toMatchObject({ version: 0, is_published: false, response_engine: { type: 'conversation-flow', conversation_flow_id: flow.conversation_flow_id, version: 0 } });
    expect(await sdk.agent.retrieve(agent.agent_id)).toEqual(agent);
  });

  it('creates drafts from a base, publishes in place with a title, and keeps published versions immutable', async () => {
    const { agent } = await agentOnFlow(sdk);
    await sdk.agent.publish(agent.agent_id, { version: 0, version_title: 'launch', version_description: 'first cut' });
    const v0 = await sdk.agent.retrieve(agent.agent_id, { version: 0 });
    expect(v0).toMatchObject({ is_published: true, version_title: 'launch', version_description: 'first cut' });

    expect(await rejection(sdk.agent.update(agent.agent_id, { version: 0, agent_name: 'x' }))).toMatchObject({ status: 400, message: expect.stringContaining('published versions are immutable') });
    expect(await rejection(sdk.agent.update(agent.agent_id, { agent_name: 'x' }))).toMatchObject({ status: 400, message: expect.stringContaining(`/create-agent-version/${agent.agent_id}`) });
    expect(await rejection(sdk.agent.publish(agent.agent_id, { version: 0 }))).toMatchObject({ status: 400, message: expect.stringContaining('already published') });

    const draft = (await sdk.agent.createVersion(agent.agent_id, { base_version: 0 })) as Retell.AgentResponse;
    expect(draft).toMatchObject({ version: 1, is_published: false, base_version: 0 });
    // The draft pins its own copy of the flow version, which is editable while the published one is not.
    const engine = draft.response_engine as Retell.AgentResponse.ResponseEngineConversationFlow;
    expect(engine.version).toBe(1);
    const flowId = engine.conversation_flow_id;
    expect(await rejection(sdk.conversationFlow.update(flowId, { version: 0, global_prompt: 'changed' }))).toMatchObject({ status: 400, message: expect.stringContaining('immutable') });
    const edited = await sdk.conversationFlow.update(flowId, { version: 1, global_prompt: 'You are friendly.' });
    expect(edited).toMatchObject({ version: 1, global_prompt: 'You are friendly.' });
    expect((await sdk.conversationFlow.retrieve(flowId, { version: 0 })).global_prompt).not.toBe('You are friendly.');

    const updated = await sdk.agent.update(agent.agent_id, { agent_name: 'Salon v2' });
    expect(updated).toMatchObject({ version: 1, agent_name: 'Salon v2' });
    await sdk.agent.publish(agent.agent_id, { version: 1, version_title: 'friendlier' });
    expect(((await sdk.conversationFlow.retrieve(flowId, { version: 1 })) as { is_published?: boolean }).is_published).toBe(true);
  });

  it('lists versions page by page with limit and pagination_key', async () => {
    const { agent } = await agentOnFlow(sdk);
    for (let i = 0; i < 4; i++) await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
    const first = await sdk.agent.listVersions(agent.agent_id, { limit: 2 });
    expect(first).toMatchObject({ has_more: true, items: [{ version: 0 }, { version: 1, base_version: 0 }] });
    const second = await sdk.agent.listVersions(agent.agent_id, { limit: 2, pagination_key: first.pagination_key });
    expect(second.items.map((v) => v.version)).toEqual([2, 3]);
    const last = await sdk.agent.listVersions(agent.agent_id, { limit: 2, pagination_key: second.pagination_key });
    expect(last).toMatchObject({ has_more: false, items: [{ version: 4 }] });
    expect(last.pagination_key).toBeUndefined();
  });

  it('POST /v2/list-agents pages unique agents and filters by query', async () => {
    const before = await sdk.agent.list({ limit: 1000 });
    const { agent } = await agentOnFlow(sdk, { agent_name: 'Needle in the list' });
    await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
    const all = await sdk.agent.list({ limit: 1000 });
    expect(all.items.length).toBe(before.items.length + 1);
    const found = await sdk.agent.list({ filter_criteria: { query: 'needle' } });
    expect(found.items).toEqual([expect.objectContaining({ agent_id: agent.agent_id, agent_name: 'Needle in the list', channel: 'voice', tags: {} })]);
    const page = await sdk.agent.list({ limit: 1 });
    expect(page.has_more).toBe(true);
    expect(page.pagination_key).toBe(page.items[0]!.agent_id);
  });

  it('validates bodies against the SDK types and answers like Retell (status + message)', async () => {
    expect(await rejection(sdk.agent.create({ response_engine: { type: 'conversation-flow', conversation_flow_id: 'nope' } } as unknown as Retell.AgentCreateParams))).toEqual({
      status: 400,
      message: 'body: missing required field "voice_id"',
    });
    expect(await rejection(sdk.agent.create({ voice_id: 'v', response_engine: { type: 'conversation-flow', conversation_flow_id: 'conversation_flow_missing' } }))).toEqual({
      status: 400,
      message: 'response_engine.conversation_flow_id: conversation flow conversation_flow_missing not found',
    });
    expect(await rejection(sdk.agent.create({ voice_id: 'v', voice_speed: 'fast', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://x' } } as unknown as Retell.AgentCreateParams))).toEqual({
      status: 400,
      message: 'voice_speed: must be number (got "fast")',
    });
    expect(await rejection(sdk.conversationFlow.create({ ...salonFlow(), nodes: [{ id: 'a', type: 'stop' }] } as unknown as Retell.ConversationFlowCreateParams))).toMatchObject({
      status: 400,
      message: expect.stringMatching(/^nodes\/0: "type"/),
    });
    expect(await rejection(sdk.agent.retrieve('agent_nope'))).toEqual({ status: 404, message: 'agent agent_nope not found' });
  });
});

describe('phone numbers', () => {
  it('creates, imports, binds weighted versions (a canary), lists and deletes', async () => {
    const { agent } = await agentOnFlow(sdk);
    await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
    const created = await sdk.phoneNumber.create({ area_code: 415, inbound_agents: [{ agent_id: agent.agent_id, weight: 1, agent_version: 0 }] });
    expect(created.phone_number).toMatch(/^\+1415555\d{4}$/);
    const canary = await sdk.phoneNumber.update(created.phone_number, {
      inbound_agents: [
        { agent_id: agent.agent_id, agent_version: 0, weight: 0.9 },
        { agent_id: agent.agent_id, agent_version: 1, weight: 0.1 },
      ],
    });
    expect(canary.inbound_agents).toHaveLength(2);
    expect(await sdk.phoneNumber.retrieve(created.phone_number)).toEqual(canary);

    expect(await rejection(sdk.phoneNumber.update(created.phone_number, { inbound_agents: [{ agent_id: agent.agent_id, agent_version: 0, weight: 0.5 }] }))).toEqual({
      status: 400,
      message: 'inbound_agents: weights must sum to 1, got 0.5',
    });
    expect(await rejection(sdk.phoneNumber.update(created.phone_number, { inbound_agents: [{ agent_id: agent.agent_id, agent_version: 7, weight: 1 }] }))).toMatchObject({ status: 400, message: expect.stringContaining('has no version 7') });
    expect(await rejection(sdk.phoneNumber.update(created.phone_number, { inbound_agents: [{ agent_id: agent.agent_id, weight: 90 }, { agent_id: agent.agent_id, weight: 10 }] }))).toMatchObject({ status: 400, message: expect.stringContaining('fractions, not percentages') });

    expect(await rejection(sdk.phoneNumber.update(created.phone_number, { inbound_agents: [{ agent_id: agent.agent_id, agent_version: 'prod', weight: 1 }] }))).toMatchObject({ status: 400, message: expect.stringContaining('"prod" would name an environment tag') });
    const latest = await sdk.phoneNumber.update(created.phone_number, { inbound_agents: [{ agent_id: agent.agent_id, agent_version: 'latest_published', weight: 1 }] });
    expect(latest.inbound_agents).toEqual([{ agent_id: agent.agent_id, agent_version: 'latest_published', weight: 1 }]);
    const imported = await sdk.phoneNumber.import({ phone_number: '+14155550199', termination_uri: 'sip.example.com' });
    expect(imported).toMatchObject({ phone_number: '+14155550199', phone_number_type: 'custom' });
    const list = await sdk.phoneNumber.list({ limit: 1000 } as never);
    expect(list.items.map((n) => n.phone_number)).toEqual(expect.arrayContaining([created.phone_number, '+14155550199']));
    await sdk.phoneNumber.delete('+14155550199');
    expect(await rejection(sdk.phoneNumber.retrieve('+14155550199'))).toEqual({ status: 404, message: 'phone number +14155550199 not found' });
    expect(await rejection(sdk.agent.delete(agent.agent_id))).toMatchObject({ status: 400, message: expect.stringContaining('is bound to phone number') });
  });
});

describe('routes the API does not have', () => {
  it('an unknown endpoint is a 404 naming it', async () => {
    const res = await fetch(`${emulator.url}/v2/get-agnet/abc`, { headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ status: 'error', message: expect.stringMatching(/^GET \/v2\/get-agnet\/abc is not an endpoint of the Retell API/) });
  });

  it('retired endpoints answer 404 with the deprecation notice', async () => {
    const res = await fetch(`${emulator.url}/publish-agent/agent_x`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` } });
    expect(res.status).toBe(404);
    const { message } = (await res.json()) as { message: string };
    expect(message).toContain('POST /publish-agent/<agent_id> was retired by Retell on 2026-07-20: use POST /publish-agent-version/<agent_id>');
    expect(message).toContain('https://docs.retellai.com/deprecation-notice/2026/07-20_agent_version_endpoints');
    // The SDK's deprecated getVersions is one of them.
    const { agent } = await agentOnFlow(sdk);
    expect(await rejection(sdk.agent.getVersions(agent.agent_id))).toMatchObject({ status: 404, message: expect.stringContaining('list-agent-versions') });
  });

  it('API routes need a Bearer key; a configured key is the only one accepted', async () => {
    const res = await fetch(`${emulator.url}/v2/list-agents`, { method: 'POST' });
    expect(res.status).toBe(401);
    const strict = await emulatorWithSdk({ apiKey: 'the-one-key' });
    try {
      expect(await rejection(strict.sdk.agent.list())).toEqual({ status: 401, message: 'invalid API key' });
    } finally {
      await strict.emulator.close();
    }
  });
});

describe('persistence', () => {
  it('a restart on the same --data sees the same workspace', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-emu-'));
    try {
      const first = await emulatorWithSdk({ dataDir: dir });
      const { agent, flow } = await agentOnFlow(first.sdk);
      await first.sdk.agent.publish(agent.agent_id, { version: 0 });
      const number = await first.sdk.phoneNumber.create({ inbound_agents: [{ agent_id: agent.agent_id, weight: 1 }] });
      await first.emulator.close();
      expect(readdirSync(dir).sort()).toEqual(['agents.json', 'conversation-flows.json', 'phone-numbers.json']);

      const second = await emulatorWithSdk({ dataDir: dir });
      // One emulator per data directory: a second would overwrite the first's files.
      await expect(emulatorWithSdk({ dataDir: dir })).rejects.toThrow(`${dir} is in use by another emulator in this process`);
      try {
        expect(await second.sdk.agent.retrieve(agent.agent_id)).toMatchObject({ is_published: true, version: 0 });
        expect(((await second.sdk.conversationFlow.retrieve(flow.conversation_flow_id)) as { is_published?: boolean }).is_published).toBe(true);
        expect((await second.sdk.phoneNumber.retrieve(number.phone_number)).inbound_agents).toEqual([{ agent_id: agent.agent_id, weight: 1 }]);
      } finally {
        await second.emulator.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('more of the platform rules', () => {
  it('an update that breaks the flow is refused and leaves it as it was', async () => {
    const { flow } = await agentOnFlow(sdk);
    expect(await rejection(sdk.conversationFlow.update(flow.conversation_flow_id, { nodes: [{ id: 'x', type: 'teleport' }] } as never))).toMatchObject({ status: 400, message: expect.stringMatching(/^nodes\/0: "type"/) });
    expect((await sdk.conversationFlow.retrieve(flow.conversation_flow_id)).nodes).toEqual(flow.nodes);
  });

  it('deletes drafts but not published versions; a used flow only with force_delete; deletes answer 204 with no body', async () => {
    const { agent, flow } = await agentOnFlow(sdk);
    await sdk.agent.publish(agent.agent_id, { version: 0 });
    await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
    expect(await rejection(sdk.agent.deleteVersion(agent.agent_id, { version: 0 }))).toMatchObject({ status: 400, message: expect.stringContaining('immutable') });
    const res = await fetch(`${emulator.url}/delete-agent-version/${agent.agent_id}?version=1`, { method: 'DELETE', headers: { authorization: `Bearer ${KEY}` } });
    expect([res.status, await res.text(), res.headers.get('content-length')]).toEqual([204, '', null]);
    expect((await sdk.agent.listVersions(agent.agent_id)).items.map((v) => v.version)).toEqual([0]);
    expect(await rejection(sdk.conversationFlow.delete(flow.conversation_flow_id))).toMatchObject({ status: 400, message: expect.stringContaining(`used by agent ${agent.agent_id}`) });
    const listed = await sdk.conversationFlow.list({ limit: 1000 } as never);
    expect(listed.items.map((f) => f.conversation_flow_id)).toContain(flow.conversation_flow_id);
    await sdk.conversationFlow.delete(flow.conversation_flow_id, { force_delete: true });
    expect(await rejection(sdk.conversationFlow.retrieve(flow.conversation_flow_id))).toMatchObject({ status: 404 });
  });

  it('list-calls filters by enums, booleans, strings and numbers, sorts, skips and counts; items carry no transcript', async () => {
    const { agent } = await agentOnFlow(sdk);
    const number = await sdk.phoneNumber.create({ inbound_agents: [{ agent_id: agent.agent_id, weight: 1 }] });
    const sim = await fetch(`${emulator.url}/emulator/simulate-calls`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ phone_number: number.phone_number, count: 30, seed: 3, outcomes: { [`${agent.agent_id}@0`]: { call_successful: 0.5, transferred: 0.3 } } }) });
    expect(sim.status).toBe(200);
    const mine = [{ agent_id: agent.agent_id }];
    const all = await sdk.call.list({ filter_criteria: { agent: mine }, limit: 1000, include_total: true });
    expect(all.total).toBe(30);
    expect(all.items.every((c) => !('transcript_with_tool_calls' in c))).toBe(true);
    const starts = all.items.map((c) => c.start_timestamp!);
    expect(starts).toEqual([...starts].sort((a, b) => b - a)); // descending by default
    const asc = await sdk.call.list({ filter_criteria: { agent: mine }, sort_order: 'ascending', skip: 5, limit: 3 });
    expect(asc.items.map((c) => c.call_id)).toEqual([...all.items].reverse().slice(5, 8).map((c) => c.call_id));
    const ok = await sdk.call.list({ filter_criteria: { agent: mine, call_successful: { type: 'boolean', op: 'eq', value: true } }, limit: 1000 });
    expect(ok.items.length).toBe(all.items.filter((c) => c.call_analysis?.call_successful).length);
    const transfers = await sdk.call.list({ filter_criteria: { agent: mine, disconnection_reason: { type: 'enum', op: 'in', value: ['call_transfer'] } }, limit: 1000 });
    expect(transfers.items.length).toBe(all.items.filter((c) => c.disconnection_reason === 'call_transfer').length);
    expect(transfers.items.length).toBeGreaterThan(0);
    const to = await sdk.call.list({ filter_criteria: { agent: mine, to_number: { type: 'string', op: 'eq', value: number.phone_number } }, limit: 1000 });
    expect(to.items.length).toBe(30);
    const long = await sdk.call.list({ filter_criteria: { agent: mine, duration_ms: { type: 'number', op: 'gt', value: 100_000 } }, limit: 1000 });
    expect(long.items.length).toBe(all.items.filter((c) => c.duration_ms! > 100_000).length);
    expect(await rejection(sdk.call.list({ limit: 5000 }))).toEqual({ status: 400, message: 'limit: must be a whole number from 1 to 1000' });
  });
});

describe('snapshot and restore', () => {
  it('GET /emulator/state is the whole workspace; PUT restores it into another emulator; a bad snapshot changes nothing', async () => {
    const { agent } = await agentOnFlow(sdk);
    const snapshot = (await (await fetch(`${emulator.url}/emulator/state`)).json()) as { agents: Record<string, unknown> } & Record<string, unknown>;
    const other = await emulatorWithSdk();
    try {
      const put = await fetch(`${other.emulator.url}/emulator/state`, { method: 'PUT', body: JSON.stringify(snapshot) });
      expect(put.status).toBe(200);
      expect(await put.json()).toMatchObject({ agents: Object.keys(snapshot.agents).length });
      expect(await other.sdk.agent.retrieve(agent.agent_id)).toEqual(await sdk.agent.retrieve(agent.agent_id));
      const bad = await fetch(`${other.emulator.url}/emulator/state`, { method: 'PUT', body: JSON.stringify({ ...snapshot, calls: [] }) });
      expect([bad.status, await bad.json()]).toEqual([400, { status: 'error', message: 'body: calls: expected an object keyed by id' }]);
      expect(await other.sdk.agent.retrieve(agent.agent_id)).toMatchObject({ agent_id: agent.agent_id });
    } finally {
      await other.emulator.close();
    }
  });
});
