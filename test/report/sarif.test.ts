import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import sarif, { FINGERPRINT_KEY, MAX_RESULTS_PER_RUN, artifactLocation } from '../../src/report/sarif.js';
import type { FileResult } from '../../src/validators/lint.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';

// The official OASIS schema is not shipped by any installed package; see the report for the one to add.
const subsetSchema = JSON.parse(readFileSync(new URL('./sarif-2.1.0-subset.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: true }).compile(subsetSchema);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function render(results: FileResult[]): Json {
  return JSON.parse(sarif(results, context));
}

function expectValid(log: Json): void {
  const ok = validate(log);
  expect(ok ? [] : validate.errors).toEqual([]);
}

describe('sarif formatter', () => {
  it('produces SARIF 2.1.0 that passes the schema subset', () => {
    const log = render(sampleResults());
    expectValid(log);
    expect(log.version).toBe('2.1.0');
    expect(log.runs).toHaveLength(1);
    expect(log.runs[0].results).toHaveLength(5);
  });

  it('the schema subset rejects what GitHub would reject', () => {
    const log = render(sampleResults());
    const broken = structuredClone(log);
    broken.runs[0].results[0].level = 'fatal';
    expect(validate(broken)).toBe(false);
    const invented = structuredClone(log);
    invented.runs[0].results[0].locations[0].physicalLocation.region.line = 3;
    expect(validate(invented)).toBe(false);
    const absolute = structuredClone(log);
    absolute.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri = '/abs/flow.json';
    expect(validate(absolute)).toBe(false);
  });

  it('lists every registered rule with description, docs URL and default level', () => {
    const driver = render([]).runs[0].tool.driver;
    expect(driver.name).toBe('retell-kit');
    expect(driver.version).toBe('1.2.3');
    expect(driver.informationUri).toBe('https://github.com/retell-kit/retell-kit');
    expect(driver.rules.map((r: Json) => r.id)).toEqual(context.rules.map((r) => r.id));
    const deadEnd = driver.rules.find((r: Json) => r.id === 'no-dead-end');
    expect(deadEnd.helpUri).toBe('https://github.com/retell-kit/retell-kit/blob/main/docs/rules.md#no-dead-end');
    expect(deadEnd.defaultConfiguration.level).toBe('error');
    expect(deadEnd.shortDescription.text).toBe(context.rules.find((r) => r.id === 'no-dead-end')!.meta.description);
  });

  it('describes each rule as GitHub code scanning reads it: full description, help from the packaged docs, tags, precision, severity', () => {
    const rules = render([]).runs[0].tool.driver.rules;
    for (const rule of rules) {
      expect(rule.fullDescription.text.length, rule.id).toBeGreaterThan(20);
      expect(rule.fullDescription.text, rule.id).not.toMatch(/`|\*\*/);
      expect(rule.help.text, rule.id).toContain(rule.helpUri);
      expect(rule.help.markdown, rule.id).toContain(`](${rule.helpUri})`);
      expect(rule.name, rule.id).toMatch(/^[A-Z][a-z0-9]+(?:[A-Z][a-z0-9]+)*$/);
      expect(rule.name.toLowerCase(), rule.id).not.toBe(rule.id.toLowerCase());
      expect(rule.properties.tags.slice(0, 2), rule.id).toEqual(['retell', 'conversation-flow']);
      expect(['very-high', 'high', 'medium', 'low'], rule.id).toContain(rule.properties.precision);
      expect(rule.properties['problem.severity'], rule.id).toBe({ error: 'error', warning: 'warning', note: 'recommendation' }[rule.defaultConfiguration.level as string]);
      expect(rule.properties['security-severity'], rule.id).toBeUndefined();
    }
    const deadEnd = rules.find((r: Json) => r.id === 'no-dead-end');
    expect(deadEnd.fullDescription.text).toMatch(/^A node that is not an end, transfer_call/);
    expect(deadEnd.help.markdown).toContain('**Bad**');
    // In-page links of the docs become absolute, so they work inside GitHub's alert view.
    expect(deadEnd.help.markdown).toContain('[`no-unconnected-edge`](https://github.com/retell-kit/retell-kit/blob/main/docs/rules.md#no-unconnected-edge)');
    expect(deadEnd.help.markdown).not.toMatch(/\]\(#/);
  });

  it('maps each finding to its rule, level, message and precise region', () => {
    const results = sampleResults();
    const log = render(results);
    const rules = log.runs[0].tool.driver.rules;
    const diagnostics = results.flatMap((r) => r.diagnostics);
    log.runs[0].results.forEach((res: Json, i: number) => {
      const d = diagnostics[i]!;
      expect(rules[res.ruleIndex].id).toBe(res.ruleId);
      expect(res.ruleId).toBe(d.ruleId);
      expect(res.message.text).toBe(d.message);
      expect(res.locations[0].physicalLocation.region).toEqual({ startLine: d.line, startColumn: d.column, endLine: d.endLine, endColumn: d.endColumn });
      expect(res.properties.pointer).toBe(d.pointer);
    });
    expect(log.runs[0].results.map((r: Json) => r.level)).toEqual(['error', 'error', 'warning', 'error', 'note']);
  });

  it('writes relative, percent-encoded URIs against %SRCROOT%, and file: URIs outside it', () => {
    const log = render(sampleResults());
    expect(log.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'flows/support%20line.json', uriBaseId: '%SRCROOT%' });
    expect(log.runs[0].originalUriBaseIds['%SRCROOT%'].uri).toBe('file:///work/project/');
    expect(artifactLocation('/elsewhere/my flow.json')).toEqual({ uri: 'file:///elsewhere/my%20flow.json' });
    expect(artifactLocation('<stdin>')).toEqual({ uri: '%3Cstdin%3E', uriBaseId: '%SRCROOT%' });

    const outside = render([lint(brokenFlow(), '/elsewhere/flow.json')]);
    expectValid(outside);
    expect(outside.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'file:///elsewhere/flow.json' });
  });

  it('keeps fingerprints when the file is reformatted and lines move', () => {
    const flow = brokenFlow({ dangling: ['nowhere', 'gone'], deadEnds: 2 });
    const before = render([lint(flow, 'flows/a.json', {}, 2)]).runs[0].results;
    const after = render([lint(flow, 'flows/a.json', {}, 8)]).runs[0].results;
    expect(after.map((r: Json) => r.locations[0].physicalLocation.region.startColumn)).not.toEqual(
      before.map((r: Json) => r.locations[0].physicalLocation.region.startColumn),
    );
    const prints = (rs: Json[]) => rs.map((r) => `${r.ruleId} ${r.partialFingerprints[FINGERPRINT_KEY]}`).sort();
    expect(prints(after)).toEqual(prints(before));
  });

  it('gives distinct findings distinct fingerprints, and moves them when the node changes', () => {
    const results = render([lint(brokenFlow({ dangling: ['nowhere', 'gone'], deadEnds: 2 }))]).runs[0].results;
    const fingerprints = results.map((r: Json) => r.partialFingerprints[FINGERPRINT_KEY]);
    expect(fingerprints.every((f: string) => /^[0-9a-f]{64}$/.test(f))).toBe(true);
    expect(new Set(fingerprints).size).toBe(results.length);

    // Same finding in a differently named file with the same flow id: identity follows the flow id.
    const withId = { ...brokenFlow(), conversation_flow_id: 'conversation_flow_123' };
    const a = render([lint(withId, 'a.json')]).runs[0].results;
    const b = render([lint(withId, 'renamed/b.json')]).runs[0].results;
    expect(b[0].partialFingerprints).toEqual(a[0].partialFingerprints);
    const otherFlow = render([lint({ ...withId, conversation_flow_id: 'conversation_flow_456' }, 'a.json')]).runs[0].results;
    expect(otherFlow[0].partialFingerprints).not.toEqual(a[0].partialFingerprints);
  });

  it(`keeps at most ${MAX_RESULTS_PER_RUN} results, the most severe first, and says so`, () => {
    const base = lint(brokenFlow({ dangling: ['nowhere'], deadEnds: 1 }), 'flows/big.json', { rules: { 'no-dead-end': 'warning' } });
    const [error, warning] = base.diagnostics;
    expect([error!.severity, warning!.severity]).toEqual(['error', 'warning']);
    // Many warnings first, then a few errors: the errors must survive the cut.
    const diagnostics = [
      ...Array.from({ length: MAX_RESULTS_PER_RUN }, (_, i) => ({ ...warning!, nodeId: `stuck-${i}`, line: i + 1 })),
      ...Array.from({ length: 3 }, (_, i) => ({ ...error!, edgeId: `e-${i}`, line: MAX_RESULTS_PER_RUN + i + 1 })),
    ];
    const log = render([{ file: base.file, diagnostics }]);
    const run = log.runs[0];
    expect(run.results).toHaveLength(MAX_RESULTS_PER_RUN);
    expect(run.results.filter((r: Json) => r.level === 'error')).toHaveLength(3);
    const note = run.invocations[0].toolExecutionNotifications;
    expect(note).toHaveLength(1);
    expect(note[0].message.text).toMatch(/^3 of 25003 findings were left out/);
    expect(note[0].message.text).toContain('--format json');
    expectValid(log);
  });

  it('is valid with no findings at all', () => {
    const log = render([lint(brokenFlow({ dangling: [], deadEnds: 0 }))]);
    expectValid(log);
    expect(log.runs[0].results).toEqual([]);
    expect(log.runs[0].invocations[0].toolExecutionNotifications).toEqual([]);
  });
});
