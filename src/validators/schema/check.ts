import type { DiagnosticData } from '../../diagnostic.js';
import type { FlowGraph, GraphEdge, GraphNode } from '../../flow/graph.js';
import { nodeType } from '../../flow/node-types.js';
import { get, split } from '../../flow/pointer.js';
import validate, { allowedKeys, anyOfShapes, unionTags, type SchemaError } from './flow-validator.js';

/** A value that breaks the schema, already reduced to one finding per offending value. */
export interface SchemaProblem {
  /** Pointer relative to the flow object. */
  path: string;
  messageId: 'missing' | 'badTag' | 'missingTag' | 'type' | 'enum' | 'const' | 'mustBeEmpty' | 'noShape' | 'invalid';
  data: DiagnosticData;
}

/** A key the SDK does not know on an object it does know. */
export interface UnknownKey {
  /** Pointer of the object, relative to the flow. */
  objectPath: string;
  key: string;
  /** The keys that object accepts. */
  allowed: readonly string[];
}

export interface FlowSchemaResult {
  problems: SchemaProblem[];
  unknown: UnknownKey[];
}

/** The key editors read to find a file's JSON Schema; accepted at the top of a flow. */
export const FLOW_SCHEMA_KEY = '$schema';

// schema and unknown-property both read one validation run per flow.
const cache = new WeakMap<object, FlowSchemaResult>();

/** Validate a flow against the SDK schema and reduce ajv's output to findings people can act on. */
export function checkFlowSchema(flow: object): FlowSchemaResult {
  const cached = cache.get(flow);
  if (cached) return cached;
  const result = validate(flow) ? { problems: [], unknown: [] } : reduce(flow, validate.errors ?? []);
  cache.set(flow, result);
  return result;
}

function isUnder(path: string, base: string): boolean {
  return path === base || path.startsWith(base + '/');
}

/**
 * The compiled schema checks only the variant a node's, tool's or condition's tag names (see
 * scripts/gen-schemas.mjs), so what is left to do here: drop the bookkeeping errors of `if`
 * (nullable values), collapse the rare untagged union into one finding, group the missing keys of
 * one object, keep one finding per value, and split unknown keys off for unknown-property.
 */
function reduce(flow: object, errors: SchemaError[]): FlowSchemaResult {
  const shapeless = errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath);
  const problems = new Map<string, SchemaProblem>();
  const missing = new Map<string, string[]>();
  const unknown: UnknownKey[] = [];
  const add = (problem: SchemaProblem) => {
    if (!problems.has(problem.path)) problems.set(problem.path, problem);
  };

  for (const e of errors) {
    const path = e.instancePath;
    if (e.keyword === 'if') continue;
    if (e.keyword !== 'anyOf' && shapeless.some((base) => isUnder(path, base))) continue;
    const value = get(flow, path);
    switch (e.keyword) {
      case 'additionalProperties':
        // "$schema" at the top of a flow file is for editors (VS Code's JSON validation); the API never sees it.
        if (path === '' && e.params.additionalProperty === FLOW_SCHEMA_KEY) break;
        unknown.push({ objectPath: path, key: String(e.params.additionalProperty), allowed: allowedKeys[e.schemaPath] ?? [] });
        break;
      case 'required': {
        if (explainedElsewhere(value, String(e.params.missingProperty))) break;
        const list = missing.get(path) ?? [];
        list.push(String(e.params.missingProperty));
        missing.set(path, list);
        break;
      }
      case 'discriminator': {
        const tag = String(e.params.tag);
        const expected = list(unionTags[e.schemaPath] ?? []);
        const tagValue = (value as Record<string, unknown>)[tag];
        if (tagValue === undefined) {
          add({ path, messageId: 'missingTag', data: { path: show(path), what: describe(flow, path), tag, expected } });
        } else {
          const tagPath = `${path}/${tag}`;
          add({ path: tagPath, messageId: 'badTag', data: { path: show(tagPath), value: JSON.stringify(tagValue), what: tagKind(path, tag), expected } });
        }
        break;
      }
      case 'type':
        add({ path, messageId: 'type', data: { path: show(path), expected: [e.params.type].flat().join(' or '), found: kindOf(value) } });
        break;
      case 'enum':
        // Equation operators and combiners get equation-syntax's message, with a did-you-mean.
        if (/\/transition_condition(\/equations\/\d+)?\/operator$/.test(path)) break;
        add({ path, messageId: 'enum', data: { path: show(path), value: JSON.stringify(value), expected: list(e.params.allowedValues as unknown[]) } });
        break;
      case 'const':
        add({ path, messageId: 'const', data: { path: show(path), value: JSON.stringify(value), expected: JSON.stringify(e.params.allowedValue) } });
        break;
      case 'maxItems':
        if (e.params.limit === 0) {
          add({ path, messageId: 'mustBeEmpty', data: { path: show(path), key: lastToken(path), what: describe(flow, parentPath(path)), count: Array.isArray(value) ? value.length : 0 } });
        } else {
          add({ path, messageId: 'invalid', data: { path: show(path), problem: `has more than ${String(e.params.limit)} items` } });
        }
        break;
      case 'anyOf':
        add({ path, messageId: 'noShape', data: { path: show(path), expected: (anyOfShapes[e.schemaPath] ?? []).join(' or ') || 'see the schema' } });
        break;
      default:
        add({ path, messageId: 'invalid', data: { path: show(path), problem: `fails "${e.keyword}" ${JSON.stringify(e.params)}` } });
    }
  }
  for (const [path, keys] of missing) {
    add({
      path,
      messageId: 'missing',
      data: { path: show(path), what: describe(flow, path), properties: keys.map((k) => `"${k}"`).join(', '), count: keys.length },
    });
  }
  return { problems: [...problems.values()], unknown };
}

