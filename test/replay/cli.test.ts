import { copyFileSync, lstatSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli, fixture, tempDir } from '../helpers/cli.js';

// The real binary (dist/: npm run build first) on the fixture project and its recordings.
const CONFIG = fixture('project/retell-kit.config.mjs');
const RECORDING = 'fixtures/recordings/call_fixture_recorded.json';
let dir: string;
let changedConfig: string;
beforeAll(() => {
  dir = tempDir('retell-kit-replay-cli-');
  changedConfig = path.join(dir, 'changed.config.mjs');
  // The fixture project with one handler changed: the stylist's name comes back upper-cased.
  writeFileSync(
    changedConfig,
    `import base from ${JSON.stringify(pathToFileURL(CONFIG).href)};
const book = base.functions.book_appointment;
export default { ...base, replay: { ignore: ['**.note'] }, functions: { ...base.functions, book_appointment: { ...book, async handler(args, ctx) { const r = await book.handler(args, ctx); return { ...r, stylist: r.stylist?.toUpperCase() }; } } } };
`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('retell-kit replay (CLI)', () => {
  it('exits 0 when every recorded answer comes back the same', () => {
    const r = cli(['replay', RECORDING, 'fixtures/calls/harbour-booking.call_analyzed.json', '-c', CONFIG]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('✓ book_appointment_v17 -> book_appointment  same (retry)');
    expect(r.stdout).toContain('· end_call  built-in, not replayed');
    expect(r.stdout).toMatch(/✔ all 2 calls replay the same: 6 same, 2 built-in \(2 calls, 8 function calls, 4 events\)\n$/);
  });

  it('reads one call from stdin', () => {
    const r = cli(['replay', '-', '-c', CONFIG], { input: readFileSync(fixture('calls/harbour-booking.call_analyzed.json'), 'utf8') });
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('<stdin>  call_fixture_harbour (Retell call)');
  });

  it('exits 1 and names the changed field when a handler changes', () => {
    const r = cli(['replay', RECORDING, '-c', changedConfig]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('✗ book_appointment_v17 -> book_appointment  changed\n        stylist: "Ana" -> "ANA"');
    expect(r.stdout).toContain('✖ 1 of 1 call differs: 2 changed, 1 same, 1 built-in');
  });

  it('prints {path, expected, actual} per difference in JSON', () => {
    const r = cli(['replay', RECORDING, '-c', changedConfig, '--format', 'json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout);
    expect(report).toMatchObject({ version: 1, mode: 'in-process', summary: { calls: 1, failedCalls: 1, changed: 2, same: 1 } });
    const ajv = new Ajv({ strict: true, allowUnionTypes: true });
    const validate = ajv.compile(JSON.parse(readFileSync('schemas/replay-report.schema.json', 'utf8')));
    expect(validate(report), JSON.stringify(validate.errors)).toBe(true);
    const booking = report.groups[0].calls[0].steps.find((s: { status: string }) => s.status === 'changed');
    expect(booking).toMatchObject({ kind: 'function', name: 'book_appointment_v17', handler: 'book_appointment', toolCallId: 'tool_call_b1', differences: [{ path: 'stylist', expected: 'Ana', actual: 'ANA', change: 'changed' }] });
  });

  it('writes JUnit with a failure per changed function call', () => {
    const r = cli(['replay', RECORDING, '-c', changedConfig, '-f', 'junit', '--ignore', 'service']);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="retell-kit replay" tests="7" failures="2">/);
    expect(r.stdout).toContain('<failure message="changed" type="changed">stylist: &quot;Ana&quot; -&gt; &quot;ANA&quot;</failure>');
    expect(r.stdout).toContain('<skipped message="Retell runs this tool itself: not replayed"/>');
  });

  it('--ignore and replay.ignore in the config drop the changed field (exit 0); a bad replay key is exit 2', () => {
    expect(cli(['replay', RECORDING, '-c', changedConfig, '--ignore', 'stylist']).status).toBe(0);
    const ignoring = path.join(dir, 'ignoring.config.mjs');
    writeFileSync(ignoring, `import changed from ${JSON.stringify(pathToFileURL(changedConfig).href)};\nexport default { ...changed, replay: { ignore: ['**.stylist'] } };\n`);
    expect(cli(['replay', RECORDING, '-c', ignoring]).status).toBe(0);
    const typo = path.join(dir, 'typo.config.mjs');
    writeFileSync(typo, `import base from ${JSON.stringify(pathToFileURL(CONFIG).href)};\nexport default { ...base, replay: { ignored: ['x'] } };\n`);
    const r = cli(['replay', RECORDING, '-c', typo]);
    expect(r).toMatchObject({ status: 2, stdout: '' });
    expect(r.stderr).toMatch(/typo\.config\.mjs: replay\.ignored: unknown key/);
  });

  it('--store shares one SQLite store: a second run finds the first run\'s booking and answers the same from it', async () => {
    const db = path.join(dir, 'state.db');
    expect(cli(['replay', RECORDING, '-c', CONFIG, '--store', db]).status).toBe(0);
    expect(cli(['replay', RECORDING, '-c', CONFIG, '--store', db]).status).toBe(0);
    const { SqliteStore } = await import('../../src/store/sqlite.js');
    const store = new SqliteStore({ file: db });
    try {
      expect((await store.kvList('tenant:downtown', 'booking:')).map((e) => (e.value as { time: string }).time)).toEqual(['12:00']);
    } finally {
      await store.close();
    }
  });

  it('--update rewrites the recording, after which it replays clean', () => {
    const file = path.join(dir, 'rec.json');
    copyFileSync(RECORDING, file);
    const r = cli(['replay', file, '-c', changedConfig, '--update']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('updated 1 recording');
    expect(JSON.parse(readFileSync(file, 'utf8')).functionCalls[1].result.stylist).toBe('ANA');
    expect(cli(['replay', file, '-c', changedConfig]).status).toBe(0);
  });

  it('--update on a symlinked recording rewrites the file it points to and keeps the link', () => {
    const target = path.join(dir, 'kept.json');
    const link = path.join(dir, 'linked.json');
    copyFileSync(RECORDING, target);
    symlinkSync(target, link);
    expect(cli(['replay', link, '-c', changedConfig, '--update']).status).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(target, 'utf8')).functionCalls[1].result.stylist).toBe('ANA');
  });

  it('exits 2 with one line for a flow (use lint), a file that is not a recording and a bad flag', () => {
    const flow = cli(['replay', 'fixtures/project/flow.json', '-c', CONFIG]);
    expect([flow.status, flow.stdout, flow.stderr]).toEqual([2, '', 'retell-kit: fixtures/project/flow.json: this is a conversation flow, not a call: replay runs recorded calls against your handlers (check the flow with: retell-kit lint fixtures/project/flow.json)\n']);
    const bad = path.join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ version: 1, callId: 'c', recordedAt: 'yesterday', call: {}, events: [], functionCalls: [] }));
    const r = cli(['replay', bad, '-c', CONFIG]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^retell-kit: .*bad\.json: \/recordedAt: invalid recording: expected an ISO 8601 date-time/);
    expect(r.stderr.split('\n')).toHaveLength(2);
    expect(cli(['replay', RECORDING, '-c', CONFIG, '--format', 'sarif'])).toMatchObject({ status: 2, stderr: 'retell-kit: unknown format "sarif" (use text, json, junit)\n' });
  });

  it('exits 2 when no config with handlers is found', () => {
    const r = cli(['replay', path.resolve(RECORDING)], { cwd: dir });
    expect(r).toMatchObject({ status: 2, stderr: 'retell-kit: no config file with handlers found (pass --config retell-kit.config.mjs, or run from the project folder)\n' });
  });
});

describe('retell-kit replay --redeliver (CLI)', () => {
  it('passes --redeliver 10 on the fixture project and fails on a non-idempotent handler', () => {
    const ok = cli(['replay', RECORDING, '-c', CONFIG, '--redeliver', '10']);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain('✓ book_appointment_v17 -> book_appointment  same (ran 1x for 10 deliveries)');
    const sloppy = path.join(dir, 'sloppy.config.mjs');
    // Books, sends the confirmation SMS, then fails the first time (the SMS gateway timed out): a retry sends another.
    writeFileSync(
      sloppy,
      `import base from ${JSON.stringify(pathToFileURL(CONFIG).href)};
const book = base.functions.book_appointment;
export default { ...base, functions: { ...base.functions, book_appointment: { ...book, async handler(args, ctx) {
  const r = await book.handler(args, ctx);
  await ctx.store.set('sms:' + Math.random().toString(36).slice(2), 'Your booking is confirmed');
  if ((await ctx.store.list('sms:')).length === 1) throw new Error('SMS gateway timed out');
  return r;
} } } };
`,
    );
    const bad = cli(['replay', 'fixtures/calls/harbour-booking.call_analyzed.json', '-c', sloppy, '--redeliver', '10']);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain('✗ book_appointment_v18 -> book_appointment  not idempotent (ran 2x for 10 deliveries)\n        delivery 2 of 10 got another answer than the first (200 against 500): the handler ran 2 times');
    expect(bad.stdout).toMatch(/✗ side effects ran more than once: tenant:harbour sms:\w+/);
  });
});
