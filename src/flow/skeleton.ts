/**
 * Where the containers of a JSON text end, and where the elements of its long arrays start, found in one
 * scan: what lets JsonSource.locate jump over every subtree no pointer enters, and straight to the few
 * elements of a flow's node list that hold a finding, instead of scanning 8 MB to find 200 positions. The
 * lint assist (validators/assist.ts) runs the scan in a worker while the rules run.
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
  /** Long arrays (a flow's nodes, tools, components): where each element starts. */
  lists: SkeletonLists;
}

export interface SkeletonLists {
  /** Offset of each indexed array's opening bracket, increasing. */
  starts: Int32Array;
  /** Its elements are elements[3 * k .. 3 * k + 2] = (offset, line, line start) for k in first[a] .. first[a + 1) - 1. */
  first: Int32Array;
  elements: Int32Array;
}

/** Containers nested deeper than this are left out: /components/i/nodes/k is depth 4, and what is below a node is small. */
export const SKELETON_DEPTH = 4;
/** Smaller containers are scanned as fast as a lookup would skip them. */
const MIN_SIZE = 48;
/** Arrays this long or longer get their elements indexed (a node's own lists are short). */
const MIN_LIST = 16;

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
  // Slot of each open container (-1 when deeper than maxDepth), and for arrays within maxDepth the
  // element starts seen so far (undefined for objects and deeper arrays).
  const open: number[] = [];
  const lists: (number[] | undefined)[] = [];
  const kept: { start: number; elements: number[] }[] = [];
  // Set after '[' or ',' inside a listed array: the next token starts an element.
  let elementNext = false;
  let line = 1;
  let lineStart = 0;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 13 || c === 9) {
      i++;
      continue;
    }
    if (c === 10) {
      line++;
      lineStart = ++i;
      continue;
    }
    if (elementNext) {
      elementNext = false;
      if (c !== 93) lists[lists.length - 1]!.push(i, line, lineStart);
    }
    if (c === 34) {
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
        if (c === 91) {
          lists.push([]);
          elementNext = true;
        } else lists.push(undefined);
      } else {
        open.push(-1);
        lists.push(undefined);
      }
      i++;
    } else if (c === 125 || c === 93) {
      const slot = open.pop();
      const list = lists.pop();
      i++;
      if (slot !== undefined && slot >= 0) {
        ends[slot] = i;
        endLines[slot] = line;
        endLineStarts[slot] = lineStart;
        if (list && list.length >= 3 * MIN_LIST) kept.push({ start: starts[slot]!, elements: list });
      }
    } else {
      if (c === 44 && lists[lists.length - 1] !== undefined) elementNext = true;
      i++;
    }
  }
  // Drop the small ones: keep order, compact in place.
  let big = 0;
  for (let k = 0; k < count; k++) {
    if (ends[k]! - starts[k]! < MIN_SIZE) continue;
    starts[big] = starts[k]!;
    ends[big] = ends[k]!;
    endLines[big] = endLines[k]!;
    endLineStarts[big] = endLineStarts[k]!;
    big++;
  }
  return { textLength: n, count: big, starts, ends, endLines, endLineStarts, lists: packLists(kept) };
}

/** The kept arrays (closed innermost first) in order of their start, in three flat typed arrays. */
function packLists(kept: { start: number; elements: number[] }[]): SkeletonLists {
  kept.sort((a, b) => a.start - b.start);
  const starts = new Int32Array(kept.length);
  const first = new Int32Array(kept.length + 1);
  let total = 0;
  kept.forEach((list, a) => {
    starts[a] = list.start;
    first[a] = total;
    total += list.elements.length / 3;
  });
  first[kept.length] = total;
  const elements = new Int32Array(3 * total);
  kept.forEach((list, a) => elements.set(list.elements, 3 * first[a]!));
  return { starts, first, elements };
}

function grow(a: Int32Array, size: number): Int32Array {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}
