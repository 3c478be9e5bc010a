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
});
