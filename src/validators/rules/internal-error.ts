import { defineRule } from '../rule.js';

// Reported by the engine when a rule throws or reports a message id it does not define: the other rules' findings still come out.
export default defineRule({
  id: 'internal-error',
  meta: {
    description: 'A rule crashed on this flow. This is a retell-kit bug: please report it with the flow.',
    defaultSeverity: 'error',
    messages: {
      crash: 'rule {{rule}} crashed: {{message}} (a retell-kit bug: please report it with this flow)',
      unknownMessage: 'rule {{rule}} reported message id "{{messageId}}", which it does not define (a retell-kit bug: please report it with this flow)',
    },
    reportedByLoader: true,
  },
  check() {},
});
