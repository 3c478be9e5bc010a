import { describe, expect, it } from 'vitest';
import { validateConfig } from '../../src/config/load.js';
import { parseRuleFlags, resolveLintOptions } from '../../src/config/lint-options.js';
import { KitError } from '../../src/errors.js';

/** The one line the CLI prints for a config problem (without the `retell-kit: ` prefix). */
async function problem(run: () => unknown): Promise<string> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(KitError);
    expect((error as KitError).exitCode).toBe(2);
    return (error as KitError).oneLine();
  }
  throw new Error('expected a config error');
}

const FILE = 'retell-kit.config.mjs';
const config = (value: unknown) => problem(() => validateConfig(value, FILE));
/** A config that passes the schema goes on to rule resolution, as `retell-kit lint` does. */
const rules = (value: Record<string, unknown>) => problem(async () => resolveLintOptions((await validateConfig({ lint: { rules: value } }, FILE)).lint, {}, FILE));

describe('one path and one wording for the whole config', () => {
  it('rule options: the full key path from lint., expected and got', async () => {
    expect(await rules({ 'prompt-limits': ['warning', { maxPromptChars: 'abc' }] })).toBe(`${FILE}: lint.rules.prompt-limits[1].maxPromptChars: expected a number, got "abc"`);
    expect(await rules({ 'prompt-limits': ['warning', { maxTools: 0 }] })).toBe(`${FILE}: lint.rules.prompt-limits[1].maxTools: expected a number above 0, got 0`);
    expect(await rules({ 'prompt-limits': ['warning', { maxTools: 2.5 }] })).toBe(`${FILE}: lint.rules.prompt-limits[1].maxTools: expected a whole number, got 2.5`);
    expect(await rules({ 'prompt-limits': ['warning', { maxTool: 3 }] })).toBe(`${FILE}: lint.rules.prompt-limits[1].maxTool: unknown key (remove it, or check the spelling)`);
    expect(await rules({ 'no-dead-end': ['warning', { x: 1 }] })).toBe(`${FILE}: lint.rules.no-dead-end: this rule takes no options (write "warning" instead of a list)`);
  });

  it('severities name the allowed words, in a setting and in a [severity, options] list', async () => {
    expect(await rules({ 'no-dead-end': 'high' })).toBe(`${FILE}: lint.rules.no-dead-end: expected a severity (off, error, warning, warn or info) or [severity, options], got "high"`);
    expect(await rules({ 'prompt-limits': ['high', {}] })).toBe(`${FILE}: lint.rules.prompt-limits[0]: expected a severity (off, error, warning, warn or info), got "high"`);
  });

  it('unknown rules, with a suggestion', async () => {
    expect(await rules({ 'no-trapp': 'off' })).toBe(`${FILE}: lint.rules.no-trapp: unknown rule (did you mean "no-trap"?)`);
  });

  it('the rest of the config: lists, bounds, choices, unknown keys', async () => {
    expect(await config({ lint: { variables: ['a', 3] } })).toBe(`${FILE}: lint.variables[1]: expected a string, got 3`);
    expect(await config({ lint: { variables: [''] } })).toBe(`${FILE}: lint.variables[0]: expected a non-empty string, got ""`);
    expect(await config({ lint: { maxWarnings: -4 } })).toBe(`${FILE}: lint.maxWarnings: expected a number of at least -1, got -4`);
    expect(await config({ lint: { requiredFunctions: 'book' } })).toBe(`${FILE}: lint.requiredFunctions: expected a list, got "book"`);
    expect(await config({ server: { logLevel: 'loud' } })).toBe(`${FILE}: server.logLevel: expected one of "debug", "info", "warn", "error", got "loud"`);
    expect(await config({ lint: { rule: {} } })).toBe(`${FILE}: lint.rule: unknown key (remove it, or check the spelling)`);
    expect(await config('text')).toBe(`${FILE}: (root): expected an object, got "text"`);
  });
});

describe('severity is spelled the same in --rule and in config', () => {
  it('accepts off, error, warning, warn and info in both; warn means warning', async () => {
    for (const word of ['off', 'error', 'warning', 'warn', 'info']) {
      const fromConfig = resolveLintOptions((await validateConfig({ lint: { rules: { 'no-dead-end': word } } }, FILE)).lint, {}, FILE).rules!['no-dead-end'];
      const fromFlag = parseRuleFlags([`no-dead-end:${word}`])['no-dead-end'];
      expect(fromFlag).toBe(fromConfig);
      expect(fromConfig).toBe(word === 'warn' ? 'warning' : word);
    }
  });

  it('names the allowed words when a --rule severity is wrong', async () => {
    expect(await problem(() => parseRuleFlags(['no-dead-end:high']))).toBe('--rule "no-dead-end:high": expected a severity (off, error, warning, warn or info), got "high"');
    expect(await problem(() => parseRuleFlags(['no-dead-end']))).toBe('--rule "no-dead-end": expected id:severity, e.g. --rule no-unreachable-node:off (severity is off, error, warning, warn or info)');
    expect(await problem(() => resolveLintOptions({}, { 'no-trapp': 'off' }))).toBe('--rule: unknown rule "no-trapp" (did you mean "no-trap"?)');
  });
});
