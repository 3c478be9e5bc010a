import type { z } from 'zod';
import { KitError } from '../errors.js';
import { suggest } from '../util/suggest.js';
import { getRule, listRules, type LintOptions, type RuleSetting } from '../validators/engine.js';
import type { LintConfig } from './schema.js';
import { SEVERITY_CHOICES, SEVERITY_WORDS, isSeverityWord, normaliseSeverity } from './severity.js';

// One wording for every config problem, whether zod finds it in the file or a rule's own options
// schema finds it later: `file: lint.rules.prompt-limits[1].maxPromptChars: expected a number, got "abc"`.

type Issue = z.core.$ZodIssue;
type KeyPath = readonly PropertyKey[];

/** `lint.rules.prompt-limits[1].maxPromptChars`: dots between keys, list positions in brackets. */
export function keyPath(path: KeyPath): string {
  let out = '';
  for (const key of path) out += typeof key === 'number' ? `[${key}]` : `${out ? '.' : ''}${String(key)}`;
  return out || '(root)';
}

function valueAt(root: unknown, path: KeyPath): { found: boolean; value?: unknown } {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null || !Object.hasOwn(value, key)) return { found: false };
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value };
}

/** A value as an error shows it: short JSON for scalars, a word for the rest. */
function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return value.length === 0 ? 'an empty list' : 'a list';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

const TYPE_WORDS: Record<string, string> = {
  array: 'a list',
  tuple: '[severity, options]',
  int: 'a whole number',
  object: 'an object',
  undefined: 'nothing',
};

function isSeverityList(values: readonly unknown[]): boolean {
  return values.length === SEVERITY_WORDS.length && SEVERITY_WORDS.every((w) => values.includes(w));
}

function bound(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>): string {
  const limit = Number(issue.code === 'too_small' ? issue.minimum : issue.maximum);
  const side = issue.code === 'too_small' ? (issue.inclusive ? 'of at least' : 'above') : issue.inclusive ? 'of at most' : 'below';
  if (issue.origin === 'string') return limit === 1 && issue.code === 'too_small' ? 'a non-empty string' : `a string ${side} ${limit} characters long`;
  if (issue.origin === 'array' || issue.origin === 'set') return `a list ${side} ${limit} items long`;
  return `a number ${side} ${limit}`;
}

