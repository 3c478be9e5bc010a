// Running recorded calls again: in-process against the config's handlers (through the same routing,
// idempotency keys and dedupe as serve), or over HTTP against a running serve (--target).
import { randomBytes } from 'node:crypto';
import { silentLogger, type ContextDeps } from '../handlers/context.js';
import { Fetcher } from '../handlers/fetch.js';
import type { Tenant } from '../handlers/define.js';
import { DEFAULT_FUNCTION_TIMEOUT_MS, invokeFunction, invokeWebhook } from '../handlers/invoke.js';
import { eventDedupeKey, functionCallKey, webhookEventKey } from '../handlers/keys.js';
import { createRegistry, type HandlerConfig, type HandlerRegistry, type ResolvedFunction } from '../handlers/registry.js';
import { KitError } from '../errors.js';
import { sign, SIGNATURE_HEADER } from '../retell/signature.js';
import { Idempotency } from '../server/idempotency.js';
import { MAX_EVENT_ATTEMPTS } from '../server/events.js';
import { MemoryStore } from '../store/memory.js';
import type { Store, StoredResponse } from '../store/store.js';
import { compareAnswers, IgnoreRules, STATUS_PATH, type CompareOptions, type Difference } from './compare.js';
import type { ExpectedAnswer, FunctionStep, ReplayCall, WebhookStep } from './load.js';

/**
 * What became of one step:
 * - same / changed: the new answer against the recorded one
 * - error: the handler threw, timed out or refused the args where the recording had an answer
 * - no-handler: a custom function no configured handler serves (fails the run)
 * - no-recorded-result: the call ended before the tool answered; the new answer is shown, not judged
 * - builtin: Retell's own tool (end_call, transfer_call, ...): shown, never run
 * - skipped: the recorded arguments did not parse, or an MCP tool (not yours to run)
 * - handled / not-handled: a webhook event ran its handler / has no handler configured
 * - not-idempotent: with --redeliver, a side effect ran more than once or a duplicate got another answer
 * - updated: changed, and --update wrote the new answer into the recording
 */
export type StepStatus = 'same' | 'changed' | 'error' | 'no-handler' | 'no-recorded-result' | 'builtin' | 'skipped' | 'handled' | 'not-handled' | 'not-idempotent' | 'updated';

export const FAILING: ReadonlySet<StepStatus> = new Set(['changed', 'error', 'no-handler', 'not-idempotent']);

export interface StepResult {
  kind: 'function' | 'webhook';
  /** The tool name as the call used it, or the event name. */
  name: string;
  /** The configured function it routed to. */
  handler?: string;
  toolCallId?: string;
  status: StepStatus;
  /** One line: why it failed or was skipped. */
  message?: string;
  args?: unknown;
  expected?: ExpectedAnswer;
  actual?: { status: number; body: unknown };
  differences: Difference[];
  duplicate?: boolean;
  /** With --redeliver: how many times the handler ran, over how many deliveries. */
  deliveries?: number;
  runs?: number;
  durationMs?: number;
  /** Index in the recording's functionCalls (for --update). */
  recordIndex?: number;
}

export interface CallResult {
  file: string;
  source: 'recording' | 'call';
  callId: string;
  agentId?: string;
  agentVersion?: number | string;
  tenant?: string;
  steps: StepResult[];
  /** Store entries the redelivered run has beyond a single delivery (side effects that ran twice). */
  extraSideEffects?: string[];
  ok: boolean;
}

export interface RunOptions {
  /** Paths to leave out of comparisons. */
  ignore?: readonly string[];
  /** One store for every call (--store); default a fresh in-memory store per call. */
  store?: Store;
  /** Deliver every function call and event this many times (exactly-once proof); default 1. */
  redeliver?: number;
  /** Relative-date matching (default on). */
  relativeDates?: boolean;
  /** Epoch ms the replay counts as now (tests pin it). */
  now?: number;
  /** Send requests to a running serve instead of calling handlers in-process. */
  target?: { url: string; apiKey: string };
  /** Let ctx.fetch reach the network; default: lockdown, answered from the recording's downstream exchanges. */
  allowNetwork?: boolean;
}

