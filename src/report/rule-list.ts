import type { Rule } from '../validators/rule.js';

/** `retell-kit lint --list-rules`: a table for people, or JSON when asked for. internal-error is not a rule anyone sets. */
export function renderRuleList(rules: readonly Rule[], format: 'text' | 'json'): string {
  const listed = rules.filter((r) => r.id !== 'internal-error');
  if (format === 'json') {
    return JSON.stringify(listed.map((r) => ({ id: r.id, defaultSeverity: r.meta.defaultSeverity, fixable: Boolean(r.meta.fixable), description: r.meta.description })), null, 2) + '\n';
  }
  const width = Math.max(...listed.map((r) => r.id.length));
  // "fix" marks rules whose findings --fix can repair mechanically.
  return listed.map((r) => `${r.id.padEnd(width)}  ${r.meta.defaultSeverity.padEnd(7)}  ${r.meta.fixable ? 'fix' : '   '}  ${r.meta.description}\n`).join('');
}
