import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { syntheticFlow } from '../../bench/synthetic-flow.mjs';
import { escapeToken } from '../../src/flow/pointer.js';
import { scanSkeleton } from '../../src/flow/skeleton.js';
import { JsonSource } from '../../src/flow/source.js';
import { fixture } from '../helpers/cli.js';

/** Every pointer into a value, and the `#key` variant of every member. */
function allPointers(value: unknown, pointer = '', out: string[] = []): string[] {
  out.push(pointer);
  if (Array.isArray(value)) value.forEach((v, i) => allPointers(v, `${pointer}/${i}`, out));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      out.push(`${pointer}/${escapeToken(k)}#key`);
      allPointers(v, `${pointer}/${escapeToken(k)}`, out);
    }
  }
  return out;
}

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) return jsonFiles(file);
    return name.endsWith('.json') ? [file] : [];
  });
}

/** Ranges found with the skeleton's help must be the ones found by scanning the text. */
function expectSameRanges(text: string, pointers: string[]): void {
  const skeleton = scanSkeleton(text);
  const helped = new JsonSource('f.json', text);
  helped.skeleton = () => skeleton;
  expect(helped.locate(pointers)).toEqual(new JsonSource('f.json', text).locate(pointers));
}

describe('skeleton', () => {
  it('gives every pointer of every JSON fixture the range a full scan gives', () => {
    let checked = 0;
    for (const file of jsonFiles(fixture())) {
      const text = readFileSync(file, 'utf8');
      let value: unknown;
      try {
        value = JSON.parse(text);
      } catch {
        continue; // the parse-error fixtures
      }
      expectSameRanges(text, allPointers(value));
      checked++;
    }
    expect(checked).toBeGreaterThan(10);
  });

  it('indexes long lists and jumps to any subset of their elements, also in compact JSON and with missing indexes', () => {
    const flow = syntheticFlow(400) as { nodes: unknown[] };
    for (const text of [JSON.stringify(flow, null, 2), JSON.stringify(flow), JSON.stringify(flow, null, '\t').replace(/\n/g, '\r\n')]) {
      const skeleton = scanSkeleton(text);
      expect(skeleton.lists.starts.length).toBeGreaterThan(0);
      const pointers = ['/nodes', '/nodes/0', `/nodes/${flow.nodes.length - 1}`, `/nodes/${flow.nodes.length + 5}`, '/nodes/17/edges/0/destination_node_id', '/nodes/18/name#key', '/tools/2', '/components/1/nodes/3'];
      expectSameRanges(text, pointers);
      expectSameRanges(text, allPointers(JSON.parse(text)).filter((_, i) => i % 7 === 0));
    }
  });

  it('reads strings with escaped quotes, backslashes and brackets as a full scan does', () => {
    const value = { nodes: Array.from({ length: 40 }, (_, i) => ({ id: `n${i}`, text: `say "[{${i}}]" \\\\ then \\" ]`, list: [1, '}', { a: '\\"' }] })) };
    const text = JSON.stringify(value, null, 2);
    expectSameRanges(text, allPointers(value));
  });
});
