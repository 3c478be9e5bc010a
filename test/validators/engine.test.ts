import { describe, expect, it } from 'vitest';
import { findFlows, loadText, type LoaderProblem } from '../../src/flow/load.js';
import { lintLoaded } from '../../src/validators/engine.js';
import { findingOf } from '../../src/validators/loader-problems.js';
import { defineRule, type Rule } from '../../src/validators/rule.js';
import { interpolate } from '../../src/validators/messages.js';

const FLOW = JSON.stringify({ start_node_id: 'a', nodes: [{ id: 'a', type: 'end' }] }, null, 2);

describe('loader problems map to rules through one table', () => {
  const cases: [LoaderProblem, string, string][] = [
    [{ kind: 'syntax', pointer: '', message: 'invalid JSON: x', range: { line: 1, column: 1, endLine: 1, endColumn: 2 } }, 'parse-error', 'invalid JSON: x'],
    [{ kind: 'not-an-object', pointer: '', found: 'null' }, 'schema', 'expected a conversation flow, found null: a flow is an object with "nodes" and "start_node_id", or an agent export with a "conversationFlow" object'],
    [{ kind: 'unrecognised', pointer: '', keys: ['a', 'b'] }, 'schema', 'not a conversation flow (keys: a, b): a flow is an object with "nodes" and "start_node_id", or an agent export with a "conversationFlow" object'],
    [{ kind: 'empty-list', pointer: '/items' }, 'not-a-flow', 'a list response with no conversation flows in it'],
    [{ kind: 'not-a-flow', pointer: '', what: { kind: 'retell-llm-agent', pointer: '' } }, 'not-a-flow', 'agent agent runs on a Retell LLM (single/multi prompt), not a conversation flow: nothing to lint'],
    [{ kind: 'not-a-flow', pointer: '', what: { kind: 'custom-llm-agent', pointer: '', name: 'Bo' } }, 'not-a-flow', 'agent Bo runs on a custom LLM websocket, not a conversation flow: nothing to lint'],
    [{ kind: 'not-a-flow', pointer: '', what: { kind: 'agent-without-flow', pointer: '', name: 'Bo' } }, 'not-a-flow', 'agent Bo points at conversation flow unknown but does not include it: lint the flow itself (export the agent with its flow, or fetch the flow)'],
    [{ kind: 'not-a-flow', pointer: '', what: { kind: 'llm', pointer: '', llmId: 'llm_1' } }, 'not-a-flow', 'Retell LLM llm_1 (single/multi prompt), not a conversation flow: nothing to lint'],
  ];
  it.each(cases)('%j -> %s', (problem, ruleId, message) => {
    const { rule, messageId, data } = findingOf(problem);
    expect(rule.id).toBe(ruleId);
    expect(interpolate(rule.meta.messages[messageId]!, data)).toBe(message);
  });

  it('every not-a-flow kind the recogniser returns has a message', () => {
    const docs = [
      { response_engine: { type: 'retell-llm' } },
      { response_engine: { type: 'custom-llm' } },
      { response_engine: { type: 'conversation-flow' } },
      { llm_id: 'l' },
      { event: 'call_ended', call: {} },
      { call_id: 'c', call_status: 'ended' },
    ];
    for (const doc of docs) {
      const [problem] = findFlows(doc).problems;
      const { rule, messageId, data } = findingOf(problem!);
      expect(rule.id).toBe('not-a-flow');
      expect(interpolate(rule.meta.messages[messageId]!, data)).not.toMatch(/\{\{/);
    }
  });
});

describe('a rule that reports a message id it does not define', () => {
  // Plain JS (or a cast) gets past defineRule's types; the engine must still not print a bare id.
  const sloppy = defineRule({
    id: 'sloppy',
    meta: { description: 'test rule', defaultSeverity: 'warning', messages: { fine: 'fine' } },
    check({ graph, report }) {
      report({ messageId: 'typo' as 'fine', node: graph.nodes[0] });
    },
  }) as Rule;

  it('becomes one internal-error finding that names the rule and the id', () => {
    const result = lintLoaded(loadText(FLOW, { path: 'f.json' }), {}, [sloppy]);
    expect(result.diagnostics).toHaveLength(1);
    expect(result.diagnostics[0]).toMatchObject({
      ruleId: 'internal-error',
      severity: 'error',
      messageId: 'unknownMessage',
      nodeId: 'a',
      message: 'rule sloppy reported message id "typo", which it does not define (a retell-kit bug: please report it with this flow)',
      line: 4,
    });
  });
});
