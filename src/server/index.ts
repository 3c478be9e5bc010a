// `retell-kit/server`: the server and its store, apart from the main entry so that importing
// 'retell-kit' for linting or in a config file never loads node:http handlers or better-sqlite3.
export { createServer, DEFAULT_BODY_LIMIT, DEFAULT_RATE_LIMIT, DEFAULT_WEBHOOK_RATE_LIMIT, DEFAULT_LIMITS, DEFAULT_SHUTDOWN_TIMEOUT_MS } from './app.js';
export type { StoreHealth } from './store-health.js';
export type { RetellKitServer, ServerOptions } from './app.js';
export { SERVE_ROUTES } from './routes/table.js';
export { SqliteStore, DEFAULT_RETENTION } from '../store/sqlite.js';
export { PostgresStore, redactUrl } from '../store/postgres.js';
export type { PostgresStoreOptions } from '../store/postgres.js';
export { chooseStore, openStore } from '../store/open.js';
export { StoreLock } from '../store/lock.js';
export type { LockHolder } from '../store/lock.js';
export { isStoreFailure } from '../store/store.js';
export type { Store, StoredResponse, ClaimResult, NewEvent, StoredEvent, EventState, FunctionTrace, KeyValue, Retention, PruneResult, CallRecords } from '../store/store.js';
export type { FunctionContext, WebhookContext, InboundContext, HandlerStore } from '../handlers/context.js';
export type { WebhookEvent, CallInbound, InboundResponse } from '../retell/wire.js';
