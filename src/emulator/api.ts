import { randomBytes } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import type { Exchange, Reply } from '../http/exchange.js';
import type { EmulatorState, Json, StoredAgent, StoredFlow } from './state.js';
import { checkBody, checkFlow } from './validate.js';

// The Retell API as the emulator answers it: current (2026) shapes and the platform's rules.
// - Agents have versions. create-agent makes version 0, a draft. create-agent-version copies a base
//   version into a new draft (the next number) and gives it its own copy of the flow version the
//   base pins, so the draft's flow is editable. publish-agent-version publishes a draft in place
//   (with the flow version it pins); published versions, agent and flow, are immutable.
// - An agent version pins its flow version through response_engine.version.
// - Phone numbers bind agents through weighted inbound_agents / outbound_agents whose weights sum
//   to 1; two entries for two versions of one agent are allowed (a canary).
// - list endpoints paginate with limit + pagination_key; list-calls (v3) items carry no transcript.
// Errors are `{ "status": "error", "message": ... }` with Retell's status codes (400, 404, ...).

export type Handler = (ex: Exchange) => Reply | Promise<Reply>;

export interface ApiContext {
  state: EmulatorState;
  now: () => number;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;
const WEIGHT_TOLERANCE = 1e-6;
/** Fields a list-calls (v3) item leaves out: get-call hydrates them. */
export const TRANSCRIPT_FIELDS = ['transcript', 'transcript_object', 'transcript_with_tool_calls', 'scrubbed_transcript_with_tool_calls'] as const;

export function apiHandlers(ctx: ApiContext): Record<string, Handler> {
  const { state } = ctx;

  // ---- agents -------------------------------------------------------------------------------
  const agent = (agentId: string): StoredAgent => {
    const found = state.agents[agentId];
    if (!found) throw notFound(`agent ${agentId} not found`);
    return found;
  };
  const flow = (flowId: string): StoredFlow => {
    const found = state.flows[flowId];
    if (!found) throw notFound(`conversation flow ${flowId} not found`);
    return found;
  };

  /** Check a response engine that names a flow, and pin the flow's latest version when none is given. */
  const pinEngine = (engine: Json): Json => {
    if (engine.type !== 'conversation-flow') return engine;
    const id = String(engine.conversation_flow_id);
    const stored = state.flows[id];
    if (!stored) throw badRequest(`response_engine.conversation_flow_id: conversation flow ${id} not found`);
    if (engine.version === undefined || engine.version === null) return { ...engine, version: latestVersion(stored.versions) };
    if (!stored.versions[String(engine.version)]) throw badRequest(`response_engine.version: conversation flow ${id} has no version ${String(engine.version)}`);
    return engine;
  };

  const cloneFlowVersion = (engine: Json): Json => {
    if (engine.type !== 'conversation-flow') return engine;
    const stored = state.flows[String(engine.conversation_flow_id)];
    const source = stored?.versions[String(engine.version)];
    if (!stored || !source) return engine;
    const version = latestVersion(stored.versions) + 1;
    stored.versions[version] = { ...structuredClone(source), version, is_published: false, last_modification_timestamp: ctx.now() };
    return { ...engine, version };
  };

  const createAgent: Handler = (ex) => {
    const body = jsonBody(ex);
    checkBody('createAgent', body);
    const agentId = `agent_${randomBytes(13).toString('hex')}`;
    const now = ctx.now();
    const record: Json = { ...(body as Json), agent_id: agentId, version: 0, is_published: false, last_modification_timestamp: now };
    record.response_engine = pinEngine(record.response_engine as Json);
    state.agents[agentId] = { agent_id: agentId, created: now, versions: { 0: record } };
    state.save('agents');
    return ok(record, 201);
  };

  const getAgent: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    return ok(resolveAgentVersion(stored, ex.query.get('version') ?? undefined));
  };

