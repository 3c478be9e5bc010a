import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'global-node-condition',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
