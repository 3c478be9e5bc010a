import { isRaw, label, type Raw } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { defineRule } from '../rule.js';
import { isPlaceholder } from '../text.js';

export default defineRule({
  id: 'global-node-condition',
  meta: {
    description: 'Global nodes whose condition is missing, empty or the dashboard placeholder, and go-back conditions that name a destination Retell ignores.',
    defaultSeverity: 'error',
    messages: {
      missingCondition: 'global node {{node}} has no condition: Retell cannot tell when to jump to it (describe when it should take over, e.g. "Caller asks for a human")',
      placeholder: 'global node {{node}} still has the dashboard placeholder "{{text}}" as its condition: the LLM jumps here on a guess (describe when it should take over)',
      goBackDestination:
        'go-back condition {{index}} of global node {{node}} names destination "{{destination}}", but a go-back always returns to the node the caller came from: Retell ignores it (use a normal edge to go elsewhere)',
    },
  },
  check({ graph, report }) {
    for (const node of graph.nodes) {
      const setting = node.raw.global_node_setting;
      if (!isRaw(setting)) continue;
      const base = join(node.pointer, 'global_node_setting');
      const condition = setting.condition;
      if (typeof condition !== 'string' || !condition.trim()) {
        report({ messageId: 'missingCondition', data: { node: label(node) }, node, pointer: 'condition' in setting ? join(base, 'condition') : base });
      } else if (isPlaceholder(condition)) {
        report({ messageId: 'placeholder', data: { node: label(node), text: condition.trim() }, node, pointer: join(base, 'condition') });
      }
    }
    for (const edge of graph.edges) {
      if (edge.kind !== 'go-back') continue;
      const destination = edge.raw.destination_node_id;
      if (typeof destination !== 'string' || !destination) continue;
      // The dashboard numbers go-back conditions by their place in the list.
      const list = (edge.from.raw.global_node_setting as Raw).go_back_conditions as unknown[];
      const index = list.indexOf(edge.raw) + 1;
      report({
        messageId: 'goBackDestination',
        data: { index, node: label(edge.from), destination },
        edge,
        pointer: join(edge.pointer, 'destination_node_id'),
        severity: 'warning',
      });
    }
  },
});
