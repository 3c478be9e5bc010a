import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'failure-path',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
