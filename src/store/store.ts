// The one Store interface. SQLite is the embedded default; a Postgres implementation for several
// replicas must pass the same contract suite (test/store/contract.ts). Every method is atomic on
// its own, so callers never need a transaction across calls. No SQL lives outside src/store/.

/** A response kept for a function call, so a retry gets the same answer without re-running. */
export interface StoredResponse {
  status: number;
  body: unknown;
}

export type ClaimResult =
  /** `fence`: this claim's fencing token; complete and release succeed only with it. */
  | { state: 'claimed'; fence: number }
  | { state: 'pending'; owner: string; claimedAt: number }
  | { state: 'done'; response: StoredResponse };

export type EventState = 'pending' | 'done' | 'failed';

export interface NewEvent {
  /** Dedupe key, e.g. `call_ended:call_123`; undefined for events that repeat (transcript_updated). */
  dedupeKey?: string;
  event: string;
  callId: string;
  /** The raw request body exactly as received. */
  body: string;
  receivedAt: number;
  /** Drop this call's earlier handled events of the same kind (transcript_updated: latest wins). */
  supersede?: boolean;
}

/**
 * Who holds a function call's claim: the owner and the fencing token its claim or takeover returned.
 * Tokens only grow (a takeover gets a higher one), so a holder that stalled past its claim (GC pause,
 * SIGSTOP) and was taken over can no longer settle it: its complete and release are refused.
 */
export interface ClaimHolder {
  owner: string;
  fence: number;
}

export interface StoredEvent extends NewEvent {
  id: number;
  /** Shared stores: the fencing token of the lease this copy was leased under (markEvent checks it). */
  fence?: number;
  state: EventState;
  attempts: number;
  error?: string;
  handledAt?: number;
}

/** One traced function call. */
export interface FunctionTrace {
  traceId: string;
  callId: string;
  /** The name as Retell sent it (may carry a version suffix). */
  name: string;
  /** The handler it routed to. */
  handler: string;
  agentVersion?: number | string;
  toolCallId?: string;
  args: unknown;
  status: number;
  result: unknown;
  outcome: FunctionOutcomeKind;
  durationMs: number;
  startedAt: number;
  /** True when the answer came from an earlier run (a retry or redelivery). */
  duplicate: boolean;
}

export type FunctionOutcomeKind = 'ok' | 'invalid_args' | 'unknown_function' | 'error' | 'timeout';

/** A call's rewritable records: handled event bodies (by id) and traces (in order). */
export interface CallRecords {
  events: { id: number; body: string }[];
  traces: FunctionTrace[];
}

/** How long each kind of record is kept, in ms; false keeps it for ever. */
export interface Retention {
  answersMs: number;
  eventsMs: number | false;
  tracesMs: number | false;
  kvMs: number | false;
}

/** Rows deleted by one prune, per kind. */
export interface PruneResult {
  answers: number;
  events: number;
  traces: number;
  kv: number;
}

export interface KeyValue {
  key: string;
  value: unknown;
}

export interface Store {
  /** Throws when the store cannot be reached; with `write`, when it cannot take a write (for /readyz). */
  ping(options?: { write?: boolean }): Promise<void>;
  close(): Promise<void>;
  /** Delete records older than their kind's retention (never a pending event). Runs in the background too. */
  prune(now?: number): Promise<PruneResult>;

  // Exactly-once for function calls. A claim must be exclusive among everyone sharing the store
  // (SQLite: one process; Postgres: every replica); the completed answer must be durable.
  /** Take `key` for `owner` if nobody has; otherwise say who has it or what it answered. */
  claim(key: string, owner: string, now: number): Promise<ClaimResult>;
  /** Replace a pending claim older than `staleBefore` (its owner died or stalled): the new fencing token, or undefined when not taken. */
  takeOver(key: string, owner: string, staleBefore: number, now: number): Promise<number | undefined>;
  /**
   * Keep the answer; only the current holder of a pending claim (owner and fence, checked in the
   * statement that writes) can complete it. `trace`, when given, is written in the same transaction:
   * an answered call is never missing from the traces. False when refused (taken over, done, gone).
   */
  complete(key: string, holder: ClaimHolder, response: StoredResponse, trace?: FunctionTrace): Promise<boolean>;
  /** Drop a pending claim so a retry runs again (the handler failed). False when `holder` no longer holds it. */
  release(key: string, holder: ClaimHolder): Promise<boolean>;

