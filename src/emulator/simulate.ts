import { randomBytes } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import { SIGNATURE_HEADER, sign } from '../retell/signature.js';
import { resolveVersion, TRANSCRIPT_FIELDS } from './api.js';
import type { EmulatorState, Json } from './state.js';

// POST /emulator/simulate-calls: call traffic for canary tests. `count` ended inbound calls on a
// number; each call picks its agent version by the number's current inbound_agents weights and
// draws its outcome from that version's rates (defaults for versions not named). Calls are stored
// (list-calls and get-call return them) and, when the agent version has a webhook_url, Retell's
// signed call_started / call_ended / call_analyzed webhooks are delivered to it, in order per
// call, retried up to 3 more times on failure as Retell does. A seed makes the draw repeatable.

export interface OutcomeRates {
  call_successful: number;
  transferred: number;
  function_error: number;
  duration_ms: [number, number];
}

export const DEFAULT_OUTCOME: OutcomeRates = { call_successful: 0.85, transferred: 0.05, function_error: 0.02, duration_ms: [30_000, 180_000] };

export interface SimulateRequest {
  phone_number: string;
  count: number;
  outcomes?: Record<string, Partial<OutcomeRates>>;
  seed?: number;
  /** The calls start at this epoch ms, spread over the next second (live traffic); default: ended calls over the last minutes. */
  start_timestamp?: number;
}

export interface SimulateResult {
  calls: number;
  by_version: Record<string, number>;
  call_ids: string[];
  webhooks: { delivered: number; failed: number; failures: string[] };
}

export const MAX_CALLS = 10_000;
const DELIVERY_CONCURRENCY = 8;
const WEBHOOK_RETRIES = 3;
const DEFAULT_EVENTS = ['call_started', 'call_ended', 'call_analyzed'];

export async function simulateCalls(state: EmulatorState, body: unknown, signingKey: string | undefined, now: () => number): Promise<SimulateResult> {
  const request = parse(body);
  const number = state.phoneNumbers[request.phone_number];
  if (!number) throw new HttpError(404, `phone number ${request.phone_number} not found`, { code: 'not_found' });
  const bindings = ((number.inbound_agents as { agent_id: string; weight: number; agent_version?: string | number }[] | null | undefined) ?? []).filter((b) => b.weight > 0);
  if (bindings.length === 0) throw bad(`phone number ${request.phone_number} has no inbound_agents: bind an agent with PATCH /update-phone-number first`);

  // Resolve each binding to a concrete version now: "current weights" at the time of the traffic.
  const targets = bindings.map((b) => {
    const agent = state.agents[b.agent_id];
    const version = agent ? resolveVersion(agent.versions, b.agent_version) : undefined;
    if (!agent || !version) throw bad(`inbound_agents: ${b.agent_id}@${String(b.agent_version ?? 'latest')} does not resolve to an agent version`);
    return { weight: b.weight, agent: version, key: `${b.agent_id}@${String(version.version)}` };
  });
  for (const key of Object.keys(request.outcomes ?? {})) {
    if (!targets.some((t) => t.key === key)) throw bad(`outcomes: "${key}" is not bound to ${request.phone_number} (bound: ${targets.map((t) => t.key).join(', ')})`);
  }
  const total = targets.reduce((sum, t) => sum + t.weight, 0);
  const random = mulberry32(request.seed ?? randomBytes(4).readUInt32BE());
  const byVersion: Record<string, number> = Object.fromEntries(targets.map((t) => [t.key, 0]));
  const calls: Json[] = [];
  const base = now();
  for (let i = 0; i < request.count; i++) {
    let roll = random() * total;
    const target = targets.find((t) => (roll -= t.weight) < 0) ?? targets[targets.length - 1]!;
    const rates = { ...DEFAULT_OUTCOME, ...request.outcomes?.[target.key] };
    byVersion[target.key]!++;
    const [lo, hi] = rates.duration_ms;
    const duration = Math.round(lo + random() * (hi - lo));
    const transferred = random() < rates.transferred;
    const successful = random() < rates.call_successful;
    const functionError = random() < rates.function_error;
    const agentHangup = random() < 0.6;
    const start = request.start_timestamp !== undefined ? request.start_timestamp + Math.floor((i * 1000) / request.count) : base - duration - (request.count - i) * 1000;
    calls.push(buildCall({ agent: target.agent, to: request.phone_number, from: `+1555${String(Math.floor(random() * 10_000_000)).padStart(7, '0')}`, start, duration, transferred, successful, functionError, agentHangup }));
  }
  for (const call of calls) state.calls[String(call.call_id)] = call;
  state.save('calls');

  const webhooks = { delivered: 0, failed: 0, failures: [] as string[] };
  const deliveries = calls.filter((call) => targetsWebhook(call, targets));
  if (deliveries.length && !signingKey) throw bad('webhooks need a signing key: call with Authorization: Bearer <key>, or start the emulator with --api-key');
  await pool(deliveries, DELIVERY_CONCURRENCY, async (call) => {
    const agent = targets.find((t) => t.agent.agent_id === call.agent_id && t.agent.version === call.agent_version)!.agent;
    const events = (agent.webhook_events as string[] | undefined) ?? DEFAULT_EVENTS;
    for (const event of DEFAULT_EVENTS.filter((e) => events.includes(e))) {
      const result = await deliver(String(agent.webhook_url), event, payload(event, call), signingKey!, (agent.webhook_timeout_ms as number | undefined) ?? 10_000);
      if (result === true) webhooks.delivered++;
      else {
        webhooks.failed++;
        if (webhooks.failures.length < 10) webhooks.failures.push(`${event} ${String(call.call_id)}: ${result}`);
      }
    }
  });
  return { calls: calls.length, by_version: byVersion, call_ids: calls.map((c) => String(c.call_id)), webhooks };
}