const OWNER = `replay-${process.pid}-${randomBytes(4).toString('hex')}`;

/** The registry as serve builds it, but handing handlers the tenant the recording names. */
function withTenant(registry: HandlerRegistry, tenants: Map<string, Tenant>, tenantId: string | undefined): HandlerRegistry {
  if (tenantId === undefined) return registry;
  const tenant = tenants.get(tenantId);
  if (!tenant) return registry;
  return { ...registry, functionNames: registry.functionNames, resolveTenant: () => tenant };
}

function tenantsById(config: HandlerConfig): Map<string, Tenant> {
  const map = new Map<string, Tenant>();
  for (const [number, tenant] of Object.entries(config.tenants ?? {})) map.set(tenant.id ?? number, { ...tenant, id: tenant.id ?? number, number });
  return map;
}

/** Counts handler runs per idempotency key (and per event), to prove side effects ran once. */
class RunCounter {
  readonly runs = new Map<string, number>();
  private readonly functions = new Map<string, ResolvedFunction | undefined>();
  count(key: string): void {
    this.runs.set(key, (this.runs.get(key) ?? 0) + 1);
  }
  wrap(registry: HandlerRegistry): HandlerRegistry {
    return {
      ...registry,
      functionNames: registry.functionNames,
      resolveFunction: (name) => {
        let wrapped = this.functions.get(name);
        if (wrapped === undefined) {
          const resolved = registry.resolveFunction(name);
          const original = resolved?.definition.handler;
          wrapped = resolved && { handler: resolved.handler, definition: { ...resolved.definition, handler: (args, ctx) => (this.count(ctx.idempotencyKey), original!(args, ctx)) } };
          this.functions.set(name, wrapped);
        }
        return wrapped;
      },
      webhook: (event) => {
        const handler = registry.webhook(event);
        return handler ? (payload, ctx) => (this.count(ctx.idempotencyKey), handler(payload, ctx)) : undefined;
      },
    };
  }
}

interface Answer {
  status: number;
  body: unknown;
  /** The handler did not run for this delivery (an earlier answer was served). */
  duplicate: boolean;
  error?: string;
}

const NO_DATES: CompareOptions = {};

/** Judge one function answer against the recorded one. */
function judge(step: FunctionStep, answer: Answer, dates: CompareOptions, ignore: IgnoreRules): Pick<StepResult, 'status' | 'differences' | 'message'> {
  const ok = answer.status < 300;
  const expected = step.expected;
  if (!expected) return { status: 'no-recorded-result', differences: [], message: 'the call ended before the tool answered: the new answer is shown, not compared' };
  const expectedOk = expected.status !== undefined ? expected.status < 300 : expected.successful !== false;
  if (!ok && expectedOk) {
    const body = answer.body as { message?: unknown } | undefined;
    return { status: 'error', differences: [{ path: STATUS_PATH, expected: expected.status ?? 200, actual: answer.status }], message: answer.error ?? (typeof body?.message === 'string' ? body.message : `answered ${answer.status}`) };
  }
  let differences: Difference[] = [];
  if (expected.status !== undefined && expected.status !== answer.status) differences.push({ path: STATUS_PATH, expected: expected.status, actual: answer.status });
  else if (expected.status === undefined && expected.successful !== undefined && expected.successful !== ok) differences.push({ path: STATUS_PATH, expected: expected.successful ? 'successful' : 'failed', actual: answer.status });
  const found = compareAnswers(expected.body, answer.body, dates, ignore);
  if (differences.length === 0) differences = found;
  else differences.push(...found);
  return { status: differences.length ? 'changed' : 'same', differences };
}

/** Everything needed to run one call's steps, in-process or remote. */
interface Runner {
  fn(step: FunctionStep, handler: string, key: string): Promise<Answer>;
  webhook(step: WebhookStep): Promise<{ handled: boolean; error?: string; duplicate: boolean }>;
}

