// A tiny Prometheus text-format registry: counters and histograms with labels, nothing else.

type Labels = Record<string, string | number | undefined>;

function labelKey(names: readonly string[], labels: Labels): string {
  // On every request's path (requests, durations): a loop, no intermediate array.
  let key = '';
  for (let i = 0; i < names.length; i++) key += (i ? '\u0000' : '') + String(labels[names[i]!] ?? '');
  return key;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function renderLabels(names: readonly string[], values: string[], extra = ''): string {
  const parts = names.map((n, i) => `${n}="${escapeLabel(values[i] ?? '')}"`);
  if (extra) parts.push(extra);
  return parts.length ? `{${parts.join(',')}}` : '';
}

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(readonly name: string, readonly help: string, readonly labelNames: readonly string[] = []) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(this.labelNames, labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  get(labels: Labels = {}): number {
    return this.values.get(labelKey(this.labelNames, labels)) ?? 0;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`];
    for (const [key, value] of this.values) lines.push(`${this.name}${renderLabels(this.labelNames, key.split('\u0000'))} ${value}`);
    return lines.join('\n');
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly labelNames: readonly string[] = [],
    readonly buckets: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  ) {}

  observe(labels: Labels, value: number): void {
    const key = labelKey(this.labelNames, labels);
    let s = this.series.get(key);
    if (!s) {
      s = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, s);
    }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, s] of this.series) {
      const values = key.split('\u0000');
      this.buckets.forEach((b, i) => lines.push(`${this.name}_bucket${renderLabels(this.labelNames, values, `le="${b}"`)} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${renderLabels(this.labelNames, values, 'le="+Inf"')} ${s.count}`);
      lines.push(`${this.name}_sum${renderLabels(this.labelNames, values)} ${s.sum}`);
      lines.push(`${this.name}_count${renderLabels(this.labelNames, values)} ${s.count}`);
    }
    return lines.join('\n');
  }
}

export class ServerMetrics {
  readonly requests = new Counter('retell_kit_requests_total', 'HTTP requests by route and status.', ['route', 'status']);
  readonly functionDuration = new Histogram('retell_kit_function_duration_seconds', 'Function handler latency by function and agent version.', ['function', 'agent_version', 'outcome']);
  readonly duplicates = new Counter('retell_kit_duplicates_suppressed_total', 'Redeliveries answered without running the handler again.', ['kind']);
  readonly signatureFailures = new Counter('retell_kit_signature_failures_total', 'Requests rejected by signature verification, by reason.', ['reason']);
  readonly webhookEvents = new Counter('retell_kit_webhook_events_handled_total', 'Webhook events handled from the store, by event and outcome.', ['event', 'outcome']);
  readonly rateLimited = new Counter('retell_kit_rate_limited_total', 'Requests refused with 429 by the per-call rate limit.');
  readonly fetchAttempts = new Counter('retell_kit_fetch_attempts_total', 'ctx.fetch attempts by downstream host, method, result (status or error) and breaker state.', ['host', 'method', 'result', 'breaker']);
  readonly fetchRetries = new Counter('retell_kit_fetch_retries_total', 'ctx.fetch attempts followed by a retry, by host and reason.', ['host', 'reason']);
  readonly fetchDuration = new Histogram('retell_kit_fetch_attempt_duration_seconds', 'ctx.fetch attempt latency by downstream host.', ['host']);
  readonly fallbacks = new Counter('retell_kit_function_fallbacks_total', 'Function calls answered with the declared fallback, by function.', ['function']);
  /** Breaker states by host, read at scrape time. */
  breakers: () => Map<string, string> = () => new Map();

  render(): string {
    const states = ['closed', 'open', 'half-open'];
    const breakerLines = ['# HELP retell_kit_fetch_breaker_state ctx.fetch circuit breaker per downstream host (1 for its current state).', '# TYPE retell_kit_fetch_breaker_state gauge'];
    for (const [host, state] of this.breakers()) for (const s of states) breakerLines.push(`retell_kit_fetch_breaker_state{host=${JSON.stringify(host)},state="${s}"} ${s === state ? 1 : 0}`);
    return [this.requests, this.functionDuration, this.duplicates, this.signatureFailures, this.webhookEvents, this.rateLimited, this.fetchAttempts, this.fetchRetries, this.fetchDuration, this.fallbacks].map((m) => m.render()).join('\n') + '\n' + breakerLines.join('\n') + '\n';
  }
}
