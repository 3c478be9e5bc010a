import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { findingIdentity, identityKey, type FileResult, type FindingIdentity, type IdentityBase } from '../diagnostic.js';
import { KitError } from '../errors.js';
import { writeAtomically } from '../report/write.js';

/**
 * A baseline records today's findings by their identity (diagnostic.ts: rule + flow + node/edge key +
 * subject), never by line, so moving nodes on the canvas or reformatting the JSON keeps it valid.
 * Flow JSON has no comments, so this is how a team adopts lint on old flows and fails only on what
 * is new. Flows without a conversation_flow_id are named by their path from the baseline's
 * directory, so the baseline matches whichever directory lint runs in.
 */
export interface BaselineEntry {
  rule: string;
  flow: string;
  /** flow/identity.ts key of the node or edge the findings are about, e.g. `flow/node:ask_date/else`. */
  target?: string;
  messageId: string;
  count: number;
}

export interface BaselineFile {
  version: 1;
  entries: BaselineEntry[];
}

/** A baseline as read from disk: `root` is its directory, the base of id-less flows' paths. */
export interface LoadedBaseline extends BaselineFile {
  root: string;
}

function toEntry(id: FindingIdentity): BaselineEntry {
  const entry: BaselineEntry = { rule: id.rule, flow: id.flow, messageId: id.subject, count: 0 };
  if (id.target) entry.target = id.target;
  return entry;
}

function entryKey(e: BaselineEntry): string {
  return identityKey({ rule: e.rule, flow: e.flow, target: e.target ?? '', subject: e.messageId });
}

/** `base.root` is the directory the baseline file will live in. */
export function buildBaseline(results: readonly FileResult[], base: IdentityBase): BaselineFile {
  const byKey = new Map<string, BaselineEntry>();
  for (const r of results) {
    for (const d of r.diagnostics) {
      const id = findingIdentity(d, base);
      const key = identityKey(id);
      let entry = byKey.get(key);
      if (!entry) byKey.set(key, (entry = toEntry(id)));
      entry.count++;
    }
  }
  const entries = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, e]) => e);
  return { version: 1, entries };
}

/**
 * Written atomically (report/write.ts) so an interrupted run never leaves half a baseline. `cwd` is
 * the directory the results' paths are relative to (lint's working directory).
 */
export async function writeBaseline(results: readonly FileResult[], file: string, cwd = process.cwd()): Promise<number> {
  const baseline = buildBaseline(results, { cwd, root: path.dirname(path.resolve(cwd, file)) });
  await writeAtomically(file, JSON.stringify(baseline, null, 2) + '\n', 'baseline');
  return baseline.entries.reduce((n, e) => n + e.count, 0);
}

export async function readBaseline(file: string, cwd = process.cwd()): Promise<LoadedBaseline> {
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
  return { version: v.version, entries: v.entries, root: path.dirname(path.resolve(cwd, file)) };
}

/**
 * Drop findings the baseline already knows, up to the recorded count per identity. The dropped ones
 * come back in `suppressedResults`, so SARIF can show them as suppressed rather than fixed.
 */
export function applyBaseline(
  results: readonly FileResult[],
  baseline: BaselineFile & { root?: string },
  cwd = process.cwd(),
): { results: FileResult[]; suppressed: number; suppressedResults: FileResult[] } {
  // A baseline built in memory has no file: its id-less flows are relative to the working directory.
  const base: IdentityBase = { cwd, root: baseline.root ?? cwd };
  const budget = new Map<string, number>();
  for (const e of baseline.entries) budget.set(entryKey(e), (budget.get(entryKey(e)) ?? 0) + e.count);
  const out: FileResult[] = [];
  const hidden: FileResult[] = [];
  for (const r of results) {
    const kept: FileResult = { file: r.file, diagnostics: [] };
    const dropped: FileResult = { file: r.file, diagnostics: [] };
    for (const d of r.diagnostics) {
      const key = identityKey(findingIdentity(d, base));
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
