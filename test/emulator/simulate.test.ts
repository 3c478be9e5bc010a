import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { RetellClient } from '../../src/retell/client.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { BIN } from '../helpers/cli.js';
import { agentOnFlow, emulatorWithSdk, KEY } from './helpers.js';

// POST /emulator/simulate-calls: canary traffic by the number's current weights, outcomes per
// version, stored for list-calls/get-call, and signed webhooks that a real `serve` child process
// verifies (with the same key) and stores.

let emulator: RunningEmulator;
let sdk: Retell;
let dir: string;
let serve: { proc: ChildProcess; url: string; exit: Promise<number | null> };

function startServe(key: string): Promise<typeof serve> {
  const proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', path.join(dir, 'retell-kit.config.mjs'), '--store', path.join(dir, 'state.db')], {
    cwd: dir,
    env: { ...process.env, RETELL_API_KEY: key, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  let stderr = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start:\n${stderr}`)), 15_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, exit });
      }
    });
  });
}

async function simulate(body: unknown, key = KEY): Promise<{ status: number; json: any }> {
  const res = await fetch(`${emulator.url}/emulator/simulate-calls`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-simulate-'));
  writeFileSync(path.join(dir, 'retell-kit.config.mjs'), 'export default {};\n');
  ({ emulator, sdk } = await emulatorWithSdk());
  serve = await startServe(KEY);
}, 20_000);
afterAll(async () => {
  if (serve.proc.exitCode === null) serve.proc.kill('SIGKILL');
  await emulator.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An agent with a published v0 and a draft v1, on a number split `weights` between them. */
async function canary(weights: [number, number], webhookUrl?: string) {
  const { agent } = await agentOnFlow(sdk, webhookUrl ? { webhook_url: webhookUrl } : {});
  await sdk.agent.publish(agent.agent_id, { version: 0 });
  await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
  const number = await sdk.phoneNumber.create({
    inbound_agents: [
      { agent_id: agent.agent_id, agent_version: 0, weight: weights[0] },
      { agent_id: agent.agent_id, agent_version: 1, weight: weights[1] },
    ],
  });
  return { agentId: agent.agent_id, number: number.phone_number };
}

describe('POST /emulator/simulate-calls', () => {
  it('delivers signed call_started, call_ended and call_analyzed that a real serve verifies and stores', async () => {
    const { agentId, number } = await canary([0.75, 0.25], `${serve.url}/webhook`);
    const { status, json } = await simulate({ phone_number: number, count: 20, seed: 7 });
    expect(status).toBe(200);
    expect(json.calls).toBe(20);
    expect(json.by_version[`${agentId}@0`] + json.by_version[`${agentId}@1`]).toBe(20);
    expect(json.webhooks).toEqual({ delivered: 60, failed: 0, failures: [] });

    serve.proc.kill('SIGTERM');
    expect(await serve.exit).toBe(0);
    const store = new SqliteStore({ file: path.join(dir, 'state.db') });
    try {
      for (const callId of json.call_ids as string[]) {
        const events = await store.eventsForCall(callId);
        expect(events.map((e) => e.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
      }
    } finally {
      await store.close();
    }
    serve = await startServe(KEY);
  }, 30_000);

  it('webhooks signed with another key are refused by serve and reported as failures', async () => {
    const { number } = await canary([0.5, 0.5], `${serve.url}/webhook`);
    const { json } = await simulate({ phone_number: number, count: 1, seed: 1 }, 'key_not_the_webhook_key');
    expect(json.webhooks.delivered).toBe(0);
    expect(json.webhooks.failed).toBe(3);
    expect(json.webhooks.failures[0]).toMatch(/^call_started call_\w+: HTTP 401 after 4 attempts \(call_started to http:\/\/127\.0\.0\.1:\d+\/webhook\)$/);
  });

  it('splits by the current weights, draws outcomes per version, and stores calls list-calls and get-call return', async () => {
    const { agentId, number } = await canary([0.75, 0.25]);
    const outcomes = {
      [`${agentId}@0`]: { call_successful: 0.9, transferred: 0, function_error: 0, duration_ms: [60_000, 240_000] },
      [`${agentId}@1`]: { call_successful: 0.2, transferred: 0.5, function_error: 1 },
    };
    const { json } = await simulate({ phone_number: number, count: 400, seed: 7, outcomes });
    const v0 = json.by_version[`${agentId}@0`] as number;
    const v1 = json.by_version[`${agentId}@1`] as number;
    expect(v0 + v1).toBe(400);
    expect(v1 / 400).toBeGreaterThan(0.18);
    expect(v1 / 400).toBeLessThan(0.32);
    expect(json.webhooks).toEqual({ delivered: 0, failed: 0, failures: [] });

    const client = new RetellClient({ apiKey: KEY, baseUrl: emulator.url });
    const calls0 = await client.listCalls({ agentId, versions: [0] });
    const calls1 = await client.listCalls({ agentId, versions: [1] });
    expect([calls0.length, calls1.length]).toEqual([v0, v1]);
    const rate = (calls: typeof calls0) => calls.filter((c) => c.call_analysis?.call_successful).length / calls.length;
    expect(rate(calls0)).toBeGreaterThan(0.8);
    expect(rate(calls1)).toBeLessThan(0.35);
    expect(calls0.every((c) => c.duration_ms! >= 60_000 && c.duration_ms! <= 240_000 && c.end_timestamp === c.start_timestamp! + c.duration_ms!)).toBe(true);
    expect(calls0.every((c) => c.disconnection_reason !== 'call_transfer')).toBe(true);
    expect(calls1.filter((c) => c.disconnection_reason === 'call_transfer').length).toBeGreaterThan(v1 * 0.3);
    const full = await client.getCall(calls1[0]!.call_id);
    expect(full).toMatchObject({ agent_id: agentId, agent_version: 1, call_status: 'ended', direction: 'inbound', to_number: number });
    const failed = (full.transcript_with_tool_calls ?? []).find((t) => t.role === 'tool_call_result');
    expect(failed).toMatchObject({ successful: false });

    // The same seed on the same weights draws the same traffic.
    const again = await simulate({ phone_number: number, count: 400, seed: 7, outcomes });
    expect(again.json.by_version).toEqual(json.by_version);
  });

  it('with start_timestamp, calls start then (live traffic, after a canary was bound) instead of before now', async () => {
    const { agentId, number } = await canary([0.5, 0.5]);
    const startAt = Date.now() + 60_000;
    const { json } = await simulate({ phone_number: number, count: 20, seed: 3, start_timestamp: startAt });
    expect(json.calls).toBe(20);
    const calls = await new RetellClient({ apiKey: KEY, baseUrl: emulator.url }).listCalls({ agentId, since: startAt });
    expect(calls).toHaveLength(20);
    expect(calls.every((c) => c.start_timestamp! >= startAt && c.start_timestamp! < startAt + 1000)).toBe(true);
    expect(await simulate({ phone_number: number, count: 1, start_timestamp: 'now' })).toMatchObject({ status: 400, json: { message: 'start_timestamp: expected epoch milliseconds' } });
  });

  it('refuses what it cannot simulate, in Retell error shape', async () => {
    const { agentId, number } = await canary([0.5, 0.5]);
    expect(await simulate({ phone_number: '+19999999999', count: 1 })).toEqual({ status: 404, json: { status: 'error', message: 'phone number +19999999999 not found' } });
    expect(await simulate({ phone_number: number, count: 0 })).toMatchObject({ status: 400, json: { message: 'count: expected a whole number from 1 to 10000' } });
    expect(await simulate({ phone_number: number, count: 1, outcomes: { [`${agentId}@5`]: { call_successful: 1 } } })).toMatchObject({ status: 400, json: { message: expect.stringContaining(`"${agentId}@5" is not bound to ${number}`) } });
    expect(await simulate({ phone_number: number, count: 1, outcomes: { [`${agentId}@0`]: { call_successful: 2 } } })).toMatchObject({ status: 400, json: { message: `outcomes/${agentId}@0/call_successful: expected a rate from 0 to 1` } });
  });
});
