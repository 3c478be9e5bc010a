import { describe, expect, it } from 'vitest';
import { findFlows, loadText } from '../../src/flow/load.js';
import { covered } from '../helpers/covered.js';

const json = `{
  "start_node_id": "a",
  "nodes": [
    { "id": "a", "type": "conversation", "edges": [ { "id": "e", "destination_node_id": "b" } ] },
    {
      "id": "b",
      "type": "end",
      "we/ird~key": "x"
    }
  ]
}`;

describe('positions', () => {
  const file = loadText(json, { path: 'f.json' });

  it('maps pointers to 1-based ranges of the value', () => {
    const ranges = file.source.locate(['/start_node_id', '/nodes/0/edges/0/destination_node_id', '/nodes/1', '']);
    expect(ranges.get('/start_node_id')).toEqual({ line: 2, column: 20, endLine: 2, endColumn: 23 });
    expect(ranges.get('/nodes/0/edges/0/destination_node_id')).toMatchObject({ line: 4, column: 89 });
    expect(ranges.get('/nodes/1')).toEqual({ line: 5, column: 5, endLine: 9, endColumn: 6 });
    expect(ranges.get('')).toEqual({ line: 1, column: 1, endLine: 11, endColumn: 2 });
  });

  it('handles escaped keys', () => {
    expect(file.source.locate(['/nodes/1/we~1ird~0key']).get('/nodes/1/we~1ird~0key')).toMatchObject({ line: 8, column: 21 });
  });

  it('steps over escaped quotes and backslashes inside strings', () => {
    const text = '{"a": "say \\"hi\\" \\\\", "b": ["x\\\\\\"y", "z"], "c": 1}';
    const f = loadText(text, { path: 'esc.json' });
    expect(f.value).toEqual({ a: 'say "hi" \\', b: ['x\\"y', 'z'], c: 1 });
    expect(f.source.locate(['/c']).get('/c')).toMatchObject({ line: 1, column: text.indexOf(': 1}') + 3 });
    expect(f.source.locate(['/b/1']).get('/b/1')).toMatchObject({ line: 1, column: text.indexOf('"z"') + 1 });
  });

  it('jumps over skipped subtrees whose strings hold brackets, quotes and line breaks', () => {
    // The scan skips a subtree bracket to bracket; brackets and escaped quotes inside strings must not count.
    const skipped = { t: 'a } b ] c { d [ "q" \\', u: ['}', ']]', '\\"{'], v: { w: '\n}\r\n' }, n: [1, -2.5e3, true, null] };
    const text = `{\r\n  "s": ${JSON.stringify(skipped, null, 1)},\n\t"after": {"k": [ 1 ,\n  "v" ]}\n}`;
    const f = loadText(text, { path: 'brackets.json' });
    expect(f.value).toEqual({ s: skipped, after: { k: [1, 'v'] } });
    const lines = text.split('\n');
    const line = lines.findIndex((l) => l.includes('"v" ]')) + 1;
    expect(f.source.locate(['/after/k/1']).get('/after/k/1')).toEqual({ line, column: 3, endLine: line, endColumn: 6 });
    const s = f.source.locate(['/s']).get('/s')!;
    expect(s).toMatchObject({ line: 2, column: 8 });
    expect(lines[s.endLine - 1]!.slice(0, s.endColumn - 1)).toBe('}');
    expect(f.source.locate(['/after#key']).get('/after#key')).toMatchObject({ column: 2 });
  });

  it('falls back to the nearest existing ancestor for a missing pointer', () => {
    expect(file.source.locate(['/nodes/1/else_edge/id']).get('/nodes/1/else_edge/id')).toMatchObject({ line: 5, column: 5 });
  });

  it('maps YAML pointers through the yaml CST', () => {
    const y = loadText('start_node_id: a\nnodes:\n  - id: a\n    type: end\n', { path: 'f.yaml' });
    expect(y.flows).toHaveLength(1);
    expect(y.source.locate(['/nodes/0/type']).get('/nodes/0/type')).toMatchObject({ line: 4, column: 11 });
  });
});

