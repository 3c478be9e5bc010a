import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { ROOT } from '../helpers/cli.js';
import { agentOnFlow, emulatorWithSdk, KEY } from './helpers.js';

// The emulator answers in the SDK's response shapes: every answer of a realistic session is checked
// against JSON Schemas generated here from retell-sdk's response types (closed objects: a key the
// SDK does not know fails too).

const require = createRequire(import.meta.url);
const RESPONSES = {
  AgentResponse: 'agent',
  AgentListResponse: 'agent',
  AgentListVersionsResponse: 'agent',
  ConversationFlowResponse: 'conversation-flow',
  ConversationFlowListResponse: 'conversation-flow',
  PhoneNumberResponse: 'phone-number',
  PhoneNumberListResponse: 'phone-number',
  PhoneCallResponse: 'call',
  CallListResponse: 'call',
} as const;
type ResponseName = keyof typeof RESPONSES;

let emulator: RunningEmulator;
let sdk: Retell;
let check: (name: ResponseName, value: unknown) => string[];

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
  const dir = mkdtempSync(path.join(tmpdir(), 'retell-kit-responses-'));
  try {
    const sdkDir = path.join(ROOT, 'node_modules/retell-sdk/resources');
    const imports = Object.entries(RESPONSES).map(([type, file]) => `import type { ${type} } from ${JSON.stringify(path.join(sdkDir, file))};`);
    writeFileSync(path.join(dir, 'entry.ts'), `${imports.join('\n')}\nexport interface Responses {\n${Object.keys(RESPONSES).map((t) => `  ${t}: ${t};`).join('\n')}\n}\n`);
    writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { target: 'es2022', module: 'commonjs', lib: ['es2022'], types: [], noEmit: true }, files: [] }));
    const { createGenerator } = require('ts-json-schema-generator');
    const schema = createGenerator({ path: path.join(dir, 'entry.ts'), tsconfig: path.join(dir, 'tsconfig.json'), skipTypeCheck: true, expose: 'export', topRef: true, jsDoc: 'none', additionalProperties: false }).createSchema('Responses');
    const Ajv = require('ajv').default;
    const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
    ajv.addSchema(schema, 'responses');
    check = (name, value) => {
      const validate = ajv.getSchema(`responses#/definitions/${name}`)!;
      return validate(value) ? [] : (validate.errors ?? []).map((e: { instancePath: string; message?: string; params: unknown }) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}, 60_000);
afterAll(() => emulator.close());

describe('answers in the SDK response types', () => {
  it('agents, versions, flows, phone numbers and calls', async () => {
    const { agent, flow } = await agentOnFlow(sdk, { webhook_url: null, language: 'en-US' });
    await sdk.agent.publish(agent.agent_id, { version: 0, version_title: 't', version_description: 'd' });
    const draft = await sdk.agent.createVersion(agent.agent_id, { base_version: 0 });
    const number = await sdk.phoneNumber.create({ area_code: 650, nickname: 'main', inbound_agents: [{ agent_id: agent.agent_id, agent_version: 0, weight: 1 }] });
    const imported = await sdk.phoneNumber.import({ phone_number: '+14155550142', termination_uri: 'sip.example.com', sip_trunk_auth_username: 'u', sip_trunk_auth_password: 'p' });
    await fetch(`${emulator.url}/emulator/simulate-calls`, { method: 'POST', headers: { authorization: `Bearer ${KEY}` }, body: JSON.stringify({ phone_number: number.phone_number, count: 3, seed: 1 }) });
    const calls = await sdk.call.list({ filter_criteria: { agent: [{ agent_id: agent.agent_id }] } });

    const answers: [ResponseName, unknown][] = [
      ['AgentResponse', agent],
      ['AgentResponse', await sdk.agent.retrieve(agent.agent_id, { version: 0 })],
      ['AgentResponse', draft],
      ['AgentResponse', await sdk.agent.update(agent.agent_id, { agent_name: 'renamed' })],
      ['AgentListResponse', await sdk.agent.list()],
      ['AgentListVersionsResponse', await sdk.agent.listVersions(agent.agent_id)],
      ['ConversationFlowResponse', flow],
      ['ConversationFlowResponse', await sdk.conversationFlow.retrieve(flow.conversation_flow_id, { version: 1 })],
      ['ConversationFlowListResponse', await sdk.conversationFlow.list()],
      ['PhoneNumberResponse', number],
      ['PhoneNumberResponse', imported],
      ['PhoneNumberResponse', await sdk.phoneNumber.update(number.phone_number, { nickname: 'renamed' })],
      ['PhoneNumberListResponse', await sdk.phoneNumber.list()],
      ['CallListResponse', calls],
      ['PhoneCallResponse', await sdk.call.retrieve(calls.items[0]!.call_id)],
    ];
    // Retell's GET and list answers carry is_published on flows, which the SDK types leave out (see
    // RETELL_WRITES in scripts/gen-schemas.mjs); the emulator answers it too. Nothing else may differ.
    const withoutIsPublished = (name: ResponseName, value: unknown): unknown => {
      if (name === 'ConversationFlowResponse') {
        const { is_published: _p, ...rest } = value as Record<string, unknown>;
        return rest;
      }
      if (name === 'ConversationFlowListResponse') return { ...(value as object), items: (value as { items: unknown[] }).items.map((f) => withoutIsPublished('ConversationFlowResponse', f)) };
      return value;
    };
    const problems = answers.flatMap(([name, value], i) => check(name, withoutIsPublished(name, value)).map((p) => `#${i} ${name}: ${p}`));
    expect(problems).toEqual([]);
  }, 20_000);
});
