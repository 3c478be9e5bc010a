import { scopeLabel } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'start-node',
  meta: {
    description: 'The flow and every component name a start node that exists.',
    defaultSeverity: 'error',
    messages: {
      missing: '{{scope}} has no start_node_id: calls have nowhere to begin (connect the Begin tag to a node)',
      unknown: '{{scope}} starts at "{{id}}", which is not a node of it',
    },
  },
  check({ graph, report }) {
    for (const scope of [graph.root, ...graph.components]) {
      const what = scopeLabel(scope);
      if (scope.nodes.length === 0) continue;
      if (scope.startNodeId === undefined || scope.startNodeId === '') {
        report({ messageId: 'missing', data: { scope: what }, pointer: scope.pointer });
      } else if (!scope.start) {
        report({ messageId: 'unknown', data: { scope: what, id: scope.startNodeId }, pointer: join(scope.pointer, 'start_node_id') });
      }
    }
  },
});
