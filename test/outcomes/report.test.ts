import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { formatJson } from '../../src/outcomes/format/json.js';
import { formatMarkdown } from '../../src/outcomes/format/markdown.js';
import { formatText } from '../../src/outcomes/format/text.js';
import { buildReport, readSources, ReportBuilder, type Report, type ReportSource } from '../../src/outcomes/report.js';
import { ROOT } from '../helpers/cli.js';

// The report over fixtures/report (written by fixtures/report/record.mjs from a real serve --record run)
// against its goldens. UPDATE_GOLDEN=1 npx vitest run test/outcomes rewrites them: review the diff.
const update = process.env.UPDATE_GOLDEN === '1';
const NOW = () => new Date('2026-03-17T00:00:00.000Z');
const REAL_WORLD_CALL = path.resolve(ROOT, process.env.RETELL_KIT_REAL_WORLD ?? '../shared/real-world', 'fabianSp77__askproai-api__latest_test_call_analysis.json');
const ajv = new Ajv({ strict: true, allowUnionTypes: true, formats: { 'date-time': (s: string) => !Number.isNaN(Date.parse(s)) && /^\d{4}-\d{2}-\d{2}T/.test(s) } });
const validate = ajv.compile(JSON.parse(readFileSync(path.join(ROOT, 'schemas/report.schema.json'), 'utf8')));

function golden(file: string, actual: string): void {
  const full = path.join(ROOT, 'fixtures/report', file);
  if (update || !existsSync(full)) writeFileSync(full, actual);
  expect(actual).toBe(readFileSync(full, 'utf8'));
}

async function report(inputs: string[]): Promise<Report> {
  return buildReport(readSources(inputs, ROOT), { now: NOW });
}

function expectValid(r: Report): void {
  const ok = validate(JSON.parse(formatJson(r)));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
}

describe('report over recordings from serve --record', () => {
  it('matches the golden JSON, text and markdown, and the JSON matches schemas/report.schema.json', async () => {
    const r = await report(['fixtures/report/recordings']);
    expectValid(r);
    golden('expected.json', formatJson(r));
    golden('expected.txt', formatText(r));
    golden('expected.md', formatMarkdown(r));
  });

  it('counts per version through outcomesByVersion, and booking conversion by the functions that succeeded', async () => {
    const r = await report(['fixtures/report/recordings']);
    expect(r.calls).toMatchObject({ read: 6, connected: 6, unfulfilledClaims: 3, recovered: 1, outcomes: { booked: 2 } });
    const [v17, v18] = r.byVersion;
    expect(v17).toMatchObject({ agentId: 'agent_salon', agentVersion: 17, calls: 2, successRate: 1, outcomes: { booked: { attempted: 2, succeeded: 1, conversion: 0.5 } }, unfulfilledClaims: 1 });
    expect(v18).toMatchObject({ agentVersion: 18, calls: 4, analysed: 4, successRate: 0.5, earlyHangups: 0, outcomes: { booked: { attempted: 4, succeeded: 1, conversion: 0.25 } }, unfulfilledClaims: 2, recovered: 1 });
    expect(v18!.durationP50Ms).toBe(44_000);
    // booked:false is a business answer, not a function error; the latencies are serve's own.
    const book = r.functions.find((f) => f.name === 'book_appointment')!;
    expect(book).toMatchObject({ calls: 6, errors: 0, noResult: 0, fallbacks: 0 });
    expect(book.p95Ms).toBeGreaterThan(0);
  });

  it('lists each unfulfilled claim with the call, the quote (redacted), the failed result and the node path', async () => {
    const r = await report(['fixtures/report/recordings']);
    const byId = Object.fromEntries(r.unfulfilledClaims.map((c) => [c.callId, c]));
    expect(Object.keys(byId).sort()).toEqual(['call_claimed_not_booked', 'call_de_behauptet', 'call_de_uebergangen']);
    expect(byId.call_claimed_not_booked).toMatchObject({
      kind: 'claimed',
      language: 'en',
      quote: "Perfect, <name-1>, you're all set for Sunday at 10 o'clock.",
      failed: { name: 'book_appointment_v17', result: { booked: false, reason: 'That time is not free.' } },
      nodePath: ['begin', 'Greeting', 'Book appointment'],
      node: 'Book appointment',
      file: 'fixtures/report/recordings/call_claimed_not_booked.json',
    });
    expect(byId.call_de_behauptet).toMatchObject({ kind: 'claimed', language: 'de', phrase: 'ihr termin ist gebucht', nodePath: ['begin', 'Begrüßung', 'Termin buchen'] });
    expect(byId.call_de_uebergangen).toMatchObject({ kind: 'failure-ignored', quote: 'Gut. Kann ich sonst noch etwas für Sie tun?' });
    expect(r.recovered).toEqual([expect.objectContaining({ callId: 'call_recovered', status: 'recovered', correction: "I'm sorry, the booking did not go through: we are closed on Sundays." })]);
    // The successful bookings, English and German, are not findings.
    const all = [...r.unfulfilledClaims, ...r.recovered].map((c) => c.callId);
    expect(all).not.toContain('call_booked_ok');
    expect(all).not.toContain('call_de_gebucht');
  });
});

