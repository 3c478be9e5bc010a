import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/server/log.js';
import { Redactor } from '../../src/server/redact.js';

function logger(pretty: boolean) {
  const lines: string[] = [];
  return { lines, log: createLogger({ write: (l) => lines.push(l), pretty, color: false, redactor: new Redactor() }) };
}

describe('serve logs', () => {
  it('a field named time, level or msg never overwrites the line’s own', () => {
    const { lines, log } = logger(false);
    log.info('booked', { time: '10:00', level: 'gold', msg: 'hi', time_: 'x' });
    const entry = JSON.parse(lines[0]!);
    expect(entry.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect([entry.level, entry.msg]).toEqual(['info', 'booked']);
    expect([entry.time_, entry.level_, entry.msg_, entry.time__]).toEqual(['10:00', 'gold', 'hi', 'x']);
  });

  it('pretty lines cannot be split or coloured by what a caller sends (a newline in a call_id)', () => {
    const { lines, log } = logger(true);
    log.info('webhook received', { call_id: 'call_1\n12:00:00.000 ERROR forged line\u001b[31m' });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.trimEnd().split('\n')).toHaveLength(1);
    expect(lines[0]).toContain('call_id=call_1\\n12:00:00.000 ERROR forged line\\x1b[31m');
  });

  it('JSON lines leave out undefined fields, keep a __proto__ field, scrub secrets and do not touch the caller’s object', () => {
    const lines: string[] = [];
    const log = createLogger({ write: (l) => lines.push(l), redactor: new Redactor({ secrets: ['key_secret_123456'] }) });
    const fields = JSON.parse('{"a":1,"__proto__":{"b":2}}') as Record<string, unknown>;
    Object.assign(fields, { gone: undefined, phone: '+14155550100', note: 'key key_secret_123456' });
    log.info('msg key_secret_123456', fields);
    expect(lines[0]!.endsWith('\n')).toBe(true);
    const entry = JSON.parse(lines[0]!);
    expect(Object.keys(entry)).toEqual(['time', 'level', 'msg', 'a', '__proto__', 'phone', 'note']);
    expect(entry).toMatchObject({ msg: 'msg <secret>', a: 1, phone: '<phone>', note: 'key <secret>' });
    expect(fields.phone).toBe('+14155550100');
    log.info('no fields');
    expect(JSON.parse(lines[1]!)).toEqual({ time: expect.any(String), level: 'info', msg: 'no fields' });
  });

  it('a child logger’s bound fields come first and the call’s own fields win', () => {
    const { lines, log } = logger(false);
    log.child({ call_id: 'c1', tenant: 't' }).warn('x', { tenant: 'u', n: 1 });
    const entry = JSON.parse(lines[0]!);
    expect(entry).toEqual({ time: expect.any(String), level: 'warn', msg: 'x', call_id: 'c1', tenant: 'u', n: 1 });
  });
});
