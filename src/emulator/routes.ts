import type { RouteSpec } from '../http/routes.js';

// The emulator's route table: the Retell API endpoints it implements (current shapes only, as in
// retell-sdk 5.66.1), the retired ones it answers with their deprecation notice, and its own
// control routes under /emulator. Kept free of handler code so `emulator --help` can print it.
// These ids and paths are a contract: deploy's and canary's tests drive them.

export interface EmulatorRouteSpec extends RouteSpec {
  id: string;
  /** Retell API routes need `Authorization: Bearer <key>`; control routes do not. */
  kind: 'api' | 'control' | 'retired';
}

/** Path segments Retell ids are made of (agent_..., conversation_flow_..., call_..., +1415...). */
const ID = /^[A-Za-z0-9_+%.-]{1,128}$/;
const id = (name: string) => ({ [name]: ID });

export const API_ROUTES: readonly EmulatorRouteSpec[] = [
  { id: 'create-agent', method: 'POST', path: '/create-agent', kind: 'api' },
  { id: 'get-agent', method: 'GET', path: '/get-agent/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'update-agent', method: 'PATCH', path: '/update-agent/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'delete-agent', method: 'DELETE', path: '/delete-agent/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'list-agents', method: 'POST', path: '/v2/list-agents', kind: 'api' },
  { id: 'create-agent-version', method: 'POST', path: '/create-agent-version/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'list-agent-versions', method: 'GET', path: '/list-agent-versions/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'publish-agent-version', method: 'POST', path: '/publish-agent-version/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'delete-agent-version', method: 'DELETE', path: '/delete-agent-version/:agent_id', params: id('agent_id'), kind: 'api' },
  { id: 'create-conversation-flow', method: 'POST', path: '/create-conversation-flow', kind: 'api' },
  { id: 'get-conversation-flow', method: 'GET', path: '/get-conversation-flow/:conversation_flow_id', params: id('conversation_flow_id'), kind: 'api' },
  { id: 'update-conversation-flow', method: 'PATCH', path: '/update-conversation-flow/:conversation_flow_id', params: id('conversation_flow_id'), kind: 'api' },
  { id: 'delete-conversation-flow', method: 'DELETE', path: '/delete-conversation-flow/:conversation_flow_id', params: id('conversation_flow_id'), kind: 'api' },
  { id: 'list-conversation-flows', method: 'GET', path: '/v2/list-conversation-flows', kind: 'api' },
  { id: 'create-phone-number', method: 'POST', path: '/create-phone-number', kind: 'api' },
  { id: 'import-phone-number', method: 'POST', path: '/import-phone-number', kind: 'api' },
  { id: 'get-phone-number', method: 'GET', path: '/get-phone-number/:phone_number', params: id('phone_number'), kind: 'api' },
  { id: 'update-phone-number', method: 'PATCH', path: '/update-phone-number/:phone_number', params: id('phone_number'), kind: 'api' },
  { id: 'delete-phone-number', method: 'DELETE', path: '/delete-phone-number/:phone_number', params: id('phone_number'), kind: 'api' },
  { id: 'list-phone-numbers', method: 'GET', path: '/v2/list-phone-numbers', kind: 'api' },
  { id: 'list-calls', method: 'POST', path: '/v3/list-calls', kind: 'api' },
  { id: 'get-call', method: 'GET', path: '/v2/get-call/:call_id', params: id('call_id'), kind: 'api' },
];

export const CONTROL_ROUTES: readonly EmulatorRouteSpec[] = [
  { id: 'emulator-faults-set', method: 'POST', path: '/emulator/faults', kind: 'control' },
  { id: 'emulator-faults-get', method: 'GET', path: '/emulator/faults', kind: 'control' },
  { id: 'emulator-faults-clear', method: 'DELETE', path: '/emulator/faults', kind: 'control' },
  { id: 'emulator-simulate-calls', method: 'POST', path: '/emulator/simulate-calls', kind: 'control' },
  { id: 'emulator-reset', method: 'POST', path: '/emulator/reset', kind: 'control' },
  { id: 'emulator-state-get', method: 'GET', path: '/emulator/state', kind: 'control' },
  { id: 'emulator-state-put', method: 'PUT', path: '/emulator/state', kind: 'control' },
  { id: 'emulator-routes', method: 'GET', path: '/emulator/routes', kind: 'control' },
  { id: 'emulator-health', method: 'GET', path: '/emulator/health', kind: 'control' },
];

export interface RetiredEndpoint {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  retired: string;
  use: string;
  notice: string;
}

const NOTICE = 'https://docs.retellai.com/deprecation-notice';

/** Endpoints Retell retired in 2026 (retell-reference §10): they answer 404 with the notice. */
export const RETIRED_ENDPOINTS: readonly RetiredEndpoint[] = [
  { method: 'POST', path: '/publish-agent/:agent_id', retired: '2026-07-20', use: 'POST /publish-agent-version/<agent_id> with {"version": N}', notice: `${NOTICE}/2026/07-20_agent_version_endpoints` },
  { method: 'GET', path: '/get-agent-versions/:agent_id', retired: '2026-09-15', use: 'GET /list-agent-versions/<agent_id> (paginated)', notice: `${NOTICE}/2026/09-15_get_agent_versions` },
  { method: 'GET', path: '/list-agents', retired: '2026-07-31', use: 'POST /v2/list-agents', notice: `${NOTICE}/2026/07-31_agent_list_endpoints` },
  { method: 'POST', path: '/v2/list-calls', retired: '2026-06-15', use: 'POST /v3/list-calls (items without transcripts; get-call hydrates)', notice: `${NOTICE}/2026/06-15_legacy_list_endpoints` },
  { method: 'GET', path: '/list-phone-numbers', retired: '2026-06-15', use: 'GET /v2/list-phone-numbers', notice: `${NOTICE}/2026/06-15_legacy_list_endpoints` },
  { method: 'GET', path: '/list-conversation-flows', retired: '2026-06-15', use: 'GET /v2/list-conversation-flows', notice: `${NOTICE}/2026/06-15_legacy_list_endpoints` },
  { method: 'GET', path: '/list-retell-llms', retired: '2026-06-15', use: 'GET /v2/list-retell-llms', notice: `${NOTICE}/2026/06-15_legacy_list_endpoints` },
];

export const RETIRED_ROUTES: readonly EmulatorRouteSpec[] = RETIRED_ENDPOINTS.map((r) => ({
  id: `retired:${r.method} ${r.path}`,
  method: r.method,
  path: r.path,
  params: r.path.includes(':agent_id') ? id('agent_id') : undefined,
  kind: 'retired' as const,
}));

export const EMULATOR_ROUTES: readonly EmulatorRouteSpec[] = [...API_ROUTES, ...CONTROL_ROUTES, ...RETIRED_ROUTES];