describe('markdown', () => {
  it('writes placeholders and quotes as text, never as tags (GitHub would drop <name-1>)', async () => {
    const md = formatMarkdown(await report(['fixtures/report/recordings']));
    expect(md).toContain('"Perfect, &lt;name-1&gt;, you\'re all set for Sunday at 10 o\'clock."');
    expect(md).not.toContain('<name-1>');
  });
});

describe('report over Retell call objects', () => {
  it('finds the same claims in call objects as in their recordings, redacting names and numbers the raw call holds', async () => {
    const r = await report(['fixtures/report/calls']);
    expectValid(r);
    golden('expected-calls.json', formatJson(r));
    expect(r.unfulfilledClaims.map((c) => [c.callId, c.kind])).toEqual([['call_claimed_not_booked', 'claimed'], ['call_de_behauptet', 'claimed']]);
    const text = JSON.stringify(r);
    for (const secret of ['Maria', 'Lopez', 'Becker', '+14155559876', '4155559876', '+4915112345678']) expect(text).not.toContain(secret);
    expect(r.unfulfilledClaims[1]!.quote).toBe('Vielen Dank, Herr <name-1>, Ihr Termin ist gebucht: Sonntag um 9 Uhr.');
    // Latency from the transcript: result time_sec - invocation time_sec.
    expect(r.functions.find((f) => f.name === 'book_appointment')!.p50Ms).toBe(600);
  });

  it('counts a call given twice (its recording and its call object) once', async () => {
    const r = await report(['fixtures/report/recordings', 'fixtures/report/calls']);
    expect(r.calls).toMatchObject({ read: 8, duplicates: 2, connected: 6, unfulfilledClaims: 3 });
  });

  it.runIf(existsSync(REAL_WORLD_CALL))('reports the real call in ../shared/real-world: its function results, no booking attempt, no claim', async () => {
    const r = await buildReport(readSources([REAL_WORLD_CALL], ROOT), { now: NOW });
    expectValid(r);
    expect(r.byVersion).toEqual([expect.objectContaining({ agentId: 'agent_f1ce85d06a84afb989dfbb16a9', agentVersion: 42, calls: 1, successRate: 0, functionErrorCalls: 1 })]);
    // check_availability_v17 was marked successful by Retell but answered {"success":false,"error":"Call context not available"}.
    expect(r.functions).toEqual([
      expect.objectContaining({ name: 'check_availability', calls: 1, errors: 1, p50Ms: 948 }),
      expect.objectContaining({ name: 'initialize_call', calls: 1, errors: 0 }),
    ]);
    expect(r.outcomes[0]).toMatchObject({ name: 'booked', attempted: 0, succeeded: 0 });
    expect(r.unfulfilledClaims).toEqual([]);
    expect(r.recovered).toEqual([]);
  });
});

