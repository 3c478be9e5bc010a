import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type Retell from 'retell-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../src/emulator/index.js';
import { emulatorWithSdk } from '../emulator/helpers.js';
import { edit, GREETING, newGreeting, project, run } from './deploy-helpers.js';

let emulator: RunningEmulator;
let sdk: Retell;

beforeAll(async () => {
  ({ emulator, sdk } = await emulatorWithSdk());
});
afterAll(() => emulator.close());

const versionsOf = async (agentId: string) => (await sdk.agent.listVersions(agentId, { limit: 1000 })).items;

describe('retell-kit deploy: plan', () => {
  it('pull then deploy --dry-run: no change, exit 0, no version created (issue 15 proof)', async () => {
    const p = await project(emulator, sdk, ['+14155550101']);
    const r = await run(emulator, ['deploy', p.folder, '--dry-run', '--number', '+14155550101'], p.dir);
    expect(r.stderr).toContain(`no change: ${p.folder} matches ${p.agentId} v0; nothing deployed`);
    expect(r.stdout).toContain('No changes.');
    expect(r.status).toBe(0);
    // Without --dry-run too: nothing to deploy is not a deploy.
    const again = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550101', '--format', 'json'], p.dir);
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ result: 'no-change', plan: { stableVersion: 0, changes: { total: 0 } } });
    expect(await versionsOf(p.agentId)).toHaveLength(1);
  });

  it('--dry-run without the secrets set (CI on a pull request) compares them as unchanged and says so; a real deploy still needs them', async () => {
    const p = await project(emulator, sdk, ['+14155550112'], [], async (flowId) => {
      const flow = await sdk.conversationFlow.retrieve(flowId);
      const tools = flow.tools!.map((t) => (t.name === 'book_appointment' ? { ...t, headers: { Authorization: 'Bearer sk_live_salon_0123456789abcdef' } } : t));
      await sdk.conversationFlow.update(flowId, { tools } as never);
    });
    expect(readFileSync(path.join(p.dir, p.folder, 'conversation-flow.json'), 'utf8')).toContain('"Authorization": "${RETELL_SECRET_BOOK_APPOINTMENT_AUTHORIZATION}"');
    const r = await run(emulator, ['deploy', p.folder, '--dry-run', '--number', '+14155550112'], p.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('note:    not set, compared as unchanged: ${RETELL_SECRET_BOOK_APPOINTMENT_AUTHORIZATION} (set them to deploy)');
    expect(r.stdout).toContain('No changes.');
    expect(r.stdout + r.stderr).not.toContain('sk_live_salon');
    const real = await run(emulator, ['deploy', p.folder, '--yes', '--force', '--number', '+14155550112'], p.dir);
    expect(real.status).toBe(2);
    expect(real.stderr).toContain('${RETELL_SECRET_BOOK_APPOINTMENT_AUTHORIZATION} is not set');
  });

  it('--dry-run prints the plan (changes with severities, traffic before -> after) and changes nothing', async () => {
    const p = await project(emulator, sdk, ['+14155550102']);
    newGreeting(p);
    const r = await run(emulator, ['deploy', p.folder, '--dry-run', '--number', '+14155550102', '--canary', '10'], p.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`Deploy plan: ${p.folder} -> ${p.agentId}`);
    expect(r.stdout).toContain('base:    v0 (serving +14155550102)');
    expect(r.stdout).toMatch(/warning\s+node-instruction-changed/);
    expect(r.stdout).toMatch(/warning\s+agent-voice-changed\s+voice_speed \(none\) → 1\.1/);
    expect(r.stdout).toContain('+14155550102: v0 100 % -> v0 90 %, new 10 %');
    expect(r.stderr).toContain('dry run: nothing applied');
    expect(existsSync(path.join(p.dir, '.retell-kit'))).toBe(false);
    expect(await versionsOf(p.agentId)).toHaveLength(1);
    expect((await sdk.phoneNumber.retrieve('+14155550102')).inbound_agents).toEqual([{ agent_id: p.agentId, agent_version: 0, weight: 1 }]);
  });

  it('without a terminal and without --yes it refuses (exit 2) before creating anything', async () => {
    const p = await project(emulator, sdk, ['+14155550103']);
    newGreeting(p);
    const r = await run(emulator, ['deploy', p.folder, '--number', '+14155550103'], p.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/asks first; no terminal to ask on \(pass --yes/);
    expect(await versionsOf(p.agentId)).toHaveLength(1);
  });

  it('a missing ${ENV} for a secret is one line naming it and the file, before anything is created', async () => {
    const p = await project(emulator, sdk, ['+14155550104']);
    edit(p, (_flow, agent) => {
      agent.webhook_url = '${SALON_WEBHOOK_URL}';
    });
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550104'], p.dir, { SALON_WEBHOOK_URL: undefined });
    expect(r.status).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`${p.folder}/agent.json: /webhook_url: \${SALON_WEBHOOK_URL} is not set`);
    expect(await versionsOf(p.agentId)).toHaveLength(1);
    // Set, it is sent resolved and the file keeps its placeholder.
    const ok = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550104', '--format', 'json'], p.dir, { SALON_WEBHOOK_URL: 'https://salon.example.com/hook' });
    expect(ok.status).toBe(0);
    const v = JSON.parse(ok.stdout).deployment.newVersion;
    // The plan shows the placeholder, never the value that came from the environment.
    edit(p, (_flow, agent) => {
      agent.voice_speed = 1.3;
      agent.webhook_url = '${OTHER_WEBHOOK_URL}';
    });
    const plan = await run(emulator, ['deploy', p.folder, '--dry-run', '--number', '+14155550104'], p.dir, { OTHER_WEBHOOK_URL: 'https://hooks.example.com/t0k3n-abcdef' });
    expect(plan.status).toBe(0);
    expect(plan.stdout).toMatch(/webhook_url "https:\/\/salon\.example\.com\/hook" → "\$\{OTHER_WEBHOOK_URL\}"/);
    expect(plan.stdout).not.toContain('t0k3n');
    expect((await sdk.agent.retrieve(p.agentId, { version: v })).webhook_url).toBe('https://salon.example.com/hook');
    expect(ok.stdout).not.toContain('salon.example.com/hook');
  });
});