  const updateAgent: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const body = jsonBody(ex);
    checkBody('updateAgent', body);
    const requested = ex.query.get('version');
    const target = requested === null ? latestDraft(stored) : resolveAgentVersion(stored, requested);
    if (target.is_published) throw immutable(`agent ${stored.agent_id} version ${String(target.version)}`, `POST /create-agent-version/${stored.agent_id} with {"base_version": ${String(target.version)}}`);
    const patch = body as Json;
    const next: Json = { ...target, ...patch, agent_id: stored.agent_id, version: target.version, is_published: false, last_modification_timestamp: ctx.now() };
    if (patch.response_engine !== undefined) next.response_engine = pinEngine(patch.response_engine as Json);
    stored.versions[String(target.version)] = next;
    state.save('agents');
    return ok(next);
  };

  const deleteAgent: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const bound = numbersBinding(stored.agent_id);
    if (bound.length) throw badRequest(`agent ${stored.agent_id} is bound to phone number ${bound.join(', ')}; remove it from the number's inbound_agents/outbound_agents first`);
    delete state.agents[stored.agent_id];
    state.save('agents');
    return noContent();
  };

  const listAgents: Handler = (ex) => {
    const body = (ex.json ?? {}) as Json;
    checkBody('listAgents', body);
    const criteria = (body.filter_criteria ?? {}) as { channel?: { op: string; value: string }; query?: string };
    let items = Object.values(state.agents).map((stored) => {
      const latest = resolveAgentVersion(stored, undefined);
      return { agent_id: stored.agent_id, agent_name: (latest.agent_name as string | null | undefined) ?? '', channel: 'voice' as const, tags: {}, user_modified_timestamp: latest.last_modification_timestamp as number, created: stored.created };
    });
    if (criteria.channel) items = items.filter((item) => stringOp(criteria.channel!.op, item.channel, criteria.channel!.value));
    if (criteria.query) {
      const q = criteria.query.toLowerCase();
      items = items.filter((item) => item.agent_name.toLowerCase().includes(q) || item.agent_id.includes(criteria.query!));
    }
    items.sort((a, b) => a.created - b.created || (a.agent_id < b.agent_id ? -1 : 1));
    return ok(paginate(items, ex.query, (item) => item.agent_id, (item) => {
      const { created: _created, ...rest } = item;
      return rest;
    }));
  };

  const createAgentVersion: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const body = jsonBody(ex);
    checkBody('createAgentVersion', body);
    const base = stored.versions[String((body as { base_version: number }).base_version)];
    if (!base) throw badRequest(`base_version: agent ${stored.agent_id} has no version ${String((body as Json).base_version)}`);
    const version = latestVersion(stored.versions) + 1;
    const draft: Json = { ...structuredClone(base), version, is_published: false, base_version: base.version, last_modification_timestamp: ctx.now() };
    delete draft.version_title;
    delete draft.version_description;
    draft.response_engine = cloneFlowVersion(draft.response_engine as Json);
    stored.versions[version] = draft;
    state.save('conversation-flows');
    state.save('agents');
    return ok(draft, 201);
  };

  const listAgentVersions: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const items = Object.values(stored.versions)
      .sort((a, b) => (a.version as number) - (b.version as number))
      .map((v) => pick(v, ['version', 'is_published', 'base_version', 'version_title', 'version_description', 'last_modification_timestamp']));
    return ok(paginate(items, ex.query, (item) => String(item.version)));
  };

  const publishAgentVersion: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const body = jsonBody(ex) as { version: number; version_title?: string; version_description?: string };
    checkBody('publishAgentVersion', body);
    const target = stored.versions[String(body.version)];
    if (!target) throw badRequest(`version: agent ${stored.agent_id} has no version ${body.version}`);
    if (target.is_published) throw badRequest(`agent ${stored.agent_id} version ${body.version} is already published; published versions are immutable`);
    const engine = target.response_engine as Json;
    if (engine?.type === 'conversation-flow') {
      const flowVersion = state.flows[String(engine.conversation_flow_id)]?.versions[String(engine.version)];
      if (flowVersion) flowVersion.is_published = true;
    }
    Object.assign(target, { is_published: true, last_modification_timestamp: ctx.now() });
    if (body.version_title !== undefined) target.version_title = body.version_title;
    if (body.version_description !== undefined) target.version_description = body.version_description;
    state.save('conversation-flows');
    state.save('agents');
    return noContent();
  };

  const deleteAgentVersion: Handler = (ex) => {
    const stored = agent(ex.params.agent_id!);
    const version = ex.query.get('version');
    if (version === null || !/^\d+$/.test(version)) throw badRequest('version: a version number is required in the query (?version=N)');
    const target = stored.versions[version];
    if (!target) throw notFound(`agent ${stored.agent_id} has no version ${version}`);
    if (target.is_published) throw immutable(`agent ${stored.agent_id} version ${version}`, 'delete drafts only');
    if (Object.keys(stored.versions).length === 1) throw badRequest(`version ${version} is the agent's only version; delete the agent instead`);
    delete stored.versions[version];
    state.save('agents');
    return noContent();
  };

  // ---- conversation flows ---------------------------------------------------------------------
  const SERVER_FLOW_KEYS = ['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp'];

  const createFlow: Handler = (ex) => {
    const body = { ...(jsonBody(ex) as Json) };
    for (const key of SERVER_FLOW_KEYS) delete body[key];
    checkFlow(body);
    const id = `conversation_flow_${randomBytes(6).toString('hex')}`;
    const now = ctx.now();
    const record = { ...body, conversation_flow_id: id, version: 0, is_published: false, last_modification_timestamp: now };
    state.flows[id] = { conversation_flow_id: id, created: now, versions: { 0: record } };
    state.save('conversation-flows');
    return ok(record, 201);
  };

  const getFlow: Handler = (ex) => ok(resolveFlowVersion(flow(ex.params.conversation_flow_id!), ex.query.get('version') ?? undefined));

  const updateFlow: Handler = (ex) => {
    const stored = flow(ex.params.conversation_flow_id!);
    const target = resolveFlowVersion(stored, ex.query.get('version') ?? undefined);
    if (target.is_published) throw immutable(`conversation flow ${stored.conversation_flow_id} version ${String(target.version)}`, 'create an agent draft (POST /create-agent-version/<agent_id>) and update the flow version it pins');
    const patch = { ...(jsonBody(ex) as Json) };
    for (const key of SERVER_FLOW_KEYS) delete patch[key];
    const next: Json = { ...target, ...patch };
    const candidate = { ...next };
    for (const key of SERVER_FLOW_KEYS) delete candidate[key];
    checkFlow(candidate);
    Object.assign(next, { last_modification_timestamp: ctx.now() });
    stored.versions[String(target.version)] = next;
    state.save('conversation-flows');
    return ok(next);
  };

  const deleteFlow: Handler = (ex) => {
    const stored = flow(ex.params.conversation_flow_id!);
    const users = Object.values(state.agents).filter((a) => Object.values(a.versions).some((v) => (v.response_engine as Json)?.conversation_flow_id === stored.conversation_flow_id));
    if (users.length && ex.query.get('force_delete') !== 'true') {
      throw badRequest(`conversation flow ${stored.conversation_flow_id} is used by agent ${users.map((a) => a.agent_id).join(', ')}; delete those first or pass force_delete=true`);
    }
    delete state.flows[stored.conversation_flow_id];
    state.save('conversation-flows');
    return noContent();
  };

  const listFlows: Handler = (ex) => {
    const items = Object.values(state.flows)
      .sort((a, b) => a.created - b.created)
      .map((stored) => resolveFlowVersion(stored, undefined));
    return ok(paginate(items, ex.query, (item) => String(item.conversation_flow_id)));
  };

  // ---- phone numbers --------------------------------------------------------------------------
  const checkBindings = (body: Json): void => {
    for (const key of ['inbound_agents', 'outbound_agents', 'inbound_sms_agents', 'outbound_sms_agents']) {
      const list = body[key] as { agent_id: string; weight: number; agent_version?: string | number }[] | null | undefined;
      if (!list || list.length === 0) continue;
      let sum = 0;
      const seen = new Set<string>();
      for (const [i, entry] of list.entries()) {
        if (!(entry.weight > 0 && entry.weight <= 1)) throw badRequest(`${key}/${i}/weight: must be greater than 0 and at most 1 (weights are fractions, not percentages)`);
        sum += entry.weight;
        const stored = state.agents[entry.agent_id];
        if (!stored) throw badRequest(`${key}/${i}/agent_id: agent ${entry.agent_id} not found`);
        if (typeof entry.agent_version === 'number' && !stored.versions[String(entry.agent_version)]) throw badRequest(`${key}/${i}/agent_version: agent ${entry.agent_id} has no version ${entry.agent_version}`);
        if (typeof entry.agent_version === 'string' && entry.agent_version !== 'latest' && entry.agent_version !== 'latest_published') {
          throw badRequest(`${key}/${i}/agent_version: "${entry.agent_version}" would name an environment tag, which the emulator does not have; use a version number, "latest" or "latest_published"`);
        }
        const pair = `${entry.agent_id}@${String(entry.agent_version ?? 'latest')}`;
        if (seen.has(pair)) throw badRequest(`${key}/${i}: ${pair} is listed twice; give each agent version one entry`);
        seen.add(pair);
      }
      if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) throw badRequest(`${key}: weights must sum to 1, got ${Number(sum.toFixed(6))}`);
    }
  };

  const phone = (number: string): Json => {
    const found = state.phoneNumbers[decodeURIComponent(number)];
    if (!found) throw notFound(`phone number ${decodeURIComponent(number)} not found`);
    return found;
  };

  const storeNumber = (record: Json, status = 201): Reply => {
    state.phoneNumbers[String(record.phone_number)] = record;
    state.save('phone-numbers');
    return ok(record, status);
  };

  const createPhoneNumber: Handler = (ex) => {
    const body = jsonBody(ex) as Json;
    checkBody('createPhoneNumber', body);
    checkBindings(body);
    const { number_provider, toll_free: _tollFree, country_code: _country, transport: _transport, ...rest } = body;
    let number = body.phone_number as string | undefined;
    if (number === undefined) {
      const area = (body.area_code as number | undefined) ?? 415;
      do number = `+1${area}555${String(randomBytes(2).readUInt16BE() % 10_000).padStart(4, '0')}`;
      while (state.phoneNumbers[number]);
    }
    if (state.phoneNumbers[number]) throw badRequest(`phone_number: ${number} is already in this workspace`);
    return storeNumber({ ...rest, phone_number: number, phone_number_pretty: pretty(number), phone_number_type: number_provider === 'telnyx' ? 'retell-telnyx' : 'retell-twilio', area_code: Number(number.slice(2, 5)), last_modification_timestamp: ctx.now() });
  };

  const importPhoneNumber: Handler = (ex) => {
    const body = jsonBody(ex) as Json;
    checkBody('importPhoneNumber', body);
    checkBindings(body);
    const number = String(body.phone_number);
    if (!body.ignore_e164_validation && !/^\+[1-9]\d{6,14}$/.test(number)) throw badRequest(`phone_number: ${number} is not E.164 (+ and country code, e.g. +14155550100)`);
    if (state.phoneNumbers[number]) throw badRequest(`phone_number: ${number} is already in this workspace`);
    const { sip_trunk_auth_password: _password, ignore_e164_validation: _ignore, termination_uri, sip_trunk_auth_username, transport, ...rest } = body;
    return storeNumber({ ...rest, phone_number: number, phone_number_pretty: pretty(number), phone_number_type: 'custom', sip_outbound_trunk_config: { termination_uri, auth_username: sip_trunk_auth_username, transport }, last_modification_timestamp: ctx.now() });
  };

  const getPhoneNumber: Handler = (ex) => ok(phone(ex.params.phone_number!));

  const updatePhoneNumber: Handler = (ex) => {
    const current = phone(ex.params.phone_number!);
    const body = jsonBody(ex) as Json;
    checkBody('updatePhoneNumber', body);
    checkBindings(body);
    const { auth_password: _password, auth_username, termination_uri, transport, ...rest } = body;
    const next: Json = { ...current, ...rest, last_modification_timestamp: ctx.now() };
    if (termination_uri !== undefined || auth_username !== undefined || transport !== undefined) {
      next.sip_outbound_trunk_config = { ...(current.sip_outbound_trunk_config as Json), ...defined({ termination_uri, auth_username, transport }) };
    }
    return storeNumber(next, 200);
  };

  const deletePhoneNumber: Handler = (ex) => {
    const current = phone(ex.params.phone_number!);
    delete state.phoneNumbers[String(current.phone_number)];
    state.save('phone-numbers');
    return noContent();
  };

  const listPhoneNumbers: Handler = (ex) => {
    const items = Object.values(state.phoneNumbers).sort((a, b) => (String(a.phone_number) < String(b.phone_number) ? -1 : 1));
    return ok(paginate(items, ex.query, (item) => String(item.phone_number)));
  };

  const numbersBinding = (agentId: string): string[] =>
    Object.values(state.phoneNumbers)
      .filter((n) => ['inbound_agents', 'outbound_agents'].some((key) => ((n[key] as Json[] | null | undefined) ?? []).some((e) => e.agent_id === agentId)))
      .map((n) => String(n.phone_number));

  // ---- calls ----------------------------------------------------------------------------------
  const listCalls: Handler = (ex) => {
    const body = (ex.json ?? {}) as Json;
    checkBody('listCalls', body);
    const criteria = (body.filter_criteria ?? {}) as Json;
    const descending = body.sort_order !== 'ascending';
    const matched = Object.values(state.calls)
      .filter((call) => matchesCall(call, criteria))
      .sort((a, b) => ((a.start_timestamp as number) - (b.start_timestamp as number) || (String(a.call_id) < String(b.call_id) ? -1 : 1)) * (descending ? -1 : 1));
    const limit = clampLimit(body.limit as number | undefined);
    let start = typeof body.skip === 'number' ? body.skip : 0;
    if (typeof body.pagination_key === 'string') {
      const at = matched.findIndex((call) => call.call_id === body.pagination_key);
      if (at === -1) throw badRequest(`pagination_key: ${body.pagination_key} is not a call in this listing; start again without it`);
      start = at + 1;
    }
    const page = matched.slice(start, start + limit).map(withoutTranscript);
    const hasMore = start + limit < matched.length;
    return ok({ items: page, has_more: hasMore, ...(hasMore ? { pagination_key: page[page.length - 1]!.call_id } : {}), ...(body.include_total ? { total: matched.length } : {}) });
  };

  const getCall: Handler = (ex) => {
    const call = state.calls[ex.params.call_id!];
    if (!call) throw notFound(`call ${ex.params.call_id} not found`);
    return ok(call);
  };

  return {
    'create-agent': createAgent,
    'get-agent': getAgent,
    'update-agent': updateAgent,
    'delete-agent': deleteAgent,
    'list-agents': listAgents,
    'create-agent-version': createAgentVersion,
    'list-agent-versions': listAgentVersions,
    'publish-agent-version': publishAgentVersion,
    'delete-agent-version': deleteAgentVersion,
    'create-conversation-flow': createFlow,
    'get-conversation-flow': getFlow,
    'update-conversation-flow': updateFlow,
    'delete-conversation-flow': deleteFlow,
    'list-conversation-flows': listFlows,
    'create-phone-number': createPhoneNumber,
    'import-phone-number': importPhoneNumber,
    'get-phone-number': getPhoneNumber,
    'update-phone-number': updatePhoneNumber,
    'delete-phone-number': deletePhoneNumber,
    'list-phone-numbers': listPhoneNumbers,
    'list-calls': listCalls,
    'get-call': getCall,
  };
}

