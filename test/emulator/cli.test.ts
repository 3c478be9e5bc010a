import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Retell from 'retell-sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { describeRoutes } from '../../src/http/routes.js';
import { EMULATOR_ROUTES } from '../../src/emulator/routes.js';
import { BIN, ROOT } from '../helpers/cli.js';
import { salonFlow } from './helpers.js';

// `retell-kit emulator` as a process: the built binary, state in --data across a SIGKILL.

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function emulator(args: string[], env: Record<string, string> = {}): Promise<{ proc: ChildProcess; url: string; exit: Promise<number | null>; stderr: () => string }> {
  const proc = spawn(process.execPath, [BIN, 'emulator', ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
  children.push(proc);
  let stderr = '';
  const exit = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`emulator did not start:\n${stderr}`)), 15_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /Retell API emulator on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, exit, stderr: () => stderr });
      }
    });
    void exit.then((code) => {
      clearTimeout(timer);
      reject(Object.assign(new Error(`exited ${code}`), { stderr, code }));
    });
  });
}

describe('retell-kit emulator', () => {
  it('keeps its workspace in --data across a SIGKILL, and stops on SIGTERM with exit 0', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'retell-kit-emu-cli-'));
    dirs.push(data);
    const first = await emulator(['--port', '0', '--data', data, '--quiet']);
    const sdk = new Retell({ apiKey: 'any-key', baseURL: first.url, maxRetries: 0 });
    const flow = await sdk.conversationFlow.create(salonFlow() as never);
    const agent = await sdk.agent.create({ voice_id: 'retell-Cimo', response_engine: { type: 'conversation-flow', conversation_flow_id: flow.conversation_flow_id } });
    await sdk.agent.publish(agent.agent_id, { version: 0, version_title: 'launch' });
    first.proc.kill('SIGKILL');
    await first.exit;

    const second = await emulator(['--port', '0', '--data', data]);
    // The lock the killed process left was taken over; a live one is not.
    const third = await emulator(['--port', '0', '--data', data]).then(
      () => undefined,
      (e: { stderr: string; code: number }) => e,
    );
    expect(third).toEqual(expect.objectContaining({ code: 2, stderr: `retell-kit: ${data} is in use by another emulator (pid ${second.proc.pid}) (stop it, or pass another --data)\n` }));
    const again = new Retell({ apiKey: 'any-key', baseURL: second.url, maxRetries: 0 });
    expect(await again.agent.retrieve(agent.agent_id)).toMatchObject({ is_published: true, version_title: 'launch' });
    expect(second.stderr()).toContain('accepts any API key');
    second.proc.kill('SIGTERM');
    expect(await second.exit).toBe(0);
    expect(second.stderr()).toMatch(/GET \/get-agent\/agent_\w+ -> 200/);
    expect(second.stderr()).not.toContain('any-key');
  });

  it('RETELL_EMULATOR_API_KEY is the only key accepted', async () => {
    const child = await emulator(['--port', '0', '--quiet'], { RETELL_EMULATOR_API_KEY: 'only-this-one' });
    expect(child.stderr()).toContain('accepts only RETELL_EMULATOR_API_KEY');
    const wrong = await fetch(`${child.url}/v2/list-agents`, { method: 'POST', headers: { authorization: 'Bearer other' } });
    expect(wrong.status).toBe(401);
    const right = await fetch(`${child.url}/v2/list-agents`, { method: 'POST', headers: { authorization: 'Bearer only-this-one' } });
    expect(right.status).toBe(200);
  });

  it('a data file that is not the emulator\'s is one line naming it, exit 2', async () => {
    const data = mkdtempSync(path.join(tmpdir(), 'retell-kit-emu-cli-'));
    dirs.push(data);
    writeFileSync(path.join(data, 'agents.json'), '{"agents": []}');
    const error = await emulator(['--port', '0', '--data', data]).then(
      () => undefined,
      (e: { stderr: string; code: number }) => e,
    );
    const file = path.join(data, 'agents.json');
    expect(error).toEqual(expect.objectContaining({ code: 2, stderr: `retell-kit: ${file}: /format: expected 1 with an "items" object (written by another retell-kit version? delete it, or point --data at another folder)\n` }));
  });

  it('a port in use is one line and exit 2', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const error = await emulator(['--port', String(port)]).then(
        () => undefined,
        (e: { stderr: string; code: number }) => e,
      );
      expect(error).toEqual(expect.objectContaining({ code: 2, stderr: `retell-kit: port ${port} on 127.0.0.1 is already in use (pick another with --port)\n` }));
    } finally {
      server.close();
    }
  });
});

describe('docs cannot drift from the emulator routes', () => {
  it('README and docs/emulator.md name every route the emulator answers', () => {
    const readme = readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const doc = readFileSync(path.join(ROOT, 'docs/emulator.md'), 'utf8');
    for (const route of describeRoutes(EMULATOR_ROUTES.filter((r) => r.kind !== 'retired'))) {
      expect(doc, route).toContain(`\`${route}\``);
      if (route.includes('/emulator/')) expect(readme, route).toContain(`\`${route}\``);
    }
  });
});

describe('package entries', () => {
  it('retell-kit/emulator and retell-kit/client are exported with their types', async () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { exports: Record<string, { types: string; default: string }> };
    const load = async (key: string) => {
      const entry = pkg.exports[key]!;
      expect(readFileSync(path.join(ROOT, entry.types), 'utf8')).toContain('export');
      return (await import(path.join(ROOT, entry.default))) as Record<string, unknown>;
    };
    expect(typeof (await load('./emulator')).startEmulator).toBe('function');
    const client = await load('./client');
    expect(typeof client.RetellClient).toBe('function');
    expect(typeof client.createRetellClient).toBe('function');
  });
});
