import type { CallRecords, ClaimHolder, ClaimResult, EventState, FunctionTrace, KeyValue, NewEvent, PruneResult, Retention, Store, StoredEvent, StoredResponse } from './store.js';
import { PendingClaims } from './claims.js';

const DAY_MS = 86_400_000;
/** The SQLite store's defaults (src/store/sqlite.ts), without importing its native driver. */
const DEFAULT_RETENTION: Retention = { answersMs: 48 * 3_600_000, eventsMs: 14 * DAY_MS, tracesMs: 14 * DAY_MS, kvMs: false };

/**
 * A Store held in plain Maps: what `replay` gives each call by default (a fresh, empty world per
 * call, nothing on disk, nothing kept alive after the call). It passes the same contract suite as
 * SqliteStore; values are copied through JSON on the way in and out, as a real store serialises them.
 */
export class MemoryStore implements Store {
  private readonly pending = new PendingClaims();
  /** Fencing tokens: every claim and takeover gets the next one. */
  private readonly answers = new Map<string, { json: string; at: number }>();
  private readonly events = new Map<number, StoredEvent>();
  private readonly eventsByKey = new Map<string, StoredEvent>();
  /** Handled events rewritten at rest (by id). */
  private readonly rewritten = new Set<number>();
  private nextEventId = 1;
  private readonly tracesByCall = new Map<string, { json: string; at: number }[]>();
  private readonly kv = new Map<string, Map<string, { json: string; at: number }>>();
  private closed = false;
  readonly retention: Retention;

  constructor(options: { retention?: Partial<Retention> } = {}) {
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
  }

  /** Every handler key-value entry, by namespace then key (replay compares side effects with it). */
  entries(): { namespace: string; key: string; value: unknown }[] {
    const out: { namespace: string; key: string; value: unknown }[] = [];
    for (const namespace of [...this.kv.keys()].sort()) {
      for (const key of [...this.kv.get(namespace)!.keys()].sort()) out.push({ namespace, key, value: JSON.parse(this.kv.get(namespace)!.get(key)!.json) });
    }
    return out;
  }

  async ping(_options?: { write?: boolean }): Promise<void> {
    if (this.closed) throw new Error('the memory store is closed');
  }

  async prune(now = Date.now()): Promise<PruneResult> {
    const result: PruneResult = { answers: 0, events: 0, traces: 0, kv: 0 };
    for (const [key, answer] of this.answers) if (answer.at < now - this.retention.answersMs && this.answers.delete(key)) result.answers++;
    const { eventsMs, tracesMs, kvMs } = this.retention;
    if (eventsMs !== false) {
      for (const [id, event] of this.events) {
        if (event.state === 'pending' || event.receivedAt >= now - eventsMs) continue;
        this.dropEvent(id);
        result.events++;
      }
    }
    if (tracesMs !== false) {
      for (const [callId, list] of this.tracesByCall) {
        const kept = list.filter((t) => t.at >= now - tracesMs);
        result.traces += list.length - kept.length;
        if (kept.length) this.tracesByCall.set(callId, kept);
        else this.tracesByCall.delete(callId);
      }
    }
    if (kvMs !== false) {
      for (const space of this.kv.values()) for (const [key, entry] of space) if (entry.at < now - kvMs && space.delete(key)) result.kv++;
    }
    return result;
  }

