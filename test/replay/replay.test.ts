import { copyFileSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import type { RetellKitConfig } from '../../src/config/schema.js';
import type { FunctionContext } from '../../src/handlers/context.js';
import { functionCallKey } from '../../src/handlers/keys.js';
import type { HandlerConfig } from '../../src/handlers/registry.js';
import { loadReplayables, readReplayable, replay, replayCalls, type ReplayReport, type StepResult } from '../../src/replay/index.js';
import { MemoryStore } from '../../src/store/memory.js';
import { fixture, tempDir } from '../helpers/cli.js';

const RECORDING = fixture('recordings/call_fixture_recorded.json');
const HARBOUR = fixture('calls/harbour-booking.call_analyzed.json');
let config: RetellKitConfig;
beforeAll(async () => {
  config = (await loadConfig({ cwd: fixture('project') })).config;
});
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The fixture config with one function's handler replaced. */
function withHandler(name: string, wrap: (original: (args: any, ctx: FunctionContext) => unknown) => (args: any, ctx: FunctionContext) => unknown): HandlerConfig {
  const fn = config.functions![name]!;
  return { ...config, functions: { ...config.functions, [name]: { ...fn, handler: wrap(fn.handler as any) } } } as HandlerConfig;
}

const steps = (report: ReplayReport): StepResult[] => report.groups.flatMap((g) => g.calls.flatMap((c) => c.steps));
const brief = (report: ReplayReport) => steps(report).map((s) => [s.kind === 'webhook' ? `webhook ${s.name}` : s.name, s.status]);

describe('replay in-process', () => {
  it('replays the recording serve --record wrote: every answer the same, webhooks handled, end_call shown', async () => {
    const report = await replay([RECORDING], config as HandlerConfig);
    expect(brief(report)).toEqual([
      ['webhook call_started', 'handled'],
      ['check_availability_v17', 'same'],
      ['book_appointment_v17', 'same'],
      ['book_appointment_v17', 'same'],
      ['webhook call_ended', 'handled'],
      ['webhook call_analyzed', 'handled'],
      ['end_call', 'builtin'],
    ]);
    expect(steps(report).filter((s) => s.kind === 'function' && s.status === 'same').map((s) => s.handler)).toEqual(['check_availability', 'book_appointment', 'book_appointment']);
    expect(report.summary).toMatchObject({ calls: 1, failedCalls: 0, same: 3, builtin: 1, webhooks: 3 });
    expect(report.groups[0]).toMatchObject({ agentId: 'agent_salon', agentVersion: 17 });
  });

  it('replays a Retell call object (call_analyzed envelope) built in Retell\'s shape', async () => {
    const report = await replay([HARBOUR], config as HandlerConfig);
    expect(brief(report)).toEqual([
      ['check_customer', 'same'],
      ['check_availability_v18', 'same'],
      ['book_appointment_v18', 'same'],
      ['end_call', 'builtin'],
      ['webhook call_analyzed', 'handled'],
    ]);
  });

  it('reports exactly the field a changed handler changes, in every call that reaches it', async () => {
    const changed = withHandler('book_appointment', (original) => async (args, ctx) => {
      const result = (await original(args, ctx)) as Record<string, unknown>;
      return { ...result, time: String(result.time).replace(':', '.') };
    });
    const report = await replay([RECORDING, HARBOUR], changed);
    const bookings = steps(report).filter((s) => s.handler === 'book_appointment');
    expect(bookings.map((s) => [s.status, s.differences])).toEqual([
      ['changed', [{ path: 'time', expected: '12:00', actual: '12.00' }]],
      ['changed', [{ path: 'time', expected: '12:00', actual: '12.00' }]],
      ['changed', [{ path: 'time', expected: '10:00', actual: '10.00' }]],
    ]);
    expect(steps(report).filter((s) => s.handler !== 'book_appointment' && s.kind === 'function' && s.status !== 'builtin').every((s) => s.status === 'same')).toBe(true);
    expect(report.summary).toMatchObject({ failedCalls: 2, changed: 3 });
    // --ignore drops it again.
    expect((await replay([RECORDING, HARBOUR], changed, { ignore: ['time'] })).summary.failedCalls).toBe(0);
  });

  it('hands handlers ctx.replay, the idempotency key serve gave, the recorded tenant and call', async () => {
    const seen: FunctionContext[] = [];
    const spy = withHandler('book_appointment', (original) => (args, ctx) => (seen.push(ctx), original(args, ctx)));
    await replay([RECORDING], spy);
    // The retry is answered from the first answer: the handler ran once, as it did live.
    expect(seen).toHaveLength(1);
    const recording = JSON.parse(readFileSync(RECORDING, 'utf8'));
    const booking = recording.functionCalls[1];
    expect(seen[0]).toMatchObject({
      replay: true,
      callId: 'call_fixture_recorded',
      functionName: 'book_appointment',
      toolCallId: 'tool_call_b1',
      agentId: 'agent_salon',
      agentVersion: 17,
      idempotencyKey: functionCallKey({ callId: 'call_fixture_recorded', handler: 'book_appointment', args: booking.args, toolCallId: 'tool_call_b1' }),
    });
    expect(seen[0]!.tenant).toMatchObject({ id: 'downtown', stylists: ['Ana', 'Ben'] });
    // The booking id serve derived from the key is the one replay derives: the recorded answer.
    expect(booking.result.booking_id).toBe(`bk_${seen[0]!.idempotencyKey.slice(-10)}`);
  });

  it('routes a _v17 suffix to the base handler and names a custom function with no handler', async () => {
    const { book_appointment: _gone, ...functions } = config.functions!;
    const report = await replay([RECORDING], { ...config, functions } as HandlerConfig);
    const missing = steps(report).filter((s) => s.status === 'no-handler');
    expect(missing.map((s) => [s.name, s.message])).toEqual([
      ['book_appointment_v17', 'no handler for "book_appointment_v17": add functions.book_appointment to the config'],
      ['book_appointment_v17', 'no handler for "book_appointment_v17": add functions.book_appointment to the config'],
    ]);
    expect(report.summary).toMatchObject({ failedCalls: 1, noHandler: 2 });
  });

  it('shows a tool the caller hung up on as "no recorded result" (not a failure), and unparsable args as skipped', async () => {
    const report = await replay([fixture('calls/hangup-during-tool.call_ended.json')], config as HandlerConfig);
    expect(brief(report)).toEqual([
      ['check_customer', 'skipped'],
      ['check_customer', 'no-recorded-result'],
      ['webhook call_ended', 'handled'],
    ]);
    expect(steps(report)[1]!.actual).toEqual({ status: 200, body: { known: false } });
    expect(report.summary.failedCalls).toBe(0);
  });

  it('reports a handler that throws as an error with its message', async () => {
    const broken = withHandler('check_availability', () => () => {
      throw new Error('calendar API is down');
    });
    const report = await replay([RECORDING], broken);
    const step = steps(report).find((s) => s.handler === 'check_availability')!;
    expect(step).toMatchObject({ status: 'error', message: 'calendar API is down', differences: [{ path: '(status)', expected: 200, actual: 500 }] });
  });

  it('gives each call a fresh store unless one is shared', async () => {
    const text = readFileSync(RECORDING, 'utf8');
    // The same call twice under another call id: it books the same slot again.
    const again = readReplayable(text.replaceAll('call_fixture_recorded', 'call_fixture_again'), 'again.json');
    const first = readReplayable(text, 'first.json');
    const fresh = await replayCalls([first, again], config as HandlerConfig, { ignore: ['booking_id'] });
    expect(fresh.summary.failedCalls).toBe(0);
    const store = new MemoryStore();
    const shared = await replayCalls([first, again], config as HandlerConfig, { ignore: ['booking_id'], store });
    // Ana's noon is taken by the first call, so the second books Ben: exactly that field changes.
    expect(steps(shared).filter((s) => s.status === 'changed').map((s) => s.differences)).toEqual([
      [{ path: 'stylist', expected: 'Ana', actual: 'Ben' }],
      [{ path: 'stylist', expected: 'Ana', actual: 'Ben' }],
    ]);
    expect((await store.kvList('tenant:downtown', 'booking:')).length).toBe(2);
  });

  it('groups calls by agent_id and agent_version', async () => {
    const report = await replay([fixture('calls'), RECORDING], config as HandlerConfig);
    expect(report.groups.map((g) => [g.agentId, g.agentVersion, g.calls.map((c) => path.basename(c.file))])).toEqual([
      ['agent_salon', 17, ['booking-call.json', 'transfer.call_analyzed.json', 'call_fixture_recorded.json']],
      // 18 and "18" (Retell has sent both) are one version; the group shows the first seen.
      ['agent_salon', '18', ['hangup-during-tool.call_ended.json', 'harbour-booking.call_analyzed.json']],
    ]);
  });
});

describe('replay inputs', () => {
  it('loads files, folders and globs, each file once', async () => {
    const calls = await loadReplayables(['fixtures/recordings', 'fixtures/calls/*.json', HARBOUR]);
    expect(calls.map((c) => [path.basename(c.file), c.source])).toEqual([
      ['call_fixture_recorded.json', 'recording'],
      ['booking-call.json', 'call'],
      ['hangup-during-tool.call_ended.json', 'call'],
      ['harbour-booking.call_analyzed.json', 'call'],
      ['transfer.call_analyzed.json', 'call'],
    ]);
  });

  it('refuses what is not a call or a recording, naming the file, the JSON path and what to do', () => {
    const oneLine = (text: string) => {
      try {
        readReplayable(text, 'x.json');
      } catch (error) {
        return (error as { oneLine(): string }).oneLine();
      }
      return 'no error';
    };
    expect(oneLine('{"nodes": [], "start_node_id": "a"}')).toBe('x.json: this is a conversation flow, not a call: replay runs recorded calls against your handlers (check the flow with: retell-kit lint x.json)');
    expect(oneLine('{"hello": 1}')).toMatch(/^x\.json: not a call or a recording \(an object without call_id/);
    expect(oneLine('{"event": "call_ended"}')).toMatch(/^x\.json: \/call: a "call_ended" webhook without a call object/);
    expect(oneLine('{"call_id": "c1"}')).toMatch(/^x\.json: \/transcript_with_tool_calls: the call has no transcript_with_tool_calls/);
    expect(oneLine('{"version": 1, "callId": "c", "recordedAt": "2026-01-01T00:00:00Z", "call": {}, "events": [], "functionCalls": [{}]}')).toMatch(/^x\.json: \/functionCalls\/0\/traceId: invalid recording: missing required field "traceId"/);
    expect(oneLine('{"version": 9, "callId": "c"}')).toMatch(/^x\.json: \/version: recording version 9 is not one this retell-kit reads/);
    expect(oneLine('nope')).toMatch(/^x\.json: not valid JSON/);
  });
});

describe('bad options', () => {
  it('refuses an ignore path it cannot read, and a missing file, as usage and not-found errors', async () => {
    await expect(replay([RECORDING], config as HandlerConfig, { ignore: ['a[x]'] })).rejects.toMatchObject({ code: 'usage', exitCode: 2, message: '"[x]" in ignore path "a[x]": use [*], [0] or ["key"]' });
    await expect(replay(['nope.json'], config as HandlerConfig)).rejects.toMatchObject({ exitCode: 2, file: 'nope.json' });
  });
});

describe('--update', () => {
  it('rewrites the changed answers in recordings, atomically, and never touches Retell call objects', async () => {
    const dir = tempDir('retell-kit-replay-update-');
    dirs.push(dir);
    copyFileSync(RECORDING, path.join(dir, 'rec.json'));
    copyFileSync(HARBOUR, path.join(dir, 'call.json'));
    const callBefore = readFileSync(path.join(dir, 'call.json'), 'utf8');
    const changed = withHandler('book_appointment', (original) => async (args, ctx) => ({ ...((await original(args, ctx)) as object), deposit: 10 }));
    const report = await replay([dir], changed, { update: true });
    expect(report.updated.map((f) => path.resolve(f))).toEqual([path.join(dir, 'rec.json')]);
    expect(report.notUpdated.map((f) => path.resolve(f))).toEqual([path.join(dir, 'call.json')]);
    expect(steps(report).filter((s) => s.handler === 'book_appointment').map((s) => s.status)).toEqual(['changed', 'updated', 'updated']); // call.json (v18) sorts first
    expect(readFileSync(path.join(dir, 'call.json'), 'utf8')).toBe(callBefore);
    const rewritten = JSON.parse(readFileSync(path.join(dir, 'rec.json'), 'utf8'));
    expect(rewritten.functionCalls.map((f: { result: { deposit?: number } }) => f.result.deposit)).toEqual([undefined, 10, 10]);
    // The rewritten recording replays clean with the changed handler.
    expect((await replay([path.join(dir, 'rec.json')], changed)).summary.failedCalls).toBe(0);
  });
});

describe('--redeliver', () => {
  it('passes on the fixture project: every duplicate gets the first answer and the store holds one of everything', async () => {
    const seen: string[] = [];
    const spy = withHandler('book_appointment', (original) => (args, ctx) => (seen.push(ctx.idempotencyKey), original(args, ctx)));
    const report = await replay([RECORDING, HARBOUR], spy, { redeliver: 10 });
    expect(report.summary).toMatchObject({ failedCalls: 0, notIdempotent: 0 });
    expect(report.redeliver).toBe(10);
    const booking = steps(report).find((s) => s.handler === 'book_appointment')!;
    expect(booking).toMatchObject({ status: 'same', deliveries: 10, runs: 1 });
    // One run per booking in the single-delivery baseline and one in the redelivered run.
    expect(seen).toHaveLength(4);
    expect(new Set(seen).size).toBe(2);
  });

  it('fails on a handler written to be non-idempotent, naming it and the side effect that ran twice', async () => {
    // Sends the confirmation SMS, then fails on the first run (the gateway timed out): a retry sends it again.
    const sloppy = withHandler('book_appointment', (original) => async (args, ctx) => {
      const result = await original(args, ctx);
      await ctx.store.set(`sms:${Math.random().toString(36).slice(2)}`, 'Your booking is confirmed');
      if ((await ctx.store.list('sms:')).length === 1) throw new Error('SMS gateway timed out');
      return result;
    });
    const report = await replay([HARBOUR], sloppy, { redeliver: 10 });
    expect(report.summary.failedCalls).toBe(1);
    const booking = steps(report).find((s) => s.handler === 'book_appointment')!;
    expect(booking).toMatchObject({ status: 'not-idempotent', deliveries: 10, runs: 2 });
    expect(booking.message).toBe('delivery 2 of 10 got another answer than the first (200 against 500): the handler ran 2 times');
    // One delivery sends one SMS (and fails); ten send two.
    const call = report.groups[0]!.calls[0]!;
    expect(call.extraSideEffects!.length).toBeGreaterThan(0);
    for (const key of call.extraSideEffects!) expect(key).toMatch(/^tenant:harbour sms:/);
  });
});

describe('report formats', () => {
  it('JSON gives every difference path, expected, actual (null when absent) and change', async () => {
    const { formatJson } = await import('../../src/replay/index.js');
    const changed = withHandler('check_customer', () => () => ({ known: false, note: null, extra: 1 }));
    const report = await replay([HARBOUR], changed);
    const step = JSON.parse(formatJson(report)).groups[0].calls[0].steps[0];
    expect(step.differences).toEqual([
      { path: 'note', expected: null, actual: null, change: 'added' },
      { path: 'extra', expected: null, actual: 1, change: 'added' },
    ]);
    const removed = withHandler('check_customer', () => () => ({}));
    expect(JSON.parse(formatJson(await replay([HARBOUR], removed))).groups[0].calls[0].steps[0].differences).toEqual([{ path: 'known', expected: false, actual: null, change: 'removed' }]);
  });
});

describe('recorded retries, as serve answers them', () => {
  it('does not keep a failed answer: the retry runs the handler again', async () => {
    let runs = 0;
    const flaky = withHandler('book_appointment', (original) => (args, ctx) => {
      runs++;
      if (runs === 1) throw new Error('calendar busy');
      return original(args, ctx);
    });
    const report = await replay([RECORDING], flaky);
    expect(steps(report).filter((s) => s.handler === 'book_appointment').map((s) => s.status)).toEqual(['error', 'same']);
    expect(runs).toBe(2);
  });

  it('serves the retry of a timed-out handler its late answer, without running it again', async () => {
    let runs = 0;
    const fn = config.functions!.book_appointment!;
    const slow = {
      ...config,
      functions: {
        ...config.functions,
        book_appointment: { ...fn, timeoutMs: 30, handler: async (args: unknown, ctx: FunctionContext) => (runs++, await new Promise((r) => setTimeout(r, 80)), fn.handler(args as never, ctx)) },
      },
    } as HandlerConfig;
    const report = await replay([RECORDING], slow);
    const bookings = steps(report).filter((s) => s.handler === 'book_appointment');
    expect(bookings.map((s) => [s.status, s.actual?.status])).toEqual([
      ['error', 504],
      ['same', 200],
    ]);
    expect(runs).toBe(1);
  });
});
