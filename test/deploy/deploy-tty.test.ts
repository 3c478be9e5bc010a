import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { BIN } from '../helpers/cli.js';
import { emulatorWithSdk } from '../emulator/helpers.js';
import { envFor, newGreeting, project } from './deploy-helpers.js';

// On a terminal deploy asks before applying: the real CLI under a pseudo-terminal (util-linux
// `script`), answering the prompt.

const hasScript = spawnSync('script', ['--version']).status === 0;
let emulator: RunningEmulator;
let sdk: Retell;

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
});
afterAll(() => emulator.close());

function onTerminal(args: string[], cwd: string, answer: string): Promise<{ status: number | null; output: string }> {
  const command = [process.execPath, BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  // script's own log of the session goes to a file in the project (never a device path).
  const child = spawn('script', ['-qec', command, path.join(cwd, 'typescript.log')], { cwd, env: envFor(emulator, { CI: undefined }), stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  let answered = false;
  child.stdout.on('data', (d) => {
    output += d;
    if (!answered && output.includes('[y/N]')) {
      answered = true;
      child.stdin.write(`${answer}\r`);
    }
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => child.on('close', (status) => (clearTimeout(timer), resolve({ status, output }))));
}

describe.skipIf(!hasScript)('deploy on a terminal', () => {
  it('asks first: "n" deploys nothing (exit 0), "y" deploys', async () => {
    const p = await project(emulator, sdk, ['+14155550401']);
    newGreeting(p);
    const args = ['deploy', p.folder, '--number', '+14155550401', '--canary', '10'];
    const no = await onTerminal(args, p.dir, 'n');
    expect(no.output).toContain(`Deploy ${p.agentId} from ${p.folder} as a 10 % canary? [y/N]`);
    expect(no.output).toContain('retell-kit: not deployed');
    expect(no.status).toBe(0);
    expect((await sdk.agent.listVersions(p.agentId)).items).toHaveLength(1);

    const yes = await onTerminal(args, p.dir, 'y');
    expect(yes.status).toBe(0);
    expect(yes.output).toContain(`Deployed ${p.agentId} v1 (canary at 10 %)`);
    expect((await sdk.phoneNumber.retrieve('+14155550401')).inbound_agents).toEqual([
      { agent_id: p.agentId, agent_version: 0, weight: 0.9 },
      { agent_id: p.agentId, agent_version: 1, weight: 0.1 },
    ]);
  });
});
