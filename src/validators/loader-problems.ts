import type { DiagnosticData } from '../diagnostic.js';
import type { LoaderProblem } from '../flow/load.js';
import { MULTI_PROMPT_RETIRED } from '../retell/deprecations.js';
import type { NotAFlow } from '../retell/wire.js';
import type { MessageIdOf, Rule } from './rule.js';
import notAFlowRule from './rules/not-a-flow.js';
import parseErrorRule from './rules/parse-error.js';
import schemaRule from './rules/schema.js';

/** What the engine reports for a loader problem: the rule, one of its message ids, and the data. */
export interface LoaderFinding<R extends Rule = Rule> {
  rule: R;
  messageId: MessageIdOf<R>;
  data: DiagnosticData;
}

function finding<R extends Rule>(rule: R, messageId: MessageIdOf<R>, data: DiagnosticData = {}): LoaderFinding {
  return { rule, messageId, data } as LoaderFinding;
}

/** Retell objects that are not flows: the message for each, with the recogniser's data. */
const notAFlowFinding: { [K in NotAFlow['kind']]: (what: Extract<NotAFlow, { kind: K }>) => LoaderFinding } = {
  'retell-llm-agent': (what) =>
    what.multiPrompt
      ? finding(notAFlowRule, 'multiPromptAgent', { name: what.name ?? 'agent', noNew: MULTI_PROMPT_RETIRED.noNew, converted: MULTI_PROMPT_RETIRED.converted })
      : finding(notAFlowRule, 'retellLlmAgent', { name: what.name ?? 'agent' }),
  'custom-llm-agent': (what) => finding(notAFlowRule, 'customLlmAgent', { name: what.name ?? 'agent' }),
  'agent-without-flow': (what) => finding(notAFlowRule, 'agentWithoutFlow', { name: what.name ?? 'agent', flow: what.flowId ?? 'unknown' }),
  llm: (what) =>
    what.multiPrompt
      ? finding(notAFlowRule, 'multiPromptLlm', { id: what.llmId ?? 'llm', noNew: MULTI_PROMPT_RETIRED.noNew, converted: MULTI_PROMPT_RETIRED.converted })
      : finding(notAFlowRule, 'retellLlm', { id: what.llmId ?? 'llm' }),
  webhook: (what) => finding(notAFlowRule, 'webhookEvent', { event: what.event }),
  call: (what) => finding(notAFlowRule, 'callObject', { id: what.callId }),
};

/** The one table from loader problems to rules: a new kind of problem fails to compile until it is added here. */
const loaderFinding: { [K in LoaderProblem['kind']]: (problem: Extract<LoaderProblem, { kind: K }>) => LoaderFinding } = {
  syntax: (p) => finding(parseErrorRule, 'parse', { message: p.message }),
  encoding: (p) => finding(parseErrorRule, 'utf16', { encoding: p.encoding }),
  'not-an-object': (p) => finding(schemaRule, 'notAnObject', { found: p.found }),
  'not-a-flow': (p) => (notAFlowFinding[p.what.kind] as (what: NotAFlow) => LoaderFinding)(p.what),
  'empty-list': () => finding(notAFlowRule, 'emptyList'),
  unrecognised: (p) => finding(schemaRule, 'unrecognized', { keys: p.keys.join(', ') }),
};

export function findingOf(problem: LoaderProblem): LoaderFinding {
  return (loaderFinding[problem.kind] as (p: LoaderProblem) => LoaderFinding)(problem);
}