function targetsWebhook(call: Json, targets: { agent: Json }[]): boolean {
  const agent = targets.find((t) => t.agent.agent_id === call.agent_id && t.agent.version === call.agent_version)?.agent;
  return typeof agent?.webhook_url === 'string' && agent.webhook_url !== '';
}

interface CallDraw {
  agent: Json;
  to: string;
  from: string;
  start: number;
  duration: number;
  transferred: boolean;
  successful: boolean;
  functionError: boolean;
  agentHangup: boolean;
}

function buildCall(d: CallDraw): Json {
  const callId = `call_${randomBytes(12).toString('hex')}`;
  const tool = { name: 'emulated_function', id: `tool_call_${randomBytes(4).toString('hex')}` };
  const transcriptWithTools: Json[] = [
    { role: 'agent', content: 'Hello, how can I help you today?', words: [] },
    { role: 'user', content: 'I would like to book an appointment.', words: [] },
    { role: 'tool_call_invocation', tool_call_id: tool.id, name: tool.name, arguments: '{}' },
    d.functionError ? { role: 'tool_call_result', tool_call_id: tool.id, content: 'error: the function failed', successful: false } : { role: 'tool_call_result', tool_call_id: tool.id, content: '{"ok":true}', successful: true },
    { role: 'agent', content: d.transferred ? 'Let me transfer you.' : 'Thank you for calling, goodbye.', words: [] },
  ];
  return {
    call_id: callId,
    call_type: 'phone_call',
    agent_id: d.agent.agent_id,
    agent_version: d.agent.version,
    agent_name: d.agent.agent_name ?? null,
    call_status: 'ended',
    direction: 'inbound',
    from_number: d.from,
    to_number: d.to,
    start_timestamp: d.start,
    end_timestamp: d.start + d.duration,
    duration_ms: d.duration,
    disconnection_reason: d.transferred ? 'call_transfer' : d.agentHangup ? 'agent_hangup' : 'user_hangup',
    transcript: transcriptWithTools.filter((t) => t.role === 'agent' || t.role === 'user').map((t) => `${t.role === 'agent' ? 'Agent' : 'User'}: ${String(t.content)}`).join('\n'),
    transcript_object: transcriptWithTools.filter((t) => t.role === 'agent' || t.role === 'user'),
    transcript_with_tool_calls: transcriptWithTools,
    call_analysis: {
      call_successful: d.successful,
      call_summary: d.successful ? 'The caller got what they called for.' : 'The caller did not get what they called for.',
      user_sentiment: d.successful ? 'Positive' : 'Negative',
      in_voicemail: false,
      custom_analysis_data: {},
    },
    call_cost: { combined_cost: Math.round(d.duration / 600), product_costs: [], total_duration_seconds: Math.round(d.duration / 1000), total_duration_unit_price: 0.1 },
    data_storage_setting: 'everything',
    opt_in_signed_url: false,
  };
}

