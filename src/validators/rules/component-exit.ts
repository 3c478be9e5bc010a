import { defineRule } from '../rule.js';

// SKELETON: to be implemented.
export default defineRule({
  id: 'component-exit',
  meta: {
    description: 'TODO',
    defaultSeverity: 'error',
    messages: {},
  },
  check() {},
});
