import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FileResult } from '../diagnostic.js';
import { loadBytes } from '../flow/load.js';
import { get } from '../flow/pointer.js';
import type { Range } from '../flow/source.js';

// --fix and --fix-dry-run: mechanical fixes only (renamed keys, "=" for "==", bare equation names),
// made as text edits at the ranges the loader finds, so the file keeps its indentation, key order,
// line endings and everything else byte for byte. JSON files only; a file that does not parse, or
// whose value at a pointer is not what the fix expects, is left alone.

export interface FixedFile {
  /** Path as shown in reports. */
  file: string;
  /** Absolute path to write. */
  absPath: string;
  before: string;
  after: string;
  /** Fixes applied. */
  applied: number;
  /** Why fixable findings were left alone (a YAML file, a file that does not parse). */
  skipped?: string;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

function offsets(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function span(starts: number[], r: Range): { start: number; end: number } {
  return { start: starts[r.line - 1]! + r.column - 1, end: starts[r.endLine - 1]! + r.endColumn - 1 };
}

/** The fixes of one file's findings, applied to its current text. */
export async function fixFile(result: FileResult, cwd = process.cwd()): Promise<FixedFile | undefined> {
  const fixable = result.diagnostics.filter((d) => d.fix);
  if (fixable.length === 0 || result.file === '-' || result.file.startsWith('<')) return undefined;
  const absPath = path.resolve(cwd, result.file);
  const bytes = await readFile(absPath);
  const loaded = loadBytes(bytes, { path: result.file });
  const before = loaded.source.text;
  const base = { file: result.file, absPath, before, after: before, applied: 0 };
  if (loaded.problems.some((p) => p.kind === 'syntax' || p.kind === 'encoding')) return { ...base, skipped: 'the file does not parse' };
  if (loaded.source.format !== 'json') return { ...base, skipped: '--fix edits JSON files only' };
  // A BOM is kept: the loader drops it from the text it parses, so ranges count from after it.
  const bom = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? '\uFEFF' : '';
  const text = before;
  const starts = offsets(text);
  const target = (d: (typeof fixable)[number]) => d.fix!.at ?? d.pointer;
  const ranges = loaded.source.locate(fixable.map(target));
  const edits: Edit[] = [];
  for (const d of fixable) {
    const at = target(d);
    const range = ranges.get(at);
    const current = get(loaded.value, at);
    if (!range || current === undefined) continue;
    const { start, end } = span(starts, range);
    // The range must hold exactly the value the finding is about, or the file moved under us.
    let literal: unknown;
    try {
      literal = JSON.parse(text.slice(start, end));
    } catch {
      continue;
    }
    if (JSON.stringify(literal) !== JSON.stringify(current)) continue;
    const fix = d.fix!;
    if (fix.action === 'replace-value') {
      edits.push({ start, end, text: JSON.stringify(fix.value) });
    } else {
      const key = at.slice(at.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
      const head = text.slice(Math.max(0, start - 4096), start);
      const m = new RegExp(`${escapeRegExp(JSON.stringify(key))}\\s*:\\s*$`).exec(head);
      if (!m) continue;
      const keyStart = start - head.length + m.index;
      edits.push({ start: keyStart, end: keyStart + JSON.stringify(key).length, text: JSON.stringify(fix.to) });
    }
  }
  edits.sort((a, b) => b.start - a.start);
  let after = text;
  let applied = 0;
  let limit = Infinity;
  for (const e of edits) {
    if (e.end > limit) continue; // overlapping edits: keep the later one only
    after = after.slice(0, e.start) + e.text + after.slice(e.end);
    limit = e.start;
    applied++;
  }
  return { ...base, before: bom + text, after: bom + after, applied };
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** A unified diff of two texts whose lines correspond one to one (fixes never add or remove lines). */
export function unifiedDiff(file: string, before: string, after: string, context = 3): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length !== b.length) throw new Error('unifiedDiff: fixes changed the number of lines');
  const changed = a.map((line, i) => line !== b[i]);
  // As git diff --no-index writes it: an absolute path loses its leading slash after a/ and b/ (patch -p1 refuses a//abs).
  const name = file.replace(/^\/+/, '');
  const out = [`--- a/${name}`, `+++ b/${name}`];
  let i = 0;
  while (i < a.length) {
    if (!changed[i]) {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2 * context lines.
    for (let j = i; j < a.length; j++) {
      if (changed[j]) end = j;
      else if (j - end > 2 * context) break;
    }
    const stop = Math.min(a.length - 1, end + context);
    const body: string[] = [];
    for (let k = start; k <= stop; k++) {
      if (changed[k]) body.push(`-${a[k]}`, `+${b[k]}`);
      else body.push(` ${a[k]}`);
    }
    const count = stop - start + 1;
    out.push(`@@ -${start + 1},${count} +${start + 1},${count} @@`, ...body);
    i = stop + 1;
  }
  return `${out.join('\n')}\n`;
}
