import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { assemble, OUTPUT } from '../../scripts/gen-wasm.mjs';
import { syntheticFlow } from '../../bench/synthetic-flow.mjs';
import { indexJson, INDEX_FROM_CHARS, noteLease, readFileForIndex, templateReferences, type ContainerIndex } from '../../src/flow/json-index.js';
import { templateNamesInJson } from '../../src/flow/variables.js';
import { loadFile, loadText } from '../../src/flow/load.js';
import { cli, tempDir } from '../helpers/cli.js';

/** What the index must say, from a plain character loop: every container in open order. */
function reference(text: string) {
  const out: { open: number; close: number; openLine: number; closeLine: number; next: number; commas: number; children: number }[] = [];
  const stack: number[] = [];
  let line = 1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{' || c === '[') {
      if (stack.length) out[stack[stack.length - 1]!]!.children++;
      stack.push(out.length);
      out.push({ open: i, close: -1, openLine: line, closeLine: -1, next: -1, commas: 0, children: 0 });
    } else if (c === '}' || c === ']') {
      const e = out[stack.pop()!]!;
      e.close = i;
      e.closeLine = line;
      e.next = out.length;
    } else if (c === ',' && stack.length) out[stack[stack.length - 1]!]!.commas++;
    else if (c === '\n') line++;
  }
  return out;
}

function expectIndexOf(text: string, index: ContainerIndex | undefined) {
  const want = reference(text);
  expect(index).toBeDefined();
  expect(index!.count).toBe(want.length);
  const got = want.map((_, k) => ({
    open: index!.open(k),
    close: index!.close(k),
    openLine: index!.openLine(k),
    closeLine: index!.closeLine(k),
    next: index!.next(k),
    elements: index!.containerElements(k),
  }));
  expect(got).toEqual(want.map((e) => ({ open: e.open, close: e.close, openLine: e.openLine, closeLine: e.closeLine, next: e.next, elements: e.children > 0 && e.children === e.commas + 1 ? e.children : -1 })));
}

/** Values whose strings hold brackets, quotes, runs of backslashes and characters of 2, 3 and 4 UTF-8 bytes. */
function trickyValues(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    // Backslash runs of every length land on every position of a 64-byte block as the padding shifts.
    s: `${'x'.repeat(i % 67)}${'\\'.repeat(i % 5)}"{[é€😀]}"${'\\'.repeat((i >> 2) % 4)}`,
    a: [[i], { q: '}'.repeat(i % 3), e: '😀'.repeat(i % 4) }, 'ü'.repeat(i % 7)],
    n: i % 11 === 0 ? [] : { deep: [[[{}]]] },
  }));
}

/** Text of at least INDEX_FROM_CHARS characters: trailing whitespace is valid JSON. */
const big = (text: string) => text + ' '.repeat(Math.max(0, INDEX_FROM_CHARS - text.length));

describe('json-index.wat', () => {
  it('the committed module is json-index.wat assembled (else run npm run gen:wasm)', async () => {
    const committed = readFileSync(OUTPUT, 'utf8');
    expect(await assemble()).toBe(committed);
  });

  it('indexes every container of pretty, compact and CRLF JSON, strings full of brackets, escapes and non-ASCII', () => {
    const values = trickyValues(3000);
    for (const text of [JSON.stringify(values, null, 2), JSON.stringify(values), JSON.stringify(values, null, '\t').replace(/\n/g, '\r\n')]) {
      const padded = big(text);
      expectIndexOf(padded, indexJson(padded));
    }
  });

  it('indexes a benchmark-sized flow', () => {
    const text = JSON.stringify(syntheticFlow(2000), null, 2);
    expect(text.length).toBeGreaterThan(INDEX_FROM_CHARS);
    expectIndexOf(text, indexJson(text));
  });

  it('leaves small texts, and what it cannot take, to the character scanner', () => {
    expect(indexJson('{"a": [1, 2]}')).toBeUndefined();
    // Nesting past 4096 levels.
    expect(indexJson(big(`${'['.repeat(5000)}${']'.repeat(5000)}`))).toBeUndefined();
    // More containers than one every 16 bytes.
    expect(indexJson(big(JSON.stringify(Array.from({ length: 200_000 }, () => []))))).toBeUndefined();
  });

  it('uses a big file\'s bytes where they were read, and encodes the text again once another read replaced them', () => {
    const dir = tempDir('retell-kit-index-');
    const first = path.join(dir, 'first.json');
    const second = path.join(dir, 'second.json');
    const values = trickyValues(8000);
    writeFileSync(first, JSON.stringify(values, null, 2));
    writeFileSync(second, JSON.stringify(values.slice(1), null, 2));
    const a = readFileForIndex(first);
    expect(a.lease).toBeDefined();
    const textA = a.bytes.toString('utf8');
    expectIndexOf(textA, indexJson(textA, a.lease));
    const b = readFileForIndex(second);
    expect(b.lease).toBeDefined();
    const textB = b.bytes.toString('utf8');
    expectIndexOf(textB, indexJson(textB, b.lease));
    // a's lease is stale now: its index comes from textA encoded anew, not from second.json's bytes.
    expectIndexOf(textA, indexJson(textA, a.lease));
    // Small files are read as ever, with no lease.
    writeFileSync(first, '{"nodes": []}');
    expect(readFileForIndex(first)).toEqual({ bytes: Buffer.from('{"nodes": []}') });
  });
});

