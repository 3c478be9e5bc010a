import { escapeToken } from '../../flow/pointer.js';
import { distance, suggest } from '../../util/suggest.js';
import { defineRule } from '../rule.js';
import { checkFlowSchema, describe, ownerOf, show } from '../schema/check.js';
import { NEW_MODEL_KEYS } from './schema.js';
import { sdkVersion } from '../schema/flow-validator.js';
import { RENAMED_KEYS } from '../../retell/deprecations.js';

function isDeprecatedKey(objectPath: string, key: string): boolean {
  return RENAMED_KEYS.some((r) => r.from === key && (r.on === 'flow' ? objectPath === '' : objectPath.endsWith('/sms_content')));
}

const HINT = 'remove it, or check where it belongs';

export default defineRule({
  id: 'unknown-property',
  meta: {
    description: "A key the retell-sdk types do not have on a flow, node, edge, tool or condition: a typo, a dashboard-only field, or a note Retell will not read. One finding a key and kind of object, with every place in data.",
    defaultSeverity: 'warning',
    structural: true,
    messages: {
      unknown: '{{path}}: {{what}} has no property "{{key}}" in retell-sdk\'s types ({{version}})',
      unknownMany: '{{what}} has no property "{{key}}" in retell-sdk\'s types ({{version}}): {{count}} places, the first here',
      didYouMean: '{{path}}: {{what}} has no property "{{key}}" in retell-sdk\'s types ({{version}}); did you mean "{{suggestion}}"?',
    },
  },
  check({ graph, report }) {
    // The same stray key on 23 function nodes is one finding with a count, not 23 lines.
    const groups = new Map<string, { objectPath: string; key: string; what: string; places: string[] }>();
    for (const { objectPath, key, allowed } of checkFlowSchema(graph.raw).unknown) {
      // Deprecated and renamed keys are retell-deprecation's, with the date and the new name.
      if (isDeprecatedKey(objectPath, key)) continue;
      if ((key === 'tools' || key === 'tool_ids') && describe(graph.raw, objectPath) === 'conversation node') continue;
      // Newer model settings ({type, primary, backup, temperature}) are accepted beside model_choice's own keys.
      if (NEW_MODEL_KEYS.has(key) && /(^|\/)model_choice$/.test(objectPath)) continue;
      const pointer = `${graph.pointer}${objectPath}/${escapeToken(key)}`;
      const what = describe(graph.raw, objectPath);
      // Stricter than suggest() alone: a "did you mean" that names a different setting misleads.
      const near = suggest(key, allowed);
      const strict = Math.max(2, Math.floor(key.length / 4));
      const suggestion = near !== undefined && distance(key.toLowerCase(), near.toLowerCase(), strict) <= strict ? near : undefined;
      if (suggestion) {
        report({ messageId: 'didYouMean', data: { path: show(objectPath), what, key, suggestion, version: sdkVersion }, pointer, ...ownerOf(graph, pointer) });
        continue;
      }
      const id = `${what}\u0000${key}`;
      const group = groups.get(id);
      if (group) group.places.push(show(objectPath));
      else groups.set(id, { objectPath, key, what, places: [show(objectPath)] });
    }
    for (const { objectPath, key, what, places } of groups.values()) {
      const pointer = `${graph.pointer}${objectPath}/${escapeToken(key)}`;
      const data = { path: show(objectPath), what, key, version: sdkVersion, count: places.length, places };
      const others = places.slice(1, 6).join(', ') + (places.length > 6 ? ` and ${places.length - 6} more` : '');
      report({
        messageId: places.length > 1 ? 'unknownMany' : 'unknown',
        data,
        pointer,
        hint: places.length > 1 ? `also at ${others}; ${HINT}` : HINT,
        ...ownerOf(graph, pointer),
      });
    }
  },
});
