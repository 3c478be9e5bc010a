import { defineRule } from '../rule.js';

// Reported by the loader: Retell files that are not conversation flows are recognised, not failed.
export default defineRule({
  id: 'not-a-flow',
  meta: {
    description: 'The file is a Retell object that is not a conversation flow (a Retell LLM agent, a call, a webhook event); nothing to lint.',
    defaultSeverity: 'info',
    messages: {
      retellLlmAgent: 'agent {{name}} runs on a Retell LLM (single/multi prompt), not a conversation flow: nothing to lint',
      customLlmAgent: 'agent {{name}} runs on a custom LLM websocket, not a conversation flow: nothing to lint',
      agentWithoutFlow: 'agent {{name}} points at conversation flow {{flow}} but does not include it: lint the flow itself (export the agent with its flow, or fetch the flow)',
      retellLlm: 'Retell LLM {{id}} (single/multi prompt), not a conversation flow: nothing to lint',
      multiPromptLlm: 'Retell LLM {{id}} is a multi-prompt agent (states): Retell creates none from {{noNew}} and converts them into conversation flows from {{converted}}',
      multiPromptAgent: 'agent {{name}} runs a multi-prompt Retell LLM (states): Retell creates none from {{noNew}} and converts them into conversation flows from {{converted}}',
      webhookEvent: 'a Retell "{{event}}" webhook payload, not a conversation flow: nothing to lint',
      callObject: 'Retell call {{id}}, not a conversation flow: nothing to lint',
      emptyList: 'a list response with no conversation flows in it',
    },
    reportedByLoader: true,
  },
  check() {},
});
