import type { FunctionOutcomeKind } from '../store/store.js';
import { buildContext, Deadline, type ContextDeps } from './context.js';
import { isFetchError, type CallFetchLog } from './fetch.js';
import type { FunctionDefinition } from './define.js';
import type { CallInbound, InboundResponse, WebhookEvent } from '../retell/wire.js';
import type { Tenant } from './define.js';
import type { HandlerRegistry } from './registry.js';

// Calling handlers without HTTP: the server wraps these, and replay will call them directly.

export const DEFAULT_FUNCTION_TIMEOUT_MS = 10_000;
/** Retell waits 10 s for the inbound webhook while the phone rings; answer before that. */
export const DEFAULT_INBOUND_TIMEOUT_MS = 8_000;
/** Retell keeps at most about this much of a tool result. */
export const RESULT_LIMIT_CHARS = 15_000;

export interface FunctionCall {
  name: string;
  args: unknown;
  call: Record<string, any>;
  callId: string;
  toolCallId?: string;
  idempotencyKey: string;
  /** Used when the function declares no timeoutMs. */
  defaultTimeoutMs?: number;
}

export interface FunctionOutcome {
  status: number;
  /** JSON the agent sees as the tool result. */
  body: unknown;
  outcome: FunctionOutcomeKind;
  handler?: string;
  /** The real failure, for logs only (the agent gets a short message). */
  error?: string;
  /** On timeout: the handler keeps running; this settles with its eventual outcome. */
  late?: Promise<FunctionOutcome>;
  /** The answer is the function's declared fallback (why: the error's first line in `error`). */
  fallback?: boolean;
  /** What ctx.fetch did: every attempt, and (when recording) the exchanges. */
  downstream?: CallFetchLog;
}

/** The function's fallback answer for an error, or undefined when it has none (or it throws). */
function fallbackFor(definition: FunctionDefinition, handler: string, error: Error, extra: Partial<FunctionOutcome>): FunctionOutcome | undefined {
  if (definition.fallback === undefined) return undefined;
  try {
    const value = typeof definition.fallback === 'function' ? (definition.fallback as (e: Error) => unknown)(error) : definition.fallback;
    return { status: 200, outcome: 'ok', handler, body: value === undefined ? { ok: false } : value, fallback: true, error: shortMessage(error), ...extra };
  } catch {
    return undefined;
  }
}

function failure(status: number, outcome: FunctionOutcomeKind, message: string, extra: Partial<FunctionOutcome> = {}): FunctionOutcome {
  return { status, outcome, body: { error: outcome, message }, ...extra };
}

function shortMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n')[0] ?? '';
  return line.length > 160 ? `${line.slice(0, 157)}...` : line;
}

