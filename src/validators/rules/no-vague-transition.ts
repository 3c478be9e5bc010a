import { label, type EdgeKind, type GraphEdge } from '../../flow/graph.js';
import { join } from '../../flow/pointer.js';
import { defineRule, type Report } from '../rule.js';
import { nodeResponseVariables } from '../../flow/variables.js';
import { isPlaceholderNormalised, normalise, outcomeWord, promptText } from '../text.js';

// Edges whose prompt the author writes. Special edges carry fixed literals (Else, Always, ...).
const AUTHORED: ReadonlySet<EdgeKind> = new Set(['normal', 'go-back']);

/**
 * Words that carry no meaning of their own in a transition condition: answers without a question,
 * flow-control verbs and filler. A condition made only of these names nothing the LLM can check
 * ("yes", "next", "if needed", "ok then proceed"). One other word is enough to make it specific in
 * the context of its node: a domain noun ("pharmacy"), or a role ("caller is done").
 */
const GENERIC_WORDS: ReadonlySet<string> = new Set(
  (
    'yes no yeah yep yup nope nah ok okay k sure fine alright correct right wrong true false ' +
    'next continue continues continued proceed proceeds go goes going ahead on forward move moves moving onward ' +
    'done ready needed need needs if then else otherwise other default always any anything something whatever ' +
    'step node transition condition case option it this that the a an to is are be and or when after now so'
  ).split(' '),
);

/** The special edge a special-literal text (normalised) on an ordinary edge was meant to be. */
function literalMeant(n: string): string | undefined {
  if (n === 'always' || n.startsWith('always ')) return 'always_edge';
  if (n === 'else') return 'else_edge';
  if (n === 'skip response') return 'skip_response_edge';
  return undefined;
}

// Parts of variable names too common to tie a condition to one variable.
const WEAK_PARTS: ReadonlySet<string> = new Set(['id', 'is', 'has', 'flag', 'the', 'of', 'to', 'count', 'data', 'value', 'result', 'results', 'response', 'status']);

/** The response variable whose name shares a meaningful word with the condition text. */
function matchingVariable(normalised: string, variables: string[]): string | undefined {
  const words = new Set(normalised.split(WORD_BREAK));
  return variables.find((v) =>
    v
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .some((part) => part.length > 2 && !WEAK_PARTS.has(part) && (words.has(part) || words.has(part + 's'))),
  );
}

// Names that read as yes/no flags get == "true"; anything else is tested for presence.
const FLAG_NAME = /(^is_|^has_|_flag$|found|success|valid|available|saved|sent|ok$|confirmed|booked)/i;

function exampleEquation(variable: string): string {
  return FLAG_NAME.test(variable) ? `{{${variable}}} == "true"` : `{{${variable}}} exists`;
}

const WORD_BREAK = /[\s_]+/;

function isGeneric(normalised: string): boolean {
  const words = normalised.split(WORD_BREAK).filter(Boolean);
  return words.length > 0 && words.every((w) => GENERIC_WORDS.has(w));
}

/**
 * What a condition text is, whatever edge carries it. `meant` (a special edge's literal) counts on
 * ordinary edges only; on a go-back condition such a text is judged as `generic` or `specific`.
 */
type Verdict =
  | { kind: 'empty' }
  | { kind: 'placeholder' }
  | { kind: 'generic'; normalised: string; meant: string | undefined }
  | { kind: 'specific'; normalised: string; meant: string | undefined };

function judge(text: string): Verdict {
  if (!text.trim()) return { kind: 'empty' };
  const n = normalise(text);
  if (isPlaceholderNormalised(n)) return { kind: 'placeholder' };
  return isGeneric(n) ? { kind: 'generic', normalised: n, meant: literalMeant(n) } : { kind: 'specific', normalised: n, meant: literalMeant(n) };
}

function baseOf(edge: GraphEdge, text: string): { where: string; text: string } {
  return { where: where(edge), text: text.trim().slice(0, 80) };
}

function promptPointer(edge: GraphEdge): string {
  return join(edge.pointer, 'transition_condition', 'prompt');
}

function where(edge: GraphEdge): string {
  return edge.kind === 'go-back' ? `go-back condition of ${label(edge.from)}` : `edge of ${label(edge.from)}`;
}

