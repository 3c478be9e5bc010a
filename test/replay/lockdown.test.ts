import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN } from '../server/child.js';
import { callObject, signedPost, start, until, type Started } from '../server/helpers.js';
import { flakyDownstream, type Flaky } from '../helpers/flaky.js';
import { spawnAsync } from './helpers.js';

// serve --record keeps what ctx.fetch got; replay answers ctx.fetch from it with the network off.

const CONFIG = `
const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  functions: {
    slots: {
      args: anything,
      async handler(args, ctx) {
        const res = await ctx.fetch(process.env.DOWNSTREAM + '/slots?day=' + args.day);
        return { status: res.status, ...(await res.json()) };
      },
    },
  },
};
`;

let dir: string;
let down: Flaky;
let s: Started;
let recording: string;

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'rk-lockdown-'));
  down = await flakyDownstream();
  down.script('/slots', [{ status: 500 }, { status: 200, body: { slots: ['09:30', '11:00'] } }]);
  process.env.DOWNSTREAM = down.url;
  const configFile = path.join(dir, 'retell-kit.config.mjs');
  writeFileSync(configFile, CONFIG);
  const config = (await import(pathToFileURL(configFile).href)).default;
  s = await start(config, { recordDir: path.join(dir, 'recordings') });
  const call = callObject('call_lockdown');
  expect((await signedPost(s.url, '/functions/slots', { name: 'slots', call, args: { day: 'mon' } })).json()).toEqual({ status: 200, slots: ['09:30', '11:00'] });
  await signedPost(s.url, '/webhook', { event: 'call_ended', call: { ...call, call_status: 'ended' } });
  recording = await until(() => {
    if (!existsSync(path.join(dir, 'recordings'))) return undefined;
    const files = readdirSync(path.join(dir, 'recordings'), { withFileTypes: true }).filter((f) => f.isFile() && f.name.endsWith('.json'));
    return files[0] ? path.join(dir, 'recordings', files[0].name) : undefined;
  }, 20_000, 'the recording') as string;
  await down.close();
}, 30_000);
afterAll(async () => {
  await s.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('downstream exchanges in recordings and replay lockdown', () => {
  it('the recording holds every attempt and the answer the handler got', () => {
    const fc = JSON.parse(readFileSync(recording, 'utf8')).functionCalls[0];
    expect(fc.downstream.map((a: { status: number; retryReason?: string; path: string }) => [a.path, a.status, a.retryReason])).toEqual([
      ['/slots', 500, 'status 500'],
      ['/slots', 200, undefined],
    ]);
    expect(fc.exchanges).toEqual([{ method: 'GET', url: `${down.url}/slots?day=mon`, status: 200, headers: { 'content-type': 'application/json' }, body: '{"slots":["09:30","11:00"]}' }]);
  });

  it('replay answers ctx.fetch from the recording with the downstream gone', async () => {
    const out = await spawnAsync([BIN, 'replay', recording, '--config', path.join(dir, 'retell-kit.config.mjs'), '--format', 'json'], { DOWNSTREAM: down.url }, dir);
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(JSON.parse(out.stdout).summary).toMatchObject({ failedCalls: 0 });
  });

  it('a request the recording has no answer for fails naming method and URL; --allow-network reaches the network', async () => {
    // A port nothing listens on.
    const other = await new Promise<string>((resolve) => {
      const probe = net.createServer().listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as net.AddressInfo;
        probe.close(() => resolve(`http://127.0.0.1:${port}`));
      });
    });
    const out = await spawnAsync([BIN, 'replay', recording, '--config', path.join(dir, 'retell-kit.config.mjs')], { DOWNSTREAM: other }, dir);
    expect(out.status).toBe(1);
    expect(out.stdout).toContain(`no answer for GET ${other}/slots?day=mon (pass --allow-network to reach it)`);
    const open = await spawnAsync([BIN, 'replay', recording, '--config', path.join(dir, 'retell-kit.config.mjs'), '--allow-network'], { DOWNSTREAM: other }, dir);
    expect(open.status).toBe(1);
    expect(open.stdout).not.toContain('pass --allow-network');
    expect(open.stdout).toMatch(/could not be reached \(ECONNREFUSED\) after 3 attempts/);
  });
});
