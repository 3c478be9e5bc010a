import { escapeToken } from '../../flow/pointer.js';
import { distance, suggest } from '../../util/suggest.js';
import { defineRule } from '../rule.js';
import { checkFlowSchema, describe, ownerOf, show } from '../schema/check.js';

export default defineRule({
  id: 'unknown-property',
  meta: {
    description: "A key that Retell's API (the retell-sdk types) does not know on a flow, node, edge, tool or condition: a typo, or a note Retell will not read.",
    defaultSeverity: 'warning',
    structural: true,
    messages: {
      unknown: '{{path}}: {{what}} has no property "{{key}}" in Retell\'s API, so Retell does not use it (remove it, or check where it belongs)',
      didYouMean: '{{path}}: {{what}} has no property "{{key}}" in Retell\'s API; did you mean "{{suggestion}}"?',
    },
  },
  check({ graph, report }) {
    for (const { objectPath, key, allowed } of checkFlowSchema(graph.raw).unknown) {
      const pointer = `${graph.pointer}${objectPath}/${escapeToken(key)}`;
      // Stricter than suggest() alone: a "did you mean" that names a different setting misleads.
      const near = suggest(key, allowed);
      const suggestion = near !== undefined && distance(key.toLowerCase(), near.toLowerCase()) <= Math.max(2, Math.floor(key.length / 4)) ? near : undefined;
      const data = { path: show(objectPath), what: describe(graph.raw, objectPath), key };
      report({
        messageId: suggestion ? 'didYouMean' : 'unknown',
        data: suggestion ? { ...data, suggestion } : data,
        pointer,
        ...ownerOf(graph, pointer),
      });
    }
  },
});
