import { label } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'result-needs-else',
  meta: {
    description: 'Function, code, MCP and extract nodes whose every exit is a condition, with no else: when no condition matches the result, the call waits there forever.',
    defaultSeverity: 'warning',
    messages: {
      noElse:
        '{{type}} node {{node}} leaves only when one of its {{count}} conditions matches: when none matches the result, the caller waits here forever (add an else_edge)',
    },
  },
  check({ graph, report }) {
    for (const node of graph.nodes) {
      const facts = node.facts;
      // Branch and component nodes must have an else: branch-needs-else. These may, and should.
      if (!(facts.callsTool || facts.extractsVariables) || facts.needsElse) continue;
      const conditions = node.out.filter((e) => e.kind === 'normal');
      if (conditions.length === 0) continue;
      // An else or always edge is the fallback (one never attached is no-unconnected-edge's finding).
      if (node.out.some((e) => e.kind === 'else' || e.kind === 'always')) continue;
      // Nothing can be stuck where no condition leads anywhere: that is no-dead-end's.
      if (!conditions.some((e) => e.to)) continue;
      report({ messageId: 'noElse', data: { type: node.type, node: label(node), count: conditions.length }, node });
    }
  },
});
