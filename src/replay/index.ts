// retell-kit replay: recorded calls as regression tests for the handlers. The programmatic API:
// load calls, run them (in-process or against a running serve), compare, optionally update.
import type { HandlerConfig } from '../handlers/registry.js';
import { loadReplayables, type ReplayCall } from './load.js';
import { FAILING, runReplay, type CallResult, type RunOptions } from './run.js';
import { updateRecordings } from './update.js';

export { compareAnswers, IgnoreRules, parseIgnorePattern, formatPath, type Difference, type CompareOptions } from './compare.js';
export { loadReplayables, readReplayable, type ReplayCall, type ReplayStep, type FunctionStep, type WebhookStep, type ExpectedAnswer } from './load.js';
export { runReplay, FAILING, type CallResult, type StepResult, type StepStatus, type RunOptions } from './run.js';
export { updateRecordings, writeAtomic } from './update.js';
export { formatReport, formatText, formatJson, formatJunit, REPLAY_FORMATS, type ReplayFormat } from './format.js';

export interface ReplayGroup {
  agentId?: string;
  agentVersion?: number | string;
  calls: CallResult[];
}

export interface ReplaySummary {
  calls: number;
  failedCalls: number;
  functionCalls: number;
  webhooks: number;
  same: number;
  changed: number;
  error: number;
  noHandler: number;
  noRecordedResult: number;
  builtin: number;
  skipped: number;
  notIdempotent: number;
  updated: number;
}

/** The report every format prints; `--format json` is exactly this (schema-stable, version 1). */
export interface ReplayReport {
  version: 1;
  mode: 'in-process' | 'target';
  target?: string;
  redeliver?: number;
  groups: ReplayGroup[];
  summary: ReplaySummary;
  /** Recordings --update rewrote. */
  updated: string[];
  /** Files with changes --update did not rewrite: Retell call objects (and a recording read from stdin). */
  notUpdated: string[];
}

export interface ReplayOptions extends RunOptions {
  /** Rewrite the expected answers in recordings (never in Retell call objects). */
  update?: boolean;
  cwd?: string;
}

/** Calls grouped by agent_id and agent_version, groups and calls in the order first seen. */
function group(calls: CallResult[]): ReplayGroup[] {
  const groups = new Map<string, ReplayGroup>();
  for (const call of calls) {
    const key = `${call.agentId ?? ''}\u0000${call.agentVersion ?? ''}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { ...(call.agentId !== undefined ? { agentId: call.agentId } : {}), ...(call.agentVersion !== undefined ? { agentVersion: call.agentVersion } : {}), calls: [] }));
    g.calls.push(call);
  }
  return [...groups.values()];
}

function summarise(calls: CallResult[]): ReplaySummary {
  const s: ReplaySummary = { calls: calls.length, failedCalls: 0, functionCalls: 0, webhooks: 0, same: 0, changed: 0, error: 0, noHandler: 0, noRecordedResult: 0, builtin: 0, skipped: 0, notIdempotent: 0, updated: 0 };
  for (const call of calls) {
    if (!call.ok) s.failedCalls++;
    for (const step of call.steps) {
      if (step.kind === 'webhook') s.webhooks++;
      else s.functionCalls++;
      switch (step.status) {
        case 'same': s.same++; break;
        case 'changed': s.changed++; break;
        case 'error': s.error++; break;
        case 'no-handler': s.noHandler++; break;
        case 'no-recorded-result': s.noRecordedResult++; break;
        case 'builtin': s.builtin++; break;
        case 'skipped': s.skipped++; break;
        case 'not-idempotent': s.notIdempotent++; break;
        case 'updated': s.updated++; break;
        default: break;
      }
    }
  }
  return s;
}

/** Builds the report from run results (and what --update wrote). */
export function buildReport(results: CallResult[], options: { target?: string; redeliver?: number; updated?: string[]; notUpdated?: string[] } = {}): ReplayReport {
  for (const call of results) call.ok = !call.steps.some((s) => FAILING.has(s.status)) && !call.extraSideEffects?.length;
  return {
    version: 1,
    mode: options.target ? 'target' : 'in-process',
    ...(options.target ? { target: options.target } : {}),
    ...(options.redeliver && options.redeliver > 1 ? { redeliver: options.redeliver } : {}),
    groups: group(results),
    summary: summarise(results),
    updated: options.updated ?? [],
    notUpdated: options.notUpdated ?? [],
  };
}

/** Replays already loaded calls against the handlers in `config`. */
export async function replayCalls(calls: readonly ReplayCall[], config: HandlerConfig, options: ReplayOptions = {}): Promise<ReplayReport> {
  const { calls: results } = await runReplay(calls, config, options);
  let updated: string[] = [];
  let notUpdated: string[] = [];
  if (options.update) {
    updated = await updateRecordings(calls, results);
    notUpdated = results.filter((r) => r.steps.some((s) => s.status === 'changed' || s.status === 'error')).map((r) => r.file);
  }
  return buildReport(results, { target: options.target?.url, redeliver: options.redeliver, updated, notUpdated });
}

/** Loads files, folders and globs, and replays every call in them. Exit code: `report.summary.failedCalls ? 1 : 0`. */
export async function replay(inputs: readonly string[], config: HandlerConfig, options: ReplayOptions = {}): Promise<ReplayReport> {
  const calls = await loadReplayables(inputs, options.cwd);
  return replayCalls(calls, config, options);
}
