import type { Logger } from '../handlers/context.js';
import { isStoreFailure, type ClaimHolder, type FunctionTrace, type Store, type StoredResponse } from '../store/store.js';
import type { StoreHealth } from './store-health.js';

export interface Work {
  response: StoredResponse;
  /** Keep the response for retries (success). False: forget the call so a retry runs it again. */
  keep: boolean;
  /** The handler outlived its timeout: settle the record when it finishes. */
  late?: Promise<{ response: StoredResponse; keep: boolean }>;
  /** Written with a kept answer, in the same transaction. */
  trace?: FunctionTrace;
}

export interface IdempotencyResult {
  response: StoredResponse;
  /** Answered from an earlier or concurrent run: the handler did not run for this request. */
  duplicate: boolean;
  /** The work's trace went into the store with its answer (the caller records the others). */
  traced?: boolean;
}

const POLL_MS = 25;
/** Answers that may wait in memory for a store that refuses writes (a few MB at most). */
export const MAX_UNSAVED_ANSWERS = 10_000;

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Runs work once per key. Concurrent duplicates in this process wait on the first run's promise;
 * duplicates from other processes (a shared store) poll the record until it is done; a record left
 * pending by a dead process is taken over once it is twice the timeout old. Each claim and takeover
 * comes with a fencing token: a process that stalled past that (GC pause, SIGSTOP) and was taken over
 * can no longer complete or release the claim; its refused answer is logged, never stored.
 */
export class Idempotency {
  private readonly inflight = new Map<string, Promise<StoredResponse>>();
  private readonly settling = new Set<Promise<unknown>>();
  /** Answers the store refused to keep (disk full): retries get them from here until they are written. */
  private readonly unsaved = new Map<string, StoredResponse>();

  constructor(
    private readonly store: Store,
    /** Unique per process, so a claim shows who holds it. */
    private readonly owner: string,
    private readonly health?: StoreHealth,
    /** Answers kept in memory while the store refuses writes; past this, new work is refused (503) before it runs. */
    private readonly maxUnsaved = MAX_UNSAVED_ANSWERS,
    private readonly logger?: Logger,
  ) {}

  /** Claims this process held and lost to a takeover before it could settle them. */
  staleRefused = 0;

  private refused(key: string, holder: ClaimHolder, what: 'answer' | 'release'): void {
    this.staleRefused++;
    // The key is a hash (no call data); the answer itself is not logged.
    this.logger?.warn(`stale function-call claim: this process was taken over before it settled, its ${what} is refused`, { key, fence: holder.fence });
  }

  /** Answers run but not yet in the store. */
  get unsavedCount(): number {
    return this.unsaved.size;
  }

  async run(key: string, timeoutMs: number, timeoutResponse: StoredResponse, work: () => Promise<Work>): Promise<IdempotencyResult> {
    const kept = this.unsaved.get(key);
    if (kept) return { response: kept, duplicate: true };
    const running = this.inflight.get(key);
    if (running) return { response: await withTimeout(running, timeoutMs, timeoutResponse), duplicate: true };
    if (this.unsaved.size >= this.maxUnsaved && this.health?.failing) {
      // The store has refused writes for a while: running more handlers would only pile up answers
      // that cannot be made durable. Refuse before running; the caller's retry comes back later.
      throw Object.assign(new Error(`the store refuses writes and ${this.unsaved.size} answers already wait in memory`), { name: 'StoreUnavailableError' });
    }

    let resolve!: (r: StoredResponse) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<StoredResponse>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    promise.catch(() => {});
    // Set before the first await, so every concurrent duplicate finds it.
    this.inflight.set(key, promise);
    let keepInflight = false;
    let holder: ClaimHolder | undefined;
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const claim = await this.store.claim(key, this.owner, Date.now());
        if (claim.state === 'done') {
          resolve(claim.response);
          return { response: claim.response, duplicate: true };
        }
        if (claim.state === 'pending') {
          const fence = await this.store.takeOver(key, this.owner, Date.now() - 2 * timeoutMs, Date.now());
          if (fence !== undefined) {
            holder = { owner: this.owner, fence };
            break;
          }
          if (Date.now() >= deadline) {
            resolve(timeoutResponse);
            return { response: timeoutResponse, duplicate: true };
          }
          await delay(POLL_MS);
          continue;
        }
        holder = { owner: this.owner, fence: claim.fence };
        break;
      }
      const held = holder;
      const result = await work();
      if (result.keep) {
        if ((await this.keep(key, held, result.response, result.trace)) === 'refused') {
          // Taken over while this ran: whoever holds the claim now settles it. Answer with what the
          // store keeps when it has an answer (every delivery gets the same), else with this run's.
          const stored = await this.answerAfterRefusal(key);
          const response = stored ?? result.response;
          resolve(response);
          return { response, duplicate: stored !== undefined, traced: false };
        }
      } else if (result.late) {
        // Retries that arrive while the late handler still runs wait for its real answer.
        keepInflight = true;
        const settled = result.late.then(async (late) => {
          if (late.keep) await this.keep(key, held, late.response);
          else if (!(await this.store.release(key, held))) this.refused(key, held, 'release');
          return late.response;
        });
        const tracked = settled.finally(() => {
          if (this.inflight.get(key) === settled) this.inflight.delete(key);
          this.settling.delete(tracked);
        });
        tracked.catch(() => {});
        this.settling.add(tracked);
        this.inflight.set(key, settled);
      } else if (!(await this.store.release(key, held))) this.refused(key, held, 'release');
      resolve(result.response);
      return { response: result.response, duplicate: false, traced: result.keep && result.trace !== undefined };
    } catch (error) {
      if (holder) await this.store.release(key, holder).catch(() => {});
      reject(error);
      throw error;
    } finally {
      if (!keepInflight && this.inflight.get(key) === promise) this.inflight.delete(key);
    }
  }

  /**
   * Keep an answer. The handler has run, so a store that refuses the write must not make a retry run
   * it again: the answer stays in memory (this process owns the claim) and is written when the store
   * recovers. Only a crash before then loses it (the retry after a restart runs the handler again).
   */
  private async keep(key: string, holder: ClaimHolder, response: StoredResponse, trace?: FunctionTrace): Promise<'kept' | 'refused' | 'deferred'> {
    try {
      if (await this.store.complete(key, holder, response, trace)) return 'kept';
      this.refused(key, holder, 'answer');
      return 'refused';
    } catch (error) {
      if (!this.health || !isStoreFailure(error)) throw error;
      this.unsaved.set(key, response);
      this.health.defer(
        {
          what: 'answer',
          run: async () => {
            // A write that did commit before its acknowledgement was lost comes back refused: the
            // answer is in the store either way, or another holder's is.
            if (!(await this.store.complete(key, holder, response, trace))) this.refused(key, holder, 'answer');
            this.unsaved.delete(key);
          },
        },
        error,
      );
      return 'deferred';
    }
  }

  /** The stored answer of a claim this process lost, when there is one (never leaves a new claim behind). */
  private async answerAfterRefusal(key: string): Promise<StoredResponse | undefined> {
    const now = await this.store.claim(key, this.owner, Date.now()).catch(() => undefined);
    if (now?.state === 'done') return now.response;
    if (now?.state === 'claimed') await this.store.release(key, { owner: this.owner, fence: now.fence }).catch(() => {});
    return undefined;
  }

  /** Handlers that outlived their timeout; shutdown waits for them. */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.settling]);
  }
}

function withTimeout(promise: Promise<StoredResponse>, ms: number, fallback: StoredResponse): Promise<StoredResponse> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<StoredResponse>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)))]).finally(() => clearTimeout(timer));
}
