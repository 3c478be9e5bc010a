import { join } from '../../flow/pointer.js';
import { toolRefs, type ToolDef } from '../../flow/graph.js';
import { suggest } from '../../util/suggest.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'required-functions',
  meta: {
    description: 'Every tool named in lint.requiredFunctions can be called from a reachable function node or subagent.',
    defaultSeverity: 'error',
    messages: {
      missing: 'required function "{{name}}" is not defined: no tool in this flow is named "{{name}}" (add it, or fix lint.requiredFunctions)',
      notCalled: 'required function "{{name}}" is defined but no reachable function node or subagent can call it: calls never run it',
    },
  },
  check({ graph, analysis, settings, report }) {
    if (settings.requiredFunctions.length === 0) return;
    const callable = new Set<string>();
    const defined = new Set<string>();
    const addCallable = (tool: ToolDef | undefined) => {
      if (tool?.name) callable.add(tool.name);
    };
    for (const tool of graph.tools) if (tool.name) defined.add(tool.name);
    for (const node of graph.nodes) {
      if (!analysis.isReachable(node)) continue;
      for (const ref of toolRefs(node)) addCallable(node.scope.toolsById.get(ref.id));
    }
    for (const tool of graph.tools) if (tool.inlineOf && analysis.isReachable(tool.inlineOf)) addCallable(tool);

    const pointer = Array.isArray(graph.raw.tools) ? join(graph.pointer, 'tools') : graph.pointer;
    for (const name of new Set(settings.requiredFunctions)) {
      if (callable.has(name)) continue;
      if (defined.has(name)) {
        report({ messageId: 'notCalled', data: { name }, pointer });
      } else {
        const near = suggest(name, defined);
        report({ messageId: 'missing', data: { name }, pointer, ...(near ? { hint: `did you mean "${near}"?` } : {}) });
      }
    }
  },
});
