import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'branch-needs-else',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
