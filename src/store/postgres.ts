import { createRequire } from 'node:module';
import type { Pool, PoolClient, PoolConfig, QueryResultRow } from 'pg';
import { KitError } from '../errors.js';
import { DEFAULT_RETENTION } from './sqlite.js';
import type { CallRecords, ClaimHolder, ClaimResult, EventState, FunctionTrace, KeyValue, NewEvent, PruneResult, Retention, Store, StoredEvent, StoredResponse } from './store.js';

/**
 * Postgres for several `serve` replicas on one database. Everything that makes exactly-once hold lives
 * in the database, never in one process's memory: claims and answers (one row per key), webhook
 * events (unique on dedupe key = event + call id) with a lease so exactly one replica handles each,
 * traces and handler key-value data. Every method is one statement or one transaction.
 *
 * Timestamps are epoch milliseconds (bigint) passed by the caller, as for SQLite. Tables are prefixed
 * `retell_kit_` so the store can share a database with the team's own tables.
 */

/** Versioned migrations, applied in order at start under an advisory lock (replicas starting together run each once). */
export const MIGRATIONS: readonly string[] = [
  // 1: the first schema.
  `CREATE TABLE retell_kit_claims (
     key text PRIMARY KEY,
     owner text NOT NULL,
     claimed_at bigint NOT NULL,
     done boolean NOT NULL DEFAULT false,
     status integer,
     body text,
     completed_at bigint
   );
   CREATE INDEX retell_kit_claims_age ON retell_kit_claims (completed_at) WHERE done;
   CREATE TABLE retell_kit_events (
     id bigserial PRIMARY KEY,
     dedupe_key text UNIQUE,
     event text NOT NULL,
     call_id text NOT NULL,
     body text NOT NULL,
     received_at bigint NOT NULL,
     state text NOT NULL DEFAULT 'pending',
     attempts integer NOT NULL DEFAULT 0,
     error text,
     handled_at bigint,
     rewritten boolean NOT NULL DEFAULT false,
     lease_owner text,
     lease_until bigint
   );
   CREATE INDEX retell_kit_events_pending ON retell_kit_events (id) WHERE state = 'pending';
   CREATE INDEX retell_kit_events_call ON retell_kit_events (call_id, id);
   CREATE INDEX retell_kit_events_age ON retell_kit_events (received_at);
   CREATE TABLE retell_kit_traces (
     seq bigserial PRIMARY KEY,
     trace_id text NOT NULL,
     call_id text NOT NULL,
     data text NOT NULL,
     recorded_at bigint NOT NULL
   );
   CREATE INDEX retell_kit_traces_call ON retell_kit_traces (call_id, seq);
   CREATE INDEX retell_kit_traces_age ON retell_kit_traces (recorded_at);
   CREATE TABLE retell_kit_kv (
     namespace text NOT NULL,
     key text COLLATE "C" NOT NULL,
     value text NOT NULL,
     updated_at bigint NOT NULL,
     PRIMARY KEY (namespace, key)
   );
   CREATE INDEX retell_kit_kv_age ON retell_kit_kv (updated_at);
   CREATE TABLE retell_kit_meta (key text PRIMARY KEY, value text NOT NULL);`,
  // 2: fencing tokens. One sequence for claims and event leases: every claim, takeover and lease gets
  // a new, higher token, and the statement that settles checks it (a stalled holder cannot settle).
  `CREATE SEQUENCE retell_kit_fence;
   ALTER TABLE retell_kit_claims ADD COLUMN fence bigint NOT NULL DEFAULT nextval('retell_kit_fence');
   ALTER TABLE retell_kit_events ADD COLUMN lease_fence bigint;`,
];

/** pg_advisory_xact_lock key for migrations ("retell-kit" as an int8). */
const MIGRATION_LOCK = 0x7265_7465_6c6c;
const PRUNE_CHUNK = 500;

export interface PostgresStoreOptions {
  /** postgres://user:pass@host:port/db (the password is never logged nor put in an error). */
  url: string;
  /** Connections in the pool (default 10). */
  poolSize?: number;
  retention?: Partial<Retention>;
  /** How long a replica holds a webhook event it handles before another may take it over (default 60 s). */
  eventLeaseMs?: number;
  /** ms to wait for a connection before a request fails with 503 (default 5000). */
  connectTimeoutMs?: number;
}

/** True for the URLs this store takes. */
export function isPostgresUrl(value: string): boolean {
  return /^postgres(ql)?:\/\//i.test(value);
}