  private dropEvent(id: number): void {
    const event = this.events.get(id);
    if (!event) return;
    this.events.delete(id);
    this.rewritten.delete(id);
    if (event.dedupeKey !== undefined && this.eventsByKey.get(event.dedupeKey) === event) this.eventsByKey.delete(event.dedupeKey);
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async claim(key: string, owner: string, now: number): Promise<ClaimResult> {
    const pending = this.pending.get(key);
    if (pending) return { state: 'pending', owner: pending.owner, claimedAt: pending.claimedAt };
    const answer = this.answers.get(key);
    if (answer !== undefined) return { state: 'done', response: JSON.parse(answer.json) as StoredResponse };
    return { state: 'claimed', fence: this.pending.claim(key, owner, now) };
  }

  async takeOver(key: string, owner: string, staleBefore: number, now: number): Promise<number | undefined> {
    return this.pending.takeOver(key, owner, staleBefore, now);
  }

  async complete(key: string, holder: ClaimHolder, response: StoredResponse, trace?: FunctionTrace): Promise<boolean> {
    if (!this.pending.holds(key, holder)) return false;
    this.answers.set(key, { json: JSON.stringify({ status: response.status, body: response.body ?? null }), at: Date.now() });
    this.pending.delete(key);
    if (trace) await this.recordTraces([trace]);
    return true;
  }

  async release(key: string, holder: ClaimHolder): Promise<boolean> {
    if (!this.pending.holds(key, holder)) return false;
    this.pending.delete(key);
    return true;
  }

  async appendEvent(event: NewEvent): Promise<{ inserted: boolean; event: StoredEvent }> {
    if (event.dedupeKey !== undefined) {
      const existing = this.eventsByKey.get(event.dedupeKey);
      if (existing) return { inserted: false, event: { ...existing } };
    }
    if (event.supersede) {
      for (const [id, e] of this.events) if (e.callId === event.callId && e.event === event.event && e.state !== 'pending') this.dropEvent(id);
    }
    const { supersede: _supersede, ...fields } = event;
    const stored: StoredEvent = { ...fields, id: this.nextEventId++, state: 'pending', attempts: 0 };
    if (stored.dedupeKey === undefined) delete stored.dedupeKey;
    this.events.set(stored.id, stored);
    if (event.dedupeKey !== undefined) this.eventsByKey.set(event.dedupeKey, stored);
    return { inserted: true, event: { ...stored } };
  }

  async pendingEvents(limit = 1000, afterId = 0): Promise<StoredEvent[]> {
    return [...this.events.values()].filter((e) => e.state === 'pending' && e.id > afterId).slice(0, limit).map((e) => ({ ...e }));
  }

  // One process, no leases: there is no stale lease holder to fence off (`fence` is accepted and ignored).
  async markEvent(id: number, update: { state: EventState; attempts: number; error?: string; handledAt?: number }, _fence?: number): Promise<boolean> {
    const event = this.events.get(id);
    if (!event) return false;
    event.state = update.state;
    event.attempts = update.attempts;
    if (update.error === undefined) delete event.error;
    else event.error = update.error;
    if (update.handledAt === undefined) delete event.handledAt;
    else event.handledAt = update.handledAt;
    return true;
  }

  async eventsForCall(callId: string): Promise<StoredEvent[]> {
    return [...this.events.values()].filter((e) => e.callId === callId).map((e) => ({ ...e }));
  }

  async getEvent(id: number): Promise<StoredEvent | undefined> {
    const event = this.events.get(id);
    return event ? { ...event } : undefined;
  }

  async recordTraces(traces: readonly FunctionTrace[]): Promise<void> {
    for (const trace of traces) {
      let list = this.tracesByCall.get(trace.callId);
      if (!list) this.tracesByCall.set(trace.callId, (list = []));
      list.push({ json: JSON.stringify(trace), at: Date.now() });
    }
  }

  async tracesForCall(callId: string): Promise<FunctionTrace[]> {
    return (this.tracesByCall.get(callId) ?? []).map((t) => JSON.parse(t.json) as FunctionTrace);
  }

  async rewriteCall(callId: string, rewrite: (records: CallRecords) => CallRecords): Promise<void> {
    const handled = [...this.events.values()].filter((e) => e.callId === callId && e.state !== 'pending');
    if (!handled.some((e) => !this.rewritten.has(e.id))) return;
    const traces = this.tracesByCall.get(callId) ?? [];
    const out = rewrite({ events: handled.map((e) => ({ id: e.id, body: e.body })), traces: traces.map((t) => JSON.parse(t.json) as FunctionTrace) });
    for (const e of out.events) {
      const event = this.events.get(e.id);
      if (event && event.callId === callId && event.state !== 'pending') event.body = e.body;
    }
    out.traces.forEach((trace, i) => {
      if (traces[i]) traces[i] = { json: JSON.stringify(trace), at: traces[i]!.at };
    });
    for (const e of handled) this.rewritten.add(e.id);
  }

  async callsAwaitingRewrite(endedBefore: number, limit = 100): Promise<string[]> {
    const out = new Set<string>();
    for (const e of this.events.values()) {
      if (out.size >= limit) break;
      if ((e.event === 'call_ended' || e.event === 'chat_ended') && e.state !== 'pending' && e.receivedAt < endedBefore && !this.rewritten.has(e.id)) out.add(e.callId);
    }
    return [...out];
  }

  private space(namespace: string): Map<string, { json: string; at: number }> {
    let space = this.kv.get(namespace);
    if (!space) this.kv.set(namespace, (space = new Map()));
    return space;
  }

  async kvGet(namespace: string, key: string): Promise<unknown> {
    const value = this.kv.get(namespace)?.get(key);
    return value === undefined ? undefined : JSON.parse(value.json);
  }

  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    this.space(namespace).set(key, { json: JSON.stringify(value ?? null), at: Date.now() });
  }

  async kvInsert(namespace: string, key: string, value: unknown): Promise<boolean> {
    const space = this.space(namespace);
    if (space.has(key)) return false;
    space.set(key, { json: JSON.stringify(value ?? null), at: Date.now() });
    return true;
  }

  async kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.kv.get(namespace)?.delete(key) ?? false;
  }

  async kvList(namespace: string, prefix = ''): Promise<KeyValue[]> {
    const space = this.kv.get(namespace);
    if (!space) return [];
    const out: KeyValue[] = [];
    for (const [key, value] of space) if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(value.json) });
    // Code-unit order, as SQLite's BINARY collation sorts.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
