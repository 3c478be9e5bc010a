import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Retell from 'retell-sdk';
import { KitError } from '../errors.js';
import { writeFileAtomicSync } from '../util/atomic-write.js';
import type { RetellConfig } from '../config/schema.js';

// The one Retell API client, on the official retell-sdk (typed, kept by Retell). What it adds:
// - settings from the environment or config (RETELL_API_KEY, RETELL_BASE_URL);
// - every page of every list;
// - non-idempotent requests without the SDK's blind retries (it sends no idempotency key, so a
//   retried create-agent-version after a lost answer makes a second draft): one attempt, then, when
//   the outcome is unknown (timeout, dropped connection, 5xx), look whether it landed before trying
//   again;
// - get-call hydration with a concurrency cap and a cache of finished calls;
// - one KitError line per API failure (status, what was asked, what to do), exit 2; the key is
//   never part of it.

export const DEFAULT_BASE_URL = 'https://api.retellai.com';
export const DEFAULT_CONCURRENCY = 8;

export type AgentResponse = Retell.AgentResponse;
export type AgentVersionSummary = Retell.AgentListVersionsResponse.Item;
export type AgentListItem = Retell.AgentListResponse.Item;
export type ConversationFlowResponse = Retell.ConversationFlowResponse;
export type PhoneNumberResponse = Retell.PhoneNumberResponse;
export type CallResponse = Retell.CallResponse;
export type CallListParams = Retell.CallListParams;
export type CallListItem = Retell.CallListResponse['items'][number];

export interface RetellClientOptions {
  apiKey?: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** Retries of idempotent requests (the SDK's backoff, honouring Retry-After). Default 2. */
  maxRetries?: number;
  /** Parallel get-call requests in hydrateCalls. Default 8. */
  concurrency?: number;
  /** Folder for cached finished calls (`<dir>/<call_id>.json`); memory only when omitted. */
  callCacheDir?: string;
  /** Pause between reconcile attempts (tests shorten it). Default 500 ms. */
  reconcileDelayMs?: number;
  /** Items per list request (default 1000, Retell's maximum). */
  pageSize?: number;
}

/** The client's settings from flags/env/config: env wins over config; a missing key is exit 2. */
export function retellSettings(config: { retell?: RetellConfig; server?: { apiKey?: string } } = {}, env: NodeJS.ProcessEnv = process.env): RetellClientOptions {
  const apiKey = env.RETELL_API_KEY || config.server?.apiKey;
  if (!apiKey) throw new KitError('config', 'no Retell API key', { hint: 'set RETELL_API_KEY (for the emulator any non-empty value works)' });
  return {
    apiKey,
    baseUrl: env.RETELL_BASE_URL || config.retell?.baseUrl || DEFAULT_BASE_URL,
    timeoutMs: config.retell?.timeoutMs,
    maxRetries: config.retell?.maxRetries,
    concurrency: config.retell?.concurrency,
  };
}

export class RetellClient {
  /** The SDK, for anything this class does not wrap (test set-up, rare endpoints). */
  readonly sdk: Retell;
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly maxRetries: number;
  private readonly concurrency: number;
  private readonly reconcileDelayMs: number;
  private readonly pageSize: number;
  private readonly callCache = new Map<string, CallResponse>();