describe('ReportBuilder', () => {
  const base = { call_type: 'phone_call', agent_id: 'agent_a', agent_version: 1, call_status: 'ended', disconnection_reason: 'agent_hangup' };
  function call(i: number, over: Record<string, unknown> = {}): ReportSource {
    return { callId: `c${i}`, call: { ...base, call_id: `c${i}`, start_timestamp: Date.UTC(2026, 0, 1) + i * 60_000, duration_ms: 30_000, ...over } };
  }

  it('leaves out calls that never connected or have no agent version, and counts them', () => {
    const b = new ReportBuilder({ now: NOW });
    b.add(call(1));
    b.add(call(2, { disconnection_reason: 'dial_no_answer' }));
    b.add(call(3, { agent_version: undefined }));
    const r = b.finish();
    expect(r.calls).toMatchObject({ read: 3, connected: 1, notConnected: 1, unattributed: 1 });
  });

  it('takes a Cal.com booking (Retell built-in) as a booking attempt, and an early hang-up from the configured threshold', () => {
    const b = new ReportBuilder({ now: NOW, config: { earlyHangup: '20s' } });
    b.add(call(1, {
      disconnection_reason: 'user_hangup',
      duration_ms: 15_000,
      transcript_with_tool_calls: [
        { role: 'tool_call_invocation', tool_call_id: 't1', name: 'book_appointment_cal', arguments: '{}', time_sec: 1, type: 'book_appointment_cal' },
        { role: 'tool_call_result', tool_call_id: 't1', successful: false, content: 'slot taken', time_sec: 2 },
        { role: 'agent', content: "You're booked!" },
      ],
    }));
    const r = b.finish();
    expect(r.byVersion[0]).toMatchObject({ earlyHangups: 1, functionErrorCalls: 1, outcomes: { booked: { attempted: 1, succeeded: 0 } } });
    expect(r.unfulfilledClaims).toEqual([expect.objectContaining({ callId: 'c1', failed: { name: 'book_appointment_cal', result: 'slot taken', toolCallId: 't1' } })]);
  });

  it('any configured outcome: its functions, its phrases, its own claims', () => {
    const b = new ReportBuilder({ now: NOW, config: { outcomes: { enrolled: { functions: ['enroll_*'] } }, claims: { enrolled: { phrases: { en: ["you're enrolled"] } } } } });
    b.add(call(1, {
      transcript_with_tool_calls: [
        { role: 'tool_call_invocation', tool_call_id: 'e1', name: 'enroll_class_v2', arguments: '{"class":"yoga"}', time_sec: 1, type: 'custom' },
        { role: 'tool_call_result', tool_call_id: 'e1', successful: true, content: '{"status":"failed","error":"class full"}', time_sec: 1.4 },
        { role: 'agent', content: "Great, you're enrolled in yoga on Monday." },
      ],
    }));
    const r = b.finish();
    expect(r.outcomes.map((o) => [o.name, o.attempted, o.succeeded])).toEqual([['booked', 0, 0], ['enrolled', 1, 0]]);
    expect(r.unfulfilledClaims).toEqual([expect.objectContaining({ outcome: 'enrolled', kind: 'claimed', quote: "Great, you're enrolled in yoga on Monday.", failed: expect.objectContaining({ name: 'enroll_class_v2' }) })]);
  });

  it('counts fallbacks from serve and leaves out the duplicate answers of retries', () => {
    const b = new ReportBuilder({ now: NOW });
    const fc = { name: 'get_menu', toolCallId: 'x', status: 200, outcome: 'ok', result: { items: [] }, durationMs: 12, startedAt: '2026-01-01T00:00:01.000Z', duplicate: false };
    b.add({ ...call(1), functionCalls: [{ ...fc, fallback: true }, { ...fc, duplicate: true }, { ...fc, toolCallId: 'y', outcome: 'timeout', status: 504, durationMs: 8000 }] });
    const r = b.finish();
    expect(r.functions).toEqual([expect.objectContaining({ name: 'get_menu', calls: 2, errors: 1, fallbacks: 1, p95Ms: 8000 })]);
  });
});
