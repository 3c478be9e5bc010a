import { randomBytes } from 'node:crypto';
import { HttpError } from '../http/errors.js';
import type { EmulatorRouteSpec } from './routes.js';

// LocalStack-style chaos for the emulated API: `POST /emulator/faults` adds rules, `DELETE` clears
// them. A rule matches a route id ("create-agent-version"), a method + path pattern as the route
// table prints it ("POST /create-agent-version/<agent_id>") or "*", fires with a probability,
// optionally only `times` times, and then: waits `latency_ms`, answers `status` (429 with
// Retry-After), or, with `drop`, lets the request run and then cuts the connection before the
// answer ("after": the change is made but the client never hears of it) or cuts it unanswered
// ("before"). Control routes (/emulator/...) are never faulted.

export interface FaultRule {
  id: string;
  /** Route id, `METHOD /path/<param>` as the route table lists it, or "*". */
  endpoint: string;
  /** HTTP status to answer instead of running the request (4xx/5xx). */
  status?: number;
  message?: string;
  /** Seconds, sent as Retry-After (429 and 503). */
  retry_after?: number;
  latency_ms?: number;
  /** 0..1, default 1. */
  probability: number;
  /** Fire at most this many times, then the rule retires itself. */
  times?: number;
  drop?: 'before' | 'after';
  fired: number;
}

export type FaultInput = Omit<FaultRule, 'id' | 'fired' | 'probability'> & { probability?: number };

export interface FaultDecision {
  rule: FaultRule;
  latencyMs: number;
  error?: HttpError;
  drop?: 'before' | 'after';
}

export class Faults {
  private rules: FaultRule[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  list(): FaultRule[] {
    return this.rules.map((r) => ({ ...r }));
  }

  clear(): number {
    const n = this.rules.length;
    this.rules = [];
    return n;
  }

  /** Validate and add rules from a request body: `{ "faults": [...] }` or one rule object. */
  add(body: unknown, routes: readonly EmulatorRouteSpec[]): FaultRule[] {
    const inputs = Array.isArray((body as { faults?: unknown })?.faults) ? (body as { faults: unknown[] }).faults : [body];
    const added = inputs.map((input, i) => parseRule(input, i, routes));
    this.rules.push(...added);
    return added.map((r) => ({ ...r }));
  }

  /** The rule that fires for this request, if any (first match whose dice say so). */
  decide(route: EmulatorRouteSpec, method: string, pattern: string): FaultDecision | undefined {
    for (const rule of this.rules) {
      if (rule.endpoint !== '*' && rule.endpoint !== route.id && rule.endpoint !== `${method} ${pattern}`) continue;
      if (rule.times !== undefined && rule.fired >= rule.times) continue;
      if (this.random() >= rule.probability) continue;
      rule.fired++;
      const headers: Record<string, string> = {};
      if (rule.retry_after !== undefined) headers['retry-after'] = String(rule.retry_after);
      const error = rule.status === undefined ? undefined : new HttpError(rule.status, rule.message ?? defaultMessage(rule.status), { code: 'fault_injected', headers });
      return { rule, latencyMs: rule.latency_ms ?? 0, error, drop: rule.drop };
    }
    return undefined;
  }
}

function parseRule(input: unknown, i: number, routes: readonly EmulatorRouteSpec[]): FaultRule {
  const where = `faults/${i}`;
  if (!input || typeof input !== 'object' || Array.isArray(input)) throw bad(`${where}: expected an object like {"endpoint": "create-agent-version", "status": 503}`);
  const r = input as Record<string, unknown>;
  const known = new Set(['endpoint', 'status', 'message', 'retry_after', 'latency_ms', 'probability', 'times', 'drop']);
  for (const key of Object.keys(r)) if (!known.has(key)) throw bad(`${where}: unknown field "${key}" (fields: ${[...known].join(', ')})`);
  const endpoint = r.endpoint;
  const names = routes.filter((route) => route.kind === 'api').flatMap((route) => [route.id, `${route.method} ${route.path.replace(/:([A-Za-z0-9_]+)/g, '<$1>')}`]);
  if (typeof endpoint !== 'string' || (endpoint !== '*' && !names.includes(endpoint))) {
    throw bad(`${where}/endpoint: expected "*" or an API route id such as ${routes.filter((x) => x.kind === 'api').slice(0, 3).map((x) => `"${x.id}"`).join(', ')} (GET /emulator/routes lists them)`);
  }
  if (r.status !== undefined && !(Number.isInteger(r.status) && (r.status as number) >= 400 && (r.status as number) <= 599)) throw bad(`${where}/status: expected an HTTP error status from 400 to 599`);
  if (r.retry_after !== undefined && !(Number.isInteger(r.retry_after) && (r.retry_after as number) >= 0)) throw bad(`${where}/retry_after: expected whole seconds`);
  if (r.latency_ms !== undefined && !(Number.isInteger(r.latency_ms) && (r.latency_ms as number) >= 0 && (r.latency_ms as number) <= 600_000)) throw bad(`${where}/latency_ms: expected 0 to 600000`);
  if (r.probability !== undefined && !(typeof r.probability === 'number' && r.probability >= 0 && r.probability <= 1)) throw bad(`${where}/probability: expected a number from 0 to 1`);
  if (r.times !== undefined && !(Number.isInteger(r.times) && (r.times as number) >= 1)) throw bad(`${where}/times: expected a whole number of at least 1`);
  if (r.drop !== undefined && r.drop !== 'before' && r.drop !== 'after') throw bad(`${where}/drop: expected "before" or "after"`);
  if (r.message !== undefined && typeof r.message !== 'string') throw bad(`${where}/message: expected a string`);
  if (r.status === undefined && r.latency_ms === undefined && r.drop === undefined) throw bad(`${where}: give at least one of status, latency_ms or drop`);
  return {
    id: `fault_${randomBytes(4).toString('hex')}`,
    endpoint,
    status: r.status as number | undefined,
    message: r.message as string | undefined,
    retry_after: r.retry_after as number | undefined ?? (r.status === 429 ? 1 : undefined),
    latency_ms: r.latency_ms as number | undefined,
    probability: (r.probability as number | undefined) ?? 1,
    times: r.times as number | undefined,
    drop: r.drop as 'before' | 'after' | undefined,
    fired: 0,
  };
}

function defaultMessage(status: number): string {
  if (status === 429) return 'Too many requests (fault injected by the emulator)';
  if (status >= 500) return 'Internal server error (fault injected by the emulator)';
  return `Request failed with status ${status} (fault injected by the emulator)`;
}

function bad(message: string): HttpError {
  return new HttpError(400, message, { code: 'invalid_request' });
}
