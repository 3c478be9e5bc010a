import type { Severity } from '../diagnostic.js';

/**
 * The words that set a rule's severity, the same in config (`lint.rules`) and in `--rule`. `warn` is
 * ESLint's spelling, accepted as `warning`. Kept apart from zod and the engine so both the config
 * schema and the flag parser can import it cheaply.
 */
export const SEVERITY_WORDS = ['off', 'error', 'warning', 'warn', 'info'] as const;
export type SeverityWord = (typeof SEVERITY_WORDS)[number];
export type RuleSeverity = Severity | 'off';

/** How errors name the allowed words. */
export const SEVERITY_CHOICES = 'off, error, warning, warn or info';

export function isSeverityWord(word: string): word is SeverityWord {
  return (SEVERITY_WORDS as readonly string[]).includes(word);
}

export function normaliseSeverity(word: SeverityWord): RuleSeverity {
  return word === 'warn' ? 'warning' : word;
}
