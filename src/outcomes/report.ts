// `retell-kit report`: what the calls really did. Reads recordings (serve --record) and Retell call
// objects one at a time (a report over 10,000 files never holds 10,000 transcripts), keeps per call
// only what the numbers need, and joins the agent's words with what the functions answered.
// The per-version outcome numbers come from outcomesByVersion, the code path the canary verdict uses.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ReportConfig } from '../config/schema.js';
import { KitError } from '../errors.js';
import { displayPath, expandInputs, readStdin } from '../flow/load.js';
import { epoch, readReplayable, replayableFrom } from '../replay/load.js';
import type { RecordedFunctionCall } from '../retell/recording.js';
import { callFrom, parseCallTranscript, type TranscriptToolCall } from '../retell/transcript.js';
import { Redactor } from '../server/redact.js';
import type { RetellClient } from '../retell/client.js';
import type { FunctionTrace, Store } from '../store/store.js';
import { parseDuration } from '../util/duration.js';
import { outcomeRules, parseResult, resultReportsError, type OutcomeRule } from './booking.js';
import { claimPhrases, ClaimMatcher, findClaims, nodePath, type ClaimFinding, type OutcomeAttempt } from './claims.js';
import { connected, DEFAULT_EARLY_HANGUP_MS, outcomesByVersion, versionKey, type CallLike } from './index.js';
import { DEFAULT_SPIKES, findSpikes, HourlyFunctions, percentile, type Spike, type SpikeSettings } from './spikes.js';

export const REPORT_VERSION = 1;

/** One call as the report reads it: a recording or a Retell call object (with serve's traces when a store has them). */
export interface ReportSource {
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  /** The Retell call object (a recording's latest one). */
  call: Record<string, unknown>;
  /** What serve answered (a recording's functionCalls, or the store's traces); absent for bare call objects. */
  functionCalls?: readonly Pick<RecordedFunctionCall, 'name' | 'toolCallId' | 'status' | 'outcome' | 'result' | 'durationMs' | 'startedAt' | 'duplicate' | 'fallback'>[];
  /** The file it came from, as the user named it. */
  file?: string;
}

export interface FunctionStats {
  /** The tool name without its `_v17`-style version suffix. */
  name: string;
  calls: number;
  errors: number;
  errorRate: number;
  /** Calls the caller hung up on before the answer came (not errors). */
  noResult: number;
  /** Answers that were the function's declared fallback (serve's ctx.fetch fallbacks). */
  fallbacks: number;
  p50Ms: number | null;
  p95Ms: number | null;
}

export interface OutcomeStats {
  name: string;
  functions: string[];
  /** Calls with at least one attempt. */
  attempted: number;
  /** Calls where an attempt passed the success test. */
  succeeded: number;
  /** succeeded / calls. */
  conversion: number | null;
}

export interface VersionReport {
  agentId: string;
  agentVersion: number | string;
  calls: number;
  analysed: number;
  successRate: number | null;
  transferRate: number | null;
  earlyHangups: number;
  earlyHangupRate: number | null;
  functionErrorCalls: number;
  functionErrorRate: number | null;
  durationP50Ms: number | null;
  durationP95Ms: number | null;
  firstStart: string | null;
  lastStart: string | null;
  outcomes: Record<string, { attempted: number; succeeded: number; conversion: number | null }>;
  unfulfilledClaims: number;
  recovered: number;
  /** Calls per hour (UTC), with the successful and booked ones: the chart of outcomes over time. */
  series: { hour: string; calls: number; successful: number; outcomes: Record<string, number> }[];
}

export interface ClaimEntry extends ClaimFinding {
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  /** The nodes the call went through. */
  nodePath: string[];
  file?: string;
}

export interface Report {
  version: typeof REPORT_VERSION;
  generatedAt: string;
  period: { from: string | null; to: string | null };
  calls: { read: number; duplicates: number; connected: number; notConnected: number; unattributed: number; unfulfilledClaims: number; recovered: number; outcomes: Record<string, number> };
  byVersion: VersionReport[];
  outcomes: OutcomeStats[];
  functions: FunctionStats[];
  unfulfilledClaims: ClaimEntry[];
  recovered: ClaimEntry[];
  spikes: Spike[];
  /** Function latencies by bucket (upper bound in ms; null is the open last bucket). */
  latencyHistogram: { le: number | null; count: number }[];
  /** Calls -> attempted -> succeeded, per outcome (the first outcome, `booked` by default). */
  funnel: { step: string; count: number }[];
  settings: { earlyHangupMs: number; spikes: SpikeSettings };
}

