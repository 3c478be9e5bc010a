import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { afterEach, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { loadConfig } from '../../src/config/load.js';
import { lintFiles, resolveLintOptions } from '../../src/validators/lint.js';
import type { RetellKitConfig } from '../../src/config/schema.js';
import { readRecording } from '../../src/retell/recording.js';
import { API_KEY, callObject, signedPost, start, until, type Started } from './helpers.js';

// The README's serve example. Its config imports 'retell-kit' (dist/), which CI builds before tests.
const projectDir = path.resolve('fixtures/project');
let config: RetellKitConfig;
beforeAll(async () => {
  config = (await loadConfig({ cwd: projectDir })).config;
});

let s: Started | undefined;
afterEach(async () => {
  await s?.stop();
  s = undefined;
});

const MONDAY = '2026-03-16';
const SUNDAY = '2026-03-15';
const fn = (name: string, callId: string, args: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
  signedPost(s!.url, `/functions/${name}`, { name, call: callObject(callId, extra), args }).then((r) => ({ status: r.status, body: r.json() }));

describe('fixture project: salon booking agent', () => {
  it('ships a flow whose tools match the functions and that lints clean with the project config', async () => {
    const [result] = await lintFiles(['flow.json'], { ...resolveLintOptions(config.lint), cwd: projectDir });
    expect(result!.diagnostics).toEqual([]);
    const flow = JSON.parse(readFileSync(path.join(projectDir, 'flow.json'), 'utf8'));
    expect(flow.tools.map((t: { name: string }) => t.name).sort()).toEqual(Object.keys(config.functions!).sort());
  });

  it('answers call_inbound with the tenant of the dialled number and the caller if known', async () => {
    s = await start(config);
    const first = await signedPost(s.url, '/webhook/inbound', { event: 'call_inbound', call_inbound: { from_number: '+14155559876', to_number: '+1 (415) 555-0100', call_id: 'call_in1' } });
    expect(first.json()).toEqual({
      call_inbound: { dynamic_variables: { salon_name: 'Salon Lumière', branch: 'Downtown', customer_name: '', known_customer: 'no' }, metadata: { tenant: 'downtown' } },
    });
    await fn('book_appointment', 'call_in0', { date: MONDAY, time: '10:00', service: 'haircut', customer_name: 'Maria Lopez', customer_phone: '+14155559876' });
    const known = await signedPost(s.url, '/webhook/inbound', { event: 'call_inbound', call_inbound: { from_number: '+14155559876', to_number: '+14155550100', call_id: 'call_in2' } });
    expect(known.json().call_inbound.dynamic_variables).toMatchObject({ customer_name: 'Maria Lopez', known_customer: 'yes' });
    // A retry of the first call_inbound gets the first answer.
    const retry = await signedPost(s.url, '/webhook/inbound', { event: 'call_inbound', call_inbound: { from_number: '+14155559876', to_number: '+14155550100', call_id: 'call_in1' } });
    expect(retry.json().call_inbound.dynamic_variables.known_customer).toBe('no');
    expect(retry.headers['x-retell-kit-duplicate']).toBe('1');
  });

  it('checks, books, finds, reschedules and cancels over the calendar in the store', async () => {
    s = await start(config);
    const free = await fn('check_availability', 'call_a', { date: MONDAY, service: 'colour' });
    expect(free.body.available.slice(0, 2)).toEqual([{ time: '09:00', stylist: 'Ana' }, { time: '09:00', stylist: 'Ben' }]);
    expect((await fn('check_availability', 'call_a', { date: SUNDAY })).body).toMatchObject({ available: [], note: expect.stringContaining('closed') });

    const booked = await fn('book_appointment_v17', 'call_a', { date: MONDAY, time: '10:00', service: 'colour', customer_name: 'Maria Lopez', customer_phone: '+14155559876' });
    expect(booked).toMatchObject({ status: 200, body: { booked: true, stylist: 'Ana', time: '10:00', booking_id: expect.stringMatching(/^bk_/) } });
    const id = booked.body.booking_id as string;
    // Ben takes the next 10:00, then nobody can.
    expect((await fn('book_appointment', 'call_b', { date: MONDAY, time: '10:00', service: 'haircut', customer_name: 'Tom', customer_phone: '+14155550001' })).body).toMatchObject({ booked: true, stylist: 'Ben' });
    const full = await fn('book_appointment', 'call_c', { date: MONDAY, time: '10:30', service: 'haircut', customer_name: 'Ida', customer_phone: '+14155550002', stylist: 'Ana' });
    expect(full.body).toMatchObject({ booked: false, alternatives: ['09:00', '09:30', '11:30'] });

    expect((await fn('check_customer', 'call_d', { phone: '+14155559876' })).body).toEqual({ known: true, name: 'Maria Lopez', upcoming: [{ id, date: MONDAY, time: '10:00', service: 'colour', stylist: 'Ana' }] });
    expect((await fn('check_customer', 'call_d', { phone: '+14155550999' })).body).toEqual({ known: false });

    expect((await fn('reschedule_appointment', 'call_d', { booking_id: id, new_date: MONDAY, new_time: '14:00' })).body).toMatchObject({ rescheduled: true, time: '14:00' });
    // The old cells are free again.
    expect((await fn('book_appointment', 'call_e', { date: MONDAY, time: '10:30', service: 'haircut', customer_name: 'Ida', customer_phone: '+14155550002', stylist: 'Ana' })).body).toMatchObject({ booked: true });
    expect((await fn('cancel_appointment', 'call_f', { booking_id: id })).body).toEqual({ cancelled: true, booking_id: id });
    expect((await fn('cancel_appointment', 'call_g', { booking_id: id })).body).toMatchObject({ cancelled: false });
    expect((await fn('book_appointment', 'call_h', { date: 'monday', time: '10:00', service: 'haircut', customer_name: 'X', customer_phone: '+14155550003' })).status).toBe(422);
  });

  it('books once when Retell delivers the same booking 20 times at once', async () => {
    s = await start(config);
    const args = { date: MONDAY, time: '11:00', service: 'haircut', customer_name: 'Noor', customer_phone: '+14155550004' };
    const responses = await Promise.all(Array.from({ length: 20 }, () => fn('book_appointment', 'call_twenty', args)));
    expect(new Set(responses.map((r) => JSON.stringify(r)))).toHaveProperty('size', 1);
    expect(responses[0]!.body).toMatchObject({ booked: true, stylist: 'Ana' });
    const bookings = await s.server.store.kvList('tenant:downtown', 'booking:');
    expect(bookings).toHaveLength(1);
  });

  it('keeps each branch in its own calendar (tenant by dialled number)', async () => {
    s = await start(config);
    const harbour = { to_number: '+14155550111' };
    expect((await fn('check_availability', 'call_h1', { date: MONDAY }, harbour)).body.available[0]).toEqual({ time: '10:00', stylist: 'Chloé' });
    await fn('book_appointment', 'call_h1', { date: MONDAY, time: '10:00', service: 'haircut', customer_name: 'Lea', customer_phone: '+14155550005' }, harbour);
    expect(await s.server.store.kvList('tenant:harbour', 'booking:')).toHaveLength(1);
    expect(await s.server.store.kvList('tenant:downtown', 'booking:')).toHaveLength(0);
  });

  it('records the call redacted, in the documented format, when it ends', async () => {
    const recordDir = mkdtempSync(path.join(tmpdir(), 'retell-kit-recordings-'));
    onTestFinished(() => rmSync(recordDir, { recursive: true, force: true }));
    s = await start(config, { recordDir });
    const callId = 'call_rec1';
    const extra = { from_number: '+14155559876', transcript: 'Agent: Hi! User: This is Maria, my number is +1 415-555-9876.' };
    await signedPost(s.url, '/webhook', { event: 'call_started', call: callObject(callId, extra) });
    await fn('check_availability_v17', callId, { date: MONDAY }, extra);
    await fn('book_appointment_v17', callId, { date: MONDAY, time: '12:00', service: 'haircut', customer_name: 'Maria Lopez', customer_phone: '+14155559876' }, extra);
    await fn('book_appointment_v17', callId, { date: MONDAY, time: '12:00', service: 'haircut', customer_name: 'Maria Lopez', customer_phone: '+14155559876' }, extra);
    await signedPost(s.url, '/webhook', { event: 'call_ended', call: callObject(callId, { ...extra, call_status: 'ended', disconnection_reason: 'user_hangup' }) });
    const file = path.join(recordDir, `${callId}.json`);
    await until(() => existsSync(file), 5000, 'recording');
    const text = readFileSync(file, 'utf8');
    const recording = JSON.parse(text);

    const ajv = new Ajv({ strict: true, allowUnionTypes: true, validateFormats: false, allErrors: true });
    const validate = ajv.compile(JSON.parse(readFileSync('schemas/recording.schema.json', 'utf8')));
    expect(validate(recording), JSON.stringify(validate.errors)).toBe(true);
    // The reader replay uses takes what the writer wrote.
    expect(readRecording(text, file)).toEqual(recording);
    // The dialled number is redacted, so the tenant it resolved to is recorded by id for replay.
    expect(recording).toMatchObject({ version: 1, callId, agentId: 'agent_salon', agentVersion: 17, tenant: 'downtown' });
    expect(recording.events.map((e: any) => e.event)).toEqual(['call_started', 'call_ended']);
    expect(recording.functionCalls.map((c: any) => [c.name, c.handler, c.outcome, c.duplicate])).toEqual([
      ['check_availability_v17', 'check_availability', 'ok', false],
      ['book_appointment_v17', 'book_appointment', 'ok', false],
      ['book_appointment_v17', 'book_appointment', 'ok', true],
    ]);
    // Redacted at write time: no number, no name, no key; the same number is the same placeholder.
    expect(text).not.toMatch(/555-?9876|5559876|Maria|Lopez/);
    expect(text).not.toContain(API_KEY);
    const booking = recording.functionCalls[1];
    expect(booking.args).toMatchObject({ customer_name: '<name-1>', customer_phone: '<phone-1>' });
    expect(recording.call.from_number).toBe('<phone-1>');
    expect(recording.call.transcript).toBe('Agent: Hi! User: This is <name-1>, my number is <phone-1>.');
    expect(booking.result).toMatchObject({ booked: true, time: '12:00' });

    // call_analyzed rewrites the same file with the analysis.
    await signedPost(s.url, '/webhook', { event: 'call_analyzed', call: callObject(callId, { ...extra, call_analysis: { call_successful: true, call_summary: 'Maria booked a haircut.' } }) });
    await until(() => JSON.parse(readFileSync(file, 'utf8')).events.length === 3, 5000, 'rewritten recording');
    const analyzed = JSON.parse(readFileSync(file, 'utf8'));
    expect(analyzed.call.call_analysis).toEqual({ call_successful: true, call_summary: '<name-1> booked a haircut.' });
    expect(await s.server.store.kvGet('tenant:downtown', `call:${callId}`)).toEqual({ ended_at: null, reason: 'user_hangup', successful: true, summary: 'Maria booked a haircut.' });
  });
});
