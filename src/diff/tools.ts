import type { Changes } from './collect.js';
import type { Change } from './change.js';
import type { ChangeKindId } from './kinds.js';
import { brief, isObject, same } from './values.js';
import { wordDiff } from './words.js';

type Raw = Record<string, unknown>;

/** How a tool is named in messages. */
export function toolLabel(tool: Raw): string {
  const name = typeof tool.name === 'string' ? tool.name : undefined;
  const id = typeof tool.tool_id === 'string' ? tool.tool_id : undefined;
  return name ? `tool "${name}"` : id ? `tool ${id}` : `tool (${String(tool.type ?? 'unnamed')})`;
}

/** Fields compared on their own; the rest of a tool is one tool-setting-changed per field. */
const ENDPOINT = ['url', 'method'];
const TIMING = ['timeout_ms', 'max_retry'];
const OWN = new Set(['tool_id', 'parameters', 'sms_content', 'headers', 'query_params', ...ENDPOINT, ...TIMING]);

export interface ToolContext {
  target: string;
  node?: Change['node'];
  /** Handlers of the project's config by function name: a tool with one names it in its changes. */
  handlers?: ReadonlySet<string>;
  /** Extra notes for every change (unreachable...). */
  notes?: string[];
}

/** Compare two versions of one tool (same tool_id, or same name inside a subagent). */
export function diffTool(a: Raw, b: Raw, out: Changes, ctx: ToolContext): void {
  const label = toolLabel(b);
  const name = typeof b.name === 'string' ? b.name : typeof a.name === 'string' ? a.name : undefined;
  const handlerNote = name && ctx.handlers?.has(name) ? [`handler ${name}`] : [];
  const add = (kind: ChangeKindId, field: string, message: string, extra: Partial<Change> = {}) =>
    out.add(kind, { target: ctx.target, ...(ctx.node && { node: ctx.node }), ...(name !== undefined && { tool: name }), field, message, ...withNotes([...(ctx.notes ?? []), ...handlerNote]), ...extra });

  for (const field of ENDPOINT) {
    const before = field === 'method' ? (a.method ?? (a.url !== undefined ? 'POST' : undefined)) : a[field];
    const after = field === 'method' ? (b.method ?? (b.url !== undefined ? 'POST' : undefined)) : b[field];
    if (!same(before, after)) add('tool-endpoint-changed', field, `${label}: ${field} ${brief(before)} → ${brief(after)}`, { before, after });
  }
  for (const field of TIMING) {
    if (!same(a[field], b[field])) add('tool-timeout-changed', field, `${label}: ${field} ${brief(a[field])} → ${brief(b[field])}`, { before: a[field], after: b[field] });
  }
  // SDK 5.66 renamed the SMS tool's sms_content.content to sms_content.text: the same words under the new name is a migration.
  const sa = isObject(a.sms_content) ? a.sms_content : undefined;
  const sb = isObject(b.sms_content) ? b.sms_content : undefined;
  if (sa && sb && sa.content !== undefined && sb.content === undefined && sa.text === undefined && same(sa.content, sb.text) && same({ ...sa, content: undefined }, { ...sb, text: undefined })) {
    add('node-migrated', 'sms_content', `${label}: SMS sms_content.content migrated to sms_content.text (same words)`);
  } else if (!same(sa, sb)) {
    const text = (v: Record<string, unknown> | undefined) => (typeof v?.text === 'string' ? v.text : typeof v?.content === 'string' ? v.content : typeof v?.prompt === 'string' ? v.prompt : undefined);
    const ta = text(sa);
    const tb = text(sb);
    add('tool-setting-changed', 'sms_content', `${label}: SMS content changed`, { before: sa, after: sb, ...(ta !== undefined && tb !== undefined && ta !== tb && { words: wordDiff(ta, tb) }) });
  }
  // Headers and query parameters by name; values are never shown (they hold credentials).
  for (const bag of ['headers', 'query_params']) {
    const ha = isObject(a[bag]) ? a[bag] : {};
    const hb = isObject(b[bag]) ? b[bag] : {};
    const what = bag === 'headers' ? 'header' : 'query parameter';
    for (const key of unionKeys(ha, hb)) {
      if (same(ha[key], hb[key])) continue;
      const change = ha[key] === undefined ? 'added' : hb[key] === undefined ? 'removed' : 'changed (values hidden)';
      add('tool-endpoint-changed', `${bag}.${key}`, `${label}: ${what} "${key}" ${change}`);
    }
  }
  diffParameters(isObject(a.parameters) ? a.parameters : undefined, isObject(b.parameters) ? b.parameters : undefined, '', add, label);
  for (const field of unionKeys(a, b)) {
    if (OWN.has(field) || same(a[field], b[field])) continue;
    add('tool-setting-changed', field, `${label}: ${field} ${brief(a[field])} → ${brief(b[field])}`, { before: a[field], after: b[field] });
  }
}