type MessageId = 'empty' | 'placeholder' | 'generic' | 'literal' | 'preferEquation';

export default defineRule({
  id: 'no-vague-transition',
  meta: {
    description: 'Prompt transition conditions that are empty, still the dashboard placeholder, too generic for the LLM to judge, or a judgement where an equation would be exact.',
    defaultSeverity: 'warning',
    messages: {
      empty: '{{where}} has an empty condition: the LLM has nothing to judge, so this transition fires unpredictably (write when it should be taken)',
      placeholder: '{{where}} still has the dashboard placeholder "{{text}}" as its condition (write when it should be taken)',
      generic: '{{where}} has the condition "{{text}}", which names nothing the LLM can check: say what the caller said or what happened (e.g. "Caller confirmed the appointment time")',
      literal:
        '{{where}} has the condition "{{text}}": it is an ordinary prompt the LLM judges, not a special edge; {{instead}}',
      preferEquation:
        '{{where}} asks the LLM to judge the call\'s result ("{{text}}") although {{node}} stores it in {{variable}}: an equation condition such as {{example}} decides this exactly',
    },
  },
  check({ graph, report }) {
    // Flows repeat their condition texts: each distinct text is judged once, and messages, pointers
    // and labels are built only for the edges reported (a big flow has tens of thousands of edges).
    const verdicts = new Map<string, Verdict>();
    const edges = graph.edges;
    // A call an edge: a function that 13k calls make hot is optimised; a loop that runs once is not (OSR off).
    for (let k = 0; k < edges.length; k++) checkEdge(edges[k]!, verdicts, report);
  },
});

function checkEdge(edge: GraphEdge, verdicts: Map<string, Verdict>, report: (r: Report<MessageId>) => void): void {
    if (!AUTHORED.has(edge.kind)) return;
    // An edge never attached is one leftover, reported once by no-unconnected-edge (which quotes its text).
    if (edge.kind !== 'go-back' && edge.destinationId === undefined) return;
    const text = promptText(edge);
    if (text === undefined) return;
    let verdict = verdicts.get(text);
    if (verdict === undefined) verdicts.set(text, (verdict = judge(text)));
    if (verdict.kind === 'empty') {
      report({ messageId: 'empty', data: { where: where(edge) }, edge, pointer: edge.condition && 'prompt' in edge.condition ? promptPointer(edge) : edge.pointer });
      return;
    }
    if (verdict.kind === 'placeholder') {
      report({ messageId: 'placeholder', data: baseOf(edge, text), edge, pointer: promptPointer(edge) });
      return;
    }
    const meant = edge.kind === 'normal' ? verdict.meant : undefined;
    if (meant) {
      // always_edge and skip_response_edge exist on conversation and subagent nodes only.
      const facts = edge.from.facts;
      const talking = facts.waitsForCaller && facts.follows.has('always');
      const field = meant !== 'else_edge' && !talking ? 'else_edge' : meant;
      const instead =
        field === 'else_edge'
          ? "for a fallback taken when nothing else matches use the node's else_edge"
          : field === 'always_edge'
            ? "for an unconditional move use the node's always_edge"
            : "to move on without waiting for the caller use the node's skip_response_edge";
      report({ messageId: 'literal', data: { ...baseOf(edge, text), instead }, edge, pointer: promptPointer(edge) });
      return;
    }
    if (verdict.kind === 'generic') {
      report({ messageId: 'generic', data: baseOf(edge, text), edge, pointer: promptPointer(edge) });
      return;
    }
    const n = verdict.normalised;
    // A node that waits for its call and stores the answer can route on the stored value.
    // Only when the text names a stored variable's subject, so the suggestion is concrete; a hint, not a defect.
    const from = edge.from;
    if (edge.kind === 'normal' && from.facts.callsTool && from.raw.wait_for_result !== false && outcomeWord(text)) {
      const variable = matchingVariable(n, nodeResponseVariables(from));
      if (variable) {
        report({
          messageId: 'preferEquation',
          data: { ...baseOf(edge, text), node: label(from), variable: `{{${variable}}}`, example: exampleEquation(variable) },
          edge,
          pointer: promptPointer(edge),
          severity: 'info',
        });
      }
    }
}
