import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { callFrom, parseCallTranscript, parseTranscript, toolKind } from '../../src/retell/transcript.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(path.resolve('fixtures/calls', name), 'utf8'));

describe('parseCallTranscript on a booking call (GET call object)', () => {
  const parsed = parseCallTranscript(fixture('booking-call.json'));

  it('gives replay the call, agent, version and start time', () => {
    expect(parsed).toMatchObject({
      callId: 'call_fixture_booking',
      agentId: 'agent_salon',
      agentVersion: 17,
      startTimestamp: 1773655200000,
      endTimestamp: 1773655262000,
      disconnectionReason: 'agent_hangup',
      source: 'transcript_with_tool_calls',
    });
  });

  it('lists the tool calls in order, each paired with its result', () => {
    expect(parsed.toolCalls.map((c) => [c.toolCallId, c.name, c.kind, c.status, c.index, c.result?.index])).toEqual([
      ['tool_call_b1', 'book_appointment_v17', 'custom', 'failed', 4, 5],
      ['tool_call_b2', 'book_appointment_v17', 'custom', 'ok', 8, 9],
      ['tool_call_e1', 'end_call', 'builtin', 'ok', 12, 13],
    ]);
  });

  it('parses arguments from their JSON string and keeps the raw text', () => {
    const booking = parsed.toolCalls[1]!;
    expect(booking.arguments).toEqual({ date: '2026-03-16', time: '10:30', service: 'haircut', customer_name: 'Maria Lopez', customer_phone: '+14155550123' });
    expect(booking.argumentsText).toContain('"time":"10:30"');
    expect(booking.argumentsError).toBeUndefined();
    expect(booking).toMatchObject({ toolType: 'custom', timeSec: 12.8 });
  });

  it('keeps the result content, successful flag and time', () => {
    expect(parsed.toolCalls[0]!.result).toEqual({ content: '{"booked":false,"alternatives":["10:30","11:00"]}', successful: false, index: 5, timeSec: 6.9 });
    expect(parsed.toolCalls[1]!.result).toMatchObject({ successful: true, timeSec: 13.4 });
    // end_call's result carries no successful flag: a result all the same.
    expect(parsed.toolCalls[2]!.result).toEqual({ content: '', index: 13, timeSec: 15.3 });
  });

  it('lists the node transitions in order', () => {
    expect(parsed.nodeTransitions.map((t) => [t.formerNodeId, t.newNodeId, t.transitionType, t.timeSec])).toEqual([
      ['begin', 'greeting', undefined, 0],
      ['greeting', 'book', 'normal', 5.9],
      ['book', 'goodbye', 'normal', 13.6],
    ]);
    expect(parsed.nodeTransitions[1]).toMatchObject({ formerNodeName: 'Greeting', newNodeName: 'Book appointment', index: 3 });
  });

  it('lists the utterances with their word times', () => {
    expect(parsed.utterances.map((u) => u.role)).toEqual(['agent', 'user', 'agent', 'user', 'agent']);
    expect(parsed.utterances[0]).toEqual({ role: 'agent', content: 'Salon Lumière, how can I help?', index: 1, startSec: 0.4, endSec: 2.2 });
    expect(parsed.skipped).toEqual([]);
    expect(parsed.orphanResults).toEqual([]);
  });
});

describe('parseCallTranscript on a call_ended webhook where the caller hung up mid-tool', () => {
  const parsed = parseCallTranscript(fixture('hangup-during-tool.call_ended.json'));

  it('reads the scrubbed transcript when the unscrubbed one is absent', () => {
    expect(parsed).toMatchObject({ callId: 'call_fixture_hangup', agentVersion: '18', source: 'scrubbed_transcript_with_tool_calls' });
  });

  it('marks arguments that are not valid JSON instead of throwing', () => {
    const broken = parsed.toolCalls[0]!;
    expect(broken).toMatchObject({ toolCallId: 'tool_call_h1', status: 'failed', argumentsText: '{"phone": "{{user_number}}' });
    expect(broken.arguments).toBeUndefined();
    expect(broken.argumentsError).toMatch(/^arguments are not valid JSON: /);
  });

  it('gives an invocation the call ended before answering the no-result state, not an error', () => {
    const unanswered = parsed.toolCalls[1]!;
    expect(unanswered).toMatchObject({ toolCallId: 'tool_call_h2', status: 'no-result', arguments: { phone: '<phone-1>' } });
    expect(unanswered.result).toBeUndefined();
    expect(unanswered.argumentsError).toBeUndefined();
  });

  it('keeps key presses and global transitions', () => {
    expect(parsed.dtmf).toEqual([{ digit: '1', index: 2, timeSec: 4.1 }]);
    expect(parsed.nodeTransitions).toEqual([
      { formerNodeId: 'greeting', formerNodeName: 'Greeting', newNodeId: 'lookup', newNodeName: 'Look up customer', transitionType: 'global', index: 3, timeSec: 4.5 },
    ]);
    // An utterance without words has no times rather than made-up ones.
    expect(parsed.utterances[1]).toEqual({ role: 'user', content: 'Do you have my booking?', index: 1 });
  });
});

