import type { ContextDeps, Logger } from '../handlers/context.js';
import { invokeWebhook } from '../handlers/invoke.js';
import { eventDedupeKey, webhookEventKey } from '../handlers/keys.js';
import type { HandlerRegistry } from '../handlers/registry.js';
import type { Store, StoredEvent } from '../store/store.js';
import { FINAL_EVENTS, type WebhookEvent } from '../retell/wire.js';
import type { ServerMetrics } from './metrics.js';
import type { StoreHealth } from './store-health.js';

export const MAX_EVENT_ATTEMPTS = 3;

export interface EventProcessorDeps {
  store: Store;
  /** Where a state the store refuses waits to be written (without it, the error is logged). */
  health?: StoreHealth;
  registry: HandlerRegistry;
  /** Keep every transcript_updated; by default a call keeps only its latest (each is still handled). */
  keepEveryTranscriptUpdate?: boolean;
  context: ContextDeps;
  logger: Logger;
  metrics: ServerMetrics;
  /** Called after a call's final event is handled (writes the recording). */
  onFinal?: (callId: string, event: string) => Promise<void>;
  retryDelayMs?: (attempt: number) => number;
  /** Webhook handlers running at once, across calls (default 32); one call's events always run in order. */
  maxConcurrent?: number;
  /** This process, as the store knows it (a shared store leases events to it). */
  owner?: string;
  /** Shared stores: how long a leased event is this process's before another may take it (default 30 s; renewed while it works). */
  leaseMs?: number;
  /** Shared stores: how often to look for events no process holds (default 1 s). */
  pollMs?: number;
}

export const DEFAULT_EVENT_LEASE_MS = 30_000;

/** Events loaded from the store at a time when resuming a backlog. */
const RESUME_PAGE = 500;

/**
 * Webhook events are stored before the 2xx and handled from that record, one call's events in
 * order, different calls in parallel. A crash leaves the record pending; resume() picks it up.
 */
export class EventProcessor {
  private readonly chains = new Map<string, Promise<void>>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** Events scheduled and not yet finished (the backlog loader waits for this to drop). */
  private queued = 0;
  private resuming: Promise<void> | undefined;
  /**
   * Events scheduled here and not settled yet (handled, given up, or waiting for a retry), with the
   * fencing token of their lease (shared stores; undefined otherwise): every state written is checked
   * against it, so a lease lost while this process stalled settles nothing.
   */
  private readonly owned = new Map<number, number | undefined>();
  /** Events handled here whose state the store has not taken yet (it refused the write): never run again meanwhile. */
  private readonly unsavedStates = new Map<number, number | undefined>();
  /** Leases the heartbeat found taken over (not renewed again, logged once). */
  private readonly lost = new Set<number>();
  /** Settles the store refused because another process had leased the event since (stale fence). */
  staleRefused = 0;
  private readonly timers = new Set<NodeJS.Timeout>();
  private stopped = false;
  /** Past the shutdown window: handlers still running are abandoned; their events stay pending in the store. */
  private abandoned = false;
  /** Set when the store is shared by several processes (Postgres): events are leased before they run. */
  private readonly shared: { owner: string; leaseMs: number; pollMs: number } | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private polling: Promise<number> | undefined;
  private pollAgain = false;

  constructor(private readonly deps: EventProcessorDeps) {
    if (deps.store.leaseEvents && deps.owner) {
      this.shared = { owner: deps.owner, leaseMs: deps.leaseMs ?? DEFAULT_EVENT_LEASE_MS, pollMs: deps.pollMs ?? 1000 };
    }
  }

  /** Store the event durably. Only a new record is scheduled; a redelivery is not. */
  async accept(rawBody: string, event: WebhookEvent, callId: string, now = Date.now()): Promise<{ inserted: boolean; event: StoredEvent }> {
    const dedupeKey = eventDedupeKey(event.event, callId);
    const supersede = dedupeKey === undefined && !this.deps.keepEveryTranscriptUpdate;
    const result = await this.deps.store.appendEvent({ dedupeKey, event: event.event, callId, body: rawBody, receivedAt: now, ...(supersede ? { supersede } : {}) });
    if (result.inserted) setImmediate(() => (this.shared ? this.lease(result.event.id) : this.schedule(result.event)));
    return result;
  }

