import { isRaw, label } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { CAL_TOOL_TYPES, CONVERSATION_TOOLS_DEPRECATED, RENAMED_KEYS } from '../../retell/deprecations.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'retell-deprecation',
  meta: {
    description: 'Flow fields and shapes Retell has deprecated or renamed, each with the date of the notice (or the SDK version of the rename) and what to write instead.',
    defaultSeverity: 'warning',
    fixable: true,
    messages: {
      renamed: '"{{from}}" is now "{{to}}" ({{since}}): Retell reads only the new name (rename the key)',
      conversationTools: 'conversation node {{node}} carries tools: since {{date}} Retell runs tools on subagent nodes (make it a subagent node)',
      calTool: 'tool {{tool}} is a Cal.com tool ({{type}}), deprecated inside conversation flows (call Cal.com from a custom tool instead)',
    },
  },
  check({ graph, report }) {
    for (const rename of RENAMED_KEYS) {
      if (rename.on === 'flow' && Object.hasOwn(graph.raw, rename.from)) {
        report({ messageId: 'renamed', data: { from: rename.from, to: rename.to, since: rename.since }, pointer: join(graph.pointer, rename.from), fix: { action: 'rename-key', to: rename.to } });
      }
    }
    const sms = RENAMED_KEYS.find((r) => r.on === 'sms-content')!;
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.tools.length; k++) {
      const tool = graph.tools[k]!;
      const content = tool.raw.sms_content;
      if (isRaw(content) && Object.hasOwn(content, sms.from) && !Object.hasOwn(content, sms.to)) {
        report({ messageId: 'renamed', data: { from: `sms_content.${sms.from}`, to: `sms_content.${sms.to}`, since: sms.since }, pointer: join(tool.pointer, 'sms_content', sms.from), fix: { action: 'rename-key', to: sms.to }, ...(tool.inlineOf ? { node: tool.inlineOf } : {}) });
      }
      if (CAL_TOOL_TYPES.has(tool.type)) {
        report({ messageId: 'calTool', data: { tool: `"${tool.name ?? tool.id ?? tool.type}"`, type: tool.type }, pointer: tool.pointer, ...(tool.inlineOf ? { node: tool.inlineOf } : {}) });
      }
    }
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      if (node.type !== 'conversation') continue;
      const tools = node.raw.tools ?? node.raw.tool_ids;
      if (Array.isArray(tools) && tools.length > 0) {
        // A subagent node is a conversation node plus tools (retell-sdk's types: the same keys and edges,
        // tools and tool_ids added), but its instruction must be a prompt: only then is the type the one change.
        const instruction = node.raw.instruction;
        const fix = isRaw(instruction) && instruction.type === 'prompt' ? { fix: { action: 'replace-value' as const, value: 'subagent', at: join(node.pointer, 'type') } } : {};
        report({ messageId: 'conversationTools', data: { node: label(node), date: CONVERSATION_TOOLS_DEPRECATED }, node, pointer: join(node.pointer, Array.isArray(node.raw.tools) ? 'tools' : 'tool_ids'), ...fix });
      }
    }
  },
});
