import type { Logger } from '../handlers/context.js';
import type { Store } from '../store/store.js';

/** A write the store refused, kept in memory and tried again until it goes through. */
export interface DeferredWrite {
  /** For logs: `answer`, `event state`, `traces`. */
  what: string;
  run(): Promise<void>;
}

export const STORE_RETRY_AFTER_S = 5;

/**
 * Whether the store takes writes. A failed write (disk full, read-only file) never takes the process
 * down: the request gets 503 with Retry-After, /readyz answers 503, and work that already happened
 * (a handler's answer, an event marked handled, traces) is kept in memory and written once the store
 * takes writes again. A background probe notices that; nothing waits for it on the request path.
 */
export class StoreHealth {
  private failure: { since: number; error: string } | undefined;
  private readonly deferred = new Set<DeferredWrite>();
  private timer: NodeJS.Timeout | undefined;
  private retrying: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly retryMs = 1_000,
  ) {}

  /** Undefined while writes work. */
  get failing(): { since: number; error: string } | undefined {
    return this.failure;
  }

  /** Writes waiting for the store. */
  get backlog(): number {
    return this.deferred.size;
  }

  /** A write failed: note it (logged once per outage) and start probing. */
  failed(error: unknown, what: string): void {
    if (this.stopped) return;
    const message = error instanceof Error ? error.message : String(error);
    if (!this.failure) {
      this.failure = { since: Date.now(), error: message };
      this.logger.error('the store refuses writes: answering 503 and keeping finished work in memory until it recovers', { error: message, what });
    }
    this.schedule();
  }

  /** Keep a write that failed and try it again until it succeeds. */
  defer(write: DeferredWrite, error: unknown): void {
    if (this.stopped) return;
    this.deferred.add(write);
    this.failed(error, write.what);
  }

  /** Try everything deferred now (the probe does this every second; shutdown does it once more). */
  retry(): Promise<void> {
    this.retrying ??= this.runRetry().finally(() => (this.retrying = undefined));
    return this.retrying;
  }

  /** Stop probing. Writes still deferred are lost with the process (events stay pending and are handled again). */
  stop(): number {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    return this.deferred.size;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retry().then(() => {
        if (this.failure || this.deferred.size) this.schedule();
      });
    }, this.retryMs);
  }

  private async runRetry(): Promise<void> {
    try {
      await this.store.ping({ write: true });
    } catch (error) {
      if (this.failure) this.failure.error = error instanceof Error ? error.message : String(error);
      return;
    }
    for (const write of [...this.deferred]) {
      try {
        await write.run();
        this.deferred.delete(write);
      } catch (error) {
        if (this.failure) this.failure.error = error instanceof Error ? error.message : String(error);
        return;
      }
    }
    if (this.failure) {
      this.logger.info('the store takes writes again', { down_ms: Date.now() - this.failure.since });
      this.failure = undefined;
    }
  }
}
