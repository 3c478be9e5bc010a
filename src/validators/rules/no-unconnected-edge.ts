import { label, type EdgeKind } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

// Failure edges (transfer, swap, sms) belong to failure-path; a branch's else to branch-needs-else.
// A node these edges leave stuck is no-dead-end's one error: this rule stays a warning an edge, so
// turning it off never hides a stuck node.
const KINDS: ReadonlySet<EdgeKind> = new Set(['normal', 'else', 'always', 'skip-response']);

export default defineRule({
  id: 'no-unconnected-edge',
  meta: {
    description: 'Edges whose destination was never attached (the dashboard leaves these behind); a node they leave stuck is no-dead-end\'s error.',
    defaultSeverity: 'warning',
    messages: {
      unconnected: '{{kind}} of {{node}} is not connected to any node: when it matches, the call stays where it is',
    },
  },
  check({ graph, report }) {
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.edges.length; k++) {
      const edge = graph.edges[k]!;
      if (!KINDS.has(edge.kind) || edge.destinationId !== undefined) continue;
      const from = edge.from;
      if (edge.kind === 'else' && from.facts.needsElse) continue;
      const condition = edge.condition?.type === 'prompt' && typeof edge.condition.prompt === 'string' ? edge.condition.prompt : '';
      const kind = edge.kind === 'normal' ? `edge${condition ? ` "${condition.slice(0, 60)}"` : ''}` : `${edge.kind} edge`;
      report({ messageId: 'unconnected', data: { kind, node: label(from) }, edge });
    }
  },
});
