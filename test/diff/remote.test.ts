import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { BIN, fixture, ROOT } from '../helpers/cli.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';

// Remote references through the real binary, the real client and the emulator on 127.0.0.1, set up
// with the real SDK: v0 published on the edges fixture's a flow, v1 a draft whose flow is b.

let emulator: RunningEmulator;
let sdk: Retell;
let agentId: string;

function run(args: string[], env: Record<string, string> = {}): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1', RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.on('error', reject);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

const body = (side: 'a' | 'b') => {
  const { conversation_flow_id: _id, version: _v, ...flow } = JSON.parse(readFileSync(fixture('diff', 'edges', `${side}.json`), 'utf8'));
  return flow;
};

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
  const flow = await sdk.conversationFlow.create(body('a'));
  const agent = await sdk.agent.create({ agent_name: 'Salon', voice_id: 'retell-Cimo', webhook_url: 'https://salon.example.com/hook', response_engine: { type: 'conversation-flow', conversation_flow_id: flow.conversation_flow_id } });
  agentId = agent.agent_id;
  await sdk.agent.publish(agentId, { version: 0 });
  await sdk.agent.createVersion(agentId, { base_version: 0 });
  // The draft v1 pins its own copy of the flow (version 1): edit that one.
  await sdk.conversationFlow.update(flow.conversation_flow_id, { ...body('b'), version: 1 });
  await sdk.agent.update(agentId, { webhook_url: 'https://salon.example.com/hook-v2' });
});
afterAll(() => emulator.close());

describe('retell-kit diff agent_xxx@version', () => {
  it('compares two agent versions with the flow versions they pin', async () => {
    const r = await run(['diff', `${agentId}@published`, `${agentId}@latest`, '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const result = JSON.parse(r.stdout);
    expect(result.a).toBe(`${agentId}@0`);
    expect(result.b).toBe(`${agentId}@1`);
    const kinds = result.changes.map((c: { kind: string }) => c.kind);
    expect(kinds).toEqual(expect.arrayContaining(['agent-webhook-changed', 'edge-rewired', 'condition-changed']));
    // The same changes as the two local files give, plus the agent's own.
    const local = await run(['diff', fixture('diff', 'edges', 'a.json'), fixture('diff', 'edges', 'b.json'), '--format', 'json']);
    const flowKinds = (json: string) => JSON.parse(json).changes.filter((c: { target: string }) => !c.target.startsWith('agent')).map((c: { kind: string; message: string }) => `${c.kind} ${c.message}`);
    expect(flowKinds(r.stdout)).toEqual(flowKinds(local.stdout));
  });

  it('a version number, and a remote side against a local file', async () => {
    expect((await run(['diff', `${agentId}@0`, `${agentId}@0`])).status).toBe(0);
    const mixed = await run(['diff', `${agentId}@0`, fixture('diff', 'edges', 'b.json'), '--no-lint']);
    expect(mixed.stdout).toContain('edge-rewired');
  });

  it('an API error is exit 2 with one line, never "no changes"', async () => {
    const missing = await run(['diff', `${agentId}@7`, `${agentId}@latest`]);
    expect(missing.status).toBe(2);
    expect(missing.stdout).toBe('');
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    const unknown = await run(['diff', 'agent_doesnotexist@latest', `${agentId}@latest`]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/^retell-kit: .*agent_doesnotexist/);
  });
});
