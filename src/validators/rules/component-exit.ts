import { join } from '../../flow/pointer.js';
import { label, type GraphNode, type Scope } from '../../flow/graph.js';
import { suggest } from '../../util/suggest.js';
import { defineRule, type Report } from '../rule.js';

function componentName(scope: Scope): string {
  return `"${scope.name ?? scope.id}"`;
}

export default defineRule({
  id: 'component-exit',
  meta: {
    description: 'Local components are used, have a reachable exit (end) node, contain no component nodes, and component nodes name a local component that exists.',
    defaultSeverity: 'error',
    structural: true,
    messages: {
      noExit: 'component {{component}} has no exit reachable from its start: calls that enter it never return to {{callers}} (link an end "Exit Component" node)',
      nested: 'component node {{node}} is inside component {{component}}: components cannot contain components (move it to the flow)',
      unused: 'component {{component}} is never used: no component node enters it, so its {{count}} nodes are not checked further (use it, or delete it)',
      unknown: 'component node {{node}} enters local component "{{id}}", which this flow does not define',
      noComponentId: 'component node {{node}} has no component_id: it enters nothing (pick the component it should run)',
    },
  },
  check({ graph, analysis, report }) {
    const callers = new Map<Scope, GraphNode[]>();
    const nodes = graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      if (!node.facts.entersComponent) continue;
      if (node.scope.kind === 'component') {
        report({ messageId: 'nested', data: { node: label(node), component: componentName(node.scope) }, node });
      }
      if (node.component) {
        const list = callers.get(node.component);
        if (list) list.push(node);
        else callers.set(node.component, [node]);
      } else if (node.raw.component_type === 'local') {
        checkUnknown(node, graph.components, report);
      }
    }

    for (const scope of graph.components) {
      const users = callers.get(scope);
      if (!users) {
        report({ messageId: 'unused', data: { component: componentName(scope), count: scope.nodes.length, nodes: scope.nodes.map((n) => n.id) }, pointer: scope.pointer, severity: 'warning' });
        continue;
      }
      // A component only called from unreachable nodes is no-unreachable-node's finding; no start is start-node's.
      if (!analysis.usedComponents.has(scope) || !scope.start) continue;
      if (!hasReachableExit(analysis.entries(scope))) {
        const reached = users.filter((n) => analysis.isReachable(n));
        const names = reached.slice(0, 3).map(label).join(', ') + (reached.length > 3 ? `, and ${reached.length - 3} more` : '');
        report({ messageId: 'noExit', data: { component: componentName(scope), callers: `component node ${names}` }, pointer: scope.pointer });
      }
    }
  },
});

function checkUnknown(node: GraphNode, components: Scope[], report: (r: Report<'noComponentId' | 'unknown'>) => void): void {
  const id = node.raw.component_id;
  if (typeof id !== 'string' || id === '') {
    report({ messageId: 'noComponentId', data: { node: label(node) }, node });
    return;
  }
  const byName = components.find((c) => c.name === id);
  const near = byName ? byName.id : suggest(id, components.map((c) => c.id));
  const hint = byName ? `"${id}" is the name of a component; component_id takes its id "${byName.id}"` : near ? `did you mean "${near}"?` : undefined;
  report({ messageId: 'unknown', data: { node: label(node), id }, node, pointer: join(node.pointer, 'component_id'), ...(hint ? { hint } : {}) });
}

/** Inside a component an end node is its exit; walk from its entries along connected edges. */
function hasReachableExit(entries: GraphNode[]): boolean {
  const seen = new Set<GraphNode>(entries);
  const stack = [...entries];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.facts.exitsComponent) return true;
    for (const e of node.out) {
      if (e.to && !seen.has(e.to)) {
        seen.add(e.to);
        stack.push(e.to);
      }
    }
  }
  return false;
}
