import { diffWordsWithSpace } from 'diff';

/** One run of a word-level diff: `=` kept, `-` only in a, `+` only in b. */
export interface WordPart {
  op: '=' | '-' | '+';
  text: string;
}

/** Past this many characters on a side, the diff shows the texts whole: a word diff would cost more than it says. */
const MAX_WORD_DIFF = 20_000;

/** Word-level diff of two texts (whitespace kept, so joining a side's parts gives that side back). */
export function wordDiff(a: string, b: string): WordPart[] {
  if (a.length > MAX_WORD_DIFF || b.length > MAX_WORD_DIFF) return [{ op: '-', text: a }, { op: '+', text: b }];
  return diffWordsWithSpace(a, b).map((part) => ({ op: part.added ? '+' : part.removed ? '-' : '=', text: part.value }));
}

/**
 * The diff cut down for a report: kept runs longer than `context` words keep only their edges, so a
 * one-word change in a 2,000-word prompt shows as a line, not the prompt.
 */
export function condense(parts: readonly WordPart[], context = 6): WordPart[] {
  return parts.map((part, i) => {
    if (part.op !== '=') return part;
    const words = part.text.split(/(\s+)/);
    const limit = context * 2;
    if (words.length <= limit * 2 + 1) return part;
    const first = i === 0;
    const last = i === parts.length - 1;
    if (first) return { op: '=', text: '… ' + words.slice(-limit).join('') };
    if (last) return { op: '=', text: words.slice(0, limit).join('') + ' …' };
    return { op: '=', text: words.slice(0, limit).join('') + ' … ' + words.slice(-limit).join('') };
  });
}

/** Share of b's text that a kept: below ~0.4 the texts were rewritten and a word diff is noise. */
export function kept(parts: readonly WordPart[]): number {
  let same = 0;
  let total = 0;
  for (const p of parts) {
    if (p.op !== '-') total += p.text.length;
    if (p.op === '=') same += p.text.length;
  }
  return total === 0 ? 1 : same / total;
}

export function wordCount(parts: readonly WordPart[], side: '-' | '+'): number {
  return parts.filter((p) => p.op === '=' || p.op === side).map((p) => p.text).join('').split(/\s+/).filter(Boolean).length;
}

/** What a report shows of a word diff: the condensed diff, or one line when the text was rewritten. */
export function shown(parts: readonly WordPart[], max = 600): WordPart[] | string {
  if (kept(parts) < 0.4 && wordCount(parts, '-') + wordCount(parts, '+') > 40) return `rewritten: ${wordCount(parts, '-')} → ${wordCount(parts, '+')} words (--format json has both texts)`;
  const condensed = condense(parts);
  let length = 0;
  const out: WordPart[] = [];
  for (const p of condensed) {
    if (length + p.text.length > max) {
      out.push({ ...p, text: p.text.slice(0, Math.max(0, max - length)) + '…' });
      out.push({ op: '=', text: ' (cut; --format json has both texts)' });
      break;
    }
    out.push(p);
    length += p.text.length;
  }
  return out;
}
