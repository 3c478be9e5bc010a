import { isTerminal, label, type GraphEdge, type GraphNode } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

/** How an edge a node carries fails to be a way on: not attached, going to no node, or of a kind Retell does not follow (or define) on that type. */
export type EdgeFailure = 'unattached' | 'dangling' | 'not-followed';

export function edgeFailure(edge: GraphEdge): EdgeFailure | undefined {
  if (!edge.from.facts.follows.has(edge.kind)) return 'not-followed';
  if (edge.kind === 'go-back') return undefined;
  if (edge.destinationId === undefined) return 'unattached';
  return edge.to ? undefined : 'dangling';
}

/** Field names as the flow JSON writes them, for messages about edge kinds. */
const FIELD: Record<GraphEdge['kind'], string> = {
  normal: 'edges[]',
  else: 'else_edge',
  always: 'always_edge',
  'skip-response': 'skip_response_edge',
  'transfer-failed': 'edge',
  'swap-failed': 'edge',
  'sms-success': 'success_edge',
  'sms-failed': 'failed_edge',
  'go-back': 'go_back_conditions',
};


/** "its 2 edges are not attached to any node", "its edge goes to no node (1 unattached)" ... for the message. */
function why(node: GraphNode, failures: Map<EdgeFailure, GraphEdge[]>): string {
  const total = node.out.length;
  const parts: string[] = [];
  const unattached = failures.get('unattached')?.length ?? 0;
  const dangling = failures.get('dangling')?.length ?? 0;
  if (unattached === total) return `${total === 1 ? 'its edge is' : `its ${total} edges are`} not attached to any node`;
  if (dangling === total) return `${total === 1 ? 'its edge goes' : `its ${total} edges go`} to no node of the flow`;
  if (unattached) parts.push(`${unattached} not attached`);
  if (dangling) parts.push(`${dangling} going to no node`);
  return `its ${total} edges lead nowhere (${parts.join(", ")})`;
}

export default defineRule({
  id: 'no-dead-end',
  meta: {
    description: 'Every node that is not an end, transfer or swap node has a way on: one error a stuck node, whatever made it stuck.',
    defaultSeverity: 'error',
    messages: {
      deadEnd: '{{type}} node {{node}} has no way out: callers who reach it can never move on or hang up (add an edge, or end the call)',
      stuck: '{{type}} node {{node}} has no way out: {{why}}, so callers who reach it are stuck (attach an edge, or end the call)',
      notFollowed: '{{type}} node {{node}} has no way out: its {{fields}} is not an edge Retell follows on {{type}} nodes, so callers are stuck (use edges[] or else_edge)',
      outsideSchema:
        '{{type}} node {{node}} leaves only by its {{fields}}, which retell-sdk\'s types do not define on {{type}} nodes: if Retell ignores it, callers are stuck here',
    },
  },
  check({ graph, report }) {
    const nodes = graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const facts = node.facts;
      if (facts.edgeless || isTerminal(node) || node.type === '') continue;
      // A go-back condition returns the caller where they came from: a way out. (A loop, not
      // out.some(): its closure would be made again for every node.)
      const out = node.out;
      let wayOut = false;
      for (let j = 0; j < out.length && !wayOut; j++) {
        const e = out[j]!;
        wayOut = e.kind === 'go-back' || (e.to !== undefined && facts.follows.has(e.kind));
      }
      if (wayOut) continue;
      if (node.out.length === 0) {
        report({ messageId: 'deadEnd', data: { type: node.type, node: label(node) }, node });
        continue;
      }
      const failures = new Map<EdgeFailure, GraphEdge[]>();
      for (const edge of node.out) {
        const failure = edgeFailure(edge)!;
        failures.set(failure, [...(failures.get(failure) ?? []), edge]);
      }
      const unfollowed = failures.get('not-followed') ?? [];
      if (unfollowed.length > 0) {
        const fields = [...new Set(unfollowed.map((e) => FIELD[e.kind]))].join(' and ');
        // The dashboard writes always_edge on function nodes and Retell's runtime takes it, but the API's types do not have it there.
        const attached = unfollowed.some((e) => e.to);
        report({
          messageId: attached ? 'outsideSchema' : 'notFollowed',
          data: { type: node.type, node: label(node), fields, count: unfollowed.length },
          node,
          severity: attached && !failures.has('unattached') && !failures.has('dangling') ? 'warning' : undefined,
        });
        continue;
      }
      report({
        messageId: 'stuck',
        data: { type: node.type, node: label(node), why: why(node, failures), unattached: failures.get('unattached')?.length ?? 0, dangling: failures.get('dangling')?.length ?? 0, edges: node.out.length },
        node,
      });
    }
  },
});
