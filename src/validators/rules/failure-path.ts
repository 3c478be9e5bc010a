import { join } from '../../flow/pointer.js';
import { label, type GraphNode } from '../../flow/graph.js';
import { nodeType, type FailureEdge } from '../../flow/node-types.js';
import { defineRule } from '../rule.js';

/** How the dashboard names each failure edge, and what happened when it is taken, for the message. */
const WORDING: Record<FailureEdge['kind'], { edge: string; when: string }> = {
  'transfer-failed': { edge: 'Transfer failed edge', when: 'the transfer fails' },
  'swap-failed': { edge: 'failure edge', when: 'the agent swap fails' },
  'sms-success': { edge: 'Sent successfully edge', when: 'the SMS is sent' },
  'sms-failed': { edge: 'Failed to send edge', when: 'the SMS fails to send' },
};

export default defineRule({
  id: 'failure-path',
  meta: {
    description: 'Transfer, agent swap and SMS nodes say where the call goes after a failed transfer or swap, and after the SMS is sent or fails.',
    defaultSeverity: 'warning',
    messages: {
      missing: '{{type}} node {{node}} has no {{edge}} ({{field}}): when {{when}}, the call has nowhere to go (add the edge and connect it)',
      unconnected: 'the {{edge}} of {{type}} node {{node}} is not connected to any node: when {{when}}, the call has nowhere to go (connect it to a node that handles this)',
    },
  },
  check({ graph, report }) {
    // Indexed loops: most nodes have no failure edge, and a for...of would still make an iterator for each.
    const nodes = graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const wants = node.facts.failureEdges;
      for (let j = 0; j < wants.length; j++) check(node, wants[j]!);
    }

    function check(node: GraphNode, want: FailureEdge): void {
      const edge = node.out.find((e) => e.kind === want.kind);
      if (edge && edge.destinationId !== undefined) return;
      const words = WORDING[want.kind];
      const data = { type: node.type, node: label(node), field: want.field, edge: words.edge, when: words.when };
      if (!edge) {
        const pointer = node.raw[want.field] !== undefined ? join(node.pointer, want.field) : node.pointer;
        report({ messageId: 'missing', data, node, pointer });
      } else {
        report({ messageId: 'unconnected', data, edge });
      }
    }
  },
});