/** What refs() must find: the distinct raw names of /\{\{([^{}]*)\}\}/g, the loop variables.ts documents. */
function referenceNames(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{([^{}]*)\}\}/g)].map((m) => m[1]!))].sort();
}

describe('{{name}} references from the bytes a big file was read into', () => {
  const dir = tempDir('retell-kit-refs-');
  /** Writes `text` padded to an indexed size, reads it into the module's memory, ties text and bytes. */
  const read = (text: string, name = 'refs.json') => {
    const file = path.join(dir, name);
    writeFileSync(file, big(text));
    const { bytes, lease } = readFileForIndex(file);
    expect(lease).toBeDefined();
    const decoded = bytes.toString('utf8');
    noteLease(decoded, lease);
    return decoded;
  };

  it('finds what the regex finds: nested, unterminated and runs of braces, non-ASCII names, keys', () => {
    const parts = ['{{a}}', '{{ spaced }}', '{{a{{inner}}}}', '{{{x}}', '{{}}', '{{y}', '{{z}}}}', '}}{{', '{{{{{{w}}', '{{é}}', '{{😀 x}}', '{{a}}', 'text {{', '{{unclosed', '{{ spaced }}'];
    const values = Array.from({ length: 3000 }, (_, i) => ({ [`{{key${i % 7}}}`]: `${'x'.repeat(i % 37)}${parts[i % parts.length]}${'y'.repeat(i % 19)}` }));
    const text = read(JSON.stringify(values));
    const names = templateReferences(text);
    expect(names).toBeDefined();
    expect([...names!].sort()).toEqual(referenceNames(text));
    expect(names).toContain('é');
    expect(names).toContain('😀 x');
  });

  it('finds a reference at every offset of a block and across the slices the scan is fed in', () => {
    // Shift one reference across every position of 16- and 64-byte blocks, and one across the 256 KB
    // slice boundary; and one that ends the text (no space padding after it: the file is read exactly).
    const text = read(`[${Array.from({ length: 80 }, (_, i) => JSON.stringify(`${' '.repeat(i)}{{n${i}}}`)).join(',')}, "${'p'.repeat(262144 - 40)}{{slice}}"]`);
    const names = templateReferences(text)!;
    expect(names.length).toBe(81);
    expect([...names].sort()).toEqual(referenceNames(text));
    const file = path.join(dir, 'end.json');
    writeFileSync(file, `${' '.repeat(INDEX_FROM_CHARS)}"{{last}}"`);
    const { bytes, lease } = readFileForIndex(file);
    const atEnd = bytes.toString('utf8');
    noteLease(atEnd, lease);
    expect(templateReferences(atEnd)).toEqual(['last']);
  });

  it('answers only for the text whose bytes are in memory, and leaves too many names to the JavaScript loop', () => {
    const text = read(JSON.stringify({ a: '{{one}} {{two}}' }));
    expect(templateReferences(`${text} `)).toBeUndefined();
    expect(templateReferences(text)).toEqual(['one', 'two']);
    read(JSON.stringify({ b: '{{three}}' }), 'other.json');
    // text's lease is stale: another file's bytes are there now.
    noteLease(text, undefined);
    expect(templateReferences(text)).toBeUndefined();
    expect(templateNamesInJson(text)).toEqual(new Set(['one', 'two']));
    // Thousands of names share hash slots: each still comes out once.
    const several = read(JSON.stringify(Array.from({ length: 5000 }, (_, i) => `{{v${i}}} {{v${(i * 7) % 5000}}}`)), 'several.json');
    expect([...templateReferences(several)!].sort()).toEqual(referenceNames(several));
    // More distinct names than the table takes: undefined here, the same names from the loop.
    const many = read(JSON.stringify(Array.from({ length: 40000 }, (_, i) => `{{v${i}}}`)));
    expect(templateReferences(many)).toBeUndefined();
    expect(templateNamesInJson(many)!.size).toBe(40000);
  });

  it('gives variables.ts the same names with the bytes in memory as from its own loop', () => {
    const flow = JSON.stringify(syntheticFlow(1500, 3), null, 2);
    const text = read(flow);
    expect(templateReferences(text)).toBeDefined();
    const fromBytes = templateNamesInJson(text);
    noteLease(text, undefined);
    // A text of its own (templateNamesInJson remembers its last one): the loop alone.
    const fromLoop = templateNamesInJson(`${text} `);
    expect(fromBytes).toEqual(fromLoop);
    expect(fromBytes!.size).toBeGreaterThan(3);
  });
});

