import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'equation-syntax',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