export interface ReportOptions {
  config?: ReportConfig;
  /** Default report.earlyHangup, else canary's, else 10 s. */
  earlyHangupMs?: number;
  /** Redact phone numbers and names in quotes and results (default true). */
  redact?: boolean;
  /** The clock for generatedAt (tests). */
  now?: () => Date;
}

export const LATENCY_BUCKETS = [100, 250, 500, 1000, 2000, 5000];

const VERSION_SUFFIX = /_v\d+$/i;
const NOISE_TOOLS = new Set(['end_call', 'transfer_call', 'press_digit', 'agent_swap', 'cancel_transfer', 'bridge_transfer']);


function ratio(count: number, total: number): number | null {
  return total > 0 ? Math.round((count / total) * 10_000) / 10_000 : null;
}

function iso(ms: number | null | undefined): string | null {
  return typeof ms === 'number' ? new Date(ms).toISOString() : null;
}

/** One function call of a call, whichever source said so. */
interface FunctionFact {
  name: string;
  toolCallId?: string;
  /** Transcript position (Infinity when the transcript does not show it). */
  index: number;
  error: boolean;
  transportOk: boolean;
  noResult: boolean;
  result: unknown;
  latencyMs?: number;
  at?: number;
  fallback: boolean;
}

function factsFromRecorded(source: ReportSource, tools: TranscriptToolCall[], start: number | undefined): FunctionFact[] {
  const byId = new Map(tools.filter((t) => t.toolCallId).map((t) => [t.toolCallId!, t]));
  const facts: FunctionFact[] = [];
  for (const fc of source.functionCalls ?? []) {
    if (fc.duplicate) continue; // a retry answered from the first answer: one function call
    const transportOk = fc.outcome === 'ok' && fc.status < 400;
    const tool = fc.toolCallId ? byId.get(fc.toolCallId) : undefined;
    facts.push({
      name: fc.name,
      ...(fc.toolCallId ? { toolCallId: fc.toolCallId } : {}),
      index: tool ? tool.index : Number.POSITIVE_INFINITY,
      error: !transportOk || resultReportsError(fc.result),
      transportOk,
      noResult: false,
      result: fc.result,
      latencyMs: fc.durationMs,
      at: epoch(fc.startedAt) ?? start,
      fallback: fc.fallback === true,
    });
  }
  return facts;
}

function factFromTranscript(tool: TranscriptToolCall, start: number | undefined): FunctionFact {
  const noResult = tool.status === 'no-result';
  const transportOk = tool.status === 'ok';
  const latency = tool.result?.timeSec !== undefined && tool.timeSec !== undefined ? Math.max(0, Math.round((tool.result.timeSec - tool.timeSec) * 1000)) : undefined;
  return {
    name: tool.name,
    ...(tool.toolCallId ? { toolCallId: tool.toolCallId } : {}),
    index: tool.index,
    error: !noResult && (!transportOk || resultReportsError(tool.result?.content)),
    transportOk,
    noResult,
    result: tool.result ? parseResult(tool.result.content) : undefined,
    ...(latency !== undefined ? { latencyMs: latency } : {}),
    ...(start !== undefined ? { at: start + (tool.timeSec ?? 0) * 1000 } : {}),
    fallback: false,
  };
}

interface VersionExtra {
  outcomes: Record<string, { attempted: number; succeeded: number }>;
  unfulfilled: number;
  recovered: number;
  series: Map<number, { calls: number; successful: number; outcomes: Record<string, number> }>;
}

interface FunctionAcc {
  calls: number;
  errors: number;
  noResult: number;
  fallbacks: number;
  latencies: number[];
}

const HOUR = 3_600_000;
const MAX_RESULT_CHARS = 600;

/** A result small enough to quote: long text is cut (the full answer is in the recording). */
function quotable(result: unknown): unknown {
  const text = typeof result === 'string' ? result : JSON.stringify(result);
  if (text === undefined || text.length <= MAX_RESULT_CHARS) return result;
  return `${text.slice(0, MAX_RESULT_CHARS)}…`;
}

