import { spawn, type ChildProcess } from 'node:child_process';
import type Retell from 'retell-sdk';
import { Deployments, type Deployment } from '../../../src/deploy/record.js';
import { splitTraffic } from '../../../src/deploy/traffic.js';
import { RetellClient } from '../../../src/retell/client.js';
import { openStore } from '../../../src/store/open.js';
import { agentOnFlow, KEY } from '../../emulator/helpers.js';
import { BIN } from '../../helpers/cli.js';

/**
 * A canary as a deploy leaves it, set up through the real modules against the emulator: an agent
 * with version 0 published and serving a number, version 1 created and published from it, the number
 * split between them with splitTraffic + update-phone-number, and the Deployment record (state
 * `canary`) written with Deployments.create into a real SQLite store file.
 */
export async function setUpCanary(o: { url: string; sdk: Retell; storeFile: string; percent: number; storeUrl?: string; agentExtra?: Record<string, unknown>; boundAt?: number }) {
  const client = new RetellClient({ apiKey: KEY, baseUrl: o.url, reconcileDelayMs: 10 });
  const { agent } = await agentOnFlow(o.sdk, o.agentExtra);
  await client.publishAgentVersion(agent.agent_id, 0, { title: 'stable' });
  const draft = await client.createAgentVersion(agent.agent_id, 0);
  await client.publishAgentVersion(agent.agent_id, draft.version, { title: 'canary' });
  const number = await o.sdk.phoneNumber.create({ inbound_agents: [{ agent_id: agent.agent_id, agent_version: 0, weight: 1 }] });
  const before = (number.inbound_agents ?? []) as never[];
  const plan = splitTraffic(number.inbound_agents as never, agent.agent_id, 0, draft.version, o.percent, number.phone_number);
  await client.updatePhoneNumber(number.phone_number, { inbound_agents: plan.bindings as never });
  // Simulated calls are stamped up to a few minutes before they are made: the canary was bound before that.
  const at = o.boundAt ?? Date.now() - 3_600_000;
  const deployment: Deployment = {
    id: `${agent.agent_id}:0123456789ab`,
    agentId: agent.agent_id,
    folder: 'agents/salon',
    contentHash: '0123456789ab'.repeat(5) + '0123',
    stableVersion: 0,
    newVersion: draft.version,
    numbers: [number.phone_number],
    bindingsBefore: { [number.phone_number]: before },
    percent: o.percent,
    canaryPercent: o.percent,
    title: 'canary',
    description: 'test canary',
    steps: ['planned', 'draft_created', 'draft_updated', 'published', 'verified', 'bound'].map((step) => ({ step: step as never, at })),
    state: 'canary',
    history: [{ at, action: 'deploy', from: 0, to: o.percent }],
    createdAt: at,
    updatedAt: at,
  };
  const store = await openStore(o.storeUrl ? { kind: 'postgres', url: o.storeUrl } : { kind: 'sqlite', file: o.storeFile }, { shared: true });
  try {
    await new Deployments(store).create(deployment);
  } finally {
    await store.close();
  }
  return { agentId: agent.agent_id, number: number.phone_number, stable: 0, canary: draft.version, deployment, client };
}

/** Feed `count` calls through the number's current weights (seeded), with per-version outcome rates. */
export async function simulate(url: string, body: { phone_number: string; count: number; seed: number; outcomes?: Record<string, unknown> }) {
  const res = await fetch(`${url}/emulator/simulate-calls`, {
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`simulate-calls: ${res.status} ${await res.text()}`);
  return (await res.json()) as { calls: number; by_version: Record<string, number>; call_ids: string[]; webhooks: { delivered: number; failed: number; failures: string[] } };
}

/** The real binary, asynchronously (the emulator runs in this process, so spawnSync would starve it). */
export function runCli(args: string[], o: { cwd: string; env?: Record<string, string>; timeoutMs?: number; onSpawn?: (child: ChildProcess) => void }): Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: o.cwd, env: { ...process.env, NO_COLOR: '1', CI: 'true', ...o.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), o.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr });
    });
    o.onSpawn?.(child);
  });
}

/** Calls arriving while a watch runs: a batch every `everyMs` until stop() (seeded batches). */
export function feeder(url: string, phone: string, o: { batch: number; everyMs: number; seed: number; outcomes: Record<string, unknown>; maxCalls: number }) {
  let stopped = false;
  let total = 0;
  let i = 0;
  const done = (async () => {
    while (!stopped && total < o.maxCalls) {
      try {
        total += (await simulate(url, { phone_number: phone, count: o.batch, seed: o.seed + i++, outcomes: o.outcomes })).calls;
      } catch (error) {
        // The number may be fully rolled back between reading and drawing: the outcomes key of a version no longer bound is refused.
        if (!String(error).includes('is not bound')) throw error;
        const unbound = Object.fromEntries(Object.entries(o.outcomes).filter(([k]) => !String(error).includes(`"${k}"`)));
        o.outcomes = unbound;
      }
      await new Promise((r) => setTimeout(r, o.everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      return total;
    },
  };
}