  constructor(private readonly options: RetellClientOptions) {
    if (!options.apiKey) throw new KitError('config', 'no Retell API key', { hint: 'set RETELL_API_KEY' });
    this.apiKey = options.apiKey;
    this.baseUrl = (options.baseUrl ?? DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.maxRetries = options.maxRetries ?? 2;
    this.concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
    this.reconcileDelayMs = options.reconcileDelayMs ?? 500;
    this.pageSize = options.pageSize ?? 1000;
    this.sdk = new Retell({ apiKey: this.apiKey, baseURL: this.baseUrl, maxRetries: this.maxRetries, timeout: options.timeoutMs ?? 60_000, logLevel: 'off' });
  }

  // ---- agents ----------------------------------------------------------------------------------

  getAgent(agentId: string, version?: number | string): Promise<AgentResponse> {
    return this.call(`get agent ${agentId}${version === undefined ? '' : ` version ${version}`}`, () => this.sdk.agent.retrieve(agentId, version === undefined ? {} : { version }));
  }

  /** Every agent (POST /v2/list-agents, all pages). */
  listAgents(): Promise<AgentListItem[]> {
    return this.allPages('list agents', (pagination_key) => this.sdk.agent.list({ limit: this.pageSize, ...(pagination_key ? { pagination_key } : {}) }));
  }

  /** Every version of an agent, oldest first (GET /list-agent-versions, all pages). */
  async listAgentVersions(agentId: string): Promise<AgentVersionSummary[]> {
    const items = await this.allPages(`list versions of agent ${agentId}`, (pagination_key) => this.sdk.agent.listVersions(agentId, { limit: this.pageSize, sort_order: 'ascending', ...(pagination_key ? { pagination_key } : {}) }));
    return items.sort((a, b) => a.version - b.version);
  }

  updateAgent(agentId: string, patch: Omit<Retell.AgentUpdateParams, 'version'>, version?: number): Promise<AgentResponse> {
    return this.call(`update agent ${agentId}${version === undefined ? '' : ` version ${version}`}`, () => this.sdk.agent.update(agentId, { ...patch, ...(version === undefined ? {} : { version }) }));
  }

  /**
   * A new draft from `baseVersion`, exactly once: one attempt without SDK retries; when the outcome
   * is unknown, the versions list says whether a draft from that base appeared since we asked
   * (then that is the answer), and only if not is it asked again.
   */
  async createAgentVersion(agentId: string, baseVersion: number): Promise<AgentResponse> {
    const what = `create a draft of agent ${agentId} from version ${baseVersion}`;
    const before = new Set((await this.listAgentVersions(agentId)).map((v) => v.version));
    return this.once(what, () => this.sdk.agent.createVersion(agentId, { base_version: baseVersion }, { maxRetries: 0 }) as Promise<AgentResponse>, async () => {
      const landed = (await this.listAgentVersions(agentId)).filter((v) => !before.has(v.version) && v.base_version === baseVersion && !v.is_published);
      if (landed.length === 0) return undefined;
      return this.getAgent(agentId, Math.max(...landed.map((v) => v.version)));
    });
  }

  /** Publish a draft in place; a retry after a lost answer finds it published and is done. */
  async publishAgentVersion(agentId: string, version: number, meta: { title?: string; description?: string } = {}): Promise<void> {
    const body: Retell.AgentPublishParams = { version, ...(meta.title === undefined ? {} : { version_title: meta.title }), ...(meta.description === undefined ? {} : { version_description: meta.description }) };
    await this.once(`publish agent ${agentId} version ${version}`, () => this.sdk.agent.publish(agentId, body, { maxRetries: 0 }).then(() => true as const), async () => ((await this.getAgent(agentId, version)).is_published ? (true as const) : undefined));
  }

  /**
   * A new agent, exactly once: after an unknown outcome, an agent that was not there before, with
   * this name and engine, is the one we made.
   */
  async createAgent(body: Retell.AgentCreateParams): Promise<AgentResponse> {
    const what = `create agent${body.agent_name ? ` "${body.agent_name}"` : ''}`;
    const before = new Set((await this.listAgents()).map((a) => a.agent_id));
    return this.once(what, () => this.sdk.agent.create(body, { maxRetries: 0 }), async () => {
      for (const item of await this.listAgents()) {
        if (before.has(item.agent_id)) continue;
        const agent = await this.getAgent(item.agent_id, 0);
        if ((agent.agent_name ?? null) === (body.agent_name ?? null) && sameJson(engineOf(agent.response_engine), engineOf(body.response_engine))) return agent;
      }
      return undefined;
    });
  }

  // ---- conversation flows ----------------------------------------------------------------------

  /** Every conversation flow (latest version of each, all pages). */
  listConversationFlows(): Promise<ConversationFlowResponse[]> {
    return this.allPages('list conversation flows', (pagination_key) => this.sdk.conversationFlow.list({ limit: this.pageSize, ...(pagination_key ? { pagination_key } : {}) } as Retell.ConversationFlowListParams));
  }

  /**
   * A new conversation flow, exactly once: after an unknown outcome, a flow that was not there before
   * with the same start node and node ids is the one we made (compared on those, not the whole body:
   * Retell fills in defaults).
   */
  async createConversationFlow(body: Retell.ConversationFlowCreateParams): Promise<ConversationFlowResponse> {
    const before = new Set((await this.listConversationFlows()).map((f) => f.conversation_flow_id));
    return this.once('create conversation flow', () => this.sdk.conversationFlow.create(body, { maxRetries: 0 }), async () => {
      for (const flow of await this.listConversationFlows()) {
        if (before.has(flow.conversation_flow_id)) continue;
        if (sameJson(flowShape(flow), flowShape(body))) return flow;
      }
      return undefined;
    });
  }

  getConversationFlow(flowId: string, version?: number): Promise<ConversationFlowResponse> {
    return this.call(`get conversation flow ${flowId}${version === undefined ? '' : ` version ${version}`}`, () => this.sdk.conversationFlow.retrieve(flowId, version === undefined ? {} : { version }));
  }

  updateConversationFlow(flowId: string, patch: Omit<Retell.ConversationFlowUpdateParams, 'version'>, version?: number): Promise<ConversationFlowResponse> {
    return this.call(`update conversation flow ${flowId}${version === undefined ? '' : ` version ${version}`}`, () => this.sdk.conversationFlow.update(flowId, { ...patch, ...(version === undefined ? {} : { version }) } as Retell.ConversationFlowUpdateParams));
  }

  // ---- phone numbers ---------------------------------------------------------------------------

  getPhoneNumber(number: string): Promise<PhoneNumberResponse> {
    return this.call(`get phone number ${number}`, () => this.sdk.phoneNumber.retrieve(number));
  }

  listPhoneNumbers(): Promise<PhoneNumberResponse[]> {
    return this.allPages('list phone numbers', (pagination_key) => this.sdk.phoneNumber.list({ limit: this.pageSize, ...(pagination_key ? { pagination_key } : {}) } as Retell.PhoneNumberListParams));
  }

  /** Replace a number's weighted bindings (send every entry: the list is replaced whole). */
  updatePhoneNumber(number: string, patch: Retell.PhoneNumberUpdateParams): Promise<PhoneNumberResponse> {
    return this.call(`update phone number ${number}`, () => this.sdk.phoneNumber.update(number, patch));
  }

  // ---- calls -----------------------------------------------------------------------------------

  /** Every call matching (POST /v3/list-calls, all pages). Items carry no transcript: hydrate them with getCall. */
  listCalls(filter: CallFilter = {}): Promise<CallListItem[]> {
    const criteria: Retell.CallListParams.FilterCriteria = { ...filter.raw };
    if (filter.agentId) criteria.agent = [{ agent_id: filter.agentId, ...(filter.versions?.length ? { version: filter.versions } : {}) }];
    if (filter.since !== undefined || filter.until !== undefined) {
      criteria.start_timestamp = { type: 'range', op: 'bt', value: [filter.since ?? 0, filter.until ?? Number.MAX_SAFE_INTEGER] } as never;
    }
    const what = `list calls${filter.agentId ? ` of agent ${filter.agentId}${filter.versions?.length ? ` version ${filter.versions.join(', ')}` : ''}` : ''}`;
    return this.allPages(what, (pagination_key) => this.sdk.call.list({ filter_criteria: criteria, limit: this.pageSize, sort_order: 'ascending', ...(pagination_key ? { pagination_key } : {}) }));
  }

  /** One call with its transcript. Finished, analysed calls are cached (memory, and callCacheDir). */
  async getCall(callId: string): Promise<CallResponse> {
    const cached = this.callCache.get(callId) ?? this.readCached(callId);
    if (cached) return cached;
    const call = await this.call(`get call ${callId}`, () => this.sdk.call.retrieve(callId));
    if (isFinal(call)) {
      this.callCache.set(callId, call);
      this.writeCached(call);
    }
    return call;
  }

  /** getCall for many calls, at most `concurrency` at a time, in the order given. */
  async hydrateCalls(callIds: readonly string[], onProgress?: (done: number, total: number) => void): Promise<CallResponse[]> {
    const out = new Array<CallResponse>(callIds.length);
    let next = 0;
    let done = 0;
    let failed = false;
    const worker = async () => {
      // The first failure stops the other workers from starting more requests.
      while (next < callIds.length && !failed) {
        const i = next++;
        try {
          out[i] = await this.getCall(callIds[i]!);
        } catch (error) {
          failed = true;
          throw error;
        }
        onProgress?.(++done, callIds.length);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.concurrency, callIds.length) }, worker));
    return out;
  }