describe('positions on big flows, with the index and without (RETELL_KIT_WASM=0)', () => {
  const dir = tempDir('retell-kit-positions-');
  // Findings all over: unreachable nodes, unused tools; prompts with non-ASCII and escapes.
  const flow = syntheticFlow(2000, 3);
  flow.nodes.forEach((n, i) => {
    if ('instruction' in n && n.instruction && i % 3 === 0) n.instruction.text += ` — “quoted” 😀 \\ {braces} [${i}]`;
  });
  const pretty = JSON.stringify(flow, null, 2);
  const prompt = Buffer.from(pretty).indexOf('Thank the caller');
  const variants: Record<string, Buffer> = {
    pretty: Buffer.from(pretty),
    compact: Buffer.from(JSON.stringify(flow)),
    crlf: Buffer.from(pretty.replace(/\n/g, '\r\n')),
    bom: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(pretty)]),
    // A lone continuation byte in a prompt: Node reads it as U+FFFD, and positions after it must agree.
    'invalid-utf8': Buffer.concat([Buffer.from(pretty).subarray(0, prompt), Buffer.from([0x80]), Buffer.from(pretty).subarray(prompt)]),
  };

  for (const [name, bytes] of Object.entries(variants)) {
    it(`${name}: the same report, line for line`, () => {
      const file = path.join(dir, `${name}.json`);
      writeFileSync(file, bytes);
      const indexed = cli(['lint', file, '--format', 'json']);
      const scanned = cli(['lint', file, '--format', 'json'], { env: { RETELL_KIT_WASM: '0' } });
      expect(indexed.stderr).toBe('');
      const report = JSON.parse(indexed.stdout);
      expect(report.summary.warnings + report.summary.errors).toBeGreaterThan(20);
      expect(indexed.stdout).toBe(scanned.stdout);
    }, 60_000);
  }

  it('the API finds the same positions from a file read into the index as from its text', async () => {
    const file = path.join(dir, 'api.json');
    writeFileSync(file, pretty);
    const loaded = await loadFile(file);
    const pointers = ['/nodes/1999/edges/0', '/nodes/5/name', '/tools/3/tool_id', '/nodes/1000', '/components/0/nodes/2/id', '/nodes/999999'];
    const fromFile = loaded.source.locate(pointers);
    const lines = pretty.split('\n');
    const at = fromFile.get('/nodes/5/name')!;
    expect(lines[at.line - 1]!.slice(at.column - 1, at.endColumn - 1)).toBe('"Step 5"');
    // The last one does not exist: its nearest ancestor, the nodes array.
    expect(fromFile.get('/nodes/999999')).toEqual(loaded.source.locate(['/nodes']).get('/nodes'));
    expect(loadText(pretty, { path: 'api.json' }).source.locate(pointers)).toEqual(fromFile);
  });
});
