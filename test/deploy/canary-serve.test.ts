import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { SIGNATURE_HEADER, sign } from '../../src/retell/signature.js';
import { emulatorWithSdk, KEY } from '../emulator/helpers.js';
import { tempDir } from '../helpers/cli.js';
import { killChildren, serveChild } from '../server/child.js';
import { runCli, setUpCanary, simulate } from './helpers/canary-setup.js';

// A webhook-configured agent's simulated calls reach a real `serve` (a child process on the same
// SQLite store), and serve's traces of the calls' function calls feed the canary's function error
// rate, read by `canary status` while serve still holds the store.

let emulator: RunningEmulator;
let sdk: Retell;
beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
}, 20_000);
afterAll(async () => {
  await emulator.close();
});
afterEach(() => killChildren());

describe('canary with serve', () => {
  it('webhooks of simulated calls reach serve; serve\'s function traces decide function_error', async () => {
    const dir = tempDir('retell-kit-canary-serve-');
    writeFileSync(
      path.join(dir, 'retell-kit.config.mjs'),
      `const anything = { safeParse: (value) => ({ success: true, data: value }) };
export default {
  retell: { baseUrl: ${JSON.stringify(emulator.url)} },
  server: { store: 'state.db' },
  webhooks: { call_ended: async () => {} },
  functions: { book: { args: anything, async handler(args) { if (args.fail) throw new Error('calendar down'); return { booked: true }; } } },
};
`,
    );
    const serve = await serveChild(['--port', '0'], { cwd: dir, env: { RETELL_API_KEY: KEY } });
    const c = await setUpCanary({ url: emulator.url, sdk, storeFile: path.join(dir, 'state.db'), percent: 50, agentExtra: { webhook_url: `${serve.url}/webhook` } });
    const noToolErrors = { function_error: 0 };
    const sim = await simulate(emulator.url, { phone_number: c.number, count: 120, seed: 4, outcomes: { [`${c.agentId}@0`]: noToolErrors, [`${c.agentId}@${c.canary}`]: noToolErrors } });
    expect(sim.webhooks).toEqual({ delivered: 360, failed: 0, failures: [] });

    // Retell calls the canary's function during its calls: every other one fails in the handler.
    const calls = await c.client.listCalls({ agentId: c.agentId, versions: [c.canary] });
    expect(calls.length).toBe(sim.by_version[`${c.agentId}@${c.canary}`]);
    let failing = 0;
    for (const [i, call] of calls.entries()) {
      const fail = i % 2 === 0;
      if (fail) failing++;
      const body = JSON.stringify({ name: 'book', call: { call_id: call.call_id, agent_id: c.agentId, agent_version: c.canary }, args: { fail } });
      const res = await fetch(`${serve.url}/functions/book`, { method: 'POST', headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(body, KEY) }, body });
      await res.arrayBuffer();
    }

    const r = await runCli(['canary', 'status', '--format', 'json'], { cwd: dir, env: { RETELL_API_KEY: KEY } });
    expect(r.stderr).toBe('');
    const s = JSON.parse(r.stdout);
    expect(s.functionErrors).toEqual({ fromTraces: calls.length, fromToolResults: 120 - calls.length });
    // The calls' own tool results say no errors; serve's traces say half of the canary's calls failed.
    expect(s.canary.function_error).toBeCloseTo(failing / calls.length, 10);
    expect(s.stable.function_error).toBe(0);
    // serve kept running on its store the whole time.
    expect(serve.proc.exitCode).toBeNull();
  }, 60_000);
});
