import { label } from '../../flow/graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'no-silent-loop',
  meta: {
    description: 'No cycle made only of hops that never wait for the caller (branch, function, code, extract, MCP, SMS, failed transfers, skip-response edges).',
    defaultSeverity: 'error',
    messages: {
      silentLoop: 'silent loop: {{path}} never waits for the caller, so the agent can cycle here without end (add a node that waits for a reply, or a condition that leaves the loop)',
    },
  },
  check({ analysis, report }) {
    for (const members of analysis.silentCycles) {
      const path = analysis.cyclePath(members);
      const node = path[0]!;
      report({ messageId: 'silentLoop', data: { path: path.map(label).join(' -> '), node: label(node), size: members.length, nodes: members.map((m) => m.id) }, node, related: members });
    }
  },
});
