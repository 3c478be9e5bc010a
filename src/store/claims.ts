import type { ClaimHolder } from './store.js';

/**
 * Pending function-call claims of a single-process store (SQLite, memory): one process owns the store,
 * so claims live in memory, each with a fencing token that only grows. A claim left by a crashed
 * process is gone with it; the retry claims afresh and runs again.
 */
export class PendingClaims {
  private readonly claims = new Map<string, { owner: string; claimedAt: number; fence: number }>();
  private fence = 0;

  get(key: string): { owner: string; claimedAt: number } | undefined {
    return this.claims.get(key);
  }

  /** Take `key` (the caller checked that it is neither pending nor answered); returns the token. */
  claim(key: string, owner: string, now: number): number {
    const fence = ++this.fence;
    this.claims.set(key, { owner, claimedAt: now, fence });
    return fence;
  }

  /** Replace a claim older than `staleBefore`; the new token, or undefined when it is not stale. */
  takeOver(key: string, owner: string, staleBefore: number, now: number): number | undefined {
    const pending = this.claims.get(key);
    if (!pending || pending.claimedAt >= staleBefore) return undefined;
    return this.claim(key, owner, now);
  }

  /** True while `holder` (owner and token) still holds `key`: a stale holder's settle is refused. */
  holds(key: string, holder: ClaimHolder): boolean {
    const pending = this.claims.get(key);
    return pending !== undefined && pending.owner === holder.owner && pending.fence === holder.fence;
  }

  delete(key: string): void {
    this.claims.delete(key);
  }
}