describe('positions inside a string (narrow)', () => {
  /** The range of the part of the string at `pointer` that starts at the first `part`, or at its `nth` occurrence. */
  const narrowed = (text: string, path: string, pointer: string, part: string, nth = 0) => {
    const f = loadText(text, { path });
    const value = pointer.split('/').slice(1).reduce<any>((v, k) => v[k], f.value);
    let start = value.indexOf(part);
    for (let k = 0; k < nth; k++) start = value.indexOf(part, start + 1);
    const whole = f.source.locate([pointer]).get(pointer)!;
    return { range: f.source.narrow(whole, value, { start, end: start + part.length }), whole };
  };

  it('finds the part of a JSON string as written, escapes before it counted as one character each', () => {
    const text = '{\n  "p": "line one\\nsays \\"hi\\" \\\\ \\u00e9 \\ud83d\\ude00 😀 then {{who}} and {{who}}"\n}';
    const { range } = narrowed(text, 'f.json', '/p', '{{who}}', 1);
    expect(covered(text, range)).toBe('{{who}}');
    expect(range).toMatchObject({ line: 2, column: text.split('\n')[1]!.lastIndexOf('{{who}}') + 1 });
  });

  it('narrows to a part written with an escape, and keeps the whole value when the literal is not the value', () => {
    const text = '{"p": "a \\u007b{x}} b"}';
    const f = loadText(text, { path: 'f.json' });
    const whole = f.source.locate(['/p']).get('/p')!;
    // The value is "a {{x}} b": its braces start at 2, written "\u007b{x}}".
    expect(covered(text, f.source.narrow(whole, 'a {{x}} b', { start: 2, end: 7 }))).toBe('\\u007b{x}}');
    expect(f.source.narrow(whole, 'a different string entirely', { start: 2, end: 7 })).toEqual(whole);
    expect(f.source.narrow(whole, 'a {{x}} b', { start: 2, end: 99 })).toEqual(whole);
  });

  it('finds the part in YAML block, plain and quoted strings', () => {
    const block = 'p: |\n  Hello {{name}},\n  your {{slot}} is {{slot}}.\n';
    const b = narrowed(block, 'f.yaml', '/p', '{{slot}}', 1);
    expect(b.range).toMatchObject({ line: 3 });
    expect(covered(block, b.range)).toBe('{{slot}}');
    expect(b.range.column).toBe(block.split('\n')[2]!.lastIndexOf('{{slot}}') + 1);
    const plain = 'q: 1\np: Hi {{name}} there\n';
    expect(covered(plain, narrowed(plain, 'f.yaml', '/p', '{{name}}').range)).toBe('{{name}}');
    const quoted = 'p: "tab\\there {{name}}"\n';
    expect(covered(quoted, narrowed(quoted, 'f.yaml', '/p', '{{name}}').range)).toBe('{{name}}');
  });

  it('keeps the whole YAML value when the source holds the part a different number of times', () => {
    // A folded block joins its lines with a space: the value's "{{first}} b" is never written so in the source.
    const text = 'p: >\n  a {{first}}\n  b\n';
    const { range, whole } = narrowed(text, 'f.yaml', '/p', '{{first}}\nb'.replace('\n', ' '));
    expect(range).toEqual(whole);
  });
});

describe('parse errors', () => {
  it('reports invalid JSON at the syntax error', () => {
    const f = loadText('{\n  "nodes": [1,,2]\n}', { path: 'bad.json' });
    expect(f.problems).toHaveLength(1);
    expect(f.problems[0]).toMatchObject({ kind: 'syntax', pointer: '', range: { line: 2, column: 15 } });
  });

  it('reports truncated JSON at its end', () => {
    const f = loadText('{\n  "nodes": [', { path: 'bad.json' });
    expect(f.problems[0]).toMatchObject({ kind: 'syntax', range: { line: 2, column: 13 } });
  });

  it('reports invalid YAML', () => {
    const f = loadText('nodes:\n  - id: a\n   type: [', { path: 'bad.yaml' });
    expect(f.problems[0]).toMatchObject({ kind: 'syntax', message: expect.stringMatching(/^invalid YAML/) });
  });

  it('strips a byte order mark', () => {
    expect(loadText('\uFEFF{"nodes": []}', { path: 'bom.json' }).flows).toHaveLength(1);
  });
});