function inProcessRunner(registry: HandlerRegistry, store: Store, call: ReplayCall, sequential: boolean, allowNetwork = false): Runner {
  // Lockdown: ctx.fetch never reaches the network; the downstream answers recorded with the call answer.
  const fetcher = allowNetwork ? undefined : new Fetcher({ mode: 'lockdown', exchanges: call.recording?.functionCalls.flatMap((fc) => fc.exchanges ?? []) ?? [] });
  const context: ContextDeps = { store, logger: silentLogger, replay: true, fetcher };
  const idempotency = new Idempotency(store, OWNER);
  // One delivery at a time into this call's own store: serve's idempotency semantics (a kept answer
  // is served to every later request with the same key without running the handler; a failure is
  // not kept; a timed-out handler's late answer is kept when it comes) without the store round trips
  // the layer needs for concurrent and cross-process duplicates (those go through Idempotency).
  const kept = new Map<string, StoredResponse | Promise<StoredResponse | undefined>>();
  const invoke = (step: FunctionStep, key: string) =>
    invokeFunction(registry, context, { name: step.name, args: step.args, call: call.call, callId: call.callId, toolCallId: step.toolCallId, idempotencyKey: key });
  return {
    async fn(step, handler, key) {
      if (sequential) {
        const previous = kept.get(key);
        const earlier = previous === undefined ? undefined : await previous;
        if (earlier) return { status: earlier.status, body: earlier.body, duplicate: true };
        const outcome = await invoke(step, key);
        if (outcome.outcome === 'ok') kept.set(key, { status: outcome.status, body: outcome.body });
        else if (outcome.late) kept.set(key, outcome.late.then((late) => (late.outcome === 'ok' ? { status: late.status, body: late.body } : undefined)));
        else kept.delete(key);
        return outcome.error ? { status: outcome.status, body: outcome.body, duplicate: false, error: outcome.error } : { status: outcome.status, body: outcome.body, duplicate: false };
      }
      const definition = registry.resolveFunction(step.name)!.definition;
      const timeoutMs = definition.timeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
      let error: string | undefined;
      const timeoutResponse = { status: 504, body: { error: 'timeout', message: `${handler} did not answer within ${timeoutMs} ms. Tell the caller you could not complete it right now.` } };
      const { response, duplicate } = await idempotency.run(key, timeoutMs, timeoutResponse, async () => {
        const outcome = await invoke(step, key);
        error = outcome.error;
        return { response: { status: outcome.status, body: outcome.body }, keep: outcome.outcome === 'ok' };
      });
      return { status: response.status, body: response.body, duplicate, ...(error ? { error } : {}) };
    },
    async webhook(step) {
      // As serve: one-shot events are stored once per (event, call_id), handled from that record and
      // retried on failure; transcript_updated is handled every time.
      const dedupeKey = eventDedupeKey(step.event, call.callId);
      const body = JSON.stringify(step.payload);
      const { inserted, event } = await store.appendEvent({ ...(dedupeKey ? { dedupeKey } : {}), event: step.event, callId: call.callId, body, receivedAt: Date.now() });
      if (!inserted) return { handled: registry.webhook(step.event) !== undefined, duplicate: true };
      let lastError: string | undefined;
      for (let attempt = 1; attempt <= MAX_EVENT_ATTEMPTS; attempt++) {
        try {
          const handled = await invokeWebhook(registry, context, { event: step.payload, callId: call.callId, attempt, idempotencyKey: webhookEventKey({ ...(dedupeKey ? { dedupeKey } : {}), id: event.id }) });
          await store.markEvent(event.id, { state: 'done', attempts: attempt, handledAt: Date.now() });
          return { handled, duplicate: false, ...(lastError ? { error: lastError } : {}) };
        } catch (error) {
          lastError = error instanceof Error ? error.message : String(error);
          await store.markEvent(event.id, { state: attempt === MAX_EVENT_ATTEMPTS ? 'failed' : 'pending', attempts: attempt, error: lastError.slice(0, 500) });
        }
      }
      return { handled: true, error: lastError, duplicate: false };
    },
  };
}

const DUPLICATE_HEADER = 'x-retell-kit-duplicate';