  // Webhook events, stored before the 2xx and handled from the record.
  /** Insert unless an event with the same dedupeKey exists. */
  appendEvent(event: NewEvent): Promise<{ inserted: boolean; event: StoredEvent }>;
  /** Events not yet handled, oldest first (after `afterId`, to page through a backlog). */
  pendingEvents(limit?: number, afterId?: number): Promise<StoredEvent[]>;
  /**
   * Record an event's state. With `fence` (shared stores: the token its lease came with) the write
   * happens only while that lease is the event's latest, in the same statement: a replica that stalled
   * past its lease and was taken over cannot settle (or re-open) the event. False when refused or unknown.
   */
  markEvent(id: number, update: { state: EventState; attempts: number; error?: string; handledAt?: number }, fence?: number): Promise<boolean>;
  eventsForCall(callId: string): Promise<StoredEvent[]>;
  getEvent(id: number): Promise<StoredEvent | undefined>;

  // Shared stores only (Postgres: several replicas). Each pending webhook event is handled by one
  // process at a time, under a lease it renews while it works; a process that dies leaves its events
  // to whoever leases them after the lease runs out. One call's events are leased in order: a later
  // event is only leased by the process that holds (or held and settled) every earlier pending one.
  /**
   * Lease pending events whose lease is free or expired, oldest first (only `id` when given). Each lease
   * gets a new, higher fencing token (StoredEvent.fence). Settling an event (markEvent done or failed)
   * gives its lease back.
   */
  leaseEvents?(owner: string, now: number, leaseMs: number, options?: { id?: number; limit?: number }): Promise<StoredEvent[]>;
  /** Extend the leases `owner` still holds (same fence) on these events; the ids renewed (the others were lost). */
  renewEventLeases?(owner: string, leases: readonly { id: number; fence: number }[], now: number, leaseMs: number): Promise<number[]>;
  /** Give back every lease `owner` holds (a clean shutdown: others take the events at once). */
  releaseEventLeases?(owner: string): Promise<void>;

  // Traces of function calls (recordings and, later, canary verdicts read them).
  /** Several traces at once (one transaction): the server batches them off the request path. */
  recordTraces(traces: readonly FunctionTrace[]): Promise<void>;
  tracesForCall(callId: string): Promise<FunctionTrace[]>;
  /**
   * Rewrite a call's handled (done or failed) events and its traces in one transaction (redaction at
   * rest once the call is over). Pending events are never passed: their handlers need the body as sent.
   * When every handled event of the call was rewritten already, `rewrite` is not called: two replicas
   * sweeping the same call (or a sweep meeting a final event) take turns and rewrite it once.
   */
  rewriteCall(callId: string, rewrite: (records: CallRecords) => CallRecords): Promise<void>;
  /** Calls whose end (call_ended / chat_ended) was handled before `endedBefore` and that were never rewritten. */
  callsAwaitingRewrite(endedBefore: number, limit?: number): Promise<string[]>;

  // A small key-value space for handlers (namespaced, e.g. per tenant).
  kvGet(namespace: string, key: string): Promise<unknown>;
  kvSet(namespace: string, key: string, value: unknown): Promise<void>;
  /** Set only if absent; false when the key already exists (book a slot once). */
  kvInsert(namespace: string, key: string, value: unknown): Promise<boolean>;
  /** True when something was deleted. */
  kvDelete(namespace: string, key: string): Promise<boolean>;
  /** Entries whose key starts with `prefix`, sorted by key. */
  kvList(namespace: string, prefix?: string): Promise<KeyValue[]>;
}

/**
 * The store itself failed (disk full, read-only file, I/O error, database gone), as opposed to a bug or
 * bad input: the server answers 503 with Retry-After and keeps running. Stores throw their driver's
 * errors; this recognises them (SQLite's codes; a Postgres store adds its own).
 */
export function isStoreFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { name, code } = error as { name?: unknown; code?: unknown };
  return name === 'SqliteError' || name === 'StoreUnavailableError' || (typeof code === 'string' && code.startsWith('SQLITE_'));
}
