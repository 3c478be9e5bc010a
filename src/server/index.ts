// `retell-kit/server`: the server and its store, apart from the main entry so that importing
// 'retell-kit' for linting or in a config file never loads node:http handlers or better-sqlite3.
export { createServer, DEFAULT_BODY_LIMIT, DEFAULT_RATE_LIMIT } from './app.js';
export type { RetellKitServer, ServerOptions } from './app.js';
export { SERVE_ROUTES } from './routes/table.js';
export { SqliteStore } from '../store/sqlite.js';
export type { Store, StoredResponse, ClaimResult, NewEvent, StoredEvent, EventState, FunctionTrace, KeyValue } from '../store/store.js';
export type { FunctionContext, WebhookContext, InboundContext, HandlerStore } from '../handlers/context.js';
export type { WebhookEvent, CallInbound, InboundResponse } from '../retell/wire.js';