/**
 * The call as the target should see it: a recording's dialled number is redacted, so when the local
 * config knows the recorded tenant, its number goes back in and the target resolves the same tenant.
 */
function callForTarget(call: ReplayCall, tenants: Map<string, Tenant>): Record<string, unknown> {
  const tenant = call.tenant === undefined ? undefined : tenants.get(call.tenant);
  if (!tenant || tenant.number === 'default') return call.call;
  return call.call.direction === 'outbound' ? { ...call.call, from_number: tenant.number } : { ...call.call, to_number: tenant.number };
}

function remoteRunner(target: { url: string; apiKey: string }, call: ReplayCall, tenants: Map<string, Tenant>): Runner {
  const base = target.url.replace(/\/+$/, '');
  const callObject = callForTarget(call, tenants);
  const post = async (pathname: string, payload: unknown): Promise<{ status: number; body: unknown; duplicate: boolean }> => {
    const body = JSON.stringify(payload);
    let response: Response;
    try {
      response = await fetch(`${base}${pathname}`, { method: 'POST', body, headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(body, target.apiKey) }, signal: AbortSignal.timeout(30_000) });
    } catch (error) {
      const inner = (error as { cause?: { code?: string; message?: string; errors?: { code?: string }[] } }).cause;
      const cause = inner?.code ?? inner?.errors?.[0]?.code ?? inner?.message;
      throw new KitError('io', `cannot reach the target: ${cause ?? (error as Error).message}`, { file: `${base}${pathname}`, hint: 'is serve running there?', cause: error });
    }
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // keep the text
    }
    return { status: response.status, body: parsed, duplicate: response.headers.get(DUPLICATE_HEADER) === '1' };
  };
  return {
    async fn(step) {
      const answer = await post(`/functions/${encodeURIComponent(step.name)}`, { name: step.name, call: callObject, args: step.args, ...(step.toolCallId ? { tool_call_id: step.toolCallId } : {}) });
      const body = answer.body as { error?: unknown; message?: unknown } | undefined;
      return { ...answer, ...(answer.status >= 300 && typeof body?.message === 'string' ? { error: body.message } : {}) };
    },
    async webhook(step) {
      const payload = step.payload.call && callObject !== call.call ? { ...step.payload, call: { ...step.payload.call, to_number: callObject.to_number, from_number: callObject.from_number } } : step.payload;
      const answer = await post('/webhook', payload);
      if (answer.status >= 300) return { handled: false, duplicate: answer.duplicate, error: `serve answered ${answer.status}: ${JSON.stringify(answer.body)}` };
      return { handled: true, duplicate: answer.duplicate };
    },
  };
}

function sameAnswer(a: Answer, b: Answer): boolean {
  return a.status === b.status && compareAnswers(a.body, b.body).length === 0;
}

/** Deliver `n` times: once, then the rest at the same moment (a retry storm after the first answer). */
async function deliver<T>(n: number, once: () => Promise<T>): Promise<T[]> {
  const first = await once();
  if (n <= 1) return [first];
  const rest = await Promise.all(Array.from({ length: n - 1 }, () => once()));
  return [first, ...rest];
}

