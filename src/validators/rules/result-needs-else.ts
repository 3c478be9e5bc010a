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
    const nodes = graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const facts = node.facts;
      // Branch and component nodes must have an else: branch-needs-else. These may, and should.
      if (!(facts.callsTool || facts.extractsVariables) || facts.needsElse) continue;
      // One pass over the edges, no arrays or closures a node.
      const out = node.out;
      let conditions = 0;
      let connected = false;
      let fallback = false;
      for (let j = 0; j < out.length; j++) {
        const e = out[j]!;
        if (e.kind === 'normal') {
          conditions++;
          if (e.to) connected = true;
        } else if (e.kind === 'else' || e.kind === 'always') fallback = true;
      }
      if (conditions === 0) continue;
      // An else or always edge is the fallback (one never attached is no-unconnected-edge's finding).
      if (fallback) continue;
      // Nothing can be stuck where no condition leads anywhere: that is no-dead-end's.
      if (!connected) continue;
      report({ messageId: 'noElse', data: { type: node.type, node: label(node), count: conditions }, node });
    }
  },
});
