/**
 * Levenshtein distance. With `max`, only distances up to it are exact: anything larger comes back as
 * max + 1, computed in a band of max cells either side of the diagonal (O(length x max), not
 * O(length^2): a did-you-mean on a 30,000-character id took seconds).
 */
export function distance(a: string, b: string, max = Infinity): number {
  if (a === b) return 0;
  // a is the shorter: the band then covers every column a row can reach.
  if (a.length > b.length) [a, b] = [b, a];
  const n = a.length;
  const m = b.length;
  if (m - n > max) return max + 1;
  const band = Math.min(max, m);
  const far = band + 1;
  let prev = new Array<number>(m + 1);
  let cur = new Array<number>(m + 1);
  for (let j = 0; j <= m; j++) prev[j] = j <= band ? j : far;
  for (let i = 1; i <= n; i++) {
    const lo = Math.max(1, i - band);
    const hi = Math.min(m, i + band);
    cur[lo - 1] = lo === 1 ? Math.min(i, far) : far;
    let rowMin = cur[lo - 1]!;
    const ai = a.charCodeAt(i - 1);
    for (let j = lo; j <= hi; j++) {
      const cost = ai === b.charCodeAt(j - 1) ? 0 : 1;
      const d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost, far);
      cur[j] = d;
      if (d < rowMin) rowMin = d;
    }
    // The cell past the band is read by the next row as "too far": never a value left from two rows ago.
    if (hi < m) cur[hi + 1] = far;
    if (rowMin > band) return max + 1;
    [prev, cur] = [cur, prev];
  }
  const d = prev[m]!;
  return d > band ? max + 1 : d;
}

/** A did-you-mean names a near miss: past this many edits it is another word, however long. */
const MAX_EDITS = 16;

/** The closest candidate within a third of the word's length (at most 16 edits), for "did you mean" hints. */
export function suggest(word: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestScore = Infinity;
  const limit = Math.min(MAX_EDITS, Math.max(2, Math.floor(word.length / 3)));
  const lower = word.toLowerCase();
  for (const c of candidates) {
    const d = distance(lower, c.toLowerCase(), Math.min(limit, bestScore));
    if (d < bestScore && d <= limit) {
      best = c;
      bestScore = d;
    }
  }
  return best;
}