describe('shapes', () => {
  it('finds a bare flow', () => {
    const { flows } = findFlows({ nodes: [], conversation_flow_id: 'cf1', version: 3 });
    expect(flows).toMatchObject([{ pointer: '', flowId: 'cf1', shape: 'flow' }]);
  });

  it('finds the flow inside a dashboard agent export', () => {
    const { flows } = findFlows({ agent_id: 'a', response_engine: { type: 'conversation-flow' }, conversationFlow: { nodes: [] } });
    expect(flows).toMatchObject([{ pointer: '/conversationFlow', shape: 'agent-export' }]);
  });

  it('finds every flow of a list response and of an array', () => {
    expect(findFlows({ items: [{ nodes: [] }, { nodes: [] }], has_more: false }).flows.map((f) => f.pointer)).toEqual(['/items/0', '/items/1']);
    expect(findFlows([{ nodes: [] }, { nodes: [] }]).flows.map((f) => f.pointer)).toEqual(['/0', '/1']);
  });

  it('recognises Retell objects that are not flows', () => {
    const kinds = [
      { response_engine: { type: 'retell-llm' }, agent_name: 'x' },
      { retellLlmData: {}, conversationFlow: null },
      { response_engine: { type: 'custom-llm' } },
      { response_engine: { type: 'conversation-flow', conversation_flow_id: 'cf' } },
      { llm_id: 'llm_1', general_prompt: 'hi' },
      { event: 'call_ended', call: { call_id: 'c' } },
      { call_id: 'c', call_status: 'ended' },
    ].map((v) => {
      const problem = findFlows(v).problems[0];
      return problem?.kind === 'not-a-flow' ? problem.what.kind : problem?.kind;
    });
    expect(kinds).toEqual(['retell-llm-agent', 'retell-llm-agent', 'custom-llm-agent', 'agent-without-flow', 'llm', 'webhook', 'call']);
  });

  it('gives any other JSON one problem', () => {
    expect(findFlows({ steps: [] }).problems).toEqual([{ kind: 'unrecognised', pointer: '', keys: ['steps'] }]);
    expect(findFlows('text').problems).toEqual([{ kind: 'not-an-object', pointer: '', found: 'string' }]);
    expect(findFlows({ items: [] }).problems).toEqual([{ kind: 'empty-list', pointer: '/items' }]);
  });
});

describe('JSON syntax messages', () => {
  const at = (text: string) => {
    const problem = loadText(text, { path: 'x.json' }).problems[0];
    if (problem?.kind !== 'syntax') throw new Error(`expected a syntax problem, got ${problem?.kind}`);
    return `${problem.range.line}:${problem.range.column} ${problem.message}`;
  };
  it('names what was expected', () => {
    expect(at('{"a": 1,}')).toBe('1:9 invalid JSON: expected a property name (no trailing commas in JSON), found "}"');
    expect(at('{"a" 1}')).toBe('1:6 invalid JSON: expected ":" after the property name, found "1"');
    expect(at('[1 2]')).toBe('1:4 invalid JSON: expected "," or "]", found "2"');
    expect(at("{'a': 1}")).toBe('1:2 invalid JSON: expected a double-quoted property name, found "\'"');
    expect(at('{"a": "x\ny"}')).toMatch(/^1:9 invalid JSON: expected a closing quote/);
    expect(at('{"a": 1} x')).toBe('1:10 invalid JSON: expected end of input after the top-level value, found "x"');
    expect(at('')).toBe('1:1 invalid JSON: expected a value (string, number, object, array, true, false or null), found end of input');
  });
  it('survives deep nesting', () => {
    expect(at('['.repeat(100000))).toMatch(/found end of input$/);
  });
});