// ---- version resolution (shared with simulate-calls) --------------------------------------------

export function latestVersion(versions: Record<string, Json>): number {
  let max = -1;
  for (const key of Object.keys(versions)) max = Math.max(max, Number(key));
  return max;
}

/** `version` as get-agent and phone bindings take it: a number, "latest", "latest_published", or absent (latest). */
export function resolveAgentVersion(stored: StoredAgent, version: string | number | undefined): Json {
  const found = resolveVersion(stored.versions, version);
  if (!found) throw notFound(`agent ${stored.agent_id} has no version ${String(version)}`);
  return found;
}

function resolveFlowVersion(stored: StoredFlow, version: string | undefined): Json {
  const found = resolveVersion(stored.versions, version);
  if (!found) throw notFound(`conversation flow ${stored.conversation_flow_id} has no version ${String(version)}`);
  return found;
}

export function resolveVersion(versions: Record<string, Json>, version: string | number | undefined): Json | undefined {
  if (version === undefined || version === 'latest') return versions[latestVersion(versions)];
  if (version === 'latest_published') {
    const published = Object.values(versions).filter((v) => v.is_published).sort((a, b) => (b.version as number) - (a.version as number));
    return published[0];
  }
  if (typeof version === 'number' || /^\d+$/.test(version)) return versions[String(Number(version))];
  throw badRequest(`version: expected a version number, "latest" or "latest_published", got "${version}"`);
}