/** The URL with its password replaced, for logs and errors. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    for (const key of [...u.searchParams.keys()]) if (/pass|secret|key|token/i.test(key)) u.searchParams.set(key, '***');
    return u.toString();
  } catch {
    return url.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

type PgModule = typeof import('pg');
let driver: PgModule | undefined;

/** pg is an optional dependency (lint-only installs stay light), loaded on the first Postgres store. */
function loadPg(): PgModule {
  if (driver) return driver;
  try {
    const loaded = createRequire(import.meta.url)('pg') as PgModule & { default?: PgModule };
    driver = loaded.default ?? loaded;
    return driver;
  } catch (error) {
    throw new KitError('store', 'the Postgres store needs pg, an optional dependency that is not installed', { hint: 'run npm install pg', cause: error });
  }
}

/** Connection-level failures (server gone, restarting, refusing, pool exhausted): answered 503, retried by the caller. */
export function isConnectionFailure(error: unknown): boolean {
  if (error === null || typeof error !== 'object') return false;
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    // Class 08 connection exception, 57P01-03 shutdown / cannot connect now, 53 insufficient resources, 25006 read-only.
    if (/^(08|53|57P0)/.test(code) || code === '25006') return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN'].includes(code)) return true;
  }
  return typeof message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|not queryable|Connection closed|does not allow connections|is not currently accepting connections|the database system is (starting up|shutting down|in recovery mode)/i.test(message);
}

interface EventRow {
  id: string;
  dedupe_key: string | null;
  event: string;
  call_id: string;
  body: string;
  received_at: string;
  state: EventState;
  attempts: number;
  error: string | null;
  handled_at: string | null;
  lease_fence?: string | null;
}

function toEvent(row: EventRow): StoredEvent {
  const event: StoredEvent = {
    id: Number(row.id),
    event: row.event,
    callId: row.call_id,
    body: row.body,
    receivedAt: Number(row.received_at),
    state: row.state,
    attempts: row.attempts,
  };
  if (row.dedupe_key !== null) event.dedupeKey = row.dedupe_key;
  if (row.error !== null) event.error = row.error;
  if (row.handled_at !== null) event.handledAt = Number(row.handled_at);
  if (row.lease_fence !== undefined && row.lease_fence !== null) event.fence = Number(row.lease_fence);
  return event;
}

const EVENT_COLUMNS = 'id, dedupe_key, event, call_id, body, received_at, state, attempts, error, handled_at';
/** What a lease returns: the event and its lease's fencing token. */
const LEASED_COLUMNS = `${EVENT_COLUMNS}, lease_fence`;

interface Completion {
  key: string;
  holder: ClaimHolder;
  status: number;
  body: string;
  trace: string | null;
  traceId: string | null;
  callId: string | null;
}

/**
 * Group commit: items submitted while fewer than `maxInFlight` groups run go out at the next
 * setImmediate as one group; the rest wait for a group to finish and go together. A key appears at
 * most once in a group (a second one waits for the next), and `run` may answer undefined for an item
 * to have it asked again in a later group.
 */
class GroupCommit<I extends { key: string }, O> {
  private queue: { item: I; resolve: (o: O) => void; reject: (e: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(
    private readonly run: (items: readonly I[]) => Promise<(O | undefined)[]>,
    private readonly maxInFlight: number,
    private readonly maxGroup = 500,
  ) {}

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || !this.queue.length || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.flush();
    });
  }

  private flush(): void {
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const group: typeof this.queue = [];
      const rest: typeof this.queue = [];
      const keys = new Set<string>();
      for (const entry of this.queue) {
        if (group.length < this.maxGroup && !keys.has(entry.item.key)) {
          keys.add(entry.item.key);
          group.push(entry);
        } else rest.push(entry);
      }
      this.queue = rest;
      this.inFlight++;
      this.run(group.map((g) => g.item)).then(
        (results) => {
          group.forEach((g, i) => {
            const result = results[i];
            if (result === undefined) this.queue.push(g);
            else g.resolve(result);
          });
        },
        (error: unknown) => {
          for (const g of group) g.reject(error);
        },
      ).finally(() => {
        this.inFlight--;
        this.schedule();
      });
    }
  }
}

