import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'no-unreachable-node',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