function latestDraft(stored: StoredAgent): Json {
  const drafts = Object.values(stored.versions).filter((v) => !v.is_published).sort((a, b) => (b.version as number) - (a.version as number));
  if (!drafts[0]) throw immutable(`agent ${stored.agent_id} has no draft: every version`, `POST /create-agent-version/${stored.agent_id} with {"base_version": ${latestVersion(stored.versions)}}`);
  return drafts[0];
}

// ---- list-calls filters -----------------------------------------------------------------------

type Filter = { type?: string; op?: string; value?: unknown; key?: string };

const CALL_PATHS: Record<string, (call: Json) => unknown> = {
  call_successful: (c) => (c.call_analysis as Json | undefined)?.call_successful,
  in_voicemail: (c) => (c.call_analysis as Json | undefined)?.in_voicemail,
  user_sentiment: (c) => (c.call_analysis as Json | undefined)?.user_sentiment,
  combined_cost: (c) => (c.call_cost as Json | undefined)?.combined_cost,
  e2e_latency_p50: (c) => ((c.latency as Json | undefined)?.e2e as Json | undefined)?.p50,
};

const KEYED: Record<string, (call: Json) => Json | undefined> = {
  metadata: (c) => c.metadata as Json | undefined,
  dynamic_variables: (c) => c.retell_llm_dynamic_variables as Json | undefined,
  custom_analysis_data: (c) => (c.call_analysis as Json | undefined)?.custom_analysis_data as Json | undefined,
  custom_attributes: (c) => c.custom_attributes as Json | undefined,
};

