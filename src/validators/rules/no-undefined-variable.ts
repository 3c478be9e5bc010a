import { isRaw, label, type GraphNode } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { suggest } from '../../util/suggest.js';
import { defineRule } from '../rule.js';
import { declaredVariables, isSystemVariable, templateNamesInJson, unknownVariables, unknownZone, type VariableAt } from '../../flow/variables.js';

// Keys whose values are ids, code, JSON paths or example transcripts, never templates Retell fills.
const NOT_TEMPLATES: ReadonlySet<string> = new Set([
  'id',
  'type',
  'name',
  'tool_id',
  'tool_ids',
  'mcp_id',
  'component_id',
  'destination_node_id',
  'display_position',
  'code',
  'response_variables',
  'model_choice',
  'knowledge_base_ids',
  'finetune_transition_examples',
  'finetune_conversation_examples',
  'positive_finetune_examples',
  'negative_finetune_examples',
]);

// The node fields Retell fills variables in (instructions, conditions, transfer targets and messages,
// inline tools, extract descriptions). Invented or unknown keys are unknown-property's business.
const NODE_TEMPLATE_FIELDS: readonly string[] = [
  'instruction',
  'global_node_setting',
  'edges',
  'else_edge',
  'always_edge',
  'skip_response_edge',
  'edge',
  'success_edge',
  'failed_edge',
  'transfer_destination',
  'transfer_option',
  'custom_sip_headers',
  'tools',
  'variables',
];

const HINT =
  'if every call passes it (retell_llm_dynamic_variables, the inbound webhook), list it under lint.variables in your retell-kit config; otherwise give it a value in default_dynamic_variables';

export default defineRule({
  id: 'no-undefined-variable',
  meta: {
    description: '{{variables}} used in prompts, conditions, tools or transfer numbers that nothing declares: no default, no extract node or response variable, not a Retell system variable, not in lint.variables.',
    defaultSeverity: 'warning',
    messages: {
      undefined:
        '{{ref}} in {{where}} is never set in this flow (no default, extract or response variable): unless every call passes it, the LLM or tool reads it as literal text{{didYouMean}}',
      unknownZone: '{{ref}} in {{where}} names the time zone "{{zone}}", which is not an IANA time zone (e.g. America/New_York): Retell cannot fill it',
    },
  },
  check({ graph, settings, text, report }) {
    const declared = declaredVariables(graph);
    const known = new Set<string>([...declared.keys(), ...settings.variables]);
    // Quick reject: when every {{name}} anywhere in the file's text is known, no walk below reports
    // one (most flows; the walk over every node's fields is most of this rule's time).
    const inText = text === undefined ? undefined : templateNamesInJson(text);
    if (inText && [...inText].every((name) => known.has(name) || (isSystemVariable(name) && unknownZone(name) === undefined))) return;
    const candidates = [...known];
    // The same name is usually missing in many nodes; compute its suggestion once.
    const suggestions = new Map<string, string | undefined>();
    const nearest = (name: string) => {
      if (!suggestions.has(name)) suggestions.set(name, suggest(name, candidates));
      return suggestions.get(name);
    };

    // One finding per variable per place (a node, a tool, the global prompt): at its first use, which
    // unknownVariables gives. `place` names where the strings are in messages: a node's is built only
    // when one is reported.
    const check = (place: string | GraphNode, found: VariableAt[], node?: GraphNode) => {
      let where: string | undefined;
      for (let f = 0; f < found.length; f++) {
        const { name, pointer, span } = found[f]!;
        where ??= typeof place === 'string' ? place : `${place.type ? `${place.type} node` : 'node'} ${label(place)}`;
        if (isSystemVariable(name)) {
          const zone = unknownZone(name);
          if (zone !== undefined) report({ messageId: 'unknownZone', data: { ref: `{{${name}}}`, where, zone }, pointer, span, node });
          continue;
        }
        const near = nearest(name);
        report({
          messageId: 'undefined',
          data: { ref: `{{${name}}}`, name, where, didYouMean: near ? ` (did you mean {{${near}}}?)` : '' },
          pointer,
          span,
          node,
          hint: HINT,
        });
      }
    };

    if (typeof graph.raw.global_prompt === 'string') {
      check('the global prompt', unknownVariables(graph.raw.global_prompt, undefined, join(graph.pointer, 'global_prompt'), NOT_TEMPLATES, known));
    }
    const found: VariableAt[] = [];
    for (const node of graph.nodes) {
      unknownVariables(node.raw, NODE_TEMPLATE_FIELDS, node.pointer, NOT_TEMPLATES, known, found);
      if (found.length > 0) {
        check(node, found, node);
        found.length = 0;
      }
    }
    // Inline subagent tools were walked with their node.
    for (const tool of graph.tools) {
      if (tool.inlineOf) continue;
      check(`tool "${tool.name ?? tool.id ?? '?'}"`, unknownVariables(tool.raw, undefined, tool.pointer, NOT_TEMPLATES, known));
    }
    for (const scope of [graph.root, ...graph.components]) {
      const mcps = scope.raw.mcps;
      if (!Array.isArray(mcps)) continue;
      mcps.forEach((m, i) => {
        if (!isRaw(m)) return;
        const pointer = join(scope.pointer, 'mcps', i);
        check(`MCP server "${typeof m.name === 'string' ? m.name : i}"`, unknownVariables(m, undefined, pointer, NOT_TEMPLATES, known));
      });
    }
  },
});