describe('tool kinds', () => {
  it('takes Retell\'s type when the invocation has one', () => {
    const parsed = parseCallTranscript(fixture('transfer.call_analyzed.json'));
    expect(parsed.toolCalls).toEqual([
      {
        toolCallId: 'tool_call_t1',
        name: 'transfer_to_manager',
        kind: 'builtin',
        toolType: 'transfer_call',
        arguments: {},
        argumentsText: '{}',
        status: 'ok',
        result: { content: '{"status":"transferred"}', successful: true, index: 2, timeSec: 9.6 },
        index: 1,
        timeSec: 3,
      },
    ]);
  });

  it('falls back to Retell\'s default names when there is no type', () => {
    expect(toolKind('end_call', undefined)).toBe('builtin');
    expect(toolKind('press_digit', undefined)).toBe('builtin');
    expect(toolKind('book_appointment_cal', undefined)).toBe('builtin');
    expect(toolKind('book_appointment', undefined)).toBe('custom');
    // A custom tool may be called end_call; the type says so.
    expect(toolKind('end_call', 'custom')).toBe('custom');
    expect(toolKind('lookup_order', 'mcp')).toBe('mcp');
    expect(toolKind('agent_swap_to_billing', 'agent_swap')).toBe('builtin');
    // A type Retell adds later is still Retell's to run: only custom tools reach the webhook.
    expect(toolKind('summarise', 'some_future_type')).toBe('builtin');
    expect(toolKind('mcp', undefined)).toBe('custom');
  });
});

describe('callFrom', () => {
  const call = { call_id: 'c1', transcript_with_tool_calls: [] };
  it('takes a call, a webhook envelope or a recording', () => {
    expect(callFrom(call)).toBe(call);
    expect(callFrom({ event: 'call_analyzed', call })).toBe(call);
    expect(callFrom({ event: 'transcript_updated', call })).toBe(call);
    expect(callFrom({ version: 1, callId: 'c1', call, events: [], functionCalls: [] })).toBe(call);
  });
  it('returns undefined for anything else', () => {
    for (const value of [null, undefined, 'call', 42, [], {}, { event: 'chat_ended', chat: { chat_id: 'x' } }, { call: 'nope', event: 'call_ended' }, { nodes: [] }]) {
      expect(callFrom(value)).toBeUndefined();
    }
  });
});

describe('odd input never throws', () => {
  it('skips or marks what it cannot read', () => {
    const parsed = parseTranscript([
      null,
      'text',
      { role: 'tool_call_invocation', tool_call_id: 'a', arguments: '{}' },
      { role: 'tool_call_invocation', name: 'no_id', arguments: { already: 'parsed' } },
      { role: 'tool_call_result', content: 'answer for no_id' },
      { role: 'tool_call_invocation', tool_call_id: 'b', name: 'empty_args', arguments: '' },
      { role: 'tool_call_invocation', tool_call_id: 'c', name: 'no_args' },
      { role: 'tool_call_result', tool_call_id: 'zzz', content: { ok: true }, successful: 'yes' },
      { role: 'node_transition', former_node_id: 'x' },
      { role: 'hologram' },
      { content: 'no role' },
      { role: 'user', words: [] },
      { role: 'dtmf' },
      { role: 'sms', content: 'hi', time_sec: 3 },
    ]);
    expect(parsed.toolCalls.map((c) => [c.name, c.toolCallId, c.status, c.arguments, c.argumentsError])).toEqual([
      ['no_id', undefined, 'ok', undefined, 'arguments is object, not a JSON string'],
      ['empty_args', 'b', 'no-result', {}, undefined],
      ['no_args', 'c', 'no-result', {}, undefined],
    ]);
    expect(parsed.toolCalls[0]!.result).toEqual({ content: 'answer for no_id', index: 4 });
    // A result whose invocation is missing is kept, with its content as text.
    expect(parsed.orphanResults).toEqual([{ toolCallId: 'zzz', content: '{"ok":true}', index: 7 }]);
    expect(parsed.skipped).toEqual([
      { index: 0, reason: 'item is null, not an object' },
      { index: 1, reason: 'item is string, not an object' },
      { index: 2, reason: 'tool_call_invocation without a name' },
      { index: 8, reason: 'node_transition without a new_node_id' },
      { index: 9, reason: 'unknown role "hologram"' },
      { index: 10, reason: 'item without a role' },
      { index: 11, reason: 'user utterance without a string content' },
      { index: 12, reason: 'dtmf without a digit' },
    ]);
  });

  it('gives an empty result for a call without a transcript, or not a call at all', () => {
    const empty = { toolCalls: [], nodeTransitions: [], utterances: [], dtmf: [], orphanResults: [], skipped: [] };
    expect(parseTranscript(undefined)).toEqual(empty);
    expect(parseTranscript({ role: 'agent' })).toEqual(empty);
    expect(parseCallTranscript(null)).toEqual(empty);
    expect(parseCallTranscript({ call_id: 'c2', agent_version: { odd: true } })).toEqual({ ...empty, callId: 'c2' });
  });

  it('reads the scrubbed array only when asked, and then never the unscrubbed one', () => {
    const item = (name: string) => [{ role: 'tool_call_invocation', tool_call_id: name, name, arguments: '{}' }];
    const both = { call_id: 'c3', transcript_with_tool_calls: item('plain'), scrubbed_transcript_with_tool_calls: item('scrubbed') };
    expect(parseCallTranscript(both).toolCalls[0]!.name).toBe('plain');
    expect(parseCallTranscript(both, { scrubbed: true })).toMatchObject({ source: 'scrubbed_transcript_with_tool_calls', toolCalls: [{ name: 'scrubbed' }] });
    const plainOnly = { call_id: 'c4', transcript_with_tool_calls: item('plain') };
    const asked = parseCallTranscript(plainOnly, { scrubbed: true });
    expect(asked.source).toBeUndefined();
    expect(asked.toolCalls).toEqual([]);
  });
});