export function matchesCall(call: Json, criteria: Json): boolean {
  for (const [field, filter] of Object.entries(criteria)) {
    if (filter === undefined || filter === null) continue;
    if (field === 'agent') {
      const agents = filter as { agent_id: string; version?: number[] }[];
      if (agents.length && !agents.some((a) => a.agent_id === call.agent_id && (!a.version?.length || a.version.includes(call.agent_version as number)))) return false;
    } else if (field === 'tool_calls') {
      continue; // emulated calls record tool calls only in the transcript; not filtered here
    } else if (KEYED[field]) {
      const bag = KEYED[field](call) ?? {};
      for (const f of filter as Filter[]) if (!matchOne(f, f.key === undefined ? undefined : bag[f.key])) return false;
    } else if (field === 'agent_tag') {
      if (!matchOne(filter as Filter, call.agent_tag)) return false;
    } else {
      const value = CALL_PATHS[field] ? CALL_PATHS[field](call) : call[field];
      if (!matchOne(filter as Filter, value)) return false;
    }
  }
  return true;
}

function matchOne(filter: Filter, value: unknown): boolean {
  const target = filter.value;
  switch (filter.type) {
    case 'enum':
      return Array.isArray(target) && target.includes(value);
    case 'boolean':
      return value === target;
    case 'string':
      return typeof value === 'string' && stringOp(filter.op ?? 'eq', value, String(target));
    case 'number': {
      if (typeof value !== 'number') return false;
      const n = Number(target);
      return ({ eq: value === n, ne: value !== n, gt: value > n, ge: value >= n, lt: value < n, le: value <= n } as Record<string, boolean>)[filter.op ?? 'eq'] ?? false;
    }
    case 'range': {
      const [lo, hi] = target as [number, number];
      return typeof value === 'number' && value >= lo && value <= hi;
    }
    case 'present':
      return filter.op === 'np' ? value === undefined || value === null : value !== undefined && value !== null;
    default:
      return true;
  }
}

