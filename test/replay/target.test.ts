import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sign } from '../../src/retell/signature.js';
import { BIN, fixture, tempDir } from '../helpers/cli.js';
import { spawnAsync } from './helpers.js';

// --target and trigger against a real `serve` child process on 127.0.0.1 (its own SQLite file), requests
// freshly signed with the key it verifies with.
const KEY = 'key_replay_target_0000000000';
const CONFIG = fixture('project/retell-kit.config.mjs');
let dir: string;
let proc: ChildProcess;
let url: string;

beforeAll(async () => {
  dir = tempDir('retell-kit-replay-target-');
  proc = spawn(process.execPath, [BIN, 'serve', '--port', '0', '--config', CONFIG, '--store', path.join(dir, 'state.db')], {
    env: { ...process.env, RETELL_API_KEY: KEY, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start in 15 s:\n${stderr}`)), 15_000);
    proc.stderr!.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      const m = /serving on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    proc.once('exit', (code) => reject(new Error(`serve exited with ${code}:\n${stderr}`)));
  });
});

afterAll(async () => {
  if (proc.exitCode === null && proc.signalCode === null) {
    const exited = new Promise((resolve) => proc.once('exit', resolve));
    proc.kill('SIGTERM');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

describe('retell-kit replay --target', () => {
  it('replays a recording against a running serve: same answers, the retry served as a duplicate, each side effect once under --redeliver', async () => {
    // The local config names the recorded tenant's number, which the recording itself has redacted.
    const r = await spawnAsync([BIN, 'replay', 'fixtures/recordings/call_fixture_recorded.json', '--target', url, '--redeliver', '3', '--format', 'json', '-c', CONFIG], { RETELL_API_KEY: KEY });
    expect(r.stderr).toBe('');
    const report = JSON.parse(r.stdout);
    const validate = new Ajv({ strict: true, allowUnionTypes: true }).compile(JSON.parse(readFileSync('schemas/replay-report.schema.json', 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    expect(report).toMatchObject({ mode: 'target', target: url, redeliver: 3, summary: { failedCalls: 0, same: 3, builtin: 1 } });
    const steps = report.groups[0].calls[0].steps.map((s: { name: string; status: string; runs?: number }) => [s.name, s.status, s.runs]);
    expect(steps).toEqual([
      ['call_started', 'handled', 1],
      ['check_availability_v17', 'same', 1],
      ['book_appointment_v17', 'same', 1],
      // The recorded retry: serve answers it from the first booking, the handler does not run.
      ['book_appointment_v17', 'same', 0],
      ['call_ended', 'handled', 1],
      ['call_analyzed', 'handled', 1],
      ['end_call', 'builtin', undefined],
    ]);
    expect(r.status).toBe(0);
  });

  it('replays a Retell call object twice (serve answers the booking from its record), and reports a wrong key', async () => {
    // The slot the harbour call booked is taken on this serve now: a second booking answers differently.
    const first = await spawnAsync([BIN, 'replay', 'fixtures/calls/harbour-booking.call_analyzed.json', '--target', url], { RETELL_API_KEY: KEY });
    expect(first.status).toBe(0);
    const again = await spawnAsync([BIN, 'replay', 'fixtures/calls/harbour-booking.call_analyzed.json', '--target', url, '--ignore', 'booking_id'], { RETELL_API_KEY: KEY });
    // Same tool_call_id and call_id: serve answers the booking from its record, so it is the same again.
    expect(again.status).toBe(0);
    const wrongKey = await spawnAsync([BIN, 'replay', 'fixtures/calls/harbour-booking.call_analyzed.json', '--target', url], { RETELL_API_KEY: 'key_wrong_0000000000' });
    expect(wrongKey.status).toBe(1);
    expect(wrongKey.stdout).toContain('✗ check_customer  error');
    expect(wrongKey.stdout).toMatch(/\(status\): 200 -> 401/);
  });

  it('exits 2 when the target is unreachable or no key signs the requests', async () => {
    const noKey = await spawnAsync([BIN, 'replay', 'fixtures/recordings/call_fixture_recorded.json', '--target', url], { RETELL_API_KEY: undefined }, path.resolve('/'));
    expect(noKey).toMatchObject({ status: 2, stderr: 'retell-kit: no API key to sign requests to the target with (set RETELL_API_KEY to the key the target serve verifies with)\n' });
    // A port that was just free: nothing listens there.
    const port = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as AddressInfo;
        probe.close(() => resolve(port));
      });
    });
    const down = await spawnAsync([BIN, 'replay', 'fixtures/calls/harbour-booking.call_analyzed.json', '--target', `http://127.0.0.1:${port}`], { RETELL_API_KEY: KEY });
    expect(down).toMatchObject({ status: 2, stdout: '', stderr: `retell-kit: http://127.0.0.1:${port}/functions/check_customer: cannot reach the target: ECONNREFUSED (is serve running there?)\n` });
  });
});

describe('retell-kit trigger', () => {
  it('sends signed samples to a running serve: an event, a function call from a call file, call_inbound; a wrong key gets 401 and exit 1', async () => {
    const ended = await spawnAsync([BIN, 'trigger', 'call_ended', '--to', url], { RETELL_API_KEY: KEY });
    expect(ended).toMatchObject({ status: 0, stderr: `retell-kit: sent a signed call_ended webhook to ${url}/webhook\n` });
    expect(ended.stdout).toMatch(/^200 in \d+ ms\n\{"received":true\}\n$/);
    const fn = await spawnAsync([BIN, 'trigger', 'function:check_availability', '--to', url, '--from', 'fixtures/calls/harbour-booking.call_analyzed.json'], { RETELL_API_KEY: KEY });
    expect(fn.status).toBe(0);
    expect(JSON.parse(fn.stdout.split('\n')[1]!)).toMatchObject({ date: '2026-03-18', service: 'colour' });
    const inbound = await spawnAsync([BIN, 'trigger', 'call_inbound', '--to', url], { RETELL_API_KEY: KEY });
    expect(JSON.parse(inbound.stdout.split('\n')[1]!)).toMatchObject({ call_inbound: { dynamic_variables: { branch: 'Downtown' } } });
    const wrong = await spawnAsync([BIN, 'trigger', 'call_ended', '--to', url], { RETELL_API_KEY: 'key_wrong_0000000000' });
    expect(wrong.status).toBe(1);
    expect(wrong.stdout).toContain('401');
  });

  it('--explain reads a body file and a header, and says why it fails (exit 1) or that it verifies (exit 0)', async () => {
    const body = path.join(dir, 'body.json');
    const raw = '{"event":"call_ended","call":{"call_id":"c1"}}';
    writeFileSync(body, JSON.stringify(JSON.parse(raw), null, 2));
    const header = sign(raw, KEY);
    const bad = await spawnAsync([BIN, 'trigger', '--explain', '--body', body, '--signature', header], { RETELL_API_KEY: KEY });
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(/✓ header format: v=<timestamp>,d=<64 hex digits>\n✓ timestamp window: signed .*\n✗ body bytes: Retell signed the compact JSON of this body; yours was re-serialised/);
    expect(bad.stdout).toContain('✖ the body was changed after it was signed: verify the raw request bytes');
    expect(bad.stdout).not.toContain(KEY);
    writeFileSync(body, raw);
    const good = await spawnAsync([BIN, 'trigger', '--explain', '--body', body, '--signature', header], { RETELL_API_KEY: KEY });
    expect(good).toMatchObject({ status: 0 });
    expect(good.stdout).toContain('✔ the signature verifies with the key');
  });
});
