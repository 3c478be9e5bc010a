import { defineRule } from '../rule.js';

// Reported by the loader: a file that is not valid JSON or YAML is a finding, not a crash.
export default defineRule({
  id: 'parse-error',
  meta: {
    description: 'The file is not valid JSON or YAML.',
    defaultSeverity: 'error',
    messages: {
      parse: '{{message}}',
      utf16: 'the file is {{encoding}}, not UTF-8: save it as UTF-8 (your editor\'s encoding menu, or iconv -f UTF-16 -t UTF-8 in.json > out.json)',
    },
    reportedByLoader: true,
  },
  check() {},
});
