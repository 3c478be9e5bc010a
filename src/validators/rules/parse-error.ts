import { defineRule } from '../rule.js';

// Reported by the loader: a file that is not valid JSON or YAML is a finding, not a crash.
export default defineRule({
  id: 'parse-error',
  meta: {
    description: 'The file is not valid JSON or YAML.',
    defaultSeverity: 'error',
    messages: { parse: '{{message}}' },
    reportedByLoader: true,
  },
  check() {},
});
