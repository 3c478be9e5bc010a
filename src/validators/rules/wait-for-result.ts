import { isRaw, label, type GraphEdge } from '../../flow/graph.js';
import { extractVariables, nodeResponseVariables } from '../../flow/variables.js';
import { join } from '../../flow/pointer.js';
import { defineRule } from '../rule.js';
import { promptText, resultWord } from '../text.js';

export default defineRule({
  id: 'wait-for-result',
  meta: {
    description: 'Function, code and MCP nodes that do not wait for their result but whose transitions read it.',
    defaultSeverity: 'warning',
    messages: {
      promptReadsResult:
        '{{type}} node {{node}} has wait_for_result: false, yet its condition "{{text}}" speaks of the result ("{{word}}"): it is judged before any result exists (set wait_for_result: true)',
      equationReadsResult:
        '{{type}} node {{node}} has wait_for_result: false, yet its condition tests {{variable}}, which the result sets: it is decided before the value arrives (set wait_for_result: true)',
    },
  },
  check({ graph, report }) {
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      if (!node.facts.callsTool || node.raw.wait_for_result !== false) continue;
      const written = new Set(nodeResponseVariables(node));
      for (const edge of node.out) {
        if (edge.kind === 'go-back') continue;
        const text = promptText(edge);
        if (text !== undefined) {
          const word = resultWord(text);
          if (word) {
            report({
              messageId: 'promptReadsResult',
              data: { type: node.type, node: label(node), text: text.trim().slice(0, 80), word },
              edge,
              pointer: join(conditionPointer(edge), 'prompt'),
            });
          }
          continue;
        }
        if (edge.condition?.type !== 'equation' || !Array.isArray(edge.condition.equations)) continue;
        // One finding per edge: the first equation that reads a response variable.
        const hit = firstRead(edge.condition.equations, written);
        if (hit) report({ messageId: 'equationReadsResult', data: { type: node.type, node: label(node), variable: `{{${hit.name}}}` }, edge, pointer: join(conditionPointer(edge), 'equations', hit.index, hit.side) });
      }
    }
  },
});

/** Built for a finding only: most edges have none. */
function conditionPointer(edge: GraphEdge): string {
  return join(edge.pointer, 'transition_condition');
}

/** The first equation side, in order, that reads one of the variables `written`. */
function firstRead(equations: unknown[], written: Set<string>): { name: string; index: number; side: 'left' | 'right' } | undefined {
  for (let i = 0; i < equations.length; i++) {
    const eq = equations[i];
    if (!isRaw(eq)) continue;
    for (const side of ['left', 'right'] as const) {
      const value = eq[side];
      if (typeof value !== 'string') continue;
      const read = extractVariables(value).find((v) => written.has(v.name));
      if (read) return { name: read.name, index: i, side };
    }
  }
  return undefined;
}
