import { MAX_CALLS, simulateCalls } from './simulate.js';
import type { EmulatorState } from './state.js';

// `retell-kit emulator --example`: a workspace to try the whole loop on (pull, deploy --canary,
// canary watch) with no account: one published voice agent on a small booking flow, and a phone
// number whose inbound calls all go to it. `--traffic <calls per minute>` then keeps simulated calls
// coming on every bound number, drawn by the number's current weights, as live traffic would.

export const EXAMPLE_NUMBER = '+14155550100';
export const EXAMPLE_AGENT_NAME = 'Salon front desk';

const FLOW = {
  start_speaker: 'agent',
  model_choice: { type: 'cascading', model: 'gpt-4.1' },
  global_prompt: 'You are the front desk of {{salon_name}}. Be brief and friendly.',
  default_dynamic_variables: { salon_name: 'Studio Nord' },
  start_node_id: 'welcome',
  tools: [
    {
      type: 'custom',
      tool_id: 'tool_book_appointment',
      name: 'book_appointment',
      description: 'Book the confirmed slot for the caller.',
      url: 'https://salon.example.com/retell/functions/book_appointment',
      method: 'POST',
      parameters: { type: 'object', properties: { service: { type: 'string' }, time: { type: 'string' } }, required: ['service', 'time'] },
      response_variables: { booking_id: '$.booking_id' },
      speak_during_execution: true,
      speak_after_execution: false,
      timeout_ms: 10_000,
    },
  ],
  nodes: [
    {
      id: 'welcome',
      type: 'conversation',
      name: 'Welcome',
      instruction: { type: 'static_text', text: 'Thanks for calling {{salon_name}}! Would you like to book an appointment?' },
      edges: [
        { id: 'welcome-to-book', transition_condition: { type: 'prompt', prompt: 'Caller names a service and a time to book' }, destination_node_id: 'book' },
        { id: 'welcome-to-goodbye', transition_condition: { type: 'prompt', prompt: 'Caller does not want to book an appointment today' }, destination_node_id: 'goodbye' },
      ],
    },
    {
      id: 'book',
      type: 'function',
      name: 'Book appointment',
      tool_id: 'tool_book_appointment',
      tool_type: 'local',
      wait_for_result: true,
      speak_during_execution: true,
      instruction: { type: 'static_text', text: 'One moment, I am booking that for you.' },
      edges: [
        {
          id: 'book-to-confirmed',
          transition_condition: { type: 'equation', operator: '&&', equations: [{ left: '{{booking_id}}', operator: 'exists' }] },
          destination_node_id: 'confirmed',
        },
      ],
      else_edge: { id: 'book-to-goodbye', transition_condition: { type: 'prompt', prompt: 'Else' }, destination_node_id: 'goodbye' },
    },
    {
      id: 'confirmed',
      type: 'conversation',
      name: 'Confirmed',
      instruction: { type: 'static_text', text: 'You are booked. Anything else?' },
      edges: [{ id: 'confirmed-to-goodbye', transition_condition: { type: 'prompt', prompt: 'Caller has nothing else' }, destination_node_id: 'goodbye' }],
    },
    { id: 'goodbye', type: 'end', name: 'Goodbye', instruction: { type: 'static_text', text: 'Thank you for calling {{salon_name}}. Goodbye!' } },
  ],
};

/** Seed the example through the emulator's own API (so it is exactly what a client would have made). */
export async function seedExample(url: string, apiKey: string): Promise<{ agentId: string; flowId: string; number: string }> {
  const call = async (method: string, path: string, body: unknown) => {
    const response = await fetch(url + path, { method, headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`seeding the example: ${method} ${path} answered ${response.status}: ${text}`);
    return text ? (JSON.parse(text) as Record<string, unknown>) : {};
  };
  const flow = await call('POST', '/create-conversation-flow', FLOW);
  const flowId = String(flow.conversation_flow_id);
  const agent = await call('POST', '/create-agent', { agent_name: EXAMPLE_AGENT_NAME, voice_id: 'retell-Cimo', response_engine: { type: 'conversation-flow', conversation_flow_id: flowId } });
  const agentId = String(agent.agent_id);
  await call('POST', `/publish-agent-version/${agentId}`, { version: 0, version_title: 'launch' });
  await call('POST', '/import-phone-number', { phone_number: EXAMPLE_NUMBER, termination_uri: 'sip.example.com', nickname: 'example line', inbound_agents: [{ agent_id: agentId, agent_version: 0, weight: 1 }] });
  return { agentId, flowId, number: EXAMPLE_NUMBER };
}

/**
 * Simulated calls at `perMinute` on every number with inbound agents, one batch a second (the
 * fraction carried over so low rates still arrive). Returns a stop function.
 */
export function startTraffic(state: EmulatorState, perMinute: number, signingKey: string | undefined, now: () => number, onError: (message: string) => void): () => void {
  let owed = 0;
  let busy = false;
  const timer = setInterval(() => {
    owed += perMinute / 60;
    // A backlog (batches still busy) is caught up, at most simulate-calls' limit a batch.
    const count = Math.min(Math.floor(owed), MAX_CALLS);
    if (count === 0 || busy) return;
    owed -= count;
    busy = true;
    const numbers = Object.values(state.phoneNumbers).filter((n) => Array.isArray(n.inbound_agents) && (n.inbound_agents as { weight: number }[]).some((b) => b.weight > 0));
    void Promise.all(numbers.map((n) => simulateCalls(state, { phone_number: n.phone_number, count, start_timestamp: now() }, signingKey, now).catch((error: Error) => onError(`traffic on ${String(n.phone_number)}: ${error.message}`)))).finally(() => {
      busy = false;
    });
  }, 1000);
  timer.unref();
  return () => clearInterval(timer);
}
