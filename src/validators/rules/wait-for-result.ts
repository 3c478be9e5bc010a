import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'wait-for-result',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
