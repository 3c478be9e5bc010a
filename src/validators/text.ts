/**
 * Word-list heuristics shared by the transition-text rules: the dashboard's placeholder texts, the
 * special edges' fixed literals, and the words that read a tool's result. Variables and templates
 * live in flow/variables.ts.
 */
import type { GraphEdge } from '../flow/graph.js';

/** Texts the dashboard pre-fills and people forget to replace. Compared after normalising. */
export const PLACEHOLDER_TEXTS: readonly string[] = [
  'Describe the transition condition',
  'Describe the condition to jump to this node',
];

// Most condition texts are ASCII: there \p{L} and \p{N} are a-z and 0-9 once lower-cased, and the
// plain class runs several times faster than the Unicode-property one (the same result either way).
const ASCII = /^[\x00-\x7f]*$/;
const NOT_WORD_ASCII = /[^a-z0-9\s_]+/g;
const NOT_WORD = /[^\p{L}\p{N}\s_]+/gu;
const SPACES = /\s+/g;

/** Lower case, punctuation dropped, whitespace collapsed. */
export function normalise(text: string): string {
  const lower = text.toLowerCase();
  return lower
    .replace(ASCII.test(lower) ? NOT_WORD_ASCII : NOT_WORD, ' ')
    .replace(SPACES, ' ')
    .trim();
}

const PLACEHOLDERS = new Set(PLACEHOLDER_TEXTS.map(normalise));

export function isPlaceholder(text: string): boolean {
  return PLACEHOLDERS.has(normalise(text));
}

/** isPlaceholder for a text already normalised. */
export function isPlaceholderNormalised(normalised: string): boolean {
  return PLACEHOLDERS.has(normalised);
}

/** The fixed literals of special edges; on those edges the text is not the author's condition. */
export const SPECIAL_LITERALS: ReadonlySet<string> = new Set(['Always', 'Else', 'Skip response', 'Transfer failed', 'Sent successfully', 'Failed to send']);

/** The prompt text of a prompt condition; undefined for equations and malformed conditions. */
export function promptText(edge: GraphEdge): string | undefined {
  const c = edge.condition;
  if (!c || c.type !== 'prompt') return undefined;
  return typeof c.prompt === 'string' ? c.prompt : '';
}

// Words that speak about the outcome of a call: only knowable once the result is in.
const OUTCOME =
  /\b(returns?|returned|results?|response|success|successful(?:ly)?|succeed(?:s|ed)?|fail(?:s|ed|ure)?|errors?|(?:un)?available|availability|found|booked|confirmed|retrieved|created)\b/i;
// Words that say the call is over; as wrong as the outcome when the node does not wait.
const COMPLETION = /\b(completed?|completes|finished|finishes|done)\b/i;

/** The first outcome word in a text, lower-cased. */
export function outcomeWord(text: string): string | undefined {
  return OUTCOME.exec(text)?.[1]?.toLowerCase();
}

/** The first outcome or completion word in a text, lower-cased. */
export function resultWord(text: string): string | undefined {
  const m = OUTCOME.exec(text) ?? COMPLETION.exec(text);
  return m?.[1]?.toLowerCase();
}
