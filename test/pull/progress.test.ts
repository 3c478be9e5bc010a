import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { startProgress } from '../../src/commands/progress.js';

// The spinner shows on an interactive terminal only: never when stderr is not a TTY, CI is set or
// the output is JSON.

function fakeStream(isTTY: boolean): { stream: NodeJS.WriteStream; written: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk, _encoding, done) {
      text += String(chunk);
      done();
    },
  }) as unknown as NodeJS.WriteStream & { isTTY: boolean; columns: number; cursorTo: () => boolean; clearLine: () => boolean; moveCursor: () => boolean };
  Object.assign(stream, { isTTY, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  return { stream, written: () => text };
}

const saved = { CI: process.env.CI, TERM: process.env.TERM };
afterEach(() => {
  for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
});

describe('startProgress', () => {
  it('writes nothing when not a TTY, when CI is set, or for JSON output', async () => {
    for (const [isTTY, env, json] of [
      [false, {}, false],
      [true, { CI: 'true' }, false],
      [true, {}, true],
    ] as const) {
      const { stream, written } = fakeStream(isTTY);
      const progress = await startProgress('pulling', { stream, env, json });
      progress.update('still pulling');
      progress.stop();
      expect(written()).toBe('');
    }
  });

  it('spins on an interactive terminal', async () => {
    delete process.env.CI;
    process.env.TERM = 'xterm';
    const { stream, written } = fakeStream(true);
    const progress = await startProgress('pulling agent_x', { stream, env: {} });
    progress.update('fetching flow');
    progress.stop();
    expect(written()).toContain('pulling agent_x');
  });
});
