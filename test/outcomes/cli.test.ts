import { execFile } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cli, ROOT, tempDir, type CliResult } from '../helpers/cli.js';

// The real binary (npm run build first) over the fixtures; --alert against a receiver on 127.0.0.1.
const REC = path.join(ROOT, 'fixtures/report/recordings');

/** The binary without blocking this process, so the local receiver can answer it. */
function cliAsync(args: string[], cwd = ROOT): Promise<CliResult> {
  return new Promise((resolve) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', CI: 'true' };
    delete env.FORCE_COLOR;
    execFile(process.execPath, [BIN, ...args], { cwd, env, timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ status: error ? ((error as { code?: number }).code ?? null) : 0, stdout, stderr });
    });
  });
}

describe('retell-kit report', () => {
  it('prints the text report and exits 0', () => {
    const r = cli(['report', REC]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Said it was done, but it was not (3)');
    expect(r.stdout).toContain('agent_salon@18');
    expect(r.stdout).toContain('Recovered: claimed, then corrected (1)');
  });

  it('--format json carries calls, byVersion and unfulfilledClaims[].callId', () => {
    const r = cli(['report', REC, '--format', 'json']);
    expect(r.status).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.calls.connected).toBe(6);
    expect(json.byVersion.map((v: { agentVersion: number }) => v.agentVersion)).toEqual([17, 18]);
    expect(json.unfulfilledClaims.map((c: { callId: string }) => c.callId)).toEqual(['call_claimed_not_booked', 'call_de_behauptet', 'call_de_uebergangen']);
  });

  it('--output writes the file (markdown) and says so on stderr', () => {
    const dir = tempDir();
    try {
      const r = cli(['report', REC, '--format', 'markdown', '--output', path.join(dir, 'r.md')]);
      expect(r.status).toBe(0);
      expect(r.stdout).toBe('');
      expect(r.stderr).toMatch(/wrote .*r\.md \(6 calls, 3 unfulfilled claims\)/);
      expect(readFileSync(path.join(dir, 'r.md'), 'utf8')).toContain('## Said it was done, but it was not (3)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('redacts quotes by default; --no-redact keeps what the raw call object says', () => {
    const redacted = JSON.parse(cli(['report', 'fixtures/report/calls', '--format', 'json']).stdout);
    expect(redacted.unfulfilledClaims[0].quote).toBe("Perfect, <name-1>, you're all set for Sunday at 10 o'clock.");
    const raw = JSON.parse(cli(['report', 'fixtures/report/calls', '--format', 'json', '--no-redact']).stdout);
    expect(raw.unfulfilledClaims[0].quote).toBe("Perfect, Maria, you're all set for Sunday at 10 o'clock.");
  });

  it('bad input: one line naming the file, exit 2, no stack', () => {
    const r = cli(['report', 'fixtures/project/flow.json']);
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('fixtures/project/flow.json');
    expect(r.stderr).not.toMatch(/\bat .*\.js:\d+/);
  });

  it('usage errors exit 2: unknown format, --api without --agent, --agent without --api, nothing to read', () => {
    expect(cli(['report', REC, '--format', 'pdf'])).toMatchObject({ status: 2, stderr: expect.stringContaining('unknown format "pdf"') });
    expect(cli(['report', '--api'])).toMatchObject({ status: 2, stderr: expect.stringContaining('--api needs --agent') });
    expect(cli(['report', REC, '--agent', 'agent_x'])).toMatchObject({ status: 2, stderr: expect.stringContaining('go with --api') });
    expect(cli(['report'])).toMatchObject({ status: 2, stderr: expect.stringContaining('no calls to report on') });
  });

  it('a config whose report keys are wrong: exit 2 naming the key', () => {
    const dir = tempDir();
    try {
      writeFileSync(path.join(dir, 'retell-kit.config.mjs'), 'export default { report: { alert: { errorRate: 5 } } };\n');
      const r = cli(['report', REC], { cwd: dir });
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('report.alert.errorRate');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('retell-kit report --alert', () => {
  let server: Server;
  let base: string;
  const received: { path: string; body: unknown }[] = [];
  let answer = 200;
  let dir: string;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) });
        res.writeHead(answer).end('ok');
      });
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = tempDir();
    writeFileSync(
      path.join(dir, 'retell-kit.config.mjs'),
      `export default { report: { alert: { unfulfilledClaims: 0, p95Ms: 2000, minConversion: 0.5, webhookUrl: '${base}/services/T000/B000/SECRETTOKEN' } } };\n`,
    );
  });
  afterAll(async () => {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('exits 1 with one line per crossed threshold and POSTs Slack-compatible JSON; the webhook URL is never printed', async () => {
    received.length = 0;
    answer = 200;
    const r = await cliAsync(['report', REC, '--alert', '--format', 'json'], dir);
    expect(r.status).toBe(1);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^retell-kit report: alert: 3 call\(s\) where the agent said it was done but it was not \(call_claimed_not_booked, call_de_behauptet, call_de_uebergangen\)$/),
      'retell-kit report: alert: booked conversion 33.3% is below 50% (2 of 6 calls)',
      'retell-kit report: alert posted to the webhook',
    ]);
    expect(received).toHaveLength(1);
    expect(received[0]!.path).toBe('/services/T000/B000/SECRETTOKEN');
    const body = received[0]!.body as { text: string; blocks: { type: string }[] };
    expect(body.text).toContain('2 threshold(s) crossed over 6 calls');
    expect(body.blocks.map((b) => b.type)).toEqual(['header', 'section']);
    expect(r.stdout + r.stderr).not.toContain('SECRETTOKEN');
    expect(JSON.parse(r.stdout).unfulfilledClaims).toHaveLength(3);
  });

  it('exits 0 and posts nothing when no threshold is crossed', async () => {
    received.length = 0;
    const r = await cliAsync(['report', path.join(REC, 'call_booked_ok.json'), '--alert'], dir);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(received).toHaveLength(0);
  });

  it('a webhook that fails: exit 2, naming the host only', async () => {
    answer = 500;
    const r = await cliAsync(['report', REC, '--alert', '--webhook', `${base}/hooks/ANOTHERSECRET`], dir);
    answer = 200;
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`the alert webhook at ${base.slice(7)} answered HTTP 500`);
    expect(r.stdout + r.stderr).not.toContain('ANOTHERSECRET');
  });
});
