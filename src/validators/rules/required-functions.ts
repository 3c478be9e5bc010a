import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'required-functions',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
