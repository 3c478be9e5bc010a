import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'no-missing-tool',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
