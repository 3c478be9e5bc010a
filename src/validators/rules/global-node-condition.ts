import { isRaw, label, type Raw } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { defineRule } from '../rule.js';
import { isPlaceholder } from '../text.js';

const normalise = (text: string) => text.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** The condition is the node's instruction text (or most of it), pasted into the wrong field. */
function copiesInstruction(condition: string, instruction: unknown): boolean {
  if (!isRaw(instruction) || typeof instruction.text !== 'string') return false;
  const c = normalise(condition);
  const i = normalise(instruction.text);
  if (c.length < 12 || i.length < 12) return false;
  return c === i || (i.startsWith(c) && c.length >= i.length * 0.6) || (c.startsWith(i) && i.length >= c.length * 0.6);
}

export default defineRule({
  id: 'global-node-condition',
  meta: {
    description: 'Global nodes whose condition is missing, empty or the dashboard placeholder, and go-back conditions that name a destination Retell ignores.',
    defaultSeverity: 'error',
    messages: {
      missingCondition: 'global node {{node}} has no condition: Retell cannot tell when to jump to it (describe when it should take over, e.g. "Caller asks for a human")',
      placeholder: 'global node {{node}} still has the dashboard placeholder "{{text}}" as its condition: the LLM jumps here on a guess (describe when it should take over)',
      copiesInstruction:
        'global node {{node}} has its own instruction as its condition: the condition says when to jump here (e.g. "Caller asks about prices"), not what to say once there (rewrite it)',
      goBackDestination:
        'go-back condition {{index}} of global node {{node}} names destination "{{destination}}", but a go-back always returns to the node the caller came from: Retell ignores it (use a normal edge to go elsewhere)',
    },
  },
  check({ graph, report }) {
    const nodes = graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      // isGlobal: the graph has read global_node_setting already (an object).
      if (!node.isGlobal) continue;
      const setting = node.raw.global_node_setting;
      if (!isRaw(setting)) continue;
      const base = join(node.pointer, 'global_node_setting');
      const condition = setting.condition;
      if (typeof condition !== 'string' || !condition.trim()) {
        report({ messageId: 'missingCondition', data: { node: label(node) }, node, pointer: 'condition' in setting ? join(base, 'condition') : base });
      } else if (isPlaceholder(condition)) {
        report({ messageId: 'placeholder', data: { node: label(node), text: condition.trim() }, node, pointer: join(base, 'condition') });
      } else if (copiesInstruction(condition, node.raw.instruction)) {
        report({ messageId: 'copiesInstruction', data: { node: label(node) }, node, pointer: join(base, 'condition'), severity: 'warning' });
      }
    }
    const edges = graph.edges;
    for (let k = 0; k < edges.length; k++) {
      const edge = edges[k]!;
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
