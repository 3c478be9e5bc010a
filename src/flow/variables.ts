/**
 * Dynamic variables and the templates that use them: `{{variable}}` extraction, Retell's system
 * variables, what a flow declares, what a node's call writes, and every template string in a value.
 */
import { isRaw, type FlowGraph, type GraphNode } from './graph.js';
import { templateReferences } from './json-index.js';
import { escapeToken } from './pointer.js';
import type { Span } from './source.js';

export interface VariableRef {
  /** The name with surrounding whitespace trimmed (Retell trims it too). */
  name: string;
  /** Offset of the opening braces in the text. */
  index: number;
}

// Innermost `{{...}}` only: in Retell's nested form `{{current_time_{{tz}} }}` the inner variable is
// the reference, the outer one is resolved after substitution. As a regex: /\{\{([^{}]*)\}\}/g.

/**
 * Every `{{name}}` in a text, empty braces skipped: the matches of that regex, found with indexOf (lint
 * runs it on every template of a flow; the regex iterator cost several times more).
 */
export function extractVariables(text: string): VariableRef[] {
  const out: VariableRef[] = [];
  for (let at = nextReference(text, 0); at !== -1; at = nextReference(text, referenceEnd + 2)) {
    const name = text.slice(at + 2, referenceEnd).trim();
    if (name) out.push({ name, index: at });
  }
  return out;
}

/** Where the `}}` of the reference nextReference last found is (a module variable: no object a reference). */
let referenceEnd = -1;

/** The `{{` of the next complete reference at or after `from` (its `}}` in referenceEnd), or -1. */
function nextReference(text: string, from: number): number {
  // A `{{` with another brace before any `}}`: the regex would try again one character on. The loop
  // stops at the first brace, so a run of braces costs one step each (indexOf for the closing brace
  // would look past all of them from every one).
  for (let at = text.indexOf('{{', from); at !== -1; at = text.indexOf('{{', at + 1)) {
    let j = at + 2;
    let c = text.charCodeAt(j);
    while (j < text.length && c !== 123 && c !== 125) c = text.charCodeAt(++j);
    if (c === 125 && text.charCodeAt(j + 1) === 125) {
      referenceEnd = j;
      return at;
    }
  }
  return -1;
}

/** The names of templateNamesInJson's last text: a file with several flows is scanned once. */
let namesOf: { text: string; names: ReadonlySet<string> | undefined } | undefined;

/**
 * Every `{{name}}` in a file's JSON text, or undefined when the text could hide one from this scan (a
 * brace written as a \u escape, or a name with an escape in it). The names are a superset of those
 * any walk of the parsed file can meet: keys, ids and every other field count too, and a match may
 * even run from one string into the next. So when all of them are known, a walk would find nothing.
 */
export function templateNamesInJson(text: string): ReadonlySet<string> | undefined {
  if (namesOf?.text !== text) namesOf = { text, names: namesInJson(text) };
  return namesOf.names;
}

function namesInJson(text: string): ReadonlySet<string> | undefined {
  // JSON may write { and } as \u007b and \u007d: then a reference the walk sees has no braces here.
  const escape = text.indexOf('\\u007');
  if (escape !== -1 && /\\u007[bd]/i.test(text.slice(escape))) return undefined;
  const names = new Set<string>();
  // A big file's bytes are still where it was read: the WebAssembly scan finds the references there.
  const found = templateReferences(text);
  if (found) {
    for (let k = 0; k < found.length; k++) if (!addName(names, found[k]!)) return undefined;
    return names;
  }
  // extractVariables' loop without a ref object each: a big flow has tens of thousands (~5 ms cold).
  for (let at = nextReference(text, 0); at !== -1; at = nextReference(text, referenceEnd + 2)) {
    if (!addName(names, text.slice(at + 2, referenceEnd))) return undefined;
  }
  return names;
}

