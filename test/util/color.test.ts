import { describe, expect, it } from 'vitest';
import { createServer } from '../../src/server/app.js';
import { createLogger } from '../../src/server/log.js';
import { Redactor } from '../../src/server/redact.js';
import { SqliteStore } from '../../src/store/sqlite.js';
import { useColor } from '../../src/util/color.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };
const ANSI = /\u001b\[/;

describe('one colour policy', () => {
  it('NO_COLOR wins, then FORCE_COLOR, then whether the stream is a terminal', () => {
    expect(useColor(tty, {})).toBe(true);
    expect(useColor(pipe, {})).toBe(false);
    expect(useColor(tty, { NO_COLOR: '1' })).toBe(false);
    expect(useColor(tty, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    // An empty NO_COLOR does not count (no-color.org).
    expect(useColor(pipe, { NO_COLOR: '', FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(pipe, { FORCE_COLOR: '1' })).toBe(true);
    expect(useColor(tty, { FORCE_COLOR: '0' })).toBe(false);
    expect(useColor(tty, { FORCE_COLOR: 'false' })).toBe(false);
  });

  it("serve's pretty log lines are coloured only when the policy says so", () => {
    const lineFor = (env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }) => {
      const lines: string[] = [];
      createLogger({ write: (l) => lines.push(l), pretty: true, color: useColor(stream, env), redactor: new Redactor({ secrets: [] }) }).warn('slow handler', { function: 'book' });
      return lines[0]!;
    };
    expect(lineFor({}, tty)).toMatch(ANSI);
    expect(lineFor({ NO_COLOR: '1' }, tty)).not.toMatch(ANSI);
    expect(lineFor({ FORCE_COLOR: '0' }, tty)).not.toMatch(ANSI);
    expect(lineFor({ FORCE_COLOR: '1' }, pipe)).toMatch(ANSI);
    expect(lineFor({ NO_COLOR: '1' }, tty)).toMatch(/WARN {2}slow handler function=book$/m);
  });

  it('createServer applies it to its env: NO_COLOR=1 gives plain pretty lines even where FORCE_COLOR is set', async () => {
    const run = async (env: NodeJS.ProcessEnv) => {
      const lines: string[] = [];
      const server = createServer({}, { apiKey: 'key_colour', store: new SqliteStore({ file: ':memory:' }), log: (l) => lines.push(l), pretty: true, env });
      await server.close();
      return lines.join('');
    };
    expect(await run({ FORCE_COLOR: '1' })).toMatch(ANSI);
    expect(await run({ FORCE_COLOR: '1', NO_COLOR: '1' })).not.toMatch(ANSI);
    expect(await run({ FORCE_COLOR: '1', NO_COLOR: '1' })).toContain('server stopped');
  });
});
