import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/http/errors.js';
import { createExchange } from '../../src/http/exchange.js';
import { describeRoutes, RouteTable, type RouteSpec } from '../../src/http/routes.js';

// The table an emulator of Retell's REST API would need: parameters, several methods on one path.
const routes: RouteSpec[] = [
  { id: 'create-agent', method: 'POST', path: '/create-agent' },
  { id: 'get-agent', method: 'GET', path: '/get-agent/:agent_id' },
  { id: 'update-agent', method: 'PATCH', path: '/update-agent/:agent_id' },
  { id: 'delete-agent', method: 'DELETE', path: '/delete-agent/:agent_id', params: { agent_id: /^agent_[a-z0-9]+$/ } },
  { id: 'list-calls', method: 'GET', path: '/v2/list-calls' },
  { id: 'list-calls-post', method: 'POST', path: '/v2/list-calls' },
  { id: 'get-version', method: 'GET', path: '/get-agent/:agent_id/versions/:version' },
];
const table = new RouteTable(routes, 'the emulator');

function thrown(f: () => unknown): HttpError {
  try {
    f();
  } catch (error) {
    if (error instanceof HttpError) return error;
    throw error;
  }
  throw new Error('expected an HttpError');
}

describe('route table', () => {
  it('matches literal and parameterised paths, with their parameters', () => {
    expect(table.match('POST', '/create-agent')).toEqual({ route: routes[0], params: {} });
    expect(table.match('GET', '/get-agent/agent_1')).toEqual({ route: routes[1], params: { agent_id: 'agent_1' } });
    expect(table.match('PATCH', '/update-agent/agent_1/')).toEqual({ route: routes[2], params: { agent_id: 'agent_1' } });
    expect(table.match('GET', '/get-agent/agent_1/versions/3')).toEqual({ route: routes[6], params: { agent_id: 'agent_1', version: '3' } });
    expect(table.match('POST', '/v2/list-calls').route.id).toBe('list-calls-post');
    expect(table.match('HEAD', '/v2/list-calls').route.id).toBe('list-calls');
  });

  it('a 404 names the path and lists the routes; an empty or refused parameter is not a match', () => {
    for (const path of ['/nope', '/get-agent/', '/get-agent/a/b', '/delete-agent/Agent-1']) {
      const error = thrown(() => table.match('GET', path));
      expect([error.status, error.code]).toEqual([404, 'not_found']);
      expect(error.message).toBe(`no route for ${path}; the emulator answers POST /create-agent, GET /get-agent/<agent_id>, PATCH /update-agent/<agent_id>, DELETE /delete-agent/<agent_id>, GET /v2/list-calls, POST /v2/list-calls, GET /get-agent/<agent_id>/versions/<version>`);
    }
  });

  it('a 405 says which methods the path takes, in the Allow header too', () => {
    const onList = thrown(() => table.match('DELETE', '/v2/list-calls'));
    expect([onList.status, onList.code, onList.options.headers]).toEqual([405, 'method_not_allowed', { allow: 'GET, HEAD, POST' }]);
    expect(onList.message).toBe('DELETE is not allowed on /v2/list-calls; use GET or HEAD or POST');
    expect(thrown(() => table.match('GET', '/update-agent/agent_1')).options.headers).toEqual({ allow: 'PATCH' });
  });

  it('refuses a table that declares one method and path twice', () => {
    expect(() => new RouteTable([routes[0]!, { ...routes[0]!, id: 'again' }], 'x')).toThrow(/POST \/create-agent is declared twice/);
  });

  it('describes routes for help text', () => {
    expect(describeRoutes([{ method: 'POST', path: '/functions/:name' }])).toEqual(['POST /functions/<name>']);
  });

  it('builds an exchange from plain values (what route tests and socket-less callers use)', () => {
    const ex = createExchange({ method: 'GET', url: '/v2/list-calls?limit=5&agent_id=a', json: { x: 1 } });
    expect([ex.method, ex.path, ex.query.get('limit'), ex.query.get('agent_id'), ex.text, ex.raw?.toString()]).toEqual(['GET', '/v2/list-calls', '5', 'a', '{"x":1}', '{"x":1}']);
  });
});
