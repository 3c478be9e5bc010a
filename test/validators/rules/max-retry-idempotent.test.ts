import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, tempDir } from '../../helpers/cli.js';
import { baseFlow, ruleTester } from '../../helpers/rule-tester.js';

const tool = (name: string, extra: Record<string, unknown> = {}) => ({ type: 'custom', tool_id: `t_${name}`, name, url: 'https://example.com/x', description: 'd', ...extra });

ruleTester('max-retry-idempotent', {
  valid: [
    { name: 'no max_retry', flow: baseFlow({ tools: [tool('book')] }) },
    { name: 'max_retry 0', flow: baseFlow({ tools: [tool('book', { max_retry: 0 })] }) },
    { name: 'a GET tool only reads', flow: baseFlow({ tools: [tool('slots', { max_retry: 2, method: 'GET' })] }) },
    { name: 'declared idempotent', flow: baseFlow({ tools: [tool('book', { max_retry: 2 })] }), settings: { idempotentFunctions: ['book'] } },
  ],
  invalid: [
    {
      name: 'a POST tool Retell retries, handler not declared idempotent',
      flow: baseFlow({ tools: [tool('book', { max_retry: 2, method: 'POST' })] }),
      settings: { idempotentFunctions: ['other'] },
      errors: [{ messageId: 'notIdempotent', pointer: '/tools/0/max_retry', severity: 'warning', data: { name: 'book', retries: 2, attempts: 3 } }],
    },
    {
      name: 'an inline tool of a subagent',
      flow: baseFlow({ nodes: [...(baseFlow().nodes as object[]), { id: 's', type: 'subagent', instruction: { type: 'prompt', text: 'h' }, tools: [{ type: 'custom', name: 'cancel', url: 'https://x', max_retry: 1 }] }] }),
      errors: [{ messageId: 'notIdempotent', data: { name: 'cancel', retries: 1, attempts: 2 } }],
    },
  ],
});

describe('max-retry-idempotent through the CLI reads the functions the config declares idempotent', () => {
  it('warns until the function says idempotent: true', () => {
    const dir = tempDir();
    const flow = baseFlow({ tools: [tool('book', { max_retry: 2, method: 'POST' })] });
    writeFileSync(path.join(dir, 'flow.json'), JSON.stringify(flow));
    const config = (idempotent: boolean) =>
      `const anything = { safeParse: (v) => ({ success: true, data: v }) };\nexport default { functions: { book: { args: anything, handler: () => ({}), idempotent: ${idempotent} } } };\n`;
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), config(false));
    const before = cli(['lint', 'flow.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(before.stdout).results[0].diagnostics.map((d: { ruleId: string }) => d.ruleId)).toContain('max-retry-idempotent');
    writeFileSync(path.join(dir, 'retell-kit.config.mjs'), config(true));
    const after = cli(['lint', 'flow.json', '--format', 'json'], { cwd: dir });
    expect(JSON.parse(after.stdout).results[0].diagnostics.map((d: { ruleId: string }) => d.ruleId)).not.toContain('max-retry-idempotent');
  });
});
