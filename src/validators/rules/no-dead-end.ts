import { isTerminal, label } from '../../flow/graph.js';
import { nodeType } from '../../flow/node-types.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-dead-end',
  meta: {
    description: 'Every node that is not an end, transfer or swap node has a way out.',
    defaultSeverity: 'error',
    messages: {
      deadEnd: '{{type}} node {{node}} has no way out: callers who reach it can never move on or hang up (add an edge, or end the call)',
    },
  },
  check({ graph, report }) {
    for (const node of graph.nodes) {
      if (nodeType(node.type).edgeless || isTerminal(node) || node.type === '') continue;
      // Unattached edges are no-unconnected-edge's finding; a go-back condition is a way out.
      if (node.out.length > 0) continue;
      report({ messageId: 'deadEnd', data: { type: node.type, node: label(node) }, node });
    }
  },
});