async function runCall(
  call: ReplayCall,
  baseRegistry: HandlerRegistry,
  tenants: Map<string, Tenant>,
  options: RunOptions,
  ignore: IgnoreRules,
  now: number,
  baselineKeys?: Set<string>,
  wantKeys = false,
): Promise<{ result: CallResult; keys?: Set<string> }> {
  const n = Math.max(1, options.redeliver ?? 1);
  const counter = new RunCounter();
  // Handler runs are only counted where they are judged (--redeliver).
  const tenanted = withTenant(baseRegistry, tenants, call.tenant);
  const registry = n > 1 ? counter.wrap(tenanted) : tenanted;
  const store = options.store ?? new MemoryStore();
  const runner = options.target ? remoteRunner(options.target, call, tenants) : inProcessRunner(registry, store, call, n === 1 && !options.store, options.allowNetwork);
  const steps: StepResult[] = [];
  // Relative dates: the call's start for the recorded answers, the replay's start for the new ones.
  // Recordings were redacted when written: their placeholders stand for any value.
  const relative = options.relativeDates !== false && call.startedAt !== undefined;
  const dates: CompareOptions = relative || call.source === 'recording' ? { ...(relative ? { expectedNow: call.startedAt, actualNow: now } : {}), redacted: call.source === 'recording' } : NO_DATES;
  for (const step of call.steps) {
    if (step.kind === 'webhook') {
      const started = performance.now();
      const eventKey = eventDedupeKey(step.event, call.callId);
      const runsBefore = eventKey ? counter.runs.get(eventKey) ?? 0 : 0;
      const results = await deliver(n, () => runner.webhook(step));
      const first = results[0]!;
      const failed = results.find((r) => r.error);
      const result: StepResult = { kind: 'webhook', name: step.event, status: failed ? 'error' : first.handled ? 'handled' : 'not-handled', differences: [], durationMs: performance.now() - started };
      if (failed?.error) result.message = failed.error;
      if (n > 1) {
        result.deliveries = n;
        const key = eventDedupeKey(step.event, call.callId);
        if (options.target) {
          // Remote: serve marks every answer it did not run the handler for.
          const ran = results.filter((r) => !r.duplicate).length;
          result.runs = ran;
          if (key && ran !== 1 && !result.message) Object.assign(result, { status: 'not-idempotent', message: `the event was handled ${ran} times for ${n} deliveries` });
        } else if (first.handled) {
          // In-process, serve's dedupe runs a one-shot event once (plus serve's own retries after a
          // failure); what the handler's runs left behind is judged from the store, per call.
          result.runs = key ? (counter.runs.get(key) ?? 0) - runsBefore : n;
        }
      }
      steps.push(result);
      continue;
    }
    // Every field up front (undefined ones vanish from JSON): one object shape for every step.
    const base: StepResult = {
      kind: 'function',
      name: step.name,
      handler: undefined,
      toolCallId: step.toolCallId,
      status: 'same',
      message: undefined,
      args: step.args,
      expected: step.expected,
      actual: undefined,
      differences: [],
      duplicate: step.duplicate || undefined,
      deliveries: undefined,
      runs: undefined,
      durationMs: undefined,
      recordIndex: step.recordIndex,
    };
    if (step.toolKind === 'builtin') {
      steps.push({ ...base, status: 'builtin', message: 'Retell runs this tool itself: not replayed' });
      continue;
    }
    if (step.toolKind === 'mcp') {
      steps.push({ ...base, status: 'skipped', message: 'an MCP tool runs on its MCP server, not your handlers: not replayed' });
      continue;
    }
    if (step.argsError) {
      steps.push({ ...base, status: 'skipped', message: `${step.argsError}: not replayed` });
      continue;
    }
    const resolved = baseRegistry.resolveFunction(step.name);
    if (!resolved && !options.target) {
      steps.push({ ...base, status: 'no-handler', message: `no handler for "${step.name}": add functions.${step.name.replace(/_v\d+$/, '')} to the config` });
      continue;
    }
    const handler = resolved?.handler ?? step.name.replace(/_v\d+$/, '');
    base.handler = handler;
    const key = functionCallKey({ callId: call.callId, handler, args: step.args, toolCallId: step.toolCallId });
    const started = performance.now();
    const runsBefore = counter.runs.get(key) ?? 0;
    let answers: Answer[];
    try {
      answers = n === 1 ? [await runner.fn(step, handler, key)] : await deliver(n, () => runner.fn(step, handler, key));
    } catch (error) {
      if (error instanceof KitError) throw error;
      steps.push({ ...base, status: 'error', message: (error as Error).message });
      continue;
    }
    const durationMs = performance.now() - started;
    const first = answers[0]!;
    const verdict = judge(step, first, dates, ignore);
    const result: StepResult = base;
    result.actual = { status: first.status, body: first.body };
    result.durationMs = durationMs;
    result.status = verdict.status;
    result.differences = verdict.differences;
    if (verdict.message !== undefined) result.message = verdict.message;
    if (first.error && result.status !== 'error' && first.status >= 300) result.message = first.error;
    if (!resolved && options.target && first.status === 404) Object.assign(result, { status: 'no-handler', message: `the target has no handler for "${step.name}"` });
    if (n > 1) {
      result.deliveries = n;
      const runs = options.target ? answers.filter((a) => !a.duplicate).length : (counter.runs.get(key) ?? 0) - runsBefore;
      result.runs = runs;
      const different = answers.findIndex((a) => !sameAnswer(a, first));
      // A kept (2xx) answer must be served to every duplicate without running the handler again; a
      // failure is not kept, so the next delivery runs it again (as serve does), which is only
      // wrong if it answers differently or leaves more behind (the per-call store check).
      if (different >= 0) Object.assign(result, { status: 'not-idempotent', message: `delivery ${different + 1} of ${n} got another answer than the first (${answers[different]!.status} against ${first.status}): the handler ran ${runs} times` });
      else if (runs > 1 && first.status < 300) Object.assign(result, { status: 'not-idempotent', message: `the handler ran ${runs} times for ${n} deliveries` });
    }
    steps.push(result);
  }
  const result: CallResult = {
    file: call.file,
    source: call.source,
    callId: call.callId,
    ...(call.agentId !== undefined ? { agentId: call.agentId } : {}),
    ...(call.agentVersion !== undefined ? { agentVersion: call.agentVersion } : {}),
    ...(call.tenant !== undefined ? { tenant: call.tenant } : {}),
    steps,
    ok: true,
  };
  // In-process redelivery: the store after N deliveries must hold no entry one delivery does not leave.
  // More store entries after N deliveries than after one: a side effect ran more than once. (Entry
  // counts, not keys: a handler may key its writes by a fresh id and still write once.)
  if (n > 1 && baselineKeys && store instanceof MemoryStore) {
    const keys = storeKeys(store);
    if (keys.length > baselineKeys.size) result.extraSideEffects = keys.filter((k) => !baselineKeys.has(k));
  }
  result.ok = !steps.some((s) => FAILING.has(s.status)) && !result.extraSideEffects?.length;
  const keys = wantKeys && store instanceof MemoryStore ? new Set(storeKeys(store)) : undefined;
  if (!options.store) await store.close();
  return { result, keys };
}