/**
 * Adds a reference's name; false when it holds an escape (the parsed name differs from these
 * characters). A function of its own: called once a reference, V8 optimises it early, where the loop
 * around it (run once, over a whole flow) stays unoptimised (src/util/jit.ts).
 */
function addName(names: Set<string>, raw: string): boolean {
  const name = raw.trim();
  if (name.includes('\\')) return false;
  if (name) names.add(name);
  return true;
}

// Retell's documented system variables (docs.retellai.com/build/dynamic-variables, "Default System
// Variables", "Phone Call Variables", "Chat Variables").
const SYSTEM_VARIABLES: ReadonlySet<string> = new Set([
  'current_agent_state',
  'previous_agent_state',
  'current_time',
  'current_hour',
  'current_calendar',
  'session_type',
  'session_duration',
  'direction',
  'user_number',
  'agent_number',
  'call_id',
  'call_type',
  'chat_id',
]);
/** `current_time_<IANA zone>` and friends. */
const ZONED_SYSTEM_VARIABLE = /^current_(time|hour|calendar)_(.+)$/;

export function isSystemVariable(name: string): boolean {
  return SYSTEM_VARIABLES.has(name) || ZONED_SYSTEM_VARIABLE.test(name);
}

/** For `current_time_<zone>` style names: the zone when Node's ICU does not know it. */
export function unknownZone(name: string): string | undefined {
  const m = ZONED_SYSTEM_VARIABLE.exec(name);
  if (!m) return undefined;
  const zone = m[2]!;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return undefined;
  } catch {
    return zone;
  }
}

/** Where a variable gets its value inside the flow. */
export interface Declaration {
  name: string;
  source: string;
}

function addKeys(out: Map<string, Declaration>, value: unknown, source: string): void {
  if (!isRaw(value)) return;
  for (const key of Object.keys(value)) {
    const name = key.trim();
    if (name && !out.has(name)) out.set(name, { name, source });
  }
}

function addExtracted(out: Map<string, Declaration>, variables: unknown, source: string): void {
  if (!Array.isArray(variables)) return;
  for (const v of variables) {
    if (isRaw(v) && typeof v.name === 'string' && v.name.trim() && !out.has(v.name.trim())) out.set(v.name.trim(), { name: v.name.trim(), source });
  }
}

/**
 * Every variable the flow itself gives a value: default_dynamic_variables, extract-variable nodes and
 * inline extract tools, and response_variables of tools, code and MCP nodes, in all scopes.
 */
export function declaredVariables(graph: FlowGraph): Map<string, Declaration> {
  const out = new Map<string, Declaration>();
  addKeys(out, graph.raw.default_dynamic_variables, 'default_dynamic_variables');
  for (let k = 0; k < graph.tools.length; k++) {
    const tool = graph.tools[k]!;
    addKeys(out, tool.raw.response_variables, `response_variables of tool "${tool.name ?? tool.id ?? '?'}"`);
    if (tool.type === 'extract_dynamic_variable') addExtracted(out, tool.raw.variables, `extract tool "${tool.name ?? '?'}"`);
  }
  for (let k = 0; k < graph.nodes.length; k++) {
    const node = graph.nodes[k]!;
    const facts = node.facts;
    if (facts.extractsVariables) addExtracted(out, node.raw.variables, `extract node ${node.name ?? node.id}`);
    if (facts.responseVariables === 'node') addKeys(out, node.raw.response_variables, `response_variables of ${node.type} node ${node.name ?? node.id}`);
  }
  return out;
}

/** The response variables a function, code or MCP node writes when its call returns. */
export function nodeResponseVariables(node: GraphNode): string[] {
  let map: unknown;
  const where = node.facts.responseVariables;
  if (where === 'tool' && typeof node.raw.tool_id === 'string') map = node.scope.toolsById.get(node.raw.tool_id)?.raw.response_variables;
  else if (where === 'node') map = node.raw.response_variables;
  return isRaw(map) ? Object.keys(map).filter((k) => k.trim()) : [];
}

