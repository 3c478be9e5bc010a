/**
 * Where the containers of a JSON text end, found in one scan: what lets JsonSource.locate jump over every
 * subtree no pointer enters instead of scanning it. On a 10k-node flow that scan is most of what finding
 * 200 findings' positions costs; the lint assist (validators/assist.ts) runs this one in a worker while the
 * rules run, so the main thread only walks the few elements that hold a finding.
 */
export interface Skeleton {
  /** Length of the text it was made from: a skeleton only ever fits that one text. */
  textLength: number;
  /** Number of containers recorded; the arrays below may be longer. */
  count: number;
  /** Offset of each recorded container's opening bracket, increasing. */
  starts: Int32Array;
  /** Offset just past its closing bracket. */
  ends: Int32Array;
  /** Line (1-based) of its closing bracket, and the offset where that line starts. */
  endLines: Int32Array;
  endLineStarts: Int32Array;
}

/** Containers nested deeper than this are left out: /components/i/nodes/k is depth 4, and what is below a node is small. */
export const SKELETON_DEPTH = 4;
/** Smaller containers are scanned as fast as a lookup would skip them. */
const MIN_SIZE = 48;

/**
 * One forward scan of valid JSON text (the worker has parsed it), counting lines as JsonSource.locate
 * does: only "\n" between tokens ends a line (a JSON string never holds a raw newline).
 */
export function scanSkeleton(text: string, maxDepth = SKELETON_DEPTH): Skeleton {
  const n = text.length;
  let size = 1024;
  let starts: Int32Array = new Int32Array(size);
  let ends: Int32Array = new Int32Array(size);
  let endLines: Int32Array = new Int32Array(size);
  let endLineStarts: Int32Array = new Int32Array(size);
  let count = 0;
  // Slot of each open container (-1 when deeper than maxDepth).
  const open: number[] = [];
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32) {
      i++;
    } else if (c === 34) {
      // indexOf jumps over the string; a quote after an odd number of backslashes is escaped.
      let from = i + 1;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q === -1) {
          i = n;
          break;
        }
        let backslashes = 0;
        for (let b = q - 1; b > i && text.charCodeAt(b) === 92; b--) backslashes++;
        if ((backslashes & 1) === 0) {
          i = q + 1;
          break;
        }
        from = q + 1;
      }
    } else if (c === 123 || c === 91) {
      if (open.length <= maxDepth) {
        if (count === size) {
          size *= 2;
          starts = grow(starts, size);
          ends = grow(ends, size);
          endLines = grow(endLines, size);
          endLineStarts = grow(endLineStarts, size);
        }
        starts[count] = i;
        open.push(count++);
      } else {
        open.push(-1);
      }
      i++;
    } else if (c === 125 || c === 93) {
      const slot = open.pop();
      i++;
      if (slot !== undefined && slot >= 0) {
        ends[slot] = i;
        endLines[slot] = line;
        endLineStarts[slot] = lineStart;
      }
    } else if (c === 10) {
      line++;
      lineStart = ++i;
    } else {
      i++;
    }
  }
  // Drop the small ones: keep order, compact in place.
  let kept = 0;
  for (let k = 0; k < count; k++) {
    if (ends[k]! - starts[k]! < MIN_SIZE) continue;
    starts[kept] = starts[k]!;
    ends[kept] = ends[k]!;
    endLines[kept] = endLines[k]!;
    endLineStarts[kept] = endLineStarts[k]!;
    kept++;
  }
  return { textLength: n, count: kept, starts, ends, endLines, endLineStarts };
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
