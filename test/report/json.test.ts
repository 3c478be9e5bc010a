import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import json from '../../src/report/json.js';
import type { FileResult } from '../../src/validators/lint.js';
import { brokenFlow, context, lint, sampleResults } from './sample.js';

const schema = JSON.parse(readFileSync(new URL('../../schemas/lint-report.schema.json', import.meta.url), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
ajv.addFormat('uri', (value: string) => URL.canParse(value));
const validate = ajv.compile(schema);

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function render(results: FileResult[]): Json {
  return JSON.parse(json(results, context));
}

function errorsOf(report: unknown): unknown[] {
  return validate(report) ? [] : validate.errors!;
}

describe('json formatter and schemas/lint-report.schema.json', () => {
  it('real output validates against the schema', () => {
    const report = render(sampleResults());
    expect(errorsOf(report)).toEqual([]);
    expect(report.summary).toEqual({ errors: 3, warnings: 1, infos: 1, files: 3 });
    expect(report.results.map((r: Json) => r.diagnostics.length)).toEqual([3, 2, 0]);
  });

  it('validates output with node and edge ids present and absent, and with no files', () => {
    const report = render([lint(brokenFlow({ dangling: ['x'], deadEnds: 1 }), '/abs/path/flow.json'), lint({ nodes: 'not a list' }, 'odd.json', { only: undefined })]);
    expect(errorsOf(report)).toEqual([]);
    const all = report.results.flatMap((r: Json) => r.diagnostics);
    expect(all.some((d: Json) => d.edgeId === null)).toBe(true);
    expect(all.some((d: Json) => typeof d.edgeId === 'string')).toBe(true);
    expect(errorsOf(render([]))).toEqual([]);
  });

  it('describes exactly the keys json.ts writes', () => {
    const report = render(sampleResults());
    const diagnostic = report.results[0].diagnostics[0];
    expect(Object.keys(report).sort()).toEqual([...schema.required].sort());
    expect(Object.keys(report.summary).sort()).toEqual([...schema.properties.summary.required].sort());
    expect(Object.keys(report.results[0]).sort()).toEqual([...schema.$defs.fileResult.required].sort());
    const optional = ['flowId', 'hint', 'related'];
    expect(Object.keys(diagnostic).filter((k) => !optional.includes(k)).sort()).toEqual([...schema.$defs.diagnostic.required].sort());
    expect(Object.keys(schema.$defs.diagnostic.properties).sort()).toEqual([...schema.$defs.diagnostic.required, ...optional].sort());
  });

  it('writes hint and flowId only when the finding has them, and the schema accepts both ways', () => {
    const withId = lint({ conversation_flow_id: 'conversation_flow_abc', start_node_id: 'a', nodes: [{ id: 'a', type: 'conversation', instruction: { type: 'prompt', text: 'Hi {{who}}' }, edges: [] }] }, 'flows/hello.json', { only: ['no-undefined-variable', 'no-dead-end'] });
    const idless = lint({ start_node_id: 'gone', nodes: [{ id: 'a', type: 'end' }] }, 'idless.json', { only: ['start-node'] });
    const report = render([withId, idless, lint({ nodes: 'not a list' }, 'odd.json', { only: undefined })]);
    expect(errorsOf(report)).toEqual([]);
    const all: Json[] = report.results.flatMap((r: Json) => r.diagnostics);
    const undefinedVariable = all.find((d) => d.ruleId === 'no-undefined-variable');
    expect(undefinedVariable.hint).toMatch(/lint\.variables/);
    expect(undefinedVariable.flowId).toBe('conversation_flow_abc');
    const deadEnd = all.find((d) => d.ruleId === 'no-dead-end');
    expect(deadEnd).not.toHaveProperty('hint');
    // A flow without conversation_flow_id is named by its pointer in the file; a file with no flow has none.
    expect(report.results[1].diagnostics.map((d: Json) => d.flowId)).toEqual(['#']);
    expect(report.results[2].diagnostics.length).toBeGreaterThan(0);
    expect(report.results[2].diagnostics.some((d: Json) => 'flowId' in d)).toBe(false);
    const bad = structuredClone(report);
    bad.results[0].diagnostics[0].flowId = 7;
    expect(errorsOf(bad).length).toBeGreaterThan(0);
  });

  it('rejects reports that break the contract', () => {
    const good = render(sampleResults());
    const mutations: ((r: Json) => void)[] = [
      (r) => (r.version = 2),
      (r) => (r.results[0].diagnostics[0].severity = 'warn'),
      (r) => (r.results[0].diagnostics[0].line = 0),
      (r) => delete r.results[0].diagnostics[0].nodeId,
      (r) => (r.results[0].diagnostics[0].extra = true),
      (r) => (r.results[0].diagnostics[0].data = { nested: { no: 1 } }),
      (r) => (r.results[0].diagnostics[0].docsUrl = 'not a url'),
      (r) => (r.summary.errors = -1),
    ];
    for (const mutate of mutations) {
      const bad = structuredClone(good);
      mutate(bad);
      expect(errorsOf(bad).length, mutate.toString()).toBeGreaterThan(0);
    }
  });
});

describe('regions name their members', () => {
  it('a trap carries data.nodes, the cycle in its message, related locations in JSON and SARIF, and a compact line in stylish', async () => {
    const { lintFlow } = await import('../../src/validators/lint.js');
    const text = readFileSync(new URL('../../fixtures/flows/invalid/trap.json', import.meta.url), 'utf8');
    const result = lintFlow(text, { path: 'trap.json', only: ['no-trap'] });
    const [d] = result.diagnostics;
    expect(d!.data.nodes).toEqual(['no_slot', 'waitlist']);
    expect(d!.message).toContain('callers circle "No free slot" -> "Waiting list" -> "No free slot"');
    expect(d!.message.length).toBeLessThan(260);
    expect(d!.hint).toMatch(/^path in: "Welcome" -> /);
    expect(d!.related!.map((r) => [r.nodeId, r.line])).toEqual([['no_slot', 239], ['waitlist', 401]]);
    const report = render([result]);
    expect(errorsOf(report)).toEqual([]);
    expect(report.results[0].diagnostics[0].related).toHaveLength(2);
    const sarif = JSON.parse((await import('../../src/report/sarif.js')).default([result], context));
    expect(sarif.runs[0].results[0].relatedLocations.map((r: Json) => [r.id, r.message.text, r.physicalLocation.region.startLine])).toEqual([
      [0, 'conversation node "No free slot"', 239],
      [1, 'conversation node "Waiting list"', 401],
    ]);
    const stylish = (await import('../../src/report/stylish.js')).default([result], context);
    expect(stylish).toContain('nodes: "No free slot" (239:5), "Waiting list" (401:5)');
  });
});