/** A variable's first use in a walk: the pointer of the string it is in, and where in that string. */
export interface VariableAt {
  name: string;
  pointer: string;
  /** The `{{...}}` in the string: offsets of its first brace and just past its last. */
  span: Span;
}

// One set of stacks for every walk: lint walks each node of a flow, and a fresh set per call was
// most of what the walk allocated. Walks never nest, and each leaves the stacks empty.
const VALUES: unknown[] = [];
const KEYS: (string | number | undefined)[] = [];
const DEPTHS: number[] = [];
// PATH[0..d] are the keys from the walked value down to the entry being looked at (d its depth):
// a pointer is built from them only for a reported use, not for every container and string.
const PATH: (string | number | undefined)[] = [];

/**
 * The first use of each `{{name}}` that `known` lacks, in the template strings of a value (object keys
 * excluded; `skip` names keys whose subtree is not template text: ids, code, JSON paths), in document
 * order; with `fields`, only those fields of the value, in that order. Iterative, and allocation-free
 * while every name is known: lint runs this on every node of a flow and findings are rare.
 */
export function unknownVariables(
  value: unknown,
  fields: readonly string[] | undefined,
  pointer: string,
  skip: ReadonlySet<string>,
  known: ReadonlySet<string>,
  out: VariableAt[] = [],
): VariableAt[] {
  if (fields === undefined) {
    if (typeof value === 'string') {
      if (value.includes('{{')) scan(value, -1, pointer, known, out);
      return out;
    }
    if (value === null || typeof value !== 'object') return out;
    VALUES.push(value);
    KEYS.push(undefined);
    DEPTHS.push(-1);
  } else {
    // Pushed last field first, so the first field's strings come out first.
    const record = value as Record<string, unknown>;
    for (let i = fields.length - 1; i >= 0; i--) {
      const field = fields[i]!;
      const v = record[field];
      if (typeof v === 'string' ? v.includes('{{') : v !== null && typeof v === 'object') {
        VALUES.push(v);
        KEYS.push(field);
        DEPTHS.push(0);
      }
    }
  }
  while (VALUES.length > 0) {
    const v = VALUES.pop();
    const key = KEYS.pop();
    const depth = DEPTHS.pop()!;
    if (depth >= 0) PATH[depth] = key;
    if (typeof v === 'string') {
      scan(v, depth, pointer, known, out);
      continue;
    }
    // Only containers and strings holding a {{ are pushed: the rest can hold no use.
    const below = depth + 1;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (typeof c === 'string' ? c.includes('{{') : c !== null && typeof c === 'object') {
          VALUES.push(c);
          KEYS.push(i);
          DEPTHS.push(below);
        }
      }
    } else {
      const record = v as Record<string, unknown>;
      const names = Object.keys(record);
      for (let i = names.length - 1; i >= 0; i--) {
        const k = names[i]!;
        const c = record[k];
        if ((typeof c === 'string' ? c.includes('{{') : c !== null && typeof c === 'object') && !skip.has(k)) {
          VALUES.push(c);
          KEYS.push(k);
          DEPTHS.push(below);
        }
      }
    }
  }
  return out;
}

/** extractVariables' loop over one string, checking each name against `known` without allocating a ref. */
function scan(text: string, depth: number, pointer: string, known: ReadonlySet<string>, out: VariableAt[]): void {
  for (let at = nextReference(text, 0); at !== -1; at = nextReference(text, referenceEnd + 2)) {
    const name = text.slice(at + 2, referenceEnd).trim();
    if (name && !known.has(name) && !out.some((u) => u.name === name)) {
      let p = pointer;
      for (let d = 0; d <= depth; d++) p += '/' + escapeToken(PATH[d]!);
      out.push({ name, pointer: p, span: { start: at, end: referenceEnd + 2 } });
    }
  }
}