function stringOp(op: string, value: string, target: string): boolean {
  return ({ eq: value === target, ne: value !== target, sw: value.startsWith(target), ew: value.endsWith(target), co: value.includes(target) } as Record<string, boolean>)[op] ?? false;
}

function withoutTranscript(call: Json): Json {
  const copy = { ...call };
  for (const key of TRANSCRIPT_FIELDS) delete copy[key];
  return copy;
}

// ---- small helpers -----------------------------------------------------------------------------

/** limit + pagination_key (+ sort_order) from the query, the way Retell's v2 lists page. */
function paginate<T, U = T>(items: T[], query: URLSearchParams, keyOf: (item: T) => string, shape: (item: T) => U = (item) => item as unknown as U): Json {
  const ordered = query.get('sort_order') === 'descending' ? [...items].reverse() : items;
  const limitText = query.get('limit');
  if (limitText !== null && !/^\d+$/.test(limitText)) throw badRequest(`limit: expected a whole number, got "${limitText}"`);
  const limit = clampLimit(limitText === null ? undefined : Number(limitText));
  let start = 0;
  const key = query.get('pagination_key');
  if (key !== null) {
    const at = ordered.findIndex((item) => keyOf(item) === key);
    if (at === -1) throw badRequest(`pagination_key: ${key} is not in this listing; start again without it`);
    start = at + 1;
  }
  const page = ordered.slice(start, start + limit);
  const hasMore = start + limit < ordered.length;
  return { items: page.map(shape), has_more: hasMore, ...(hasMore ? { pagination_key: keyOf(page[page.length - 1]!) } : {}) };
}

function clampLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw badRequest(`limit: must be a whole number from 1 to ${MAX_LIMIT}`);
  return limit;
}

function jsonBody(ex: Exchange): unknown {
  if (ex.json === undefined) throw badRequest('body: expected a JSON object');
  return ex.json;
}

function pick(record: Json, keys: string[]): Json {
  return Object.fromEntries(keys.filter((k) => record[k] !== undefined).map((k) => [k, record[k]]));
}

function defined(record: Json): Json {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined));
}

function pretty(number: string): string {
  const m = /^\+1(\d{3})(\d{3})(\d{4})$/.exec(number);
  return m ? `+1 (${m[1]}) ${m[2]}-${m[3]}` : number;
}

export function ok(body: unknown, status = 200): Reply {
  return { status, body };
}

function noContent(): Reply {
  return { status: 204, body: undefined };
}

export function badRequest(message: string): HttpError {
  return new HttpError(400, message, { code: 'invalid_request' });
}

export function notFound(message: string): HttpError {
  return new HttpError(404, message, { code: 'not_found' });
}

function immutable(what: string, instead: string): HttpError {
  return new HttpError(400, `${what} is published, and published versions are immutable; ${instead}`, { code: 'immutable' });
}