/**
 * Missing keys that a dedicated rule reports with a better message, so a defect is reported once:
 * a branch's or component's else_edge (branch-needs-else), a transfer's, swap's or SMS node's
 * failure edges (failure-path), a function node's tool_id (no-missing-tool), an equation's parts
 * (equation-syntax).
 */
function explainedByNodeRule(type: string, key: string): boolean {
  const facts = nodeType(type);
  if (key === 'else_edge') return facts.needsElse;
  if (key === 'tool_id') return facts.toolRefs === 'tool_id';
  return facts.failureEdges.some((f) => f.field === key);
}

function explainedElsewhere(owner: unknown, key: string): boolean {
  if (!owner || typeof owner !== 'object') return false;
  const o = owner as Record<string, unknown>;
  if (typeof o.type === 'string' && explainedByNodeRule(o.type, key)) return true;
  if (o.type === 'equation' && (key === 'equations' || key === 'operator')) return true;
  if ('left' in o || 'right' in o || ('operator' in o && !('type' in o))) return key === 'left' || key === 'operator';
  return false;
}

/** The path as shown in messages: relative to the flow, without the leading slash. */
export function show(path: string): string {
  return path === '' ? '(flow)' : path.slice(1);
}

function list(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  return `${typeof value} ${JSON.stringify(value)}`;
}

function lastToken(path: string): string {
  return split(path).at(-1) ?? '';
}

function parentPath(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}

const CONTAINERS: Record<string, string> = {
  nodes: 'node',
  tools: 'tool',
  edges: 'edge',
  components: 'component',
  variables: 'variable',
  mcps: 'MCP server',
  notes: 'note',
  equations: 'equation',
  go_back_conditions: 'go-back condition',
  transcript: 'transcript message',
  finetune_transition_examples: 'fine-tune example',
  finetune_conversation_examples: 'fine-tune example',
};

/** Name the object at a path the way a Retell developer would: "conversation node", "custom tool", "else_edge". */
export function describe(flow: object, path: string): string {
  if (path === '') return 'the flow';
  const tokens = split(path);
  const value = get(flow, path);
  const type = value && typeof value === 'object' && typeof (value as Record<string, unknown>).type === 'string' ? String((value as Record<string, unknown>).type) : '';
  const last = tokens.at(-1)!;
  const container = /^\d+$/.test(last) ? tokens.at(-2) : undefined;
  if (container !== undefined) {
    const noun = CONTAINERS[container] ?? `${container} item`;
    return type ? `${type} ${noun}` : noun;
  }
  if (last === 'transition_condition') return type ? `${type} condition` : 'transition condition';
  return type ? `${type} ${last.replace(/_/g, ' ')}` : `"${last}"`;
}

/** What the tag of a union at `path` is called: "node type", "tool type", "condition type", "transcript role". */
function tagKind(path: string, tag: string): string {
  const tokens = split(path);
  const last = tokens.at(-1) ?? '';
  const owner = /^\d+$/.test(last) ? tokens.at(-2) ?? '' : last;
  const noun = CONTAINERS[owner] ?? (owner === 'transition_condition' ? 'condition' : owner.replace(/_/g, ' '));
  return `${noun} ${tag}`;
}

/** The node and edge a pointer lies in, so diagnostics carry nodeId/edgeId like every other rule's. */
export function ownerOf(graph: FlowGraph, pointer: string): { node?: GraphNode; edge?: GraphEdge } {
  let index = owners.get(graph);
  if (!index) {
    index = new Map();
    for (const node of graph.nodes) index.set(node.pointer, { node });
    for (const edge of graph.edges) index.set(edge.pointer, { edge });
    owners.set(graph, index);
  }
  // Walk up from the pointer to the flow: the innermost edge wins, else the innermost node.
  for (let p = pointer; p.length > graph.pointer.length; p = p.slice(0, p.lastIndexOf('/'))) {
    const hit = index.get(p);
    if (hit) return hit;
  }
  return {};
}

const owners = new WeakMap<FlowGraph, Map<string, { node?: GraphNode; edge?: GraphEdge }>>();
