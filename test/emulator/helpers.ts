import { readFileSync } from 'node:fs';
import Retell from 'retell-sdk';
import { fixture } from '../helpers/cli.js';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../src/emulator/index.js';

export const KEY = 'key_emulator_test_0123456789abcdef';

/** An emulator on a free port of 127.0.0.1 and the real SDK pointed at it (no retries unless asked). */
export async function emulatorWithSdk(options: EmulatorOptions = {}, maxRetries = 0): Promise<{ emulator: RunningEmulator; sdk: Retell }> {
  const emulator = await startEmulator({ port: 0, ...options });
  const sdk = new Retell({ apiKey: KEY, baseURL: emulator.url, maxRetries, timeout: 5_000 });
  return { emulator, sdk };
}

/** The salon flow from fixtures, as a create-conversation-flow body. */
export function salonFlow(): Record<string, unknown> {
  return JSON.parse(readFileSync(fixture('flows/valid/salon-booking.json'), 'utf8')) as Record<string, unknown>;
}

/** A flow and a voice agent on it, created through the SDK: what most tests start from. */
export async function agentOnFlow(sdk: Retell, extra: Record<string, unknown> = {}) {
  const flow = await sdk.conversationFlow.create(salonFlow() as unknown as Retell.ConversationFlowCreateParams);
  const agent = await sdk.agent.create({
    agent_name: 'Salon front desk',
    voice_id: 'retell-Cimo',
    response_engine: { type: 'conversation-flow', conversation_flow_id: flow.conversation_flow_id },
    ...extra,
  } as Retell.AgentCreateParams);
  return { flow, agent };
}