/** Streams calls in and the report out: add() each call, then finish(). */
export class ReportBuilder {
  private readonly rules: OutcomeRule[];
  private readonly matchers: Map<string, ClaimMatcher>;
  private readonly earlyHangupMs: number;
  private readonly spikeSettings: SpikeSettings;
  private readonly redactor: Redactor | undefined;
  private readonly now: () => Date;
  private readonly slim: CallLike[] = [];
  private readonly functionErrors = new Map<string, boolean>();
  private readonly extras = new Map<string, VersionExtra>();
  private readonly functions = new Map<string, FunctionAcc>();
  private readonly outcomeTotals = new Map<string, { attempted: number; succeeded: number }>();
  private readonly hourly = new HourlyFunctions();
  private readonly unfulfilled: ClaimEntry[] = [];
  private readonly recovered: ClaimEntry[] = [];
  private read = 0;
  private duplicates = 0;
  private readonly seen = new Set<string>();

  constructor(options: ReportOptions = {}) {
    const config = options.config ?? {};
    this.rules = outcomeRules(config);
    this.matchers = new Map(this.rules.map((r) => [r.name, new ClaimMatcher(claimPhrases(r.name, config))]));
    this.earlyHangupMs = options.earlyHangupMs ?? (config.earlyHangup !== undefined ? parseDuration(config.earlyHangup, 'report.earlyHangup') : DEFAULT_EARLY_HANGUP_MS);
    this.spikeSettings = { ...DEFAULT_SPIKES, ...(config.spikes ?? {}) };
    this.redactor = options.redact === false ? undefined : new Redactor();
    this.now = options.now ?? (() => new Date());
  }

