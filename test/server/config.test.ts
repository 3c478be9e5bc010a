import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { validateConfig } from '../../src/config/load.js';
import { KitError } from '../../src/errors.js';
import { defineFunction } from '../../src/handlers/define.js';

async function problem(value: unknown): Promise<string> {
  try {
    await validateConfig(value, 'retell-kit.config.mjs');
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    return (error as KitError).oneLine();
  }
  throw new Error('expected a config error');
}

describe('serve config', () => {
  it('accepts functions, webhooks, inbound, tenants and server beside lint', async () => {
    const config = await validateConfig(
      {
        lint: { variables: ['branch'] },
        functions: { book_appointment: defineFunction({ args: z.object({ date: z.string() }), handler: () => ({ ok: true }), timeoutMs: 5000 }) },
        webhooks: { call_ended: () => {} },
        inbound: () => ({}),
        tenants: { '+14155550100': { id: 'downtown', variables: { branch: 'Downtown' }, stylists: ['Ana'] } },
        server: { port: 0, rateLimit: false, redact: { fields: ['email'] } },
      },
      'retell-kit.config.mjs',
    );
    expect(Object.keys(config.functions!)).toEqual(['book_appointment']);
    expect(config.tenants!['+14155550100']).toMatchObject({ stylists: ['Ana'] });
  });

  it('reports each mistake in one line: file, key path, what is expected', async () => {
    const args = z.object({});
    expect(await problem({ functions: { book: { args, handler: 'nope' } } })).toBe('retell-kit.config.mjs: functions.book.handler: expected a function');
    expect(await problem({ functions: { book: { args: {}, handler: () => 1 } } })).toMatch(/^retell-kit\.config\.mjs: functions\.book\.args: expected a zod schema/);
    expect(await problem({ functions: { book: { args, handler: () => 1, timeout: 5 } } })).toMatch(/^retell-kit\.config\.mjs: functions\.book\.timeout: unknown key/);
    expect(await problem({ functions: { 'book appointment': { args, handler: () => 1 } } })).toMatch(/^retell-kit\.config\.mjs: functions\.book appointment: a function name is letters, digits, _ or -/);
    expect(await problem({ webhooks: { call_end: () => {} } })).toMatch(/^retell-kit\.config\.mjs: webhooks\.call_end: unknown key/);
    expect(await problem({ server: { rateLimit: { perSecond: 0, burst: 1 } } })).toMatch(/^retell-kit\.config\.mjs: server\.rateLimit/);
    expect(await problem({ server: { apiKey: '' } })).toMatch(/^retell-kit\.config\.mjs: server\.apiKey: /);
    for (const line of [await problem({ inbound: 42 })]) expect(line.split('\n')).toHaveLength(1);
  });
});
