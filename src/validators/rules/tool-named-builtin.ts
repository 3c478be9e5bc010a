import { TERMINAL_TOOL_TYPES } from '../../flow/node-types.js';
import { defineRule } from '../rule.js';

/** What each built-in does, for the message: a custom tool with the name does none of it. */
const BUILT_IN: Record<string, string> = {
  end_call: 'hang up',
  transfer_call: 'transfer the call',
  agent_swap: 'swap agents',
  bridge_transfer: 'bridge a transfer',
  cancel_transfer: 'cancel a transfer',
  press_digit: 'press digits',
  send_sms: 'send an SMS',
};

export default defineRule({
  id: 'tool-named-builtin',
  meta: {
    description: 'A custom or code tool named like one of Retell\'s built-in tools (end_call, transfer_call, ...): the LLM calls it for that purpose, but it only runs your endpoint.',
    defaultSeverity: 'warning',
    messages: {
      builtinName: '{{kind}} tool "{{name}}" is named like Retell\'s built-in {{name}}, but it cannot {{does}}: it only calls your endpoint (rename it, or use the built-in {{name}} tool)',
    },
  },
  check({ graph, report }) {
    for (const tool of graph.tools) {
      if (tool.type !== 'custom' && tool.type !== 'code') continue;
      const name = tool.name?.trim().toLowerCase();
      if (!name || !Object.hasOwn(BUILT_IN, name)) continue;
      // A terminal name matters most: callers who ask to hang up or for a person stay on the line.
      report({
        messageId: 'builtinName',
        data: { kind: tool.type, name: tool.name!.trim(), does: BUILT_IN[name]! },
        pointer: tool.pointer,
        ...(tool.inlineOf ? { node: tool.inlineOf } : {}),
        ...(TERMINAL_TOOL_TYPES.has(name) ? {} : { severity: 'info' as const }),
      });
    }
  },
});
