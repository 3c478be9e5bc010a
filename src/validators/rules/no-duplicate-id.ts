import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'no-duplicate-id',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
