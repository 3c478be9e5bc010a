import type { Logger } from '../handlers/context.js';
import type { FunctionTrace, Store } from '../store/store.js';
import type { StoreHealth } from './store-health.js';

/**
 * Traces leave the request path: they are buffered and written in one transaction every few ms
 * (measured: one commit per trace cost a fifth of the function route). Recordings and shutdown
 * flush first, so nothing that was answered goes unrecorded.
 */
export class TraceWriter {
  private buffer: FunctionTrace[] = [];
  private timer: NodeJS.Timeout | undefined;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly health?: StoreHealth,
    private readonly options: { maxBatch?: number; intervalMs?: number } = {},
  ) {}

  add(trace: FunctionTrace): void {
    this.buffer.push(trace);
    if (this.buffer.length >= (this.options.maxBatch ?? 512)) void this.flush();
    else this.timer ??= setTimeout(() => void this.flush(), this.options.intervalMs ?? 50);
  }

  /** Write everything buffered so far; resolves when it is in the store. */
  flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.buffer;
    this.buffer = [];
    if (batch.length) {
      this.writing = this.writing.then(() =>
        this.store.recordTraces(batch).catch((error: unknown) => {
          // Kept in memory and written when the store takes writes again.
          if (this.health) this.health.defer({ what: 'traces', run: () => this.store.recordTraces(batch) }, error);
          else this.logger.error('cannot store traces', { count: batch.length, error: error instanceof Error ? error.message : String(error) });
        }),
      );
    }
    return this.writing;
  }
}
