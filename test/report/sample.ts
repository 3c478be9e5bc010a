import type { FormatContext } from '../../src/report/types.js';
import { listRules } from '../../src/validators/engine.js';
import { lintFlow, type FileResult, type LintOptions } from '../../src/validators/lint.js';

/** Only rules that are finished, so these tests do not move when other rules are filled in. */
export const STABLE_RULES = ['start-node', 'no-dangling-edge', 'no-unconnected-edge', 'no-dead-end'];

export const context: FormatContext = { cwd: '/work/project', color: false, version: '1.2.3', rules: listRules() };

interface Node {
  id: string;
  type: string;
  instruction: { type: string; text: string };
  edges?: { id: string; transition_condition: { type: string; prompt: string }; destination_node_id: string }[];
}

function edge(id: string, to: string) {
  return { id, transition_condition: { type: 'prompt', prompt: `caller wants ${to}` }, destination_node_id: to };
}

/**
 * A flow with `dangling` edges that point nowhere (errors) and `deadEnds` conversation nodes with no
 * way out (no-dead-end). Destination ids can carry odd characters to exercise escaping.
 */
export function brokenFlow(options: { dangling?: string[]; deadEnds?: number } = {}): Record<string, unknown> {
  const dangling = options.dangling ?? ['nowhere'];
  const deadEnds = options.deadEnds ?? 1;
  const nodes: Node[] = [
    {
      id: 'greet',
      type: 'conversation',
      instruction: { type: 'static_text', text: 'Hello, thanks for calling.' },
      edges: [...dangling.map((to, i) => edge(`e-missing-${i}`, to)), ...Array.from({ length: deadEnds }, (_, i) => edge(`e-stuck-${i}`, `stuck-${i}`)), edge('e-bye', 'bye')],
    },
    ...Array.from({ length: deadEnds }, (_, i) => ({ id: `stuck-${i}`, type: 'conversation', instruction: { type: 'prompt', text: 'Ask again.' }, edges: [] })),
    { id: 'bye', type: 'end', instruction: { type: 'prompt', text: 'Say goodbye.' } },
  ];
  return {
    start_speaker: 'agent',
    model_choice: { type: 'cascading', model: 'gpt-4.1' },
    start_node_id: 'greet',
    nodes,
  };
}

export function lint(flow: object, path = 'flows/support.json', options: LintOptions = {}, indent = 2): FileResult {
  return lintFlow(JSON.stringify(flow, null, indent), { path, only: STABLE_RULES, ...options });
}

/** Two files with problems of all three severities, and one clean file. */
export function sampleResults(): FileResult[] {
  const clean = brokenFlow({ dangling: [], deadEnds: 0 });
  return [
    lint(brokenFlow({ dangling: ['nowhere', 'also-missing'], deadEnds: 1 }), 'flows/support line.json', { rules: { 'no-dead-end': 'warning' } }),
    lint(brokenFlow({ dangling: ['gone'], deadEnds: 1 }), 'flows/billing.json', { rules: { 'no-dead-end': 'info' } }),
    lint(clean, 'flows/clean.json'),
  ];
}
