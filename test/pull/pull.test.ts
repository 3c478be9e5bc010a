import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { BIN, fixture, ROOT, tempDir } from '../helpers/cli.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';

// `retell-kit pull` as users run it: the built binary (npm run build first) against the emulator on
// 127.0.0.1, which this process hosts, so the child is spawned asynchronously.

const SECRET = 'Bearer sk_live_salon_0123456789abcdef';
let emulator: RunningEmulator;
let sdk: Retell;
let agentId: string;
let flowId: string;

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], options: { cwd?: string; env?: Record<string, string | undefined> } = {}): Promise<Run> {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', CI: 'true', RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url, ...options.env };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: env as NodeJS.ProcessEnv, stdio: ['ignore', 'pipe', 'pipe'] });
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

/** Every file under dir, relative path -> bytes. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const full = path.join(d, name);
      if (statSync(full).isDirectory()) walk(full);
      else out[path.relative(dir, full)] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return out;
}

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
  const flow = await sdk.conversationFlow.create(JSON.parse(readFileSync(fixture('pull/support-flow.json'), 'utf8')));
  flowId = flow.conversation_flow_id;
  const agent = await sdk.agent.create({
    agent_name: 'Salon Front Desk',
    voice_id: 'retell-Cimo',
    language: 'en-US',
    webhook_url: 'https://salon.example.com/retell/webhook',
    response_engine: { type: 'conversation-flow', conversation_flow_id: flowId },
  });
  agentId = agent.agent_id;
  await sdk.agent.publish(agentId, { version: 0, version_title: 'launch' });
  await sdk.agent.createVersion(agentId, { base_version: 0 });
  await sdk.agent.update(agentId, { agent_name: 'Salon Front Desk', voice_speed: 1.1 });
});
afterAll(() => emulator.close());

describe('retell-kit pull <agent_id>', () => {
  it('writes agent settings and flow as sorted files, ids in remote.json, secrets as ${ENV}; twice gives identical bytes; the flow lints', async () => {
    const out = tempDir('retell-kit-pull-');
    try {
      const first = await run(['pull', agentId, '--version', 'published', '--out', out]);
      expect(first.stderr).toContain(`retell-kit: pulled ${agentId} v0 (published, flow ${flowId} v0) -> `);
      expect(first.stderr).toContain('${RETELL_SECRET_CHECK_AVAILABILITY_AUTHORIZATION}');
      expect(first.status).toBe(0);
      const files = snapshot(out);
      expect(Object.keys(files)).toEqual(['.retell-kit/remote.json', 'salon-front-desk/agent.json', 'salon-front-desk/conversation-flow.json']);

      const agentFile = JSON.parse(files['salon-front-desk/agent.json']!);
      expect(agentFile).toEqual({ agent_name: 'Salon Front Desk', language: 'en-US', response_engine: { type: 'conversation-flow' }, voice_id: 'retell-Cimo', webhook_url: 'https://salon.example.com/retell/webhook' });
      const flowText = files['salon-front-desk/conversation-flow.json']!;
      const flowFile = JSON.parse(flowText);
      for (const key of ['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp']) expect(flowFile).not.toHaveProperty(key);
      expect(flowFile.tools[0].headers).toEqual({ Authorization: '${RETELL_SECRET_CHECK_AVAILABILITY_AUTHORIZATION}', 'Content-Type': 'application/json' });
      expect(flowText).not.toContain('sk_live');
      expect(flowFile.components[0].name).toBe('Verify caller');
      expect(flowFile.nodes.some((n: { global_node_setting?: unknown }) => n.global_node_setting)).toBe(true);
      // Keys sorted at every level.
      const keysSorted = (v: unknown): boolean =>
        Array.isArray(v) ? v.every(keysSorted) : v && typeof v === 'object' ? Object.keys(v).join() === Object.keys(v).sort().join() && Object.values(v).every(keysSorted) : true;
      expect(keysSorted(flowFile) && keysSorted(agentFile)).toBe(true);

      const remote = JSON.parse(files['.retell-kit/remote.json']!);
      expect(remote).toEqual({
        agents: {
          'salon-front-desk': {
            agent_id: agentId,
            agent_version: 0,
            conversation_flow: { conversation_flow_id: flowId, last_modification_timestamp: expect.any(Number), version: 0 },
            files: {
              'agent.json': `sha256:${createHash('sha256').update(files['salon-front-desk/agent.json']!).digest('hex')}`,
              'conversation-flow.json': `sha256:${createHash('sha256').update(flowText).digest('hex')}`,
            },
            is_published: true,
            last_modification_timestamp: expect.any(Number),
            response_engine: { conversation_flow_id: flowId, type: 'conversation-flow', version: 0 },
            secrets: ['RETELL_SECRET_CHECK_AVAILABILITY_AUTHORIZATION'],
            version_title: 'launch',
          },
        },
        format: 1,
      });

      const second = await run(['pull', agentId, '--version', 'published', '--out', out]);
      expect(second.status).toBe(0);
      expect(snapshot(out)).toEqual(files);

      const lint = await run(['lint', path.join(out, 'salon-front-desk/conversation-flow.json')]);
      expect(lint.stdout + lint.stderr).toBe('');
      expect(lint.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('the pulled flow, its secret put back, uploads as a flow equal to the original', async () => {
    const out = tempDir('retell-kit-pull-');
    try {
      expect((await run(['pull', agentId, '--version', '0', '--out', out])).status).toBe(0);
      const text = readFileSync(path.join(out, 'salon-front-desk/conversation-flow.json'), 'utf8').replace('${RETELL_SECRET_CHECK_AVAILABILITY_AUTHORIZATION}', SECRET);
      const again = await sdk.conversationFlow.create(JSON.parse(text));
      const original = await sdk.conversationFlow.retrieve(flowId, { version: 0 });
      const strip = ({ conversation_flow_id: _id, last_modification_timestamp: _t, is_published: _p, ...rest }: Record<string, unknown>) => rest;
      expect(strip(again as never)).toEqual(strip(original as never));
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('--version latest pulls the draft; --format yaml replaces the json twins; --secrets-file keeps the values (0600)', async () => {
    const out = tempDir('retell-kit-pull-');
    try {
      expect((await run(['pull', agentId, '--out', out])).status).toBe(0);
      const yaml = await run(['pull', agentId, '--out', out, '--format', 'yaml', '--secrets-file', path.join(out, '.env.retell')]);
      expect(yaml.stderr).toContain(`pulled ${agentId} v1 (draft, flow ${flowId} v1)`);
      expect(yaml.status).toBe(0);
      expect(readdirSync(path.join(out, 'salon-front-desk')).sort()).toEqual(['agent.yaml', 'conversation-flow.yaml']);
      expect(parseYaml(readFileSync(path.join(out, 'salon-front-desk/agent.yaml'), 'utf8'))).toMatchObject({ voice_speed: 1.1 });
      const env = path.join(out, '.env.retell');
      expect(readFileSync(env, 'utf8')).toBe(`RETELL_SECRET_CHECK_AVAILABILITY_AUTHORIZATION=${JSON.stringify(SECRET)}\n`);
      expect(statSync(env).mode & 0o777).toBe(0o600);
      const lint = await run(['lint', path.join(out, 'salon-front-desk/conversation-flow.yaml')]);
      expect(lint.status).toBe(0);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('pull --all pulls every agent, each in its own folder; --json prints what was pulled', async () => {
    const second = await sdk.agent.create({ agent_name: 'Custom LLM line', voice_id: 'retell-Cimo', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://llm.example.com' } });
    const out = tempDir('retell-kit-pull-');
    try {
      const result = await run(['pull', '--all', '--out', out, '--json']);
      expect(result.status).toBe(0);
      const report = JSON.parse(result.stdout) as { pulled: { agentId: string; folder: string }[] };
      expect(report.pulled.map((p) => p.agentId).sort()).toEqual([agentId, second.agent_id].sort());
      expect(existsSync(path.join(out, 'custom-llm-line/agent.json'))).toBe(true);
      expect(existsSync(path.join(out, 'custom-llm-line/conversation-flow.json'))).toBe(false);
      expect(Object.keys(JSON.parse(readFileSync(path.join(out, '.retell-kit/remote.json'), 'utf8')).agents).sort()).toEqual(['custom-llm-line', 'salon-front-desk']);
    } finally {
      rmSync(out, { recursive: true, force: true });
      await sdk.agent.delete(second.agent_id);
    }
  });

  it('--check writes nothing and exits 1 when Retell changed since the pull (drift), 0 when it did not', async () => {
    const out = tempDir('retell-kit-pull-');
    try {
      expect((await run(['pull', agentId, '--out', out])).status).toBe(0);
      const before = snapshot(out);
      const clean = await run(['pull', agentId, '--out', out, '--check']);
      expect(clean).toMatchObject({ status: 0, stderr: `retell-kit: 1 agent matches the files in ${out}/\n` });
      await sdk.agent.update(agentId, { voice_speed: 1.3 });
      const drift = await run(['pull', agentId, '--out', out, '--check']);
      expect(drift.stderr).toBe(`retell-kit: ${agentId} v1 differs from ${path.join(out, 'salon-front-desk/agent.json')}\nretell-kit: 1 of 1 agent changed on Retell since the files were pulled (run pull without --check to take the changes)\n`);
      expect(drift.status).toBe(1);
      expect(snapshot(out)).toEqual(before);
    } finally {
      await sdk.agent.update(agentId, { voice_speed: 1.1 });
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('trouble is one line and exit 2: unknown agent, no key, a fault, bad flags', async () => {
    const missing = await run(['pull', 'agent_missing', '--out', tempDir()]);
    expect(missing).toMatchObject({ status: 2, stderr: 'retell-kit: Retell API: 404 get agent agent_missing: agent agent_missing not found (check the id, and that the key belongs to the workspace that has it)\n' });
    const noKey = await run(['pull', agentId], { env: { RETELL_API_KEY: undefined } });
    expect(noKey).toMatchObject({ status: 2, stderr: 'retell-kit: no Retell API key (set RETELL_API_KEY (for the emulator any non-empty value works))\n' });
    await fetch(`${emulator.url}/emulator/faults`, { method: 'POST', body: JSON.stringify({ endpoint: 'get-conversation-flow', status: 500 }) });
    try {
      const faulted = await run(['pull', agentId, '--out', tempDir()], { env: { RETELL_API_KEY: 'a-secret-key-that-must-not-leak' } });
      expect(faulted.status).toBe(2);
      expect(faulted.stderr).toBe(`retell-kit: Retell API: 500 get conversation flow ${flowId} version 1: Internal server error (fault injected by the emulator) (Retell had trouble; retry in a minute)\n`);
      expect(faulted.stderr).not.toContain('a-secret-key');
    } finally {
      await fetch(`${emulator.url}/emulator/faults`, { method: 'DELETE' });
    }
    const broken = tempDir('retell-kit-pull-');
    mkdirSync(path.join(broken, '.retell-kit'));
    writeFileSync(path.join(broken, '.retell-kit/remote.json'), '{"format": 9}');
    expect(await run(['pull', agentId, '--out', broken])).toMatchObject({
      status: 2,
      stderr: `retell-kit: ${path.join(broken, '.retell-kit/remote.json')}: expected {"format": 1, "agents": {...}} (it is written by pull; delete it to start over (deploy will then not find the remote agents))\n`,
    });
    expect(await run(['pull'])).toMatchObject({ status: 2, stderr: expect.stringContaining('name an agent id, or pass --all') });
    expect(await run(['pull', agentId, '--version', 'newest'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--version: expected a version number, latest or published, got "newest"') });
  });
});

describe('retell-kit pull flags', () => {
  it('--version without a value is one usage line naming the flag as the user typed it (it said --agent-version)', async () => {
    const { cli } = await import('../helpers/cli.js');
    for (const args of [['pull', 'agent_x', '--version'], ['pull', 'agent_x', '--version', '--out', 'x']]) {
      const result = cli(args);
      expect(result.status).toBe(2);
      expect(result.stderr.trim().split('\n')).toEqual([expect.stringMatching(/^retell-kit: pull --version needs a value \(/)]);
      expect(result.stderr).not.toContain('agent-version');
    }
  });
});
