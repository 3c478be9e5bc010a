import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KitError } from '../../src/errors.js';
import { KNOWN_RECORDING_VERSIONS, RECORDING_VERSION, loadRecording, readRecording } from '../../src/retell/recording.js';
import { callFrom, parseCallTranscript } from '../../src/retell/transcript.js';

// Written by a real `retell-kit serve --record` run (fixtures/recordings/record.mjs).
const FIXTURE = 'fixtures/recordings/call_fixture_recorded.json';
const text = readFileSync(FIXTURE, 'utf8');
const edited = (change: (recording: any) => void): string => {
  const recording = JSON.parse(text);
  change(recording);
  return JSON.stringify(recording);
};

/** The KitError readRecording throws, or a failure when it does not throw one. */
function refusal(input: string, file = 'rec.json'): KitError {
  try {
    readRecording(input, file);
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    return error as KitError;
  }
  throw new Error('readRecording accepted it');
}

const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-recording-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loadRecording', () => {
  it('reads back a recording the server wrote', async () => {
    const recording = await loadRecording(FIXTURE);
    expect(recording).toMatchObject({ version: RECORDING_VERSION, callId: 'call_fixture_recorded', agentId: 'agent_salon', agentVersion: 17 });
    expect(recording.events.map((e) => e.event)).toEqual(['call_started', 'call_ended', 'call_analyzed']);
    expect(recording.functionCalls.map((c) => [c.name, c.handler, c.toolCallId, c.outcome, c.duplicate])).toEqual([
      ['check_availability_v17', 'check_availability', 'tool_call_a1', 'ok', false],
      ['book_appointment_v17', 'book_appointment', 'tool_call_b1', 'ok', false],
      ['book_appointment_v17', 'book_appointment', 'tool_call_b1', 'ok', true],
    ]);
  });

  it('hands replay a call whose transcript pairs with the recorded function calls', async () => {
    const recording = await loadRecording(FIXTURE);
    const transcript = parseCallTranscript(callFrom(recording));
    expect(transcript).toMatchObject({ callId: recording.callId, agentId: 'agent_salon', agentVersion: 17, startTimestamp: 1773655200000 });
    const custom = transcript.toolCalls.filter((c) => c.kind === 'custom');
    expect(custom.map((c) => c.toolCallId)).toEqual(['tool_call_a1', 'tool_call_b1']);
    for (const c of custom) {
      const served = recording.functionCalls.find((f) => f.toolCallId === c.toolCallId && !f.duplicate)!;
      // What the agent saw in the transcript is what the handler answered.
      expect(JSON.parse(c.result!.content)).toEqual(served.result);
    }
    expect(transcript.toolCalls.at(-1)).toMatchObject({ name: 'end_call', kind: 'builtin', status: 'no-result' });
  });

  it('says a missing file is missing, in one line naming it', async () => {
    const missing = path.join(dir, 'nope.json');
    await expect(loadRecording(missing)).rejects.toMatchObject({ code: 'not-found', exitCode: 2, file: missing });
    await expect(loadRecording(dir)).rejects.toMatchObject({ code: 'io', message: 'is a directory, not a recording file' });
  });
});

describe('readRecording refuses what it cannot read', () => {
  it('refuses an unknown version with one line naming the file and the versions it knows', () => {
    expect(KNOWN_RECORDING_VERSIONS).toEqual([1]);
    const error = refusal(edited((r) => (r.version = 2)), 'recordings/call_x.json');
    expect(error.exitCode).toBe(2);
    expect(error.oneLine()).toBe(
      'recordings/call_x.json: /version: recording version 2 is not one this retell-kit reads (it knows version 1) (upgrade retell-kit, or record the call again with this one)',
    );
    expect(refusal(edited((r) => (r.version = '1'))).message).toBe('recording version "1" is not one this retell-kit reads (it knows version 1)');
  });

  it('names the JSON path of a missing field', () => {
    const error = refusal(edited((r) => delete r.functionCalls[1].status), 'rec.json');
    expect(error.oneLine()).toBe('rec.json: /functionCalls/1/status: invalid recording: missing required field "status" (see docs/recording.md)');
    expect(refusal(edited((r) => delete r.callId)).pointer).toBe('/callId');
  });

  it('names the path of a wrong value', () => {
    expect(refusal(edited((r) => (r.events[0].receivedAt = 'yesterday'))).oneLine()).toBe(
      'rec.json: /events/0/receivedAt: invalid recording: expected an ISO 8601 date-time, e.g. 2026-03-16T10:04:12.481Z (see docs/recording.md)',
    );
    expect(refusal(edited((r) => (r.functionCalls[0].outcome = 'maybe'))).message).toBe(
      'invalid recording: expected one of "ok", "invalid_args", "unknown_function", "error", "timeout"',
    );
    expect(refusal(edited((r) => (r.agentVersion = true)))).toMatchObject({ pointer: '/agentVersion', message: 'invalid recording: expected integer or string' });
    expect(refusal(edited((r) => (r.events[2].extra = 1)))).toMatchObject({ pointer: '/events/2/extra', message: 'invalid recording: unknown field "extra"' });
    expect(refusal(edited((r) => (r.callId = '')))).toMatchObject({ pointer: '/callId' });
  });

  it('refuses text that is not a recording at all', () => {
    expect(refusal('{"version": 1,').message).toMatch(/^recording is not valid JSON: /);
    expect(refusal('[1]').message).toBe('not a retell-kit recording (expected a JSON object)');
    expect(refusal('{"nodes": []}').oneLine()).toBe(
      'rec.json: /version: not a retell-kit recording: no "version" (this retell-kit reads version 1) (recordings are written by retell-kit serve --record)',
    );
  });

  it('accepts optional fields left out and keys Retell adds to the call', () => {
    const minimal = { version: 1, callId: 'c', recordedAt: '2026-03-16T10:04:12.481Z', call: { anything: [1, 2] }, events: [], functionCalls: [] };
    expect(readRecording(JSON.stringify(minimal), 'min.json')).toEqual(minimal);
    const file = path.join(dir, 'min.json');
    writeFileSync(file, JSON.stringify(minimal));
    return expect(loadRecording(file)).resolves.toEqual(minimal);
  });
});
