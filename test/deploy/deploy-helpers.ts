import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { BIN, tempDir } from '../helpers/cli.js';
import { agentOnFlow, KEY } from '../emulator/helpers.js';

// `retell-kit deploy` as users run it: the built binary against an emulator this process hosts (so
// children are spawned asynchronously), in a temp project where `pull` wrote agents/<name>/.

export interface Run {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface Project {
  dir: string;
  folder: string;
  agentId: string;
  flowId: string;
}

export function envFor(emulator: RunningEmulator, extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', FORCE_COLOR: undefined, CI: 'true', RETELL_API_KEY: KEY, RETELL_BASE_URL: emulator.url, ...extra };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return env as NodeJS.ProcessEnv;
}

export function start(emulator: RunningEmulator, args: string[], cwd: string, env: Record<string, string | undefined> = {}): { child: ChildProcess; done: Promise<Run> } {
  const child = spawn(process.execPath, [BIN, ...args], { cwd, env: envFor(emulator, env), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const done = new Promise<Run>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
  });
  return { child, done };
}

export function run(emulator: RunningEmulator, args: string[], cwd: string, env: Record<string, string | undefined> = {}): Promise<Run> {
  return start(emulator, args, cwd, env).done;
}

/** A published agent (v0) on the salon flow, numbers bound to v0 (plus `others` on them), pulled into a temp project. */
export async function project(emulator: RunningEmulator, sdk: Retell, numbers: string[], others: { agent_id: string; weight: number; agent_version?: number }[] = [], beforePublish?: (flowId: string) => Promise<unknown>): Promise<Project> {
  const { agent, flow } = await agentOnFlow(sdk);
  await beforePublish?.(flow.conversation_flow_id);
  await sdk.agent.publish(agent.agent_id, { version: 0, version_title: 'launch' });
  const own = 1 - others.reduce((s, o) => s + o.weight, 0);
  for (const number of numbers) {
    await sdk.phoneNumber.import({ phone_number: number, termination_uri: 'sip.example.com', inbound_agents: [...others, { agent_id: agent.agent_id, agent_version: 0, weight: own }] } as never);
  }
  const dir = tempDir('retell-kit-deploy-');
  const pulled = await run(emulator, ['pull', agent.agent_id, '--out', 'agents'], dir);
  if (pulled.status !== 0) throw new Error(`pull failed: ${pulled.stderr}`);
  return { dir, folder: 'agents/salon-front-desk', agentId: agent.agent_id, flowId: flow.conversation_flow_id };
}

/** Edit the pulled flow (and agent settings) in place. */
export function edit(p: Project, change: (flow: Record<string, any>, agent: Record<string, any>) => void): void {
  const flowFile = path.join(p.dir, p.folder, 'conversation-flow.json');
  const agentFile = path.join(p.dir, p.folder, 'agent.json');
  const flow = JSON.parse(readFileSync(flowFile, 'utf8'));
  const agent = JSON.parse(readFileSync(agentFile, 'utf8'));
  change(flow, agent);
  writeFileSync(flowFile, `${JSON.stringify(flow, null, 2)}\n`);
  writeFileSync(agentFile, `${JSON.stringify(agent, null, 2)}\n`);
}

export const GREETING = 'Greet the caller warmly and ask which service they would like to book today.';

/** The usual edit: a new greeting and a faster voice. */
export function newGreeting(p: Project, text = GREETING): void {
  edit(p, (flow, agent) => {
    flow.nodes.find((n: any) => n.id === 'welcome').instruction.text = text;
    agent.voice_speed = 1.1;
  });
}
