import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Diagnostic } from '../diagnostic.js';
import { KitError } from '../errors.js';
import type { FileResult } from './engine.js';

/**
 * A baseline records today's findings by identity (rule + flow + node/edge id + messageId), never by
 * line, so moving nodes on the canvas or reformatting the JSON keeps it valid. Flow JSON has no
 * comments, so this is how a team adopts lint on old flows and fails only on what is new.
 */
export interface BaselineEntry {
  rule: string;
  flow: string;
  node?: string;
  edge?: string;
  messageId: string;
  count: number;
}

export interface BaselineFile {
  version: 1;
  entries: BaselineEntry[];
}

/** The identity of a finding; `diff` will reuse it to say which findings a version adds or fixes. */
export function findingKey(d: Diagnostic): string {
  const flow = d.flowId && !d.flowId.startsWith('#') ? d.flowId : `${d.file}${d.flowId ?? ''}`;
  return [d.ruleId, flow, d.nodeId ?? '', d.edgeId ?? '', d.messageId].join('\u0000');
}

function entryKey(e: BaselineEntry): string {
  return [e.rule, e.flow, e.node ?? '', e.edge ?? '', e.messageId].join('\u0000');
}

export function buildBaseline(results: readonly FileResult[]): BaselineFile {
  const byKey = new Map<string, BaselineEntry>();
  for (const r of results) {
    for (const d of r.diagnostics) {
      const key = findingKey(d);
      const existing = byKey.get(key);
      if (existing) existing.count++;
      else {
        const flow = key.split('\u0000')[1]!;
        const entry: BaselineEntry = { rule: d.ruleId, flow, messageId: d.messageId, count: 1 };
        if (d.nodeId) entry.node = d.nodeId;
        if (d.edgeId) entry.edge = d.edgeId;
        byKey.set(key, entry);
      }
    }
  }
  const entries = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { version: 1, entries };
}

/** Write atomically (temp file + rename) so an interrupted run never leaves half a baseline. */
export async function writeBaseline(results: readonly FileResult[], file: string): Promise<number> {
  const baseline = buildBaseline(results);
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, JSON.stringify(baseline, null, 2) + '\n');
    await rename(tmp, file);
  } catch (error) {
    throw new KitError('io', `cannot write baseline: ${(error as Error).message}`, { file, cause: error });
  }
  return baseline.entries.reduce((n, e) => n + e.count, 0);
}

export async function readBaseline(file: string): Promise<BaselineFile> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError('io', code === 'ENOENT' ? 'baseline file not found' : `cannot read baseline: ${(error as Error).message}`, {
      file,
      hint: code === 'ENOENT' ? 'create it with --baseline-write' : undefined,
      cause: error,
    });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new KitError('io', `baseline is not valid JSON: ${(error as Error).message}`, { file, hint: 'recreate it with --baseline-write', cause: error });
  }
  const v = value as BaselineFile;
  if (!v || v.version !== 1 || !Array.isArray(v.entries)) {
    throw new KitError('io', 'not a retell-kit baseline (expected { "version": 1, "entries": [...] })', { file, pointer: '/version', hint: 'recreate it with --baseline-write' });
  }
  return v;
}

/**
 * Drop findings the baseline already knows, up to the recorded count per identity. The dropped ones
 * come back in `suppressedResults`, so SARIF can show them as suppressed rather than fixed.
 */
export function applyBaseline(
  results: readonly FileResult[],
  baseline: BaselineFile,
): { results: FileResult[]; suppressed: number; suppressedResults: FileResult[] } {
  const budget = new Map<string, number>();
  for (const e of baseline.entries) budget.set(entryKey(e), (budget.get(entryKey(e)) ?? 0) + e.count);
  const out: FileResult[] = [];
  const hidden: FileResult[] = [];
  for (const r of results) {
    const kept: FileResult = { file: r.file, diagnostics: [] };
    const dropped: FileResult = { file: r.file, diagnostics: [] };
    for (const d of r.diagnostics) {
      const key = findingKey(d);
      const left = budget.get(key) ?? 0;
      if (left > 0) budget.set(key, left - 1);
      (left > 0 ? dropped : kept).diagnostics.push(d);
    }
    out.push(kept);
    hidden.push(dropped);
  }
  const suppressed = hidden.reduce((n, r) => n + r.diagnostics.length, 0);
  return { results: out, suppressed, suppressedResults: hidden };
}
