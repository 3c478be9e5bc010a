import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NODE_TYPES, UNKNOWN_NODE_TYPE, nodeType } from '../../src/flow/node-types.js';

interface Schema {
  definitions: Record<string, { properties?: Record<string, { const?: string; enum?: string[]; items?: { anyOf?: { $ref: string }[] } }> }>;
}

const schema = JSON.parse(readFileSync(new URL('../../schemas/conversation-flow.schema.json', import.meta.url), 'utf8')) as Schema;

/** The `type` of every member of a nodes[] union, read from the schema generated from retell-sdk. */
function nodeTypesOf(definition: string): string[] {
  const union = schema.definitions[definition]!.properties!.nodes!.items!.anyOf!;
  return union.map(({ $ref }) => {
    const type = schema.definitions[$ref.split('/').pop()!]!.properties!.type!;
    return type.const ?? type.enum![0]!;
  });
}

describe('node-type table', () => {
  const flowTypes = nodeTypesOf('ConversationFlowCreateParams');
  const componentTypes = nodeTypesOf('ConversationFlowCreateParams.Component');

  it('reads a real union from the schema', () => {
    expect(flowTypes.length).toBeGreaterThanOrEqual(15);
    expect(flowTypes).toContain('conversation');
  });

  it('has a row for every node type of the SDK, in flows and in components', () => {
    const missing = [...new Set([...flowTypes, ...componentTypes])].filter((t) => !Object.hasOwn(NODE_TYPES, t));
    expect(missing).toEqual([]);
  });

  it('has no row for a type the SDK does not know', () => {
    expect(Object.keys(NODE_TYPES).filter((t) => !flowTypes.includes(t))).toEqual([]);
  });

  it('gives unknown and missing types a row that claims nothing', () => {
    for (const type of ['', 'converstion', 'toString', '__proto__']) {
      const facts = nodeType(type);
      expect(facts).toBe(UNKNOWN_NODE_TYPE);
      expect(facts.terminal || facts.edgeless || facts.waitsForCaller || facts.callsTool || facts.needsElse).toBe(false);
      expect(facts.failureEdges).toEqual([]);
      // Nothing written on an unknown node is dismissed as ignored.
      expect(facts.follows.has('normal') && facts.follows.has('else') && facts.follows.has('always')).toBe(true);
    }
  });

  it('agrees with the schema about edges: edgeless types allow no edges, failure fields exist on their type', () => {
    for (const definition of ['ConversationFlowCreateParams', 'ConversationFlowCreateParams.Component']) {
      const union = schema.definitions[definition]!.properties!.nodes!.items!.anyOf!;
      for (const { $ref } of union) {
        const props = schema.definitions[$ref.split('/').pop()!]!.properties! as Record<string, { const?: string; enum?: string[]; maxItems?: number }>;
        const facts = nodeType(props.type!.const ?? props.type!.enum![0]!);
        expect(props.edges?.maxItems === 0, `${$ref} edges`).toBe(!facts.follows.has('normal'));
        for (const f of facts.failureEdges) expect(props, `${$ref} ${f.field}`).toHaveProperty(f.field);
        expect('else_edge' in props, `${$ref} else_edge`).toBe(facts.follows.has('else'));
        expect('always_edge' in props, `${$ref} always_edge`).toBe(facts.follows.has('always'));
        expect('wait_for_result' in props, `${$ref} wait_for_result`).toBe(facts.callsTool);
      }
    }
  });
});
