import { defineRule } from '../rule.js';
import { checkFlowSchema, ownerOf } from '../schema/check.js';
import { sdkVersion } from '../schema/flow-validator.js';
import { get } from '../../flow/pointer.js';
import { suggest } from '../../util/suggest.js';

const MODEL_CHOICE = /(^|\/)model_choice$/;

/** Keys of the model settings newer Retell versions write beside (or instead of) `model`. */
export const NEW_MODEL_KEYS: ReadonlySet<string> = new Set(['primary', 'backup', 'temperature']);

/** `{ type, primary, backup?, temperature? }`: the model settings SDK 6 writes. */
export function isNewModelSettings(flow: unknown, path: string): boolean {
  const value = get(flow, path);
  return typeof value === 'object' && value !== null && typeof (value as { primary?: unknown }).primary === 'string';
}

const WHAT_A_FLOW_IS = 'a flow is an object with "nodes" and "start_node_id", or an agent export with a "conversationFlow" object';

export default defineRule({
  id: 'schema',
  meta: {
    description: "The flow matches Retell's API schema (generated from the official retell-sdk types): required keys, node/tool/condition types, value types and allowed values.",
    defaultSeverity: 'error',
    structural: true,
    messages: {
      // Reported by the loader for JSON that is not a flow at all.
      notAnObject: `expected a conversation flow, found {{found}}: ${WHAT_A_FLOW_IS}`,
      unrecognized: `not a conversation flow (keys: {{keys}}): ${WHAT_A_FLOW_IS}`,
      missing: '{{path}}: {{what}} is missing required {{properties}}',
      badTag: '{{path}}: {{value}} is not a {{what}}; expected one of {{expected}}',
      missingTag: '{{path}}: {{what}} has no "{{tag}}"; expected one of {{expected}}',
      type: '{{path}}: expected {{expected}}, found {{found}}',
      enum: '{{path}}: {{value}} is not allowed; expected one of {{expected}}',
      const: '{{path}}: expected {{expected}}, found {{value}}',
      mustBeEmpty: '{{path}}: a {{what}} has no {{key}}, found {{count}}: Retell ignores them here (it only ever writes an empty list); move them to a node that uses them',
      noShape: '{{path}}: matches none of the accepted shapes: {{expected}}',
      invalid: '{{path}}: {{problem}}',
      unknownNodeType: '{{path}}: {{value}} is not a node type retell-sdk {{version}} knows (newer Retell versions add types): linted as a plain node, its own fields unchecked',
      unknownModel: '{{path}}: {{value}} is not a model retell-sdk knows (expected one of {{expected}}): Retell may have retired it or renamed it, check the dashboard\'s model list',
    },
  },
  check({ graph, report }) {
    for (const problem of checkFlowSchema(graph.raw).problems) {
      const pointer = graph.pointer + problem.path;
      // The SDK's model list moves with every release; an unlisted model is worth a look, not a failed build.
      if (problem.messageId === 'enum' && /\/model_choice\/model$/.test(problem.path)) {
        report({ messageId: 'unknownModel', data: problem.data, pointer, severity: 'warning', ...ownerOf(graph, pointer) });
        continue;
      }
      // A node type newer than our SDK (SDK 6 adds escalate): say so, and lint the rest of the flow.
      // A near miss of a known type stays an error with a suggestion: it is a typo, not a new type.
      const typed = get(graph.raw, problem.path);
      const near = typeof typed === 'string' ? suggest(typed, String(problem.data.expected ?? '').split(', ')) : undefined;
      if (problem.messageId === 'badTag' && /\/nodes\/\d+\/type$/.test(problem.path) && near) {
        report({ messageId: problem.messageId, data: problem.data, pointer, hint: `did you mean "${near}"?`, ...ownerOf(graph, pointer) });
        continue;
      }
      if (problem.messageId === 'badTag' && /\/nodes\/\d+\/type$/.test(problem.path)) {
        report({ messageId: 'unknownNodeType', data: { ...problem.data, version: sdkVersion }, pointer, severity: 'warning', ...ownerOf(graph, pointer) });
        continue;
      }
      // Newer model settings ({type, primary, backup, temperature}) stand in for `model`.
      if (problem.messageId === 'missing' && MODEL_CHOICE.test(problem.path) && isNewModelSettings(graph.raw, problem.path)) continue;
      report({ messageId: problem.messageId, data: problem.data, pointer, ...ownerOf(graph, pointer) });
    }
  },
});