/** The webhook body for an event: call_started carries the basics, call_ended all but the analysis. */
function payload(event: string, call: Json): Json {
  if (event === 'call_started') {
    const started: Json = { ...call, call_status: 'ongoing' };
    for (const key of ['end_timestamp', 'duration_ms', 'disconnection_reason', 'call_analysis', 'call_cost', ...TRANSCRIPT_FIELDS]) delete started[key];
    return { event, call: started };
  }
  if (event === 'call_ended') {
    const { call_analysis: _analysis, ...ended } = call;
    return { event, call: ended };
  }
  return { event, call };
}

/** POST one signed webhook; true, or why it failed after Retell's retries. */
async function deliver(url: string, event: string, body: Json, key: string, timeoutMs: number): Promise<true | string> {
  const text = JSON.stringify(body);
  let last = '';
  for (let attempt = 0; attempt <= WEBHOOK_RETRIES; attempt++) {
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', [SIGNATURE_HEADER]: sign(text, key) },
        body: text,
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (response.ok) return true;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = (error as Error).name === 'TimeoutError' ? `no answer in ${timeoutMs} ms` : (error as Error).message;
    }
    if (attempt < WEBHOOK_RETRIES) await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
  }
  return `${last} after ${WEBHOOK_RETRIES + 1} attempts (${event} to ${url})`;
}

async function pool<T>(items: T[], concurrency: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await run(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, worker));
}

function parse(body: unknown): SimulateRequest {
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw bad('body: expected {"phone_number": "+1...", "count": 200, "outcomes": {...}, "seed": 7}');
  const r = body as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!['phone_number', 'count', 'outcomes', 'seed', 'start_timestamp'].includes(key)) throw bad(`body: unknown field "${key}" (fields: phone_number, count, outcomes, seed, start_timestamp)`);
  if (typeof r.phone_number !== 'string') throw bad('phone_number: required, the E.164 number the calls come in on');
  if (!(Number.isInteger(r.count) && (r.count as number) >= 1 && (r.count as number) <= MAX_CALLS)) throw bad(`count: expected a whole number from 1 to ${MAX_CALLS}`);
  if (r.seed !== undefined && !(Number.isInteger(r.seed) && (r.seed as number) >= 0)) throw bad('seed: expected a non-negative whole number');
  if (r.start_timestamp !== undefined && !(Number.isInteger(r.start_timestamp) && (r.start_timestamp as number) > 0)) throw bad('start_timestamp: expected epoch milliseconds');
  if (r.outcomes !== undefined && (typeof r.outcomes !== 'object' || r.outcomes === null || Array.isArray(r.outcomes))) throw bad('outcomes: expected an object keyed by "<agent_id>@<version>"');
  for (const [key, rates] of Object.entries((r.outcomes ?? {}) as Record<string, unknown>)) {
    if (!/^[^@]+@\d+$/.test(key)) throw bad(`outcomes: key "${key}" is not "<agent_id>@<version number>"`);
    const o = rates as Record<string, unknown>;
    if (!o || typeof o !== 'object') throw bad(`outcomes/${key}: expected an object of rates`);
    for (const [name, value] of Object.entries(o)) {
      if (name === 'duration_ms') {
        if (!Array.isArray(value) || value.length !== 2 || !value.every((v) => Number.isInteger(v) && v >= 0) || value[0] > value[1]) throw bad(`outcomes/${key}/duration_ms: expected [min, max] in ms`);
      } else if (['call_successful', 'transferred', 'function_error'].includes(name)) {
        if (!(typeof value === 'number' && value >= 0 && value <= 1)) throw bad(`outcomes/${key}/${name}: expected a rate from 0 to 1`);
      } else throw bad(`outcomes/${key}: unknown field "${name}" (call_successful, transferred, function_error, duration_ms)`);
    }
  }
  return r as unknown as SimulateRequest;
}

/** A small seeded PRNG (mulberry32): the same seed draws the same traffic. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bad(message: string): HttpError {
  return new HttpError(400, message, { code: 'invalid_request' });
}
