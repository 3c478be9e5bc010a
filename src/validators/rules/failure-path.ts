import { join } from '../../flow/pointer.js';
import { label, type EdgeKind, type GraphNode } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

interface FailureEdge {
  field: string;
  /** The edge as the dashboard shows it. */
  edge: string;
  kind: EdgeKind;
  /** What happened when this edge is taken, for the message. */
  when: string;
}

const FAILURE_EDGES: Record<string, FailureEdge[]> = {
  transfer_call: [{ field: 'edge', edge: 'Transfer failed edge', kind: 'transfer-failed', when: 'the transfer fails' }],
  agent_swap: [{ field: 'edge', edge: 'failure edge', kind: 'swap-failed', when: 'the agent swap fails' }],
  sms: [
    { field: 'success_edge', edge: 'Sent successfully edge', kind: 'sms-success', when: 'the SMS is sent' },
    { field: 'failed_edge', edge: 'Failed to send edge', kind: 'sms-failed', when: 'the SMS fails to send' },
  ],
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
    for (const node of graph.nodes) {
      const expected = FAILURE_EDGES[node.type];
      if (!expected) continue;
      for (const want of expected) check(node, want);
    }

    function check(node: GraphNode, want: FailureEdge): void {
      const edge = node.out.find((e) => e.kind === want.kind);
      const data = { type: node.type, node: label(node), field: want.field, edge: want.edge, when: want.when };
      if (!edge) {
        const pointer = node.raw[want.field] !== undefined ? join(node.pointer, want.field) : node.pointer;
        report({ messageId: 'missing', data, node, pointer });
      } else if (edge.destinationId === undefined) {
        report({ messageId: 'unconnected', data, edge });
      }
    }
  },
});
