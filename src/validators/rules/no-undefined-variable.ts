import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'no-undefined-variable',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
