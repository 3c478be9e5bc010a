import { join } from '../../flow/pointer.js';
import { label, scopeLabel, type GraphNode } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-dangling-edge',
  meta: {
    description: 'Every edge that names a destination names a node of the same flow or component.',
    defaultSeverity: 'error',
    messages: {
      dangling: 'edge from {{from}} goes to "{{to}}", which is not a node of {{scope}}',
      otherScope: 'edge from {{from}} goes to "{{to}}", which is a node of {{where}}: edges cannot cross into or out of a component',
    },
  },
  check({ graph, report }) {
    // Built on the first dangling edge only: most flows have none.
    let anywhere: Map<string, GraphNode> | undefined;
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.edges.length; k++) {
      const edge = graph.edges[k]!;
      if (edge.kind === 'go-back' || edge.destinationId === undefined || edge.to) continue;
      const scope = edge.from.scope;
      const here = scopeLabel(scope);
      anywhere ??= new Map(graph.nodes.filter((n) => n.id).map((n) => [n.id, n]));
      const elsewhere = anywhere.get(edge.destinationId);
      const data = { from: label(edge.from), to: edge.destinationId, scope: here };
      const pointer = join(edge.pointer, 'destination_node_id');
      if (elsewhere && elsewhere.scope !== scope) {
        const where = elsewhere.scope.kind === 'flow' ? 'the top-level flow' : scopeLabel(elsewhere.scope);
        report({ messageId: 'otherScope', data: { ...data, where }, edge, pointer });
      } else {
        report({ messageId: 'dangling', data, edge, pointer });
      }
    }
  },
});