function storeKeys(store: MemoryStore): string[] {
  return store.entries().map((e) => `${e.namespace === 'default' ? '' : `${e.namespace} `}${e.key}`);
}

export interface RunResult {
  calls: CallResult[];
}

/** Replay calls against the handlers of `config`, one after another (the report keeps their order). */
export async function runReplay(calls: readonly ReplayCall[], config: HandlerConfig, options: RunOptions = {}): Promise<RunResult> {
  const created = createRegistry(config);
  // Routing is a pure function of the name: resolve each tool name once for the whole run.
  const routes = new Map<string, ResolvedFunction | undefined>();
  const registry: HandlerRegistry = {
    ...created,
    functionNames: created.functionNames,
    resolveFunction(name) {
      if (routes.has(name)) return routes.get(name);
      const resolved = created.resolveFunction(name);
      routes.set(name, resolved);
      return resolved;
    },
  };
  const tenants = tenantsById(config);
  let ignore: IgnoreRules;
  try {
    ignore = new IgnoreRules(options.ignore ?? []);
  } catch (error) {
    throw new KitError('usage', (error as Error).message, { hint: 'ignore paths look like booking_id, **.timestamp or slots[*].id' });
  }
  const now = options.now ?? Date.now();
  const results: CallResult[] = [];
  const n = Math.max(1, options.redeliver ?? 1);
  for (const call of calls) {
    // The exactly-once proof in-process: what one delivery leaves in a fresh store, then N deliveries.
    const baseline = n > 1 && !options.target && !options.store ? (await runCall(call, registry, tenants, { ...options, redeliver: 1 }, ignore, now, undefined, true)).keys : undefined;
    results.push((await runCall(call, registry, tenants, options, ignore, now, baseline)).result);
  }
  return { calls: results };
}
