// Type-level tests: `npm run typecheck` (tsconfig.test.json) and
// vitest's typecheck run them. Each expect-error directive below fails the check if the line under it
// compiles, i.e. if the typing gets looser.
import { describe, expectTypeOf, it } from 'vitest';
import { defineRule, type MessageIdOf, type Rule } from '../../src/validators/rule.js';
import { rules } from '../../src/validators/registry.js';
import noTrap from '../../src/validators/rules/no-trap.js';

describe('defineRule types message ids', () => {
  it('accepts the ids of meta.messages and rejects any other', () => {
    const rule = defineRule({
      id: 'example',
      meta: { description: 'example', defaultSeverity: 'error', messages: { found: 'found {{what}}', other: 'other' } },
      check({ report }) {
        report({ messageId: 'found', data: { what: 'x' } });
        report({ messageId: 'other' });
        // @ts-expect-error 'typo' is not a key of meta.messages
        report({ messageId: 'typo' });
      },
    });
    expectTypeOf<MessageIdOf<typeof rule>>().toEqualTypeOf<'found' | 'other'>();
  });

  it('reads the ids of the real rules', () => {
    expectTypeOf<MessageIdOf<typeof noTrap>>().toEqualTypeOf<'trap' | 'noEnding' | 'globalOnly'>();
  });

  it('typed rules still go in plain lists (the registry)', () => {
    const list: Rule[] = [noTrap, ...rules.values()];
    expectTypeOf(list).toEqualTypeOf<Rule[]>();
  });
});
