import type { z } from 'zod';
import { isRaw, label } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { lazyZod } from '../../util/lazy-zod.js';
import { defineRule } from '../rule.js';

export interface PromptLimitsOptions {
  /** Longest global_prompt or node instruction, in characters. */
  maxPromptChars?: number;
  /** Most tools one subagent node may offer the LLM (tool_ids plus inline tools). */
  maxTools?: number;
}

let optionsSchema: z.ZodType<PromptLimitsOptions> | undefined;

/** Built on first use (a config that gives options): zod stays off the start-up path of every lint. */
export function promptLimitsOptions(): z.ZodType<PromptLimitsOptions> {
  const z = lazyZod();
  return (optionsSchema ??= z.strictObject({ maxPromptChars: z.number().int().positive().optional(), maxTools: z.number().int().positive().optional() }));
}

export const DEFAULT_MAX_PROMPT_CHARS = 10_000;
export const DEFAULT_MAX_TOOLS = 20;

export default defineRule({
  id: 'prompt-limits',
  meta: {
    description: 'A global prompt or node instruction longer than maxPromptChars (10,000), or a subagent node offering more than maxTools (20) tools.',
    defaultSeverity: 'warning',
    get options() {
      return promptLimitsOptions();
    },
    messages: {
      promptTooLong: '{{where}} is {{length}} characters long (limit {{max}}): every turn pays for it in latency and cost, and long prompts are followed less reliably (move detail into nodes or a knowledge base)',
      tooManyTools: 'subagent node {{node}} offers the LLM {{count}} tools (limit {{max}}): with that many it picks the wrong one more often (split the node, or move fixed steps into function nodes)',
    },
  },
  check({ graph, options, report }) {
    const opts = (options ?? {}) as PromptLimitsOptions;
    const maxChars = opts.maxPromptChars ?? DEFAULT_MAX_PROMPT_CHARS;
    const maxTools = opts.maxTools ?? DEFAULT_MAX_TOOLS;

    const global = graph.raw.global_prompt;
    if (typeof global === 'string' && global.length > maxChars) {
      report({ messageId: 'promptTooLong', data: { where: 'the global prompt', length: global.length, max: maxChars }, pointer: join(graph.pointer, 'global_prompt') });
    }
    // Indexed: this loop runs once a lint, cold, and a cold for...of allocates a result an element.
    for (let k = 0; k < graph.nodes.length; k++) {
      const node = graph.nodes[k]!;
      const instruction = node.raw.instruction;
      if (isRaw(instruction) && typeof instruction.text === 'string' && instruction.text.length > maxChars) {
        report({
          messageId: 'promptTooLong',
          data: { where: `the instruction of ${node.type} node ${label(node)}`, length: instruction.text.length, max: maxChars },
          node,
          pointer: join(node.pointer, 'instruction', 'text'),
        });
      }
      if (node.facts.inlineTools) {
        const count = (Array.isArray(node.raw.tool_ids) ? node.raw.tool_ids.length : 0) + (Array.isArray(node.raw.tools) ? node.raw.tools.length : 0);
        if (count > maxTools) report({ messageId: 'tooManyTools', data: { node: label(node), count, max: maxTools }, node });
      }
    }
  },
});