describe('retell-kit deploy: apply', () => {
  it('--canary 10: one draft from the serving version, flow and settings on it, published with the message, read back, the number split 90/10', async () => {
    const p = await project(emulator, sdk, ['+14155550105']);
    newGreeting(p);
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550105', '--canary', '10', '-m', 'warmer greeting'], p.dir);
    expect(r.status).toBe(0);
    for (const step of ['recorded deployment', 'created draft v1 from v0', 'updated draft v1', 'published v1 "warmer greeting"', 'read back v1: matches what was sent', 'bound +14155550105']) expect(r.stderr).toContain(`✓ ${step}`);
    expect(r.stdout).toContain(`Deployed ${p.agentId} v1 (canary at 10 %): warmer greeting`);
    expect(r.stdout).toContain('+14155550105: v0 90 %, v1 10 %');

    const versions = await versionsOf(p.agentId);
    expect(versions.map((v) => [v.version, v.is_published, v.base_version ?? null])).toEqual([[0, true, null], [1, true, 0]]);
    expect(versions[1]!.version_title).toBe('warmer greeting');
    expect(versions[1]!.version_description).toMatch(/^warmer greeting\n(git [0-9a-f]+.*\n)?deployed by retell-kit from agents\/salon-front-desk \(content [0-9a-f]{12}\)$/);
    const v1 = await sdk.agent.retrieve(p.agentId, { version: 1 });
    expect(v1.voice_speed).toBe(1.1);
    const engine = v1.response_engine as { conversation_flow_id: string; version: number };
    const flow = await sdk.conversationFlow.retrieve(engine.conversation_flow_id, { version: engine.version });
    expect(flow.nodes!.find((n) => n.id === 'welcome')).toMatchObject({ instruction: { text: GREETING } });
    // v0 and the flow version it pins are untouched.
    const v0 = await sdk.agent.retrieve(p.agentId, { version: 0 });
    const flow0 = await sdk.conversationFlow.retrieve(p.flowId, { version: (v0.response_engine as { version: number }).version });
    expect(flow0.nodes!.find((n) => n.id === 'welcome')).not.toMatchObject({ instruction: { text: GREETING } });
    expect((await sdk.phoneNumber.retrieve('+14155550105')).inbound_agents).toEqual([
      { agent_id: p.agentId, agent_version: 0, weight: 0.9 },
      { agent_id: p.agentId, agent_version: 1, weight: 0.1 },
    ]);

    // The canary owns the agent's traffic now: another deploy is refused until it is promoted or rolled back.
    edit(p, (_flow, agent) => {
      agent.voice_speed = 1.2;
    });
    const refused = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550105'], p.dir);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toMatch(/a canary of agent_\w+ is in progress \(v1 at 10 %, canary; deployment agent_\w+:[0-9a-f]{12}\) \(finish it first: retell-kit canary promote, or retell-kit canary rollback\)/);
    expect(await versionsOf(p.agentId)).toHaveLength(2);
  });

  it('without --canary binds the new version to all of the agent\'s share; other agents on the number keep their entries; --format json is the record', async () => {
    const other = (await sdk.agent.create({ agent_name: 'Overflow', voice_id: 'retell-Cimo', response_engine: { type: 'custom-llm', llm_websocket_url: 'wss://llm.example.com' } } as Retell.AgentCreateParams)).agent_id;
    const p = await project(emulator, sdk, ['+14155550106', '+14155550107'], [{ agent_id: other, weight: 0.25 }]);
    newGreeting(p);
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550106', '--number', '+14155550107', '--format', 'json'], p.dir);
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.result).toBe('deployed');
    expect(out.deployment).toMatchObject({ agentId: p.agentId, stableVersion: 0, newVersion: 1, state: 'promoted', percent: 100, canaryPercent: null, numbers: ['+14155550106', '+14155550107'] });
    expect(out.deployment.id).toBe(`${p.agentId}:${out.deployment.contentHash.slice(0, 12)}`);
    expect(out.deployment.steps.map((s: { step: string }) => s.step)).toEqual(['planned', 'draft_created', 'draft_updated', 'published', 'verified', 'bound']);
    expect(out.deployment.bindingsBefore['+14155550106']).toEqual([{ agent_id: other, weight: 0.25 }, { agent_id: p.agentId, agent_version: 0, weight: 0.75 }]);
    expect(out.plan).toMatchObject({ stableVersion: 0, changes: { breaking: 0, warning: 2, info: 0, total: 2 } });
    for (const number of ['+14155550106', '+14155550107']) {
      expect((await sdk.phoneNumber.retrieve(number)).inbound_agents).toEqual([{ agent_id: other, weight: 0.25 }, { agent_id: p.agentId, agent_version: 1, weight: 0.75 }]);
    }
    // Deployed, the folder now matches what serves: nothing to deploy.
    const again = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550106', '--number', '+14155550107'], p.dir);
    expect(again.status).toBe(0);
    expect(again.stderr).toContain(`matches ${p.agentId} v1; nothing deployed`);
  });

  it('the lint gate refuses a flow with lint errors (exit 1, findings as lint prints them); --force ships it and the record keeps the warning', async () => {
    const p = await project(emulator, sdk, ['+14155550108']);
    edit(p, (flow) => {
      const welcome = flow.nodes.find((n: any) => n.id === 'welcome');
      welcome.edges[0].destination_node_id = 'no_such_node';
    });
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550108'], p.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain(path.join(p.folder, 'conversation-flow.json'));
    expect(r.stdout).toMatch(/error .*no_such_node/);
    expect(r.stderr).toMatch(/refused: 1 lint error in agents\/salon-front-desk\/conversation-flow\.json \(fix them .* or pass --force/);
    expect(await versionsOf(p.agentId)).toHaveLength(1);
    const asJson = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550108', '--format', 'json'], p.dir);
    expect(asJson.status).toBe(1);
    const refused = JSON.parse(asJson.stdout);
    expect(refused).toMatchObject({ result: 'refused', plan: { lint: { errors: 1 } } });
    expect(refused.findings.filter((f: { severity: string }) => f.severity === 'error')).toEqual([expect.objectContaining({ file: 'agents/salon-front-desk/conversation-flow.json', line: expect.any(Number), message: expect.stringContaining('no_such_node') })]);

    const forced = await run(emulator, ['deploy', p.folder, '--yes', '--force', '--number', '+14155550108', '--format', 'json'], p.dir);
    expect(forced.stderr).toContain('warning: --force: shipped with 1 lint error');
    expect(forced.status).toBe(0);
    const d = JSON.parse(forced.stdout).deployment;
    expect(d.forced).toEqual({ errors: 1, warning: expect.stringContaining('--force: shipped with 1 lint error') });
    expect(d.history[0].reason).toContain('--force');
    expect((await versionsOf(p.agentId))[1]!.version_description).toContain('--force: shipped with 1 lint error');
  });

  it('breaking changes to a tool a handler in the config serves are called out and refused (exit 1); --force records them', async () => {
    const p = await project(emulator, sdk, ['+14155550110']);
    writeFileSync(path.join(p.dir, 'retell-kit.config.mjs'), 'export default { functions: { book_appointment: { args: { safeParse: (v) => ({ success: true, data: v }) }, handler: async () => ({ booking_id: "b1" }) } } };\n');
    edit(p, (flow) => {
      const tool = flow.tools.find((t: any) => t.name === 'book_appointment');
      delete tool.parameters.properties.time;
      tool.parameters.required = tool.parameters.required.filter((r: string) => r !== 'time');
    });
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550110'], p.dir);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/breaking\s+tool-parameter-removed .*time.*\(handler book_appointment\)/);
    expect(r.stdout).toMatch(/! breaking for a handler: .*time/);
    expect(r.stderr).toContain('refused: 1 breaking change to tools served by handler book_appointment');
    expect(await versionsOf(p.agentId)).toHaveLength(1);
    const forced = await run(emulator, ['deploy', p.folder, '--yes', '--force', '--number', '+14155550110', '--format', 'json'], p.dir);
    expect(forced.status).toBe(0);
    expect(JSON.parse(forced.stdout).deployment.forced).toEqual({ errors: 0, handlerBreaking: 1, warning: '--force: shipped with 1 breaking change to tools served by handler book_appointment' });
  });

  it('a number following "latest" is pinned to the serving version before the draft exists (the draft never takes live calls)', async () => {
    const p = await project(emulator, sdk, []);
    await sdk.phoneNumber.import({ phone_number: '+14155550111', termination_uri: 'sip.example.com', inbound_agents: [{ agent_id: p.agentId, agent_version: 'latest', weight: 1 }] } as never);
    newGreeting(p);
    const r = await run(emulator, ['deploy', p.folder, '--yes', '--number', '+14155550111', '--canary', '25'], p.dir);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('note:    +14155550111 follows "latest" of');
    const pinned = r.stderr.indexOf('✓ pinned +14155550111 to v0');
    expect(pinned).toBeGreaterThan(0);
    expect(pinned).toBeLessThan(r.stderr.indexOf('✓ created draft v1'));
    expect((await sdk.phoneNumber.retrieve('+14155550111')).inbound_agents).toEqual([
      { agent_id: p.agentId, agent_version: 0, weight: 0.75 },
      { agent_id: p.agentId, agent_version: 1, weight: 0.25 },
    ]);
  });

  it('bad input is one line and exit 2: unknown folder, a folder pull did not write, a bad --canary, --canary without numbers', async () => {
    const p = await project(emulator, sdk, []);
    const cases: [string[], RegExp][] = [
      [['deploy', 'agents/nope', '--yes'], /^retell-kit: agents\/nope: no such folder/],
      [['deploy', 'agents', '--yes'], /agents: has no agent\.json \(deploy takes an agent folder written by retell-kit pull/],
      [['deploy', p.folder, '--canary', '150', '--number', '+14155550109'], /canary percent "150" is not a number above 0 and at most 100/],
      [['deploy', p.folder, '--canary', '10'], /--canary needs phone numbers to split/],
      [['deploy', p.folder, '--number', '4155550100'], /--number "4155550100" is not an E\.164 number/],
    ];
    for (const [args, message] of cases) {
      const r = await run(emulator, args, p.dir);
      expect(r.status, args.join(' ')).toBe(2);
      expect(r.stderr.trim().split('\n'), args.join(' ')).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toContain('    at ');
    }
    // A folder without its remote record.
    writeFileSync(path.join(p.dir, 'agents/.retell-kit/remote.json'), readFileSync(path.join(p.dir, 'agents/.retell-kit/remote.json'), 'utf8').replace('"salon-front-desk"', '"renamed"'));
    const r = await run(emulator, ['deploy', p.folder, '--yes'], p.dir);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no remote record for "salon-front-desk" in agents\/\.retell-kit\/remote\.json/);
  });
});