type Add = (kind: ChangeKindId, field: string, message: string, extra?: Partial<Change>) => void;

/** A JSON schema's type, as what a handler would see: type plus enum and format. */
function typeOf(schema: Raw): string {
  const parts: string[] = [];
  parts.push(Array.isArray(schema.type) ? schema.type.join('|') : typeof schema.type === 'string' ? schema.type : 'any');
  if (schema.type === 'array' && isObject(schema.items)) parts[0] = `${typeOf(schema.items)}[]`;
  if (Array.isArray(schema.enum)) parts.push(`enum(${schema.enum.map((v) => JSON.stringify(v)).join(',')})`);
  if (typeof schema.format === 'string') parts.push(`format ${schema.format}`);
  return parts.join(' ');
}

/**
 * The handler contract of a parameters schema: an argument removed, newly required or of another type
 * breaks a handler written for a; a new optional argument does not. Nested objects are walked.
 */
function diffParameters(a: Raw | undefined, b: Raw | undefined, path: string, add: Add, label: string): void {
  const propsA = isObject(a?.properties) ? a.properties : {};
  const propsB = isObject(b?.properties) ? b.properties : {};
  const reqA = new Set(Array.isArray(a?.required) ? a.required : []);
  const reqB = new Set(Array.isArray(b?.required) ? b.required : []);
  const field = (name: string) => `parameters.${path}${name}`;
  const arg = (name: string) => `argument "${path}${name}"`;
  for (const name of Object.keys(propsA)) {
    if (!Object.hasOwn(propsB, name)) add('tool-parameter-removed', field(name), `${label}: ${arg(name)} removed`, { before: propsA[name] });
  }
  for (const name of Object.keys(propsB)) {
    if (Object.hasOwn(propsA, name)) continue;
    if (reqB.has(name)) add('tool-parameter-required', field(name), `${label}: new required ${arg(name)} (${typeOf(isObject(propsB[name]) ? propsB[name] : {})})`, { after: propsB[name] });
    else add('tool-parameter-added', field(name), `${label}: new optional ${arg(name)}`, { after: propsB[name] });
  }
  for (const name of Object.keys(propsA)) {
    if (!Object.hasOwn(propsB, name)) continue;
    const pa = isObject(propsA[name]) ? propsA[name] : {};
    const pb = isObject(propsB[name]) ? propsB[name] : {};
    const ta = typeOf(pa);
    const tb = typeOf(pb);
    if (ta !== tb) add('tool-parameter-type-changed', field(name), `${label}: ${arg(name)} type ${ta} → ${tb}`, { before: ta, after: tb });
    if (!reqA.has(name) && reqB.has(name)) add('tool-parameter-required', field(name), `${label}: ${arg(name)} is now required`);
    if (reqA.has(name) && !reqB.has(name)) add('tool-parameter-optional', field(name), `${label}: ${arg(name)} is now optional`);
    if (!same(pa.description, pb.description)) add('tool-setting-changed', `${field(name)}.description`, `${label}: ${arg(name)} description changed`, { before: pa.description, after: pb.description });
    if (pa.type === 'object' || pb.type === 'object') diffParameters(pa, pb, `${path}${name}.`, add, label);
    else if (isObject(pa.items) && isObject(pb.items) && (pa.items.type === 'object' || pb.items.type === 'object')) diffParameters(pa.items, pb.items, `${path}${name}[].`, add, label);
  }
}

export function unionKeys(a: Raw, b: Raw): string[] {
  const keys = new Set(Object.keys(a));
  for (const k of Object.keys(b)) keys.add(k);
  return [...keys];
}

export function withNotes(notes: string[]): { notes?: string[] } {
  return notes.length > 0 ? { notes } : {};
}
