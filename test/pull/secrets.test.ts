import { describe, expect, it } from 'vitest';
import type { ConversationFlowResponse } from '../../src/retell/client.js';
import { editableAgent, editableFlow } from '../../src/pull/index.js';

// What pull keeps out of the editable files: secrets (as ${ENV} placeholders) and what Retell manages.

function pulled(flow: Record<string, unknown>) {
  const secrets: Record<string, string> = {};
  const out = editableFlow(flow as unknown as ConversationFlowResponse, (name, value) => (secrets[name] = value));
  return { out: out as any, secrets };
}

describe('secrets become ${ENV} placeholders', () => {
  it('in flow tools, tools of subagent nodes, components and MCP servers; headers and secret-looking query parameters', () => {
    const { out, secrets } = pulled({
      conversation_flow_id: 'conversation_flow_1',
      version: 3,
      is_published: true,
      last_modification_timestamp: 1,
      tools: [{ type: 'custom', name: 'book', headers: { Authorization: 'Bearer abc123', 'Content-Type': 'application/json', 'X-Trace': 'sk_live_0123456789abcdef' }, query_params: { api_key: 'qk-1', page: '2' } }],
      nodes: [{ id: 'n', type: 'subagent', tools: [{ type: 'custom', name: 'lookup', headers: { 'x-api-key': 'k-node' } }] }],
      mcps: [{ name: 'crm', url: 'https://mcp.example.com', headers: { Authorization: 'Bearer mcp-token' } }],
      components: [{ name: 'Verify', user_modified_timestamp: 5, tools: [{ type: 'custom', name: 'check', headers: { Authorization: '${ALREADY_A_PLACEHOLDER}' } }], nodes: [] }],
    });
    expect(out.tools[0].headers).toEqual({ Authorization: '${RETELL_SECRET_BOOK_AUTHORIZATION}', 'Content-Type': 'application/json', 'X-Trace': '${RETELL_SECRET_BOOK_X_TRACE}' });
    expect(out.tools[0].query_params).toEqual({ api_key: '${RETELL_SECRET_BOOK_API_KEY}', page: '2' });
    expect(out.nodes[0].tools[0].headers).toEqual({ 'x-api-key': '${RETELL_SECRET_LOOKUP_X_API_KEY}' });
    expect(out.mcps[0].headers).toEqual({ Authorization: '${RETELL_SECRET_MCP_CRM_AUTHORIZATION}' });
    expect(out.components[0].tools[0].headers).toEqual({ Authorization: '${ALREADY_A_PLACEHOLDER}' });
    expect(secrets).toEqual({
      RETELL_SECRET_BOOK_AUTHORIZATION: 'Bearer abc123',
      RETELL_SECRET_BOOK_X_TRACE: 'sk_live_0123456789abcdef',
      RETELL_SECRET_BOOK_API_KEY: 'qk-1',
      RETELL_SECRET_LOOKUP_X_API_KEY: 'k-node',
      RETELL_SECRET_MCP_CRM_AUTHORIZATION: 'Bearer mcp-token',
    });
    for (const key of ['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp']) expect(out).not.toHaveProperty(key);
    expect(out.components[0]).not.toHaveProperty('user_modified_timestamp');
  });

  it('two tools of one name with different secrets get two variables; the same secret twice, one', () => {
    const { out, secrets } = pulled({
      tools: [{ type: 'custom', name: 'book', headers: { Authorization: 'Bearer one' } }],
      nodes: [
        { id: 'a', type: 'subagent', tools: [{ type: 'custom', name: 'book', headers: { Authorization: 'Bearer two' } }] },
        { id: 'b', type: 'subagent', tools: [{ type: 'custom', name: 'book', headers: { Authorization: 'Bearer one' } }] },
      ],
    });
    expect(secrets).toEqual({ RETELL_SECRET_BOOK_AUTHORIZATION: 'Bearer one', RETELL_SECRET_BOOK_AUTHORIZATION_2: 'Bearer two' });
    expect(out.nodes.map((n: any) => n.tools[0].headers.Authorization)).toEqual(['${RETELL_SECRET_BOOK_AUTHORIZATION_2}', '${RETELL_SECRET_BOOK_AUTHORIZATION}']);
  });
});

describe('agent settings', () => {
  it('leave ids, versions and timestamps out and keep only the engine type (custom LLMs keep their URL)', () => {
    const agent = editableAgent({ agent_id: 'agent_1', version: 2, is_published: true, base_version: 1, version_title: 't', last_modification_timestamp: 9, voice_id: 'v', response_engine: { type: 'conversation-flow', conversation_flow_id: 'cf', version: 4 } } as never);
    expect(agent).toEqual({ response_engine: { type: 'conversation-flow' }, voice_id: 'v' });
    expect(editableAgent({ agent_id: 'a', voice_id: 'v', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://x' } } as never).response_engine).toEqual({ type: 'custom-llm', llm_websocket_url: 'wss://x' });
  });
});

describe('resolvePlaceholders (for a deploy of pulled files)', () => {
  it('puts the values back from the environment, and names a missing variable with its file and JSON pointer', async () => {
    const { resolvePlaceholders } = await import('../../src/pull/index.js');
    const flow = { tools: [{ headers: { Authorization: '${RETELL_SECRET_BOOK_AUTHORIZATION}', Accept: 'text/plain' } }] };
    expect(resolvePlaceholders(flow, { RETELL_SECRET_BOOK_AUTHORIZATION: 'Bearer abc' }, 'f.json')).toEqual({ tools: [{ headers: { Authorization: 'Bearer abc', Accept: 'text/plain' } }] });
    let line = '';
    try {
      resolvePlaceholders(flow, {}, 'agents/salon/conversation-flow.json');
    } catch (error) {
      line = (error as { oneLine(): string }).oneLine();
    }
    expect(line).toBe('agents/salon/conversation-flow.json: /tools/0/headers/Authorization: ${RETELL_SECRET_BOOK_AUTHORIZATION} is not set (set RETELL_SECRET_BOOK_AUTHORIZATION (pull --secrets-file wrote the values, if you asked it to))');
  });
});