/** What the issue expected, in plain words; undefined when zod's own message is the best we have. */
function expected(issue: Issue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      return TYPE_WORDS[issue.expected] ?? `a ${issue.expected}`;
    case 'invalid_value':
      return isSeverityList(issue.values) ? `a severity (${SEVERITY_CHOICES})` : `one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
    case 'too_big':
      return bound(issue);
    case 'invalid_union': {
      const words = issue.errors.map((branch) => (branch[0] ? expected(branch[0]) ?? branch[0].message : undefined)).filter((w): w is string => w !== undefined);
      return words.length ? [...new Set(words)].join(' or ') : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * `key.path: what was expected, got what` for one config problem. `root` is the value the issue's
 * path starts from and `base` the key path of that value in the config (empty for the whole file,
 * `lint.rules.<id>[1]` for a rule's options).
 */
export function describeConfigIssue(issue: Issue, root: unknown, base: KeyPath = []): string {
  // A union of a value and a list ([severity, options]): when the list matched but an item did not,
  // say which item, not that neither shape fits.
  if (issue.code === 'invalid_union') {
    const deeper = issue.errors.map((branch) => branch[0]).find((b) => b !== undefined && b.path.length > 0);
    if (deeper) return describeConfigIssue(deeper, valueAt(root, issue.path).value, [...base, ...issue.path]);
  }
  const where = keyPath([...base, ...issue.path]);
  if (issue.code === 'unrecognized_keys') {
    const many = issue.keys.length > 1;
    return `${where === '(root)' ? '' : where + '.'}${issue.keys.join(', ')}: unknown key${many ? 's' : ''} (remove ${many ? 'them' : 'it'}, or check the spelling)`;
  }
  const words = expected(issue);
  if (words === undefined) return `${where}: ${issue.message.replace(/^Invalid input: /, '')}`;
  const at = valueAt(root, issue.path);
  return `${where}: expected ${words}${at.found ? `, got ${shown(at.value)}` : ''}`;
}

/** The one line for a config problem: `file: key.path: what was expected, got what`. */
export function formatConfigIssue(file: string, issue: Issue, root: unknown, base: KeyPath = []): string {
  return `${file}: ${describeConfigIssue(issue, root, base)}`;
}

/** A KitError (exit 2) for one config problem; its one line is formatConfigIssue's. */
export function configError(file: string, issue: Issue, root: unknown, base: KeyPath = []): KitError {
  return new KitError('config', describeConfigIssue(issue, root, base), { file });
}

function unknownRule(id: string, where: { file: string; key?: string }): KitError {
  const near = suggest(id, listRules().map((r) => r.id));
  const hint = near ? `did you mean "${near}"?` : 'run retell-kit lint --list-rules';
  return new KitError('config', where.key ? `${where.key}: unknown rule` : `unknown rule "${id}"`, { file: where.file, hint });
}

/**
 * Turn config rules plus --rule overrides into engine options. Unknown rule ids and bad rule options
 * are config errors worded like every other (`file` names the config in them).
 */
export function resolveLintOptions(
  config: Pick<LintConfig, 'rules' | 'requiredFunctions' | 'variables' | 'idempotentFunctions'> = {},
  overrides: Record<string, RuleSetting> = {},
  file = 'config',
  base: KeyPath = ['lint'],
): LintOptions {
  const rules: Record<string, RuleSetting> = {};
  const ruleOptions: Record<string, unknown> = {};
  for (const [id, setting] of Object.entries(config.rules ?? {})) {
    const key = keyPath([...base, 'rules', id]);
    const rule = getRule(id);
    if (!rule) throw unknownRule(id, { file, key });
    if (Array.isArray(setting)) {
      const [severity, options] = setting;
      rules[id] = normaliseSeverity(severity);
      const schema = rule.meta.options;
      if (!schema) throw new KitError('config', `${key}: this rule takes no options`, { file, hint: `write "${severity}" instead of a list` });
      const parsed = schema.safeParse(options);
      if (!parsed.success) throw configError(file, parsed.error.issues[0]!, options, [...base, 'rules', id, 1]);
      ruleOptions[id] = parsed.data;
    } else {
      rules[id] = normaliseSeverity(setting);
    }
  }
  for (const [id, severity] of Object.entries(overrides)) {
    if (!getRule(id)) throw unknownRule(id, { file: '--rule' });
    rules[id] = severity;
  }
  return {
    rules,
    ruleOptions,
    settings: { requiredFunctions: config.requiredFunctions ?? [], variables: config.variables ?? [], idempotentFunctions: config.idempotentFunctions ?? [] },
  };
}

/**
 * `lint.overrides` as engine options per glob list, checked like `lint.rules` (errors name
 * `lint.overrides[i].rules.<id>`). Rules set with --rule stay as the command line says.
 */
export function resolveOverrides(config: LintConfig = {}, cliRules: Record<string, RuleSetting> = {}, file = 'config'): { files: string[]; options: LintOptions }[] {
  return (config.overrides ?? []).map((override, i) => {
    const resolved = resolveLintOptions(override, {}, file, ['lint', 'overrides', i]);
    for (const id of Object.keys(cliRules)) delete resolved.rules![id];
    const settings: LintOptions['settings'] = {};
    if (override.requiredFunctions) settings.requiredFunctions = override.requiredFunctions;
    if (override.variables) settings.variables = override.variables;
    return { files: override.files, options: { rules: resolved.rules, ruleOptions: resolved.ruleOptions, settings } };
  });
}

/** Parse `--rule id:severity` flags (also `id=severity`), with the severity words config accepts. */
export function parseRuleFlags(flags: readonly string[]): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const flag of flags) {
    const m = /^([\w-]+)\s*[:=]\s*([\w-]*)$/.exec(flag.trim());
    if (!m) throw new KitError('usage', `--rule "${flag}": expected id:severity, e.g. --rule no-unreachable-node:off`, { hint: `severity is ${SEVERITY_CHOICES}` });
    const word = m[2]!;
    if (!isSeverityWord(word)) throw new KitError('usage', `--rule "${flag}": expected a severity (${SEVERITY_CHOICES}), got ${JSON.stringify(word)}`);
    out[m[1]!] = normaliseSeverity(word);
  }
  return out;
}