  // ---- plumbing --------------------------------------------------------------------------------

  private async call<T>(what: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.apiError(error, what);
    }
  }

  private async allPages<T>(what: string, page: (key: string | undefined) => Promise<{ items: T[]; has_more: boolean; pagination_key?: string }>): Promise<T[]> {
    const items: T[] = [];
    let key: string | undefined;
    for (let pages = 0; ; pages++) {
      const result = await this.call(what, () => page(key));
      items.push(...result.items);
      if (!result.has_more || !result.pagination_key) return items;
      if (result.pagination_key === key) throw new KitError('api', `Retell API: ${what}: page ${pages + 1} returned the same pagination_key again`, { hint: 'the listing would loop; report it' });
      key = result.pagination_key;
    }
  }

  /** One attempt at a time; after an unknown outcome, `landed` looks for the effect before another attempt. */
  private async once<T>(what: string, attempt: () => Promise<T>, landed: () => Promise<T | undefined>): Promise<T> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt();
      } catch (error) {
        const kind = outcome(error);
        if (kind === 'failed' || tries >= this.maxRetries) throw this.apiError(error, what);
        await sleep(kind === 'not-applied' ? retryAfterMs(error) ?? this.reconcileDelayMs : this.reconcileDelayMs);
        if (kind === 'unknown') {
          const found = await landed();
          if (found !== undefined) return found;
        }
      }
    }
  }

  /** One line: status, what was asked, what to do. Never the key. */
  apiError(error: unknown, what: string): KitError {
    if (error instanceof KitError) return error;
    const scrub = (text: string) => text.split(this.apiKey).join('***');
    if (error instanceof Retell.APIConnectionTimeoutError) {
      return new KitError('api', `Retell API: no answer from ${this.baseUrl} in time: ${what}`, { hint: 'retry; raise retell.timeoutMs for slow listings', cause: error });
    }
    if (error instanceof Retell.APIConnectionError) {
      return new KitError('api', scrub(`Retell API: cannot reach ${this.baseUrl} (${networkCode(error) ?? 'connection failed'}): ${what}`), { hint: 'check RETELL_BASE_URL and the network', cause: error });
    }
    if (error instanceof Retell.APIError && error.status !== undefined) {
      const body = error.error as { message?: unknown } | undefined;
      const detail = typeof body?.message === 'string' ? body.message : error.message.replace(/^\d+\s*/, '');
      return new KitError('api', scrub(`Retell API: ${error.status} ${what}: ${oneLine(detail)}`), { hint: hintFor(error), cause: error });
    }
    const message = error instanceof Error ? error.message : String(error);
    return new KitError('api', scrub(`Retell API: ${what}: ${oneLine(message)}`), { cause: error });
  }

  private readCached(callId: string): CallResponse | undefined {
    if (!this.options.callCacheDir || !/^[A-Za-z0-9_-]+$/.test(callId)) return undefined;
    try {
      const call = JSON.parse(readFileSync(path.join(this.options.callCacheDir, `${callId}.json`), 'utf8')) as CallResponse;
      this.callCache.set(callId, call);
      return call;
    } catch {
      return undefined;
    }
  }

  private writeCached(call: CallResponse): void {
    const dir = this.options.callCacheDir;
    if (!dir || !/^[A-Za-z0-9_-]+$/.test(call.call_id)) return;
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${call.call_id}.json`);
    writeFileAtomicSync(file, JSON.stringify(call));
  }
}

export interface CallFilter {
  agentId?: string;
  /** Agent versions (with agentId). */
  versions?: number[];
  /** start_timestamp window, epoch ms, inclusive. */
  since?: number;
  until?: number;
  /** Any other v3 filter_criteria, passed as is. */
  raw?: Retell.CallListParams.FilterCriteria;
}

/** Create a client from config + env (RETELL_API_KEY, RETELL_BASE_URL). */
export function createRetellClient(config: Parameters<typeof retellSettings>[0] = {}, env: NodeJS.ProcessEnv = process.env, extra: Partial<RetellClientOptions> = {}): RetellClient {
  return new RetellClient({ ...retellSettings(config, env), ...extra });
}

/** What identifies a flow we created among new ones: its start node and its node ids, in order. */
function flowShape(flow: { start_node_id?: string | null; nodes?: readonly { id?: string }[] | null }): unknown {
  return { start: flow.start_node_id ?? null, nodes: (flow.nodes ?? []).map((n) => n.id ?? null) };
}

/** The engine as a create body names it (the server adds the pinned version). */
function engineOf(engine: unknown): unknown {
  const { version: _version, ...rest } = (engine ?? {}) as Record<string, unknown>;
  return rest;
}

/** Deep equality of JSON values, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A call whose analysis is in: it will not change any more, so it may be cached. */
function isFinal(call: CallResponse): boolean {
  return ['ended', 'error', 'not_connected'].includes(call.call_status) && call.call_analysis !== undefined && call.call_analysis !== null;
}

/** failed: the server said no (retrying will not help); not-applied: refused before doing anything (429, 409); unknown: it may have happened. */
function outcome(error: unknown): 'failed' | 'not-applied' | 'unknown' {
  if (error instanceof Retell.APIConnectionError) return 'unknown'; // includes timeouts
  if (error instanceof Retell.APIError && error.status !== undefined) {
    if (error.status === 429 || error.status === 409) return 'not-applied';
    if (error.status === 408 || error.status >= 500) return 'unknown';
  }
  return 'failed';
}

function retryAfterMs(error: unknown): number | undefined {
  const header = error instanceof Retell.APIError ? error.headers?.get('retry-after') : undefined;
  const seconds = header == null ? NaN : Number(header);
  return Number.isFinite(seconds) ? Math.min(seconds, 60) * 1000 : undefined;
}

function hintFor(error: InstanceType<typeof Retell.APIError>): string {
  switch (error.status) {
    case 400:
    case 422:
      return 'the request was refused as sent; fix what the message names';
    case 401:
      return 'check RETELL_API_KEY (it is never printed)';
    case 403:
      return 'this API key may not do that; check its workspace';
    case 404:
      return 'check the id, and that the key belongs to the workspace that has it';
    case 429: {
      const after = retryAfterMs(error);
      return `rate limited; retry${after === undefined ? ' later' : ` after ${after / 1000} s`}`;
    }
    default:
      return (error.status ?? 0) >= 500 ? 'Retell had trouble; retry in a minute' : 'see the message';
  }
}

/** Why the connection failed: a system error code (ECONNREFUSED, ENOTFOUND, ...) or a closed socket, from down fetch's cause chain. */
function networkCode(error: unknown): string | undefined {
  let current = error as { cause?: unknown; code?: unknown } | undefined;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current.code === 'UND_ERR_SOCKET') return 'the connection closed without an answer';
    if (typeof current.code === 'string' && /^E[A-Z_]+$/.test(current.code)) return current.code;
    current = current.cause as typeof current;
  }
  return undefined;
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
