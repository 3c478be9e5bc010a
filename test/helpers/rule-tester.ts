import { describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import type { DiagnosticData, Severity } from '../../src/diagnostic.js';
import { loadText } from '../../src/flow/load.js';
import { getRule, lintLoaded, type LintOptions } from '../../src/validators/engine.js';

export interface ExpectedDiagnostic {
  messageId: string;
  data?: Partial<DiagnosticData>;
  pointer?: string;
  severity?: Severity;
  nodeId?: string;
  line?: number;
  /** The hint as printed after the message. */
  hint?: string;
}

export interface ValidCase {
  name: string;
  flow: unknown;
  settings?: LintOptions['settings'];
  options?: unknown;
}

export interface InvalidCase extends ValidCase {
  errors: ExpectedDiagnostic[];
}

/**
 * ESLint's RuleTester habit: tables of flows run through the real loader and engine with only one
 * rule on. It checks itself too: unknown messageIds, unfilled placeholders, duplicate case names.
 */
export function ruleTester(ruleId: string, cases: { valid: ValidCase[]; invalid: InvalidCase[] }): void {
  const rule = getRule(ruleId);
  describe(ruleId, () => {
    it('is registered with messages and a description', () => {
      expect(rule, `rule ${ruleId} is not in the registry`).toBeDefined();
      expect(rule!.meta.description).not.toBe('TODO');
    });
    const names = [...cases.valid, ...cases.invalid].map((c) => c.name);
    it('has unique case names', () => expect(new Set(names).size).toBe(names.length));

    const lintAs = (c: ValidCase, text: string, path: string) =>
      lintLoaded(loadText(text, { path }), { only: [ruleId], settings: c.settings, ruleOptions: { [ruleId]: c.options } }).diagnostics;
    // From JSON text, as most flows come; the same flow as YAML, which gives rules no JSON text for a
    // quick reject (RuleContext.text), must draw the same findings.
    const run = (c: ValidCase) => {
      const got = lintAs(c, JSON.stringify(c.flow, null, 2), 'flow.json');
      const fromYaml = lintAs(c, stringify(c.flow), 'flow.yaml');
      expect(fromYaml.map((d) => `${d.pointer}: ${d.message}`), 'the same flow as YAML').toEqual(got.map((d) => `${d.pointer}: ${d.message}`));
      return got;
    };

    for (const c of cases.valid) {
      it(`valid: ${c.name}`, () => {
        expect(run(c).map((d) => `${d.pointer}: ${d.message}`)).toEqual([]);
      });
    }
    for (const c of cases.invalid) {
      it(`invalid: ${c.name}`, () => {
        const got = run(c);
        for (const d of got) {
          expect(rule!.meta.messages, `unknown messageId ${d.messageId}`).toHaveProperty(d.messageId);
          // Every placeholder of the template has data (messages may quote {{variables}} themselves).
          for (const m of rule!.meta.messages[d.messageId]!.matchAll(/\{\{\s*([\w.-]+)\s*\}\}/g)) {
            expect(d.data, `unfilled placeholder ${m[0]}`).toHaveProperty(m[1]!);
          }
          expect(d.line).toBeGreaterThanOrEqual(1);
          expect(d.column).toBeGreaterThanOrEqual(1);
        }
        expect(got.length, got.map((d) => `${d.pointer}: ${d.message}`).join('\n')).toBe(c.errors.length);
        c.errors.forEach((want, i) => {
          const d = got[i]!;
          expect(d.messageId).toBe(want.messageId);
          if (want.data) expect(d.data).toMatchObject(want.data);
          if (want.pointer !== undefined) expect(d.pointer).toBe(want.pointer);
          if (want.severity) expect(d.severity).toBe(want.severity);
          if (want.nodeId) expect(d.nodeId).toBe(want.nodeId);
          if (want.line) expect(d.line).toBe(want.line);
          if (want.hint !== undefined) expect(d.hint).toBe(want.hint);
        });
      });
    }
  });
}

/** A tiny valid flow to build test cases from: greet -> ask -> end. */
export function baseFlow(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    start_speaker: 'agent',
    model_choice: { type: 'cascading', model: 'gpt-4.1' },
    start_node_id: 'greet',
    nodes: [
      {
        id: 'greet',
        type: 'conversation',
        instruction: { type: 'static_text', text: 'Hello, thanks for calling.' },
        edges: [{ id: 'e-greet', transition_condition: { type: 'prompt', prompt: 'Caller said what they need' }, destination_node_id: 'bye' }],
      },
      { id: 'bye', type: 'end', instruction: { type: 'prompt', text: 'Say goodbye.' } },
    ],
    ...overrides,
  };
}