  add(source: ReportSource): void {
    this.read++;
    // The same call twice (its recording and its call object): the first one given counts.
    if (this.seen.has(source.callId)) {
      this.duplicates++;
      return;
    }
    this.seen.add(source.callId);
    const call = source.call;
    const transcript = parseCallTranscript(call);
    const start = epoch(call.start_timestamp);
    const agentId = source.agentId ?? (typeof call.agent_id === 'string' ? call.agent_id : undefined);
    const agentVersion = source.agentVersion ?? (typeof call.agent_version === 'number' || typeof call.agent_version === 'string' ? call.agent_version : undefined);
    const analysis = typeof call.call_analysis === 'object' && call.call_analysis !== null ? (call.call_analysis as { call_successful?: unknown }) : undefined;
    const slim: CallLike = {
      call_id: source.callId,
      agent_id: agentId ?? null,
      agent_version: agentVersion ?? null,
      call_status: typeof call.call_status === 'string' ? call.call_status : null,
      start_timestamp: start ?? null,
      duration_ms: typeof call.duration_ms === 'number' ? call.duration_ms : start !== undefined && typeof call.end_timestamp === 'number' ? call.end_timestamp - start : null,
      disconnection_reason: typeof call.disconnection_reason === 'string' ? call.disconnection_reason : null,
      call_analysis: typeof analysis?.call_successful === 'boolean' ? { call_successful: analysis.call_successful } : null,
    };
    this.slim.push(slim);
    if (!agentId || agentVersion === undefined || !connected(slim)) return;

    // What the functions did: serve's own record when there is one, else the transcript's tool results.
    const facts: FunctionFact[] = source.functionCalls ? factsFromRecorded(source, transcript.toolCalls, start) : [];
    const seen = new Set(facts.map((f) => f.toolCallId).filter(Boolean));
    for (const tool of transcript.toolCalls) {
      if (tool.toolCallId && seen.has(tool.toolCallId)) continue;
      const rule = this.rules.some((r) => r.matches(tool.name));
      // serve answered the custom ones (in functionCalls); Retell's built-ins only count when they make an outcome (Cal.com booking).
      if (source.functionCalls && tool.kind === 'custom') continue;
      if (tool.kind === 'builtin' && (NOISE_TOOLS.has(tool.name) || !rule)) continue;
      facts.push(factFromTranscript(tool, start));
    }
    facts.sort((a, b) => a.index - b.index);
    this.functionErrors.set(source.callId, facts.some((f) => f.error));
    for (const f of facts) {
      const name = f.name.replace(VERSION_SUFFIX, '');
      let acc = this.functions.get(name);
      if (!acc) this.functions.set(name, (acc = { calls: 0, errors: 0, noResult: 0, fallbacks: 0, latencies: [] }));
      acc.calls++;
      if (f.error) acc.errors++;
      if (f.noResult) acc.noResult++;
      if (f.fallback) acc.fallbacks++;
      if (f.latencyMs !== undefined && !f.noResult) acc.latencies.push(f.latencyMs);
      if (f.at !== undefined && !f.noResult) this.hourly.add(f.at, f.error, f.latencyMs);
    }

    const key = versionKey(agentId, agentVersion);
    let extra = this.extras.get(key);
    if (!extra) this.extras.set(key, (extra = { outcomes: {}, unfulfilled: 0, recovered: 0, series: new Map() }));
    const hour = Math.floor(start! / HOUR) * HOUR;
    let point = extra.series.get(hour);
    if (!point) extra.series.set(hour, (point = { calls: 0, successful: 0, outcomes: {} }));
    point.calls++;
    if (slim.call_analysis?.call_successful) point.successful++;

    let path: string[] | undefined;
    for (const rule of this.rules) {
      const attempts: OutcomeAttempt[] = facts
        .filter((f) => rule.matches(f.name))
        .map((f) => ({ name: f.name, index: f.index, succeeded: f.transportOk && !f.noResult && rule.succeeded(f.result), result: f.result, ...(f.toolCallId ? { toolCallId: f.toolCallId } : {}) }));
      const totals = this.outcomeTotals.get(rule.name) ?? { attempted: 0, succeeded: 0 };
      this.outcomeTotals.set(rule.name, totals);
      const mine = (extra.outcomes[rule.name] ??= { attempted: 0, succeeded: 0 });
      const succeeded = attempts.some((a) => a.succeeded);
      if (attempts.length) {
        totals.attempted++;
        mine.attempted++;
      }
      if (succeeded) {
        totals.succeeded++;
        mine.succeeded++;
        point.outcomes[rule.name] = (point.outcomes[rule.name] ?? 0) + 1;
      }
      const finding = findClaims(rule.name, this.matchers.get(rule.name)!, transcript.utterances, transcript.nodeTransitions, attempts);
      if (!finding) continue;
      path ??= nodePath(transcript.nodeTransitions);
      const entry = this.redactEntry(call, transcript.toolCalls, {
        callId: source.callId,
        agentId,
        agentVersion,
        ...finding,
        ...(finding.failed ? { failed: { ...finding.failed, result: quotable(finding.failed.result) } } : {}),
        nodePath: path,
        ...(source.file ? { file: source.file } : {}),
      });
      if (entry.status === 'recovered') {
        this.recovered.push(entry);
        extra.recovered++;
      } else {
        this.unfulfilled.push(entry);
        extra.unfulfilled++;
      }
    }
  }

  /** Quotes and results with phone numbers and names replaced; names the call's arguments and variables hold are known by name. */
  private redactEntry(call: Record<string, unknown>, tools: readonly TranscriptToolCall[], entry: ClaimEntry): ClaimEntry {
    if (!this.redactor) return entry;
    const context = {
      retell_llm_dynamic_variables: call.retell_llm_dynamic_variables,
      collected_dynamic_variables: call.collected_dynamic_variables,
      args: tools.map((t) => t.arguments),
    };
    const { quote, correction, failed } = entry;
    const out = (this.redactor.session()({ context, out: { quote, correction, failed } }) as { out: Pick<ClaimEntry, 'quote' | 'correction' | 'failed'> }).out;
    return { ...entry, quote: out.quote, ...(out.correction !== undefined ? { correction: out.correction } : {}), ...(out.failed ? { failed: out.failed } : {}) };
  }

