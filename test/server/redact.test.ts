import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/server/redact.js';

const r = new Redactor({ secrets: ['key_secret_123456'] });
const log = (text: string) => r.forLog({ text }).text;

describe('Redactor', () => {
  it.each([
    ['my number is 4155550100 thanks', 'my number is <phone> thanks'],
    ['call 14155550100', 'call <phone>'],
    ['London: 020 7946 0958', 'London: <phone>'],
    ['mobile 07700 900123.', 'mobile <phone>.'],
    ['Berlin 030 12345678', 'Berlin <phone>'],
    ['Festnetz (030) 1234567', 'Festnetz <phone>'],
    ['München 089/1234567', 'München <phone>'],
    ['Handy 0151 23456789', 'Handy <phone>'],
    ['+44 20 7946 0958 or (415) 555-0100', '<phone> or <phone>'],
    // The shortest number the pattern accepts (7 digits, E.164): strings with fewer digits skip it.
    ['short +1234567', 'short <phone>'],
    ['+1234567', '<phone>'],
  ])('redacts the phone number in %j', (text, expected) => {
    expect(log(text)).toBe(expected);
  });

  it.each([
    'on 01/02/2026 at 10:00',
    'on 01-02-2026 10:00',
    'booking 12345 for 2026-03-14',
    'timestamp 1760000000000',
    'call_1234567890',
    'order 0042',
    'version 1.4155550100',
    'short +123456',
  ])('leaves %j alone', (text) => {
    expect(log(text)).toBe(text);
  });

  it('a plain `name` is a person inside function args (and wherever it reappears), a tool name elsewhere', () => {
    const out = r.session()({ name: 'book_appointment', args: { name: 'Maria Lopez', date: '2026-03-14' }, transcript: 'Agent: thanks Maria' }) as any;
    expect(out).toEqual({ name: 'book_appointment', args: { name: '<name-1>', date: '2026-03-14' }, transcript: 'Agent: thanks <name-1>' });
    expect(r.forLog({ tool_calls: [{ name: 'lookup', arguments: { name: 'Bob Stone' } }] })).toEqual({ tool_calls: [{ name: 'lookup', arguments: { name: '<name>' } }] });
  });

  it('finds name-like keys in any case, and configured fields, at any depth', () => {
    const custom = new Redactor({ fields: ['Email'] });
    expect(custom.forLog({ a: { CUSTOMER_NAME: 'Ann Lee', contactName: 'Bo Chan', email: 'x@y.z', rename: 'keep', nickname: 'keep' } })).toEqual({
      a: { CUSTOMER_NAME: '<name>', contactName: '<name>', email: '<email>', rename: 'keep', nickname: 'keep' },
    });
  });

  it('scrubValue finds the secret in nested strings, keys, arrays and toJSON output, and returns a clean value as it is', () => {
    const clean = { a: [1, 'two', { three: null }], when: new Date(0) };
    expect(r.scrubValue(clean)).toBe(clean);
    expect(r.scrubValue({ a: [{ b: 'x key_secret_123456 y' }] })).toEqual({ a: [{ b: 'x <secret> y' }] });
    expect(r.scrubValue({ key_secret_123456: 1 })).toEqual({ '<secret>': 1 });
    expect(r.scrubValue({ t: { toJSON: () => 'key_secret_123456' } })).toEqual({ t: '<secret>' });
    let deep: unknown = 'key_secret_123456';
    for (let i = 0; i < 80; i++) deep = [deep];
    expect(JSON.stringify(r.scrubValue(deep))).not.toContain('key_secret_123456');
    expect(r.scrubValue('key_secret_123456!')).toBe('<secret>!');
  });

  it('keeps a key named __proto__ as a key', () => {
    const input = JSON.parse('{"__proto__": {"phone": "+14155550100"}, "a": 1}');
    const out = r.forLog(input) as Record<string, unknown>;
    expect(Object.keys(out)).toEqual(['__proto__', 'a']);
    expect(JSON.stringify(out)).toBe('{"__proto__":{"phone":"<phone>"},"a":1}');
  });

  it('numbers new placeholders after those already in the data (a recording over records redacted at rest)', () => {
    const out = r.session()({ earlier: 'call <phone-1> or <phone-2>', now: 'new number +14155550199' }) as Record<string, string>;
    expect(out.now).toBe('new number <phone-3>');
  });
});