/** `date: Invalid date; time: Required` from zod issues, short enough for an agent to read out. */
export function describeIssues(issues: ReadonlyArray<{ path: ReadonlyArray<PropertyKey>; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((issue) => (issue.path.length ? `${issue.path.map(String).join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

export async function invokeFunction(registry: HandlerRegistry, deps: ContextDeps, request: FunctionCall): Promise<FunctionOutcome> {
  const resolved = registry.resolveFunction(request.name);
  if (!resolved) {
    return failure(404, 'unknown_function', `No function named "${request.name}" on this server. Continue without it and tell the caller you cannot do that right now.`);
  }
  const { handler, definition } = resolved;
  const parsed = definition.args.safeParse(request.args ?? {});
  if (!parsed.success) {
    return failure(422, 'invalid_args', `Invalid arguments for ${handler}: ${describeIssues(parsed.error.issues)}. Ask the caller for the missing or wrong details and try again.`, { handler });
  }
  const timeoutMs = definition.timeoutMs ?? request.defaultTimeoutMs ?? DEFAULT_FUNCTION_TIMEOUT_MS;
  const deadline = new Deadline(Date.now() + timeoutMs);
  const downstream: CallFetchLog = { attempts: [], exchanges: [] };
  const ctx = buildContext(deps, {
    kind: 'function',
    fetchLog: downstream,
    call: request.call,
    callId: request.callId,
    functionName: handler,
    deadline,
    tenant: registry.resolveTenant(request.call),
    idempotencyKey: request.idempotencyKey,
    toolCallId: request.toolCallId,
  });
  const run: Promise<FunctionOutcome> = (async () => {
    try {
      const result = await definition.handler(parsed.data, ctx);
      return { status: 200, outcome: 'ok' as const, handler, body: result === undefined ? { ok: true } : result, downstream };
    } catch (error) {
      if (isFetchError(error)) {
        const answer = fallbackFor(definition, handler, error, { downstream });
        if (answer) return answer;
      }
      return failure(500, 'error', `${handler} failed: ${shortMessage(error)}. Apologise and offer another way to help.`, { handler, error: shortMessage(error), downstream });
    }
  })();
  // One promise settled by whichever comes first (cheaper than Promise.race over two: this is on
  // every function call's path, serve's and replay's).
  let timer: NodeJS.Timeout | undefined;
  const first = await new Promise<FunctionOutcome | 'timeout'>((resolve) => {
    timer = setTimeout(resolve, timeoutMs, 'timeout');
    void run.then(resolve);
  });
  clearTimeout(timer);
  if (first !== 'timeout') return first;
  const timedOut = new Error(`${handler} timed out after ${timeoutMs} ms`);
  deadline.abort(timedOut);
  const answer = fallbackFor(definition, handler, timedOut, { downstream, late: run });
  if (answer) return answer;
  return failure(504, 'timeout', `${handler} did not answer within ${timeoutMs} ms. Tell the caller you could not complete it right now.`, { handler, late: run, downstream });
}

export interface WebhookRun {
  event: WebhookEvent;
  callId: string;
  attempt: number;
  idempotencyKey: string;
}

/** Run the configured handler for a webhook event. Resolves with whether a handler existed. */
export async function invokeWebhook(registry: HandlerRegistry, deps: ContextDeps, run: WebhookRun): Promise<boolean> {
  const handler = registry.webhook(run.event.event);
  if (!handler) return false;
  const call = (run.event.call ?? run.event.chat ?? {}) as Record<string, any>;
  const ctx = buildContext(deps, {
    kind: 'webhook',
    call,
    callId: run.callId,
    event: run.event.event,
    attempt: run.attempt,
    tenant: registry.resolveTenant(call),
    idempotencyKey: run.idempotencyKey,
  });
  await handler(run.event, ctx);
  return true;
}

export interface InboundOutcome {
  status: number;
  body: { call_inbound: InboundResponse } | { error: string; message: string };
  tenant?: Tenant;
  error?: string;
}

/** Answer `call_inbound`: the hook's overrides, with the tenant's variables beneath them. */
export async function invokeInbound(registry: HandlerRegistry, deps: ContextDeps, callInbound: CallInbound, idempotencyKey: string, timeoutMs = DEFAULT_INBOUND_TIMEOUT_MS): Promise<InboundOutcome> {
  const tenant = registry.resolveTenant({ ...callInbound, direction: 'inbound' });
  const variables = tenant?.variables;
  let response: InboundResponse = {};
  if (registry.inbound) {
    const deadline = new Deadline(Date.now() + timeoutMs);
    const ctx = buildContext(deps, {
      kind: 'inbound',
      call: callInbound,
      callId: callInbound.call_id ?? '',
      deadline,
      tenant,
      idempotencyKey,
    });
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        Promise.resolve(registry.inbound(callInbound, ctx)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`inbound hook did not answer within ${timeoutMs} ms`)), timeoutMs);
        }),
      ]);
      // Accept both the bare response and the wire envelope.
      const value = (result ?? {}) as InboundResponse & { call_inbound?: InboundResponse };
      response = value.call_inbound ?? value;
    } catch (error) {
      deadline.abort(error);
      // Without a 2xx Retell retries and then falls back to the number's bound agent.
      return { status: 500, tenant, error: shortMessage(error), body: { error: 'inbound_error', message: 'the inbound hook failed; Retell will fall back to the bound agent' } };
    } finally {
      clearTimeout(timer);
    }
  }
  if (variables && Object.keys(variables).length) {
    response = { ...response, dynamic_variables: { ...variables, ...response.dynamic_variables } };
  }
  return { status: 200, tenant, body: { call_inbound: response } };
}