  finish(): Report {
    const outcomes = outcomesByVersion(this.slim, { earlyHangupMs: this.earlyHangupMs, functionErrors: this.functionErrors });
    const byVersion: VersionReport[] = Object.entries(outcomes.versions)
      .sort(([a], [b]) => a.localeCompare(b, 'en', { numeric: true }))
      .map(([key, v]) => {
        const extra = this.extras.get(key);
        return {
          agentId: v.agent_id,
          agentVersion: v.agent_version,
          calls: v.calls,
          analysed: v.analysed,
          successRate: ratio(v.call_successful, v.analysed),
          transferRate: ratio(v.transferred, v.calls),
          earlyHangups: v.early_hangup,
          earlyHangupRate: ratio(v.early_hangup, v.calls),
          functionErrorCalls: v.function_error,
          functionErrorRate: ratio(v.function_error, v.calls),
          durationP50Ms: percentile(v.durations_ms, 0.5) ?? null,
          durationP95Ms: percentile(v.durations_ms, 0.95) ?? null,
          firstStart: iso(v.first_start),
          lastStart: iso(v.last_start),
          outcomes: Object.fromEntries(this.rules.map((r) => {
            const o = extra?.outcomes[r.name] ?? { attempted: 0, succeeded: 0 };
            return [r.name, { ...o, conversion: ratio(o.succeeded, v.calls) }];
          })),
          unfulfilledClaims: extra?.unfulfilled ?? 0,
          recovered: extra?.recovered ?? 0,
          series: [...(extra?.series ?? new Map()).entries()].sort(([a], [b]) => a - b).map(([hour, p]) => ({ hour: iso(hour)!, ...p })),
        };
      });
    const connectedCalls = byVersion.reduce((n, v) => n + v.calls, 0);
    const functions: FunctionStats[] = [...this.functions.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([name, f]) => {
        const answered = f.calls - f.noResult;
        return { name, calls: f.calls, errors: f.errors, errorRate: ratio(f.errors, answered) ?? 0, noResult: f.noResult, fallbacks: f.fallbacks, p50Ms: round1(percentile(f.latencies, 0.5)), p95Ms: round1(percentile(f.latencies, 0.95)) };
      });
    const outcomeStats: OutcomeStats[] = this.rules.map((r) => {
      const t = this.outcomeTotals.get(r.name) ?? { attempted: 0, succeeded: 0 };
      return { name: r.name, functions: r.functions, ...t, conversion: ratio(t.succeeded, connectedCalls) };
    });
    const histogram = [...LATENCY_BUCKETS, null].map((le) => ({ le, count: 0 }));
    for (const f of this.functions.values()) {
      for (const l of f.latencies) histogram[LATENCY_BUCKETS.findIndex((b) => l <= b) === -1 ? LATENCY_BUCKETS.length : LATENCY_BUCKETS.findIndex((b) => l <= b)]!.count++;
    }
    const first = outcomeStats[0];
    const starts = byVersion.flatMap((v) => [v.firstStart, v.lastStart]).filter((s): s is string => s !== null).sort();
    const sortClaims = (list: ClaimEntry[]) => list.sort((a, b) => a.callId.localeCompare(b.callId) || a.outcome.localeCompare(b.outcome));
    return {
      version: REPORT_VERSION,
      generatedAt: this.now().toISOString(),
      period: { from: starts[0] ?? null, to: starts.at(-1) ?? null },
      calls: {
        read: this.read,
        duplicates: this.duplicates,
        connected: connectedCalls,
        notConnected: outcomes.excluded.not_connected,
        unattributed: outcomes.excluded.unattributed,
        unfulfilledClaims: this.unfulfilled.length,
        recovered: this.recovered.length,
        outcomes: Object.fromEntries(outcomeStats.map((o) => [o.name, o.succeeded])),
      },
      byVersion,
      outcomes: outcomeStats,
      functions,
      unfulfilledClaims: sortClaims(this.unfulfilled),
      recovered: sortClaims(this.recovered),
      spikes: findSpikes(this.hourly, this.spikeSettings),
      latencyHistogram: histogram,
      funnel: first
        ? [
            { step: 'calls', count: connectedCalls },
            { step: `${first.name}: attempted`, count: first.attempted },
            { step: `${first.name}: succeeded`, count: first.succeeded },
          ]
        : [{ step: 'calls', count: connectedCalls }],
      settings: { earlyHangupMs: this.earlyHangupMs, spikes: this.spikeSettings },
    };
  }
}

function round1(value: number | undefined): number | null {
  return value === undefined ? null : Math.round(value * 10) / 10;
}

