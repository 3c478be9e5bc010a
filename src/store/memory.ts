import type { ClaimResult, EventState, FunctionTrace, KeyValue, NewEvent, Store, StoredEvent, StoredResponse } from './store.js';

/**
 * A Store held in plain Maps: what `replay` gives each call by default (a fresh, empty world per
 * call, nothing on disk, nothing kept alive after the call). It passes the same contract suite as
 * SqliteStore; values are copied through JSON on the way in and out, as a real store serialises them.
 */
export class MemoryStore implements Store {
  private readonly pending = new Map<string, { owner: string; claimedAt: number }>();
  private readonly answers = new Map<string, string>();
  private readonly events: StoredEvent[] = [];
  private readonly eventsByKey = new Map<string, StoredEvent>();
  private readonly tracesByCall = new Map<string, string[]>();
  private readonly kv = new Map<string, Map<string, string>>();
  private closed = false;

  /** Every handler key-value entry, by namespace then key (replay compares side effects with it). */
  entries(): { namespace: string; key: string; value: unknown }[] {
    const out: { namespace: string; key: string; value: unknown }[] = [];
    for (const namespace of [...this.kv.keys()].sort()) {
      for (const key of [...this.kv.get(namespace)!.keys()].sort()) out.push({ namespace, key, value: JSON.parse(this.kv.get(namespace)!.get(key)!) });
    }
    return out;
  }

  async ping(): Promise<void> {
    if (this.closed) throw new Error('the memory store is closed');
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  async claim(key: string, owner: string, now: number): Promise<ClaimResult> {
    const pending = this.pending.get(key);
    if (pending) return { state: 'pending', owner: pending.owner, claimedAt: pending.claimedAt };
    const answer = this.answers.get(key);
    if (answer !== undefined) return { state: 'done', response: JSON.parse(answer) as StoredResponse };
    this.pending.set(key, { owner, claimedAt: now });
    return { state: 'claimed' };
  }

  async takeOver(key: string, owner: string, staleBefore: number, now: number): Promise<boolean> {
    const pending = this.pending.get(key);
    if (!pending || pending.claimedAt >= staleBefore) return false;
    this.pending.set(key, { owner, claimedAt: now });
    return true;
  }

  async complete(key: string, owner: string, response: StoredResponse): Promise<void> {
    if (this.pending.get(key)?.owner !== owner) return;
    this.answers.set(key, JSON.stringify({ status: response.status, body: response.body ?? null }));
    this.pending.delete(key);
  }

  async release(key: string, owner: string): Promise<void> {
    if (this.pending.get(key)?.owner === owner) this.pending.delete(key);
  }

  async appendEvent(event: NewEvent): Promise<{ inserted: boolean; event: StoredEvent }> {
    if (event.dedupeKey !== undefined) {
      const existing = this.eventsByKey.get(event.dedupeKey);
      if (existing) return { inserted: false, event: { ...existing } };
    }
    const stored: StoredEvent = { ...event, id: this.events.length + 1, state: 'pending', attempts: 0 };
    if (stored.dedupeKey === undefined) delete stored.dedupeKey;
    this.events.push(stored);
    if (event.dedupeKey !== undefined) this.eventsByKey.set(event.dedupeKey, stored);
    return { inserted: true, event: { ...stored } };
  }

  async pendingEvents(limit = 1000): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.state === 'pending').slice(0, limit).map((e) => ({ ...e }));
  }

  async markEvent(id: number, update: { state: EventState; attempts: number; error?: string; handledAt?: number }): Promise<void> {
    const event = this.events[id - 1];
    if (!event) return;
    event.state = update.state;
    event.attempts = update.attempts;
    if (update.error === undefined) delete event.error;
    else event.error = update.error;
    if (update.handledAt === undefined) delete event.handledAt;
    else event.handledAt = update.handledAt;
  }

  async eventsForCall(callId: string): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.callId === callId).map((e) => ({ ...e }));
  }

  async getEvent(id: number): Promise<StoredEvent | undefined> {
    const event = this.events[id - 1];
    return event ? { ...event } : undefined;
  }

  async recordTraces(traces: readonly FunctionTrace[]): Promise<void> {
    for (const trace of traces) {
      let list = this.tracesByCall.get(trace.callId);
      if (!list) this.tracesByCall.set(trace.callId, (list = []));
      list.push(JSON.stringify(trace));
    }
  }

  async tracesForCall(callId: string): Promise<FunctionTrace[]> {
    return (this.tracesByCall.get(callId) ?? []).map((t) => JSON.parse(t) as FunctionTrace);
  }

  private space(namespace: string): Map<string, string> {
    let space = this.kv.get(namespace);
    if (!space) this.kv.set(namespace, (space = new Map()));
    return space;
  }

  async kvGet(namespace: string, key: string): Promise<unknown> {
    const value = this.kv.get(namespace)?.get(key);
    return value === undefined ? undefined : JSON.parse(value);
  }

  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    this.space(namespace).set(key, JSON.stringify(value ?? null));
  }

  async kvInsert(namespace: string, key: string, value: unknown): Promise<boolean> {
    const space = this.space(namespace);
    if (space.has(key)) return false;
    space.set(key, JSON.stringify(value ?? null));
    return true;
  }

  async kvDelete(namespace: string, key: string): Promise<boolean> {
    return this.kv.get(namespace)?.delete(key) ?? false;
  }

  async kvList(namespace: string, prefix = ''): Promise<KeyValue[]> {
    const space = this.kv.get(namespace);
    if (!space) return [];
    const out: KeyValue[] = [];
    for (const [key, value] of space) if (key.startsWith(prefix)) out.push({ key, value: JSON.parse(value) });
    // Code-unit order, as SQLite's BINARY collation sorts.
    return out.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  }
}