export class PostgresStore implements Store {
  readonly retention: Retention;
  /** The URL without its password. */
  readonly target: string;
  readonly eventLeaseMs: number;
  private readonly pool: Pool;
  private readonly secrets: string[];
  private pruning: Promise<PruneResult> | undefined;
  private pruneTimer: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly claims: GroupCommit<{ key: string; owner: string; now: number }, ClaimResult>;
  private readonly completions: GroupCommit<Completion, boolean>;

  /** Connect, apply pending migrations (under an advisory lock) and start background pruning. */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const store = new PostgresStore(options);
    try {
      await store.migrate();
    } catch (error) {
      await store.pool.end().catch(() => {});
      if (error instanceof KitError) throw error;
      const detail = error instanceof Error && error.name === 'StoreUnavailableError' ? error.cause : error;
      throw new KitError('store', `cannot open the Postgres store at ${store.target}: ${store.scrub(detail)}`, { hint: 'check the URL, that the server runs and accepts this user' });
    }
    store.startPruning();
    return store;
  }

  private constructor(options: PostgresStoreOptions) {
    const { Pool } = loadPg();
    this.target = redactUrl(options.url);
    this.secrets = secretsOf(options.url);
    this.retention = { ...DEFAULT_RETENTION, ...options.retention };
    this.eventLeaseMs = options.eventLeaseMs ?? 60_000;
    const config: PoolConfig = {
      connectionString: options.url,
      max: options.poolSize ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      idleTimeoutMillis: 30_000,
      application_name: 'retell-kit',
    };
    this.pool = new Pool(config);
    // Half the pool at most for claim and answer groups: events, leases and handler data keep theirs.
    const groups = Math.max(1, Math.floor((options.poolSize ?? 10) / 2));
    this.claims = new GroupCommit((items) => this.claimGroup(items), groups);
    this.completions = new GroupCommit((items) => this.completeGroup(items), groups);
    // An idle connection dropped by the server (restart, outage) must not crash the process: the pool
    // discards it and the next query opens a new one.
    this.pool.on('error', () => {});
  }

  /** Scrub the URL's secrets from an error message. */
  private scrub(error: unknown): string {
    let message = error instanceof Error ? error.message : String(error);
    for (const secret of this.secrets) message = message.split(secret).join('***');
    return message;
  }

  /** Run a database operation; connection failures become StoreUnavailableError (503), secrets scrubbed. */
  private async run<T>(op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      if (isConnectionFailure(error)) {
        throw Object.assign(new Error(`the Postgres store at ${this.target} is unavailable: ${this.scrub(error)}`), { name: 'StoreUnavailableError', cause: error });
      }
      if (error instanceof Error) error.message = this.scrub(error);
      throw error;
    }
  }

  /** One statement. `name` makes it a prepared statement (parsed and planned once per connection): the hot paths. */
  private async query<R extends QueryResultRow = QueryResultRow>(text: string, values?: unknown[], name?: string): Promise<{ rows: R[]; rowCount: number }> {
    return this.run(async () => {
      const result = await this.pool.query<R>(name ? { name, text, values } : { text, values });
      return { rows: result.rows, rowCount: result.rowCount ?? 0 };
    });
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.run(async () => {
      const client = await this.pool.connect();
      let broken = false;
      try {
        await client.query('BEGIN');
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => (broken = true));
        throw error;
      } finally {
        client.release(broken);
      }
    });
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await client.query('CREATE TABLE IF NOT EXISTS retell_kit_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
      const { rows } = await client.query<{ v: number | null }>('SELECT max(version) AS v FROM retell_kit_migrations');
      const current = rows[0]?.v ?? 0;
      if (current > MIGRATIONS.length) {
        throw new KitError('store', `the Postgres store at ${this.target} has schema version ${current}, newer than this retell-kit understands (${MIGRATIONS.length})`, { hint: 'upgrade retell-kit on every replica' });
      }
      for (let version = current + 1; version <= MIGRATIONS.length; version++) {
        await client.query(MIGRATIONS[version - 1]!);
        await client.query('INSERT INTO retell_kit_migrations (version) VALUES ($1)', [version]);
      }
    });
  }

  /** Schema version applied in the database. */
  async schemaVersion(): Promise<number> {
    const { rows } = await this.query<{ v: number | null }>('SELECT max(version) AS v FROM retell_kit_migrations');
    return rows[0]?.v ?? 0;
  }

  private startPruning(): void {
    const every = Math.min(this.retention.answersMs, 3_600_000);
    // Replicas prune the same tables: each round deletes in chunks; concurrent rounds only overlap.
    this.pruneTimer = setInterval(() => void this.prune().catch(() => {}), every);
    this.pruneTimer.unref();
  }

  async ping(options: { write?: boolean } = {}): Promise<void> {
    if (options.write) {
      await this.query(`INSERT INTO retell_kit_meta (key, value) VALUES ('write_probe', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, [String(Date.now())]);
    } else await this.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pruneTimer);
    await this.pruning?.catch(() => {});
    await this.pool.end();
  }

  /**
   * Claims and answers are group-committed: those asked for in the same event-loop turn (and while
   * earlier groups are in flight) go to Postgres as one statement, one transaction. Under load this
   * turns N statements, N commits and N socket writes into one of each; alone, a claim still goes
   * out at once (setImmediate), so nothing waits for a timer. Each caller resolves only once its
   * group has committed: what it is told is durable (as durable as the server's synchronous_commit).
   */
  claim(key: string, owner: string, now: number): Promise<ClaimResult> {
    return this.claims.submit({ key, owner, now });
  }

  private async claimGroup(items: readonly { key: string; owner: string; now: number }[]): Promise<(ClaimResult | undefined)[]> {
    // Keys inserted in key order: two replicas' groups never wait on each other in opposite orders.
    // A key whose row was committed by another replica after this statement's snapshot conflicts but
    // is not visible to the SELECT arm (nor is a row released meanwhile): undefined, asked again.
    const { rows } = await this.query<{ n: string; new_fence: string | null; fence: string | null; owner: string | null; claimed_at: string | null; done: boolean | null; status: number | null; body: string | null }>(
      `WITH req AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[]) WITH ORDINALITY AS r(key, owner, claimed_at, n)),
       ins AS (INSERT INTO retell_kit_claims (key, owner, claimed_at) SELECT key, owner, claimed_at FROM req ORDER BY key ON CONFLICT (key) DO NOTHING RETURNING key, fence)
       SELECT req.n, ins.fence AS new_fence, c.fence, c.owner, c.claimed_at, c.done, c.status, c.body
       FROM req LEFT JOIN ins ON ins.key = req.key LEFT JOIN retell_kit_claims c ON c.key = req.key AND ins.key IS NULL`,
      [items.map((i) => i.key), items.map((i) => i.owner), items.map((i) => i.now)],
      'rk_claim_group',
    );
    const out: (ClaimResult | undefined)[] = items.map(() => undefined);
    for (const row of rows) {
      const i = Number(row.n) - 1;
      if (row.new_fence !== null) out[i] = { state: 'claimed', fence: Number(row.new_fence) };
      else if (row.owner === null) out[i] = undefined;
      else if (row.done) out[i] = { state: 'done', response: { status: row.status ?? 200, body: JSON.parse(row.body ?? 'null') } };
      else out[i] = { state: 'pending', owner: row.owner, claimedAt: Number(row.claimed_at) };
    }
    return out;
  }

  async takeOver(key: string, owner: string, staleBefore: number, now: number): Promise<number | undefined> {
    const { rows } = await this.query<{ fence: string }>(
      `UPDATE retell_kit_claims SET owner = $2, claimed_at = $4, fence = nextval('retell_kit_fence') WHERE key = $1 AND NOT done AND claimed_at < $3 RETURNING fence`,
      [key, owner, staleBefore, now],
    );
    return rows[0] ? Number(rows[0].fence) : undefined;
  }

  complete(key: string, holder: ClaimHolder, response: StoredResponse, trace?: FunctionTrace): Promise<boolean> {
    return this.completions.submit({ key, holder, status: response.status, body: JSON.stringify(response.body ?? null), trace: trace ? JSON.stringify(trace) : null, traceId: trace?.traceId ?? null, callId: trace?.callId ?? null });
  }

  private async completeGroup(items: readonly Completion[]): Promise<boolean[]> {
    // The holder's fence is checked in the statement that writes: a holder taken over never settles.
    // One statement, so one transaction: a trace is written only when its answer is.
    const { rows } = await this.query<{ key: string }>(
      `WITH req AS (SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[]) WITH ORDINALITY AS r(key, owner, fence, status, body, trace_id, call_id, data, n)),
       kept AS (UPDATE retell_kit_claims c SET done = true, status = req.status, body = req.body, completed_at = $9
                FROM (SELECT * FROM req ORDER BY key) req WHERE c.key = req.key AND c.owner = req.owner AND c.fence = req.fence AND NOT c.done RETURNING c.key),
       traced AS (INSERT INTO retell_kit_traces (trace_id, call_id, data, recorded_at)
                  SELECT req.trace_id, req.call_id, req.data, $9 FROM req JOIN kept ON kept.key = req.key WHERE req.data IS NOT NULL ORDER BY req.n)
       SELECT key FROM kept`,
      [
        items.map((i) => i.key),
        items.map((i) => i.holder.owner),
        items.map((i) => i.holder.fence),
        items.map((i) => i.status),
        items.map((i) => i.body),
        items.map((i) => i.traceId),
        items.map((i) => i.callId),
        items.map((i) => i.trace),
        Date.now(),
      ],
      'rk_complete_group',
    );
    const kept = new Set(rows.map((row) => row.key));
    return items.map((i) => kept.has(i.key));
  }

  async release(key: string, holder: ClaimHolder): Promise<boolean> {
    const { rowCount } = await this.query(`DELETE FROM retell_kit_claims WHERE key = $1 AND owner = $2 AND fence = $3 AND NOT done`, [key, holder.owner, holder.fence], 'rk_release');
    return rowCount === 1;
  }

  async appendEvent(event: NewEvent): Promise<{ inserted: boolean; event: StoredEvent }> {
    const values = [event.dedupeKey ?? null, event.event, event.callId, event.body, event.receivedAt];
    const insert = `INSERT INTO retell_kit_events (dedupe_key, event, call_id, body, received_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (dedupe_key) DO NOTHING RETURNING ${EVENT_COLUMNS}`;
    if (event.supersede) {
      return this.transaction(async (client) => {
        await client.query(`DELETE FROM retell_kit_events WHERE call_id = $1 AND event = $2 AND state <> 'pending'`, [event.callId, event.event]);
        const { rows } = await client.query<EventRow>(insert, values);
        return { inserted: true, event: toEvent(rows[0]!) };
      });
    }
    for (;;) {
      const { rows } = await this.query<EventRow>(insert, values);
      if (rows[0]) return { inserted: true, event: toEvent(rows[0]) };
      const existing = await this.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM retell_kit_events WHERE dedupe_key = $1`, [event.dedupeKey]);
      if (existing.rows[0]) return { inserted: false, event: toEvent(existing.rows[0]) };
    }
  }

  async pendingEvents(limit = 1000, afterId = 0): Promise<StoredEvent[]> {
    const { rows } = await this.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM retell_kit_events WHERE state = 'pending' AND id > $1 ORDER BY id LIMIT $2`, [afterId, limit]);
    return rows.map(toEvent);
  }

  async markEvent(id: number, update: { state: EventState; attempts: number; error?: string; handledAt?: number }, fence?: number): Promise<boolean> {
    // A settled event gives its lease back; a pending one (attempt counted, or a retry to come) keeps it.
    // With a fence: only while that lease is the event's latest, and never re-opening a settled event
    // (the same write again, after a lost acknowledgement, still succeeds).
    const { rowCount } = await this.query(
      `UPDATE retell_kit_events SET state = $1, attempts = $2, error = $3, handled_at = $4,
         lease_owner = CASE WHEN $1 = 'pending' THEN lease_owner END, lease_until = CASE WHEN $1 = 'pending' THEN lease_until END
       WHERE id = $5 AND ($6::bigint IS NULL OR (lease_fence = $6 AND (state = 'pending' OR state = $1)))`,
      [update.state, update.attempts, update.error ?? null, update.handledAt ?? null, id, fence ?? null],
      'rk_mark_event',
    );
    return rowCount === 1;
  }

  async leaseEvents(owner: string, now: number, leaseMs: number, options: { id?: number; limit?: number } = {}): Promise<StoredEvent[]> {
    // SKIP LOCKED: replicas polling together each get different rows. An event is leased only when
    // every earlier pending event of its call is already leased by this owner: one call's events run in
    // order, on one replica at a time.
    const { rows } = await this.query<EventRow>(
      `UPDATE retell_kit_events e SET lease_owner = $1, lease_until = $2, lease_fence = nextval('retell_kit_fence')
       WHERE e.id IN (
         SELECT c.id FROM retell_kit_events c
         WHERE c.state = 'pending' AND (c.lease_until IS NULL OR c.lease_until < $3) AND ($4::bigint IS NULL OR c.id = $4)
           AND NOT EXISTS (SELECT 1 FROM retell_kit_events p WHERE p.call_id = c.call_id AND p.id < c.id AND p.state = 'pending'
                           AND (p.lease_owner IS DISTINCT FROM $1 OR p.lease_until < $3))
         ORDER BY c.id LIMIT $5 FOR UPDATE SKIP LOCKED)
       RETURNING ${LEASED_COLUMNS}`,
      [owner, now + leaseMs, now, options.id ?? null, options.limit ?? 100],
    );
    return rows.map(toEvent).sort((a, b) => a.id - b.id);
  }

  async renewEventLeases(owner: string, leases: readonly { id: number; fence: number }[], now: number, leaseMs: number): Promise<number[]> {
    if (!leases.length) return [];
    const { rows } = await this.query<{ id: string }>(
      `UPDATE retell_kit_events e SET lease_until = $2 FROM unnest($3::bigint[], $4::bigint[]) AS h(id, fence)
       WHERE e.id = h.id AND e.lease_fence = h.fence AND e.lease_owner = $1 AND e.state = 'pending' RETURNING e.id`,
      [owner, now + leaseMs, leases.map((l) => l.id), leases.map((l) => l.fence)],
    );
    return rows.map((row) => Number(row.id));
  }

  async releaseEventLeases(owner: string): Promise<void> {
    await this.query(`UPDATE retell_kit_events SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = $1 AND state = 'pending'`, [owner]);
  }

  async eventsForCall(callId: string): Promise<StoredEvent[]> {
    const { rows } = await this.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM retell_kit_events WHERE call_id = $1 ORDER BY id`, [callId]);
    return rows.map(toEvent);
  }

  async getEvent(id: number): Promise<StoredEvent | undefined> {
    const { rows } = await this.query<EventRow>(`SELECT ${EVENT_COLUMNS} FROM retell_kit_events WHERE id = $1`, [id]);
    return rows[0] ? toEvent(rows[0]) : undefined;
  }

  async recordTraces(traces: readonly FunctionTrace[]): Promise<void> {
    if (!traces.length) return;
    const now = Date.now();
    await this.query(
      `INSERT INTO retell_kit_traces (trace_id, call_id, data, recorded_at) SELECT t.trace_id, t.call_id, t.data, $4 FROM unnest($1::text[], $2::text[], $3::text[]) WITH ORDINALITY AS t(trace_id, call_id, data, n) ORDER BY t.n`,
      [traces.map((t) => t.traceId), traces.map((t) => t.callId), traces.map((t) => JSON.stringify(t)), now],
    );
  }

  async tracesForCall(callId: string): Promise<FunctionTrace[]> {
    const { rows } = await this.query<{ data: string }>(`SELECT data FROM retell_kit_traces WHERE call_id = $1 ORDER BY seq`, [callId]);
    return rows.map((row) => JSON.parse(row.data) as FunctionTrace);
  }

  async rewriteCall(callId: string, rewrite: (records: CallRecords) => CallRecords): Promise<void> {
    await this.transaction(async (client) => {
      // Lock the call's handled events first: two replicas sweeping the same call take turns, and the
      // second sees (FOR UPDATE reads the latest committed rows) that the first rewrote them: nothing to do.
      const locked = (await client.query<{ id: string; body: string; rewritten: boolean }>(`SELECT id, body, rewritten FROM retell_kit_events WHERE call_id = $1 AND state <> 'pending' ORDER BY id FOR UPDATE`, [callId])).rows;
      if (!locked.some((r) => !r.rewritten)) return;
      const events = locked.map((r) => ({ id: Number(r.id), body: r.body }));
      const traceRows = (await client.query<{ seq: string; data: string }>(`SELECT seq, data FROM retell_kit_traces WHERE call_id = $1 ORDER BY seq FOR UPDATE`, [callId])).rows;
      const out = rewrite({ events, traces: traceRows.map((row) => JSON.parse(row.data) as FunctionTrace) });
      const byId = new Map(events.map((e) => [e.id, e.body]));
      for (const e of out.events) {
        if (byId.has(e.id) && byId.get(e.id) !== e.body) await client.query(`UPDATE retell_kit_events SET body = $1 WHERE id = $2 AND state <> 'pending'`, [e.body, e.id]);
      }
      for (const [i, trace] of out.traces.entries()) {
        const row = traceRows[i];
        if (row) await client.query(`UPDATE retell_kit_traces SET data = $1 WHERE seq = $2`, [JSON.stringify(trace), row.seq]);
      }
      await client.query(`UPDATE retell_kit_events SET rewritten = true WHERE call_id = $1 AND state <> 'pending'`, [callId]);
    });
  }

  async callsAwaitingRewrite(endedBefore: number, limit = 100): Promise<string[]> {
    const { rows } = await this.query<{ call_id: string }>(
      `SELECT DISTINCT call_id FROM retell_kit_events WHERE event IN ('call_ended', 'chat_ended') AND state <> 'pending' AND NOT rewritten AND received_at < $1 LIMIT $2`,
      [endedBefore, limit],
    );
    return rows.map((row) => row.call_id);
  }

  prune(now = Date.now()): Promise<PruneResult> {
    this.pruning ??= this.pruneAll(now).finally(() => (this.pruning = undefined));
    return this.pruning;
  }

  private async pruneAll(now: number): Promise<PruneResult> {
    const result: PruneResult = { answers: 0, events: 0, traces: 0, kv: 0 };
    const { answersMs, eventsMs, tracesMs, kvMs } = this.retention;
    const chunks: [keyof PruneResult, string, number | false][] = [
      ['answers', `DELETE FROM retell_kit_claims WHERE key IN (SELECT key FROM retell_kit_claims WHERE done AND completed_at < $1 LIMIT ${PRUNE_CHUNK})`, answersMs],
      ['events', `DELETE FROM retell_kit_events WHERE id IN (SELECT id FROM retell_kit_events WHERE received_at < $1 AND state <> 'pending' ORDER BY id LIMIT ${PRUNE_CHUNK})`, eventsMs],
      ['traces', `DELETE FROM retell_kit_traces WHERE seq IN (SELECT seq FROM retell_kit_traces WHERE recorded_at < $1 ORDER BY seq LIMIT ${PRUNE_CHUNK})`, tracesMs],
      ['kv', `DELETE FROM retell_kit_kv WHERE (namespace, key) IN (SELECT namespace, key FROM retell_kit_kv WHERE updated_at < $1 LIMIT ${PRUNE_CHUNK})`, kvMs],
    ];
    for (const [kind, sql, ms] of chunks) {
      if (ms === false) continue;
      for (;;) {
        if (this.closed) return result;
        const { rowCount } = await this.query(sql, [now - ms]);
        result[kind] += rowCount;
        if (rowCount < PRUNE_CHUNK) break;
      }
    }
    return result;
  }

  async kvGet(namespace: string, key: string): Promise<unknown> {
    const { rows } = await this.query<{ value: string }>(`SELECT value FROM retell_kit_kv WHERE namespace = $1 AND key = $2`, [namespace, key]);
    return rows[0] ? JSON.parse(rows[0].value) : undefined;
  }

  async kvSet(namespace: string, key: string, value: unknown): Promise<void> {
    await this.query(
      `INSERT INTO retell_kit_kv (namespace, key, value, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      [namespace, key, JSON.stringify(value ?? null), Date.now()],
    );
  }

  async kvInsert(namespace: string, key: string, value: unknown): Promise<boolean> {
    const { rowCount } = await this.query(`INSERT INTO retell_kit_kv (namespace, key, value, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (namespace, key) DO NOTHING`, [namespace, key, JSON.stringify(value ?? null), Date.now()]);
    return rowCount === 1;
  }

  async kvDelete(namespace: string, key: string): Promise<boolean> {
    const { rowCount } = await this.query(`DELETE FROM retell_kit_kv WHERE namespace = $1 AND key = $2`, [namespace, key]);
    return rowCount === 1;
  }

  async kvList(namespace: string, prefix = ''): Promise<KeyValue[]> {
    // left() instead of LIKE: keys may contain % and _.
    const { rows } = await this.query<{ key: string; value: string }>(`SELECT key, value FROM retell_kit_kv WHERE namespace = $1 AND left(key, length($2)) = $2 ORDER BY key`, [namespace, prefix]);
    return rows.map((row) => ({ key: row.key, value: JSON.parse(row.value) }));
  }
}

/** The parts of a URL that must never be shown: the password (raw and decoded). */
function secretsOf(url: string): string[] {
  try {
    const u = new URL(url);
    const out = new Set<string>();
    if (u.password) {
      out.add(u.password);
      out.add(decodeURIComponent(u.password));
    }
    return [...out].filter((s) => s.length >= 3);
  } catch {
    return [];
  }
}
