import { join } from '../../flow/pointer.js';
import { label, scopeLabel, toolRefs, type GraphNode, type ToolDef } from '../../flow/graph.js';
import { suggest } from '../../util/suggest.js';
import { defineRule } from '../rule.js';

/** "did you mean" over tool ids and names: people often write the tool's name where its id belongs. */
function hintFor(ref: string, node: GraphNode): string | undefined {
  const tools = [...new Set(node.scope.toolsById.values())];
  const byName = tools.find((t) => t.name === ref && t.id);
  if (byName) return `"${ref}" is the name of a tool; function nodes and tool_ids use its tool_id "${byName.id}"`;
  const candidates = new Map<string, ToolDef>();
  for (const t of tools) {
    if (t.id) candidates.set(t.id, t);
    if (t.name && !candidates.has(t.name)) candidates.set(t.name, t);
  }
  const best = suggest(ref, candidates.keys());
  if (best === undefined) return undefined;
  const tool = candidates.get(best)!;
  return best === tool.id ? `did you mean "${best}"${tool.name ? ` (tool "${tool.name}")` : ''}?` : `did you mean tool "${best}"? Its tool_id is "${tool.id}"`;
}

export default defineRule({
  id: 'no-missing-tool',
  meta: {
    description: 'Function nodes and subagent tool_ids name a tool that exists in their flow or component.',
    defaultSeverity: 'error',
    messages: {
      noToolId: 'function node {{node}} has no tool_id: it has nothing to run (pick the tool it should call)',
      missing: '{{type}} node {{node}} calls tool_id "{{id}}", but {{scope}} has no tool with that tool_id: the call fails when it gets here',
    },
  },
  check({ graph, report }) {
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      const refs = node.facts.toolRefs;
      if (refs === 'tool_id') {
        // A shared tool lives outside this file; we cannot check it.
        if (node.raw.tool_type === 'shared') continue;
        const id = node.raw.tool_id;
        if (typeof id !== 'string' || id === '') {
          report({ messageId: 'noToolId', data: { node: label(node) }, node, pointer: id === undefined ? node.pointer : join(node.pointer, 'tool_id') });
          continue;
        }
      } else if (refs !== 'tool_ids') {
        continue;
      }
      const scope = node.scope.kind === 'flow' ? 'the flow' : `${scopeLabel(node.scope)} (nor the flow)`;
      // Indexed: most nodes call no tool, and a cold for...of over their empty list still makes an iterator.
      const calls = toolRefs(node);
      for (let r = 0; r < calls.length; r++) {
        const ref = calls[r]!;
        if (node.scope.toolsById.has(ref.id)) continue;
        const hint = hintFor(ref.id, node);
        report({ messageId: 'missing', data: { type: node.type, node: label(node), id: ref.id, scope }, node, pointer: ref.pointer, ...(hint ? { hint } : {}) });
      }
    }
  },
});
