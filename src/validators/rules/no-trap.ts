import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'no-trap',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
