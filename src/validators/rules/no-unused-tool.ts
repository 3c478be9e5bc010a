import { join } from '../../flow/pointer.js';
import { label, toolRefs, type GraphNode, type ToolDef } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-unused-tool',
  meta: {
    description: 'Every flow or component tool is called by a reachable function node or subagent (conversation nodes cannot call tools).',
    defaultSeverity: 'warning',
    messages: {
      unused: 'tool "{{tool}}" is never called: no function node or subagent tool_ids use tool_id "{{id}}" (use it, or delete the tool)',
      unreachableOnly: 'tool "{{tool}}" is used only by unreachable nodes ({{nodes}}): no call can run it',
      noId: 'tool "{{tool}}" has no tool_id, so no function node or subagent can call it (give it a tool_id)',
    },
  },
  check({ graph, analysis, report }) {
    const users = new Map<ToolDef, GraphNode[]>();
    const use = (node: GraphNode, id: string): void => {
      const tool = node.scope.toolsById.get(id);
      if (!tool) return;
      const list = users.get(tool);
      if (list) list.push(node);
      else users.set(tool, [node]);
    };
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      const field = node.facts.toolRefs;
      if (field === undefined) continue;
      // A function node's one tool id, read as toolRefs reads it but without a list and a ref for each of
      // the thousands of function nodes a big flow has (only their ids are needed here).
      if (field === 'tool_id') {
        if (typeof node.raw.tool_id === 'string') use(node, node.raw.tool_id);
        continue;
      }
      const refs = toolRefs(node);
      for (let r = 0; r < refs.length; r++) use(node, refs[r]!.id);
    }
    for (let k = 0; k < graph.tools.length; k++) {
      const tool = graph.tools[k]!;
      if (tool.inlineOf) continue;
      const name = tool.name ?? tool.id ?? tool.pointer;
      if (tool.id === undefined || tool.id === '') {
        report({ messageId: 'noId', data: { tool: name }, pointer: tool.pointer });
        continue;
      }
      // A repeated tool_id never resolves to this copy; no-duplicate-id reports it.
      if (tool.scope.toolsById.get(tool.id) !== tool) continue;
      const callers = users.get(tool) ?? [];
      if (callers.some((n) => analysis.isReachable(n))) continue;
      // With no valid start nothing is reachable: start-node reports the one cause, not every tool.
      if (callers.length > 0 && !graph.root.start) continue;
      if (callers.length === 0) {
        report({ messageId: 'unused', data: { tool: name, id: tool.id }, pointer: join(tool.pointer, 'tool_id') });
      } else {
        const nodes = callers.slice(0, 3).map(label).join(', ') + (callers.length > 3 ? `, and ${callers.length - 3} more` : '');
        report({ messageId: 'unreachableOnly', data: { tool: name, id: tool.id, nodes }, pointer: join(tool.pointer, 'tool_id') });
      }
    }
  },
});
