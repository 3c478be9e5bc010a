/**
 * Dynamic variables and the templates that use them: `{{variable}}` extraction, Retell's system
 * variables, what a flow declares, what a node's call writes, and every template string in a value.
 */
import { isRaw, type FlowGraph, type GraphNode } from './graph.js';
import { escapeToken } from './pointer.js';

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
  let from = text.indexOf('{{');
  while (from !== -1) {
    let j = from + 2;
    let c = text.charCodeAt(j);
    while (j < text.length && c !== 123 && c !== 125) c = text.charCodeAt(++j);
    if (c === 125 && text.charCodeAt(j + 1) === 125) {
      const name = text.slice(from + 2, j).trim();
      if (name) out.push({ name, index: from });
      from = text.indexOf('{{', j + 2);
    } else {
      // No `}}` before the next brace: the regex would try again one character on.
      from = text.indexOf('{{', from + 1);
    }
  }
  return out;
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
  for (const tool of graph.tools) {
    addKeys(out, tool.raw.response_variables, `response_variables of tool "${tool.name ?? tool.id ?? '?'}"`);
    if (tool.type === 'extract_dynamic_variable') addExtracted(out, tool.raw.variables, `extract tool "${tool.name ?? '?'}"`);
  }
  for (const node of graph.nodes) {
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

/** One string found while walking a value, with its pointer. */
export interface StringAt {
  text: string;
  pointer: string;
}

/**
 * Every string inside a value that may hold a {{variable}} (object keys excluded), iteratively.
 * `skip` names keys whose subtree is not template text (ids, code, JSON paths).
 */
export function templateStrings(value: unknown, pointer: string, skip: ReadonlySet<string>, out: StringAt[] = []): StringAt[] {
  // The common cases without a stack: a string, or a value with no string holding a {{ at all.
  if (typeof value === 'string') {
    if (value.includes('{{')) out.push({ text: value, pointer });
    return out;
  }
  if (value === null || typeof value !== 'object') return out;
  return walkTemplates([value], [pointer], [undefined], skip, out);
}

// One set of stacks for every walk: lint walks each node of a flow, and a fresh set per call was
// most of what the walk allocated. Walks never nest, and each leaves the stacks empty.
const VALUES: unknown[] = [];
const PARENTS: string[] = [];
const KEYS: (string | number | undefined)[] = [];

/**
 * templateStrings over the given fields of an object, in that order (a field missing from it is
 * skipped): the strings of a node's instruction, edges, tools ... in one walk.
 */
export function fieldTemplateStrings(value: Record<string, unknown>, fields: readonly string[], pointer: string, skip: ReadonlySet<string>, out: StringAt[] = []): StringAt[] {
  VALUES.length = PARENTS.length = KEYS.length = 0;
  // Pushed last field first, so the first field's strings come out first.
  for (let i = fields.length - 1; i >= 0; i--) {
    const field = fields[i]!;
    const v = value[field];
    if (v === undefined || (typeof v !== 'string' && (v === null || typeof v !== 'object'))) continue;
    VALUES.push(v);
    PARENTS.push(pointer);
    KEYS.push(field);
  }
  return walkTemplates(VALUES, PARENTS, KEYS, skip, out);
}

function walkTemplates(values: unknown[], parents: string[], keys: (string | number | undefined)[], skip: ReadonlySet<string>, out: StringAt[]): StringAt[] {
  // Pointers are built only for containers and for strings that hold a {{ (most strings do not).
  // Parallel stacks, not one object a step: this walks every node of a flow.
  while (values.length > 0) {
    const v = values.pop();
    const parent = parents.pop()!;
    const key = keys.pop();
    if (typeof v === 'string') {
      if (v.includes('{{')) out.push({ text: v, pointer: key === undefined ? parent : parent + '/' + escapeToken(key) });
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    const p = key === undefined ? parent : parent + '/' + escapeToken(key);
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        values.push(v[i]);
        parents.push(p);
        keys.push(i);
      }
    } else {
      const names = Object.keys(v);
      for (let i = names.length - 1; i >= 0; i--) {
        const k = names[i]!;
        if (skip.has(k)) continue;
        values.push((v as Record<string, unknown>)[k]);
        parents.push(p);
        keys.push(k);
      }
    }
  }
  return out;
}