/**
 * A recording or call file as a report source. Recordings and anything that is not a call go through
 * replay's reader (the same errors for the same bad files); a call object without a transcript (a
 * list-calls item) is still a call to count.
 */
export function sourceFromText(text: string, file: string): ReportSource {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return sourceOf(readReplayable(text, file), file); // replay's words for a file that is not JSON
  }
  const call = value && typeof value === 'object' && !('functionCalls' in value) ? callFrom(value) : undefined;
  if (call && typeof call.call_id === 'string' && call.call_id) {
    const agentVersion = call.agent_version;
    return {
      callId: call.call_id,
      ...(typeof call.agent_id === 'string' ? { agentId: call.agent_id } : {}),
      ...(typeof agentVersion === 'number' || typeof agentVersion === 'string' ? { agentVersion } : {}),
      call,
      file,
    };
  }
  return sourceOf(replayableFrom(value, file), file);
}

function sourceOf(r: ReturnType<typeof replayableFrom>, file: string): ReportSource {
  return {
    callId: r.callId,
    ...(r.agentId !== undefined ? { agentId: r.agentId } : {}),
    ...(r.agentVersion !== undefined ? { agentVersion: r.agentVersion } : {}),
    call: r.call,
    ...(r.recording ? { functionCalls: r.recording.functionCalls } : {}),
    file,
  };
}

/**
 * One file's text. Synchronous on purpose: the report does nothing else meanwhile, and for many small
 * files readFileSync costs a third of fs/promises (no thread-pool hop, no file handle object).
 */
function readText(absolute: string, shown: string): string {
  try {
    return readFileSync(absolute, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new KitError(code === 'ENOENT' ? 'not-found' : 'io', code === 'ENOENT' ? 'no such file or directory' : `cannot read: ${(error as Error).message}`, { file: shown, cause: error });
  }
}

/** Files, folders (every .json below) and globs, read one at a time. */
export async function* readSources(inputs: readonly string[], cwd = process.cwd()): AsyncGenerator<ReportSource> {
  if (inputs.length === 0) throw new KitError('usage', 'no calls to report on', { hint: 'name recordings, call objects, folders or globs, or use --api --agent <agent_id>' });
  for (const file of await expandInputs(inputs, cwd)) {
    if (file === '-') {
      yield sourceFromText(await readStdin(), '<stdin>');
      continue;
    }
    const absolute = path.resolve(cwd, file);
    const shown = displayPath(absolute, cwd);
    yield sourceFromText(readText(absolute, shown), shown);
  }
}

/** serve's traces of a call as the function calls a recording would hold. */
export function tracesAsFunctionCalls(traces: readonly FunctionTrace[]): NonNullable<ReportSource['functionCalls']> {
  return traces.map((t) => ({ name: t.name, ...(t.toolCallId ? { toolCallId: t.toolCallId } : {}), status: t.status, outcome: t.outcome, result: t.result, durationMs: t.durationMs, startedAt: new Date(t.startedAt).toISOString(), duplicate: t.duplicate, ...((t as { fallback?: boolean }).fallback ? { fallback: true } : {}) }));
}

/** The report over a stream of sources. */
export async function buildReport(sources: AsyncIterable<ReportSource> | Iterable<ReportSource>, options: ReportOptions = {}): Promise<Report> {
  const builder = new ReportBuilder(options);
  for await (const source of sources) builder.add(source);
  return builder.finish();
}

/** The calls of an agent from Retell's API (list-calls, then get-call for transcripts, a chunk at a time), with serve's traces when a store is given. */
export async function* apiSources(
  client: Pick<RetellClient, 'listCalls' | 'hydrateCalls'>,
  filter: { agentId: string; since?: number; until?: number },
  store?: Pick<Store, 'tracesForCall'>,
  chunk = 100,
): AsyncGenerator<ReportSource> {
  const listed = await client.listCalls(filter);
  for (let i = 0; i < listed.length; i += chunk) {
    const calls = await client.hydrateCalls(listed.slice(i, i + chunk).map((c) => c.call_id));
    for (const call of calls) {
      const traces = store ? await store.tracesForCall(call.call_id) : [];
      yield {
        callId: call.call_id,
        call: call as unknown as Record<string, unknown>,
        ...(traces.length ? { functionCalls: tracesAsFunctionCalls(traces) } : {}),
      };
    }
  }
}
