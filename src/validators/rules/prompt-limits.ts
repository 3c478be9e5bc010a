import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'prompt-limits',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