  /**
   * Shared store: take the lease of a just-stored event and run it here. Not leased (an earlier event
   * of its call is held elsewhere): the holder, or the next poll, takes it once that one settles.
   */
  private lease(id: number): void {
    const { owner, leaseMs } = this.shared!;
    this.deps.store.leaseEvents!(owner, Date.now(), leaseMs, { id }).then(
      (leased) => {
        for (const event of leased) this.schedule(event);
        if (!leased.length) this.requestPoll();
      },
      (error: unknown) => this.deps.logger.warn('cannot lease a webhook event now; the next poll takes it', { event_id: id, error: error instanceof Error ? error.message : String(error) }),
    );
  }

  /** Shared store: lease what no process holds (new work, or work of a process that died), oldest first. */
  private poll(): Promise<number> {
    if (this.polling) {
      this.pollAgain = true;
      return this.polling;
    }
    const { owner, leaseMs } = this.shared!;
    this.polling = (async () => {
      let total = 0;
      do {
        this.pollAgain = false;
        if (this.stopped) break;
        // Backpressure: never hold far more than can run.
        const room = (this.deps.maxConcurrent ?? 32) * 4 - this.queued;
        if (room <= 0) break;
        const leased = await this.deps.store.leaseEvents!(owner, Date.now(), leaseMs, { limit: Math.min(room, 100) });
        for (const event of leased) this.schedule(event);
        total += leased.length;
      } while (this.pollAgain);
      return total;
    })().finally(() => (this.polling = undefined));
    return this.polling;
  }

  private requestPoll(): void {
    if (!this.shared || this.stopped) return;
    this.poll().catch((error: unknown) => this.deps.logger.warn('cannot poll the store for webhook events', { error: error instanceof Error ? error.message : String(error) }));
  }

  private startSharing(): void {
    const { owner, leaseMs, pollMs } = this.shared!;
    this.pollTimer = setInterval(() => this.requestPoll(), pollMs);
    this.pollTimer.unref();
    // Renew the leases of everything held here (running, queued, or waiting for a retry).
    this.heartbeat = setInterval(() => {
      if ((!this.owned.size && !this.unsavedStates.size) || this.abandoned) return;
      // Also events handled here whose settled state waits for the store: nobody else may run them.
      const leases: { id: number; fence: number }[] = [];
      for (const held of [this.owned, this.unsavedStates]) for (const [id, fence] of held) if (fence !== undefined && !this.lost.has(id)) leases.push({ id, fence });
      if (!leases.length) return;
      this.deps.store.renewEventLeases!(owner, leases, Date.now(), leaseMs).then(
        (renewed) => {
          const kept = new Set(renewed);
          for (const lease of leases) {
            // Settled meanwhile (no longer held here), or leased by another process after ours ran out.
            if (kept.has(lease.id) || (this.owned.get(lease.id) !== lease.fence && this.unsavedStates.get(lease.id) !== lease.fence)) continue;
            this.lost.add(lease.id);
            this.deps.logger.warn('lost the lease of a webhook event (this process stalled past it): whatever it settles now is refused', { event_id: lease.id, fence: lease.fence });
          }
        },
        (error: unknown) => this.deps.logger.warn('cannot renew webhook event leases', { error: error instanceof Error ? error.message : String(error) }),
      );
    }, Math.max(50, Math.floor(leaseMs / 3)));
    this.heartbeat.unref();
  }

  /**
   * Re-run everything a previous process acknowledged but did not finish: oldest first, a page at a
   * time (the next page loads once most of the last one is done), at most maxConcurrent handlers at
   * once, one call's events in order. Resolves with the size of the first page; the rest follows in
   * the background (drain() waits for it).
   */
  async resume(): Promise<number> {
    if (this.shared) {
      // Shared store: no backlog of "ours": poll for what nobody holds, now and every pollMs.
      this.startSharing();
      const count = await this.poll();
      if (count) this.deps.logger.info('took over pending webhook events', { count });
      return count;
    }
    const first = await this.deps.store.pendingEvents(RESUME_PAGE);
    if (!first.length) return 0;
    this.deps.logger.info('resuming webhook events left pending by the previous run', { count: first.length, more: first.length === RESUME_PAGE });
    for (const event of first) this.schedule(event);
    if (first.length === RESUME_PAGE) {
      this.resuming = this.loadRest(first[first.length - 1]!.id).catch((error: unknown) => {
        this.deps.logger.error('cannot load the rest of the pending webhook events; they run at the next start', { error: error instanceof Error ? error.message : String(error) });
      });
    }
    return first.length;
  }

