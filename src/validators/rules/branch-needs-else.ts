import { join } from '../../flow/pointer.js';
import { label, type GraphEdge } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'branch-needs-else',
  meta: {
    description: 'Branch (logic split) and component nodes have an else edge attached to a node.',
    defaultSeverity: 'error',
    messages: {
      missing: '{{type}} node {{node}} has no else_edge: {{when}}, the call has nowhere to go (add an Else edge)',
      unconnected: 'the else edge of {{type}} node {{node}} is not connected to any node: {{when}}, the call has nowhere to go (connect it)',
    },
  },
  check({ graph, report }) {
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      // A branch is evaluated once on entry, and a component node decides once when its component
      // exits, so there is no "wait and try again": Retell requires the else edge (node-types.ts).
      const facts = node.facts;
      if (!facts.needsElse) continue;
      let elseEdge: GraphEdge | undefined;
      for (const e of node.out) {
        if (e.kind === 'else') {
          elseEdge = e;
          break;
        }
      }
      if (elseEdge && elseEdge.destinationId !== undefined) continue;
      const when = facts.entersComponent ? 'when the component exits and no condition matches' : 'when no condition matches';
      const data = { type: node.type, node: label(node), when };
      if (!elseEdge) {
        // Point at a malformed else_edge when there is one, else at the node.
        const pointer = node.raw.else_edge !== undefined ? join(node.pointer, 'else_edge') : node.pointer;
        report({ messageId: 'missing', data, node, pointer });
      } else {
        report({ messageId: 'unconnected', data, edge: elseEdge });
      }
    }
  },
});