  private async loadRest(afterId: number): Promise<void> {
    let last = afterId;
    for (;;) {
      while (this.queued > RESUME_PAGE / 5 && !this.stopped) await new Promise((resolve) => setTimeout(resolve, 10));
      if (this.stopped) return;
      const page = await this.deps.store.pendingEvents(RESUME_PAGE, last);
      for (const event of page) this.schedule(event);
      if (page.length < RESUME_PAGE) return;
      last = page[page.length - 1]!.id;
    }
  }

  private async slot(): Promise<void> {
    if (this.running < (this.deps.maxConcurrent ?? 32)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.running--;
  }

  /** Wait for handlers that are running; retries not yet due stay pending for the next start. */
  async drain(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    clearInterval(this.pollTimer);
    await this.resuming;
    await this.polling?.catch(() => {});
    while (this.chains.size) await Promise.allSettled([...this.chains.values()]);
    clearInterval(this.heartbeat);
    if (this.shared && !this.abandoned) {
      // Retries not yet due go back to the pool at once, for the other replicas.
      await this.deps.store.releaseEventLeases!(this.shared.owner).catch(() => {});
    }
  }

  /**
   * The shutdown window is over: whatever still runs is left to die with the process. Its events stay
   * pending (with the attempt recorded), so the next start runs them again with ctx.attempt + 1.
   * Returns how many calls had a handler still running.
   */
  abandon(): number {
    this.stopped = true;
    this.abandoned = true;
    clearInterval(this.pollTimer);
    clearInterval(this.heartbeat);
    return this.chains.size;
  }

  private schedule(event: StoredEvent, retry = false): void {
    if (this.stopped) return;
    // One schedule per event: a backlog page read while a new delivery of the same (pending) event
    // is being handled, or while its retry waits, must not run it a second time.
    if (!retry && (this.owned.has(event.id) || this.unsavedStates.has(event.id))) {
      // Leased again by this process (its own lease had run out, nobody else took it): the run under
      // way settles with the newer token.
      if (event.fence !== undefined && this.owned.has(event.id)) {
        this.owned.set(event.id, event.fence);
        this.lost.delete(event.id);
      }
      return;
    }
    // A retry keeps the token its event holds now (it may have been leased again since this copy was read).
    this.owned.set(event.id, retry && this.owned.has(event.id) ? this.owned.get(event.id) : event.fence);
    if (!retry) this.lost.delete(event.id);
    const previous = this.chains.get(event.callId) ?? Promise.resolve();
    this.queued++;
    const next = previous
      .then(async () => {
        await this.slot();
        try {
          await this.handle(event);
        } finally {
          this.release();
        }
      })
      .finally(() => this.queued--)
      .catch((error: unknown) => {
        // handle() catches everything it expects; this keeps one call's chain (and the process) alive.
        this.deps.logger.error('webhook event processing failed', { event_id: event.id, call_id: event.callId, error: error instanceof Error ? error.message : String(error) });
      });
    this.chains.set(event.callId, next);
    void next.finally(() => {
      if (this.chains.get(event.callId) === next) this.chains.delete(event.callId);
    });
  }

  /**
   * Record an event's state. When the store refuses (disk full) the handler has still run: the state
   * waits in memory and is written when the store recovers; it is never a reason to run the handler
   * again in this process. If the process stops first, the event is still pending and runs again at
   * the next start (ctx.attempt says so).
   */
  private async mark(id: number, update: { state: 'done' | 'failed' | 'pending'; attempts: number; error?: string; handledAt?: number }): Promise<'ok' | 'stale' | 'deferred'> {
    const { store, health, logger } = this.deps;
    if (this.abandoned) return 'deferred';
    const fence = this.owned.get(id);
    try {
      if (await store.markEvent(id, update, fence)) return 'ok';
      if (fence === undefined) return 'ok'; // an event gone (pruned, superseded): nothing to settle
      this.staleRefused++;
      logger.warn('stale webhook event lease: another process leased this event since, so this state is refused', { event_id: id, fence, state: update.state });
      return 'stale';
    } catch (error) {
      if (!health) {
        logger.error('cannot record the webhook event state', { event_id: id, error: error instanceof Error ? error.message : String(error) });
        return 'deferred';
      }
      if (update.state !== 'pending') this.unsavedStates.set(id, fence);
      health.defer(
        {
          what: 'event state',
          run: async () => {
            if (!(await store.markEvent(id, update, fence)) && fence !== undefined) {
              this.staleRefused++;
              logger.warn('stale webhook event lease: another process leased this event since, so this state is refused', { event_id: id, fence, state: update.state });
            }
            this.unsavedStates.delete(id);
          },
        },
        error,
      );
      return 'deferred';
    }
  }

  private async handle(stored: StoredEvent): Promise<void> {
    if (this.stopped) return;
    const { registry, context, logger, metrics } = this.deps;
    const attempt = stored.attempts + 1;
    const log = logger.child({ event: stored.event, call_id: stored.callId, event_id: stored.id, attempt });
    // Count the attempt before running it: a handler cut off by a crash or a shutdown runs again
    // at the next start with ctx.attempt one higher, so it can tell (and check its side effect).
    // Shared store: the write is fenced, so it also says whether this lease is still ours. Lost while the
    // event waited in the queue: another process has it; do not run it here.
    if ((await this.mark(stored.id, { state: 'pending', attempts: attempt })) === 'stale') {
      this.owned.delete(stored.id);
      this.lost.delete(stored.id);
      metrics.webhookEvents.inc({ event: stored.event, outcome: 'stale' });
      return;
    }
    try {
      const parsed = JSON.parse(stored.body) as WebhookEvent;
      const handled = await invokeWebhook(registry, context, { event: parsed, callId: stored.callId, attempt, idempotencyKey: webhookEventKey(stored) });
      const settled = await this.mark(stored.id, { state: 'done', attempts: attempt, handledAt: Date.now() });
      this.owned.delete(stored.id);
      this.lost.delete(stored.id);
      // The call's next event may wait for this one to settle (shared store): take it now.
      this.requestPoll();
      if (settled === 'stale') {
        // Another process took the event over and settles it; this run's outcome is not recorded.
        metrics.webhookEvents.inc({ event: stored.event, outcome: 'stale' });
        return;
      }
      metrics.webhookEvents.inc({ event: stored.event, outcome: handled ? 'ok' : 'no_handler' });
      log.debug(handled ? 'webhook handled' : 'webhook stored (no handler configured)');
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const last = attempt >= MAX_EVENT_ATTEMPTS;
      const settled = await this.mark(stored.id, { state: last ? 'failed' : 'pending', attempts: attempt, error: message.slice(0, 500) });
      if (last || settled === 'stale') {
        this.owned.delete(stored.id);
        this.lost.delete(stored.id);
      }
      if (settled === 'stale') {
        metrics.webhookEvents.inc({ event: stored.event, outcome: 'stale' });
        return;
      }
      metrics.webhookEvents.inc({ event: stored.event, outcome: last ? 'failed' : 'retry' });
      log.error(last ? 'webhook handler failed; giving up' : 'webhook handler failed; will retry', { error: message });
      if (!last && !this.stopped) {
        const delay = this.deps.retryDelayMs?.(attempt) ?? 250 * 4 ** (attempt - 1);
        const timer = setTimeout(() => {
          this.timers.delete(timer);
          this.schedule({ ...stored, attempts: attempt }, true);
        }, delay);
        this.timers.add(timer);
      }
    }
    if (FINAL_EVENTS.has(stored.event) && this.deps.onFinal) {
      await this.deps.onFinal(stored.callId, stored.event).catch((error: unknown) => log.error('cannot finish the call (recording or redaction at rest)', { error: error instanceof Error ? error.message : String(error) }));
    }
  }
}
