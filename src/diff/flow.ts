import { FlowAnalysis } from '../flow/analysis.js';
import { label as nodeLabel, type FlowGraph, type GraphEdge, type GraphNode, type Scope } from '../flow/graph.js';
import { edgeKey, nodeKey, scopeKey } from '../flow/identity.js';
import type { Change } from './change.js';
import type { Changes } from './collect.js';
import type { ChangeKindId } from './kinds.js';
import { diffTool, toolLabel, unionKeys, withNotes } from './tools.js';
import { brief, isObject, same, sameExcept } from './values.js';
import { wordDiff } from './words.js';

type Raw = Record<string, unknown>;

/** Canvas and server bookkeeping: never a change. Keys starting with `_` are annotations Retell never reads. */
const NODE_NOISE = new Set(['display_position', 'notes', 'note']);
const FLOW_NOISE = new Set(['conversation_flow_id', 'version', 'is_published', 'last_modification_timestamp', 'user_modified_timestamp', 'begin_tag_display_position', 'notes']);
const isNoise = (set: ReadonlySet<string>, key: string) => set.has(key) || key.startsWith('_');
const isNodeNoise = (key: string) => isNoise(NODE_NOISE, key);

/** Node fields compared on their own. */
const NODE_OWN = new Set(['id', 'type', 'name', 'instruction', 'edges', 'else_edge', 'always_edge', 'skip_response_edge', 'edge', 'success_edge', 'failed_edge', 'global_node_setting', 'tool_id', 'tool_ids', 'tools', 'model_choice']);
const FLOW_OWN = new Set(['nodes', 'components', 'tools', 'start_node_id', 'start_speaker', 'global_prompt', 'model_choice']);
const COMPONENT_OWN = new Set(['nodes', 'tools', 'start_node_id', 'conversation_flow_component_id', 'component_id', 'id']);

export interface FlowDiffContext {
  handlers?: ReadonlySet<string>;
}

/** Compare two flow graphs by identity keys (never positions). Changes go to `out`. */
export function diffGraphs(ga: FlowGraph, gb: FlowGraph, out: Changes, ctx: FlowDiffContext = {}): void {
  const aa = new FlowAnalysis(ga);
  const ab = new FlowAnalysis(gb);
  const nodesA = byKey(ga.nodes, nodeKey);
  const nodesB = byKey(gb.nodes, nodeKey);
  const scopesA = byKey([ga.root, ...ga.components], scopeKey);
  const scopesB = byKey([gb.root, ...gb.components], scopeKey);

  // Where a change sits, and whether anything can reach it (graphql-inspector's safeUnreachable).
  const unreachableNote = (a: GraphNode | undefined, b: GraphNode | undefined): string[] => {
    const unreachable = b ? !ab.isReachable(b) : a ? !aa.isReachable(a) : false;
    return unreachable ? [`unreachable in ${b ? 'b' : 'a'}`] : [];
  };
  const nodeRef = (n: GraphNode): Change['node'] => ({ key: nodeKey(n), id: n.id, label: nodeLabel(n) });

  // Flow and component settings.
  for (const [key, sa] of scopesA) {
    const sb = scopesB.get(key);
    if (!sb) {
      if (sa.kind === 'component') out.add('component-removed', { target: key, message: `component "${sa.name ?? sa.id}" removed (${plural(sa.nodes.length, 'node')})` });
      continue;
    }
    diffScope(sa, sb, key, out, ctx);
  }
  for (const [key, sb] of scopesB) {
    if (!scopesA.has(key) && sb.kind === 'component') {
      out.add('component-added', { target: key, message: `component "${sb.name ?? sb.id}" added (${plural(sb.nodes.length, 'node')})`, ...withNotes(ab.usedComponents.has(sb) ? [] : ['unused in b']) });
    }
  }

  for (const [key, na] of nodesA) {
    const nb = nodesB.get(key);
    if (nb) {
      diffNode(na, nb, out, { ...ctx, node: nodeRef(nb), notes: unreachableNote(na, nb), labelA: nodeLabelIn(ga), labelB: nodeLabelIn(gb) });
    } else if (scopesB.has(scopeKey(na.scope))) {
      out.add('node-removed', { target: key, node: nodeRef(na), message: `node ${nodeLabel(na)} (${na.type}) removed${na.in.length > 0 ? `; ${na.in.length} transition${na.in.length === 1 ? '' : 's'} led to it` : ''}`, ...withNotes(unreachableNote(na, undefined)) });
    }
  }
  for (const [key, nb] of nodesB) {
    if (nodesA.has(key) || !scopesA.has(scopeKey(nb.scope))) continue;
    out.add('node-added', { target: key, node: nodeRef(nb), message: `node ${nodeLabel(nb)} (${nb.type}) added`, ...withNotes(unreachableNote(undefined, nb)) });
  }
}

function byKey<T>(items: readonly T[], key: (item: T) => string): Map<string, T> {
  const map = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (!map.has(k)) map.set(k, item);
  }
  return map;
}

/** A destination id as a reader knows it: the node's name in that version when it has one. */
function nodeLabelIn(_graph: FlowGraph): (scope: Scope, id: string | undefined) => string {
  return (scope, id) => {
    if (id === undefined) return '(nowhere)';
    const own = scope.nodesById.get(id);
    return own ? nodeLabel(own) : `"${id}" (missing)`;
  };
}

function diffScope(sa: Scope, sb: Scope, key: string, out: Changes, ctx: FlowDiffContext): void {
  const a = sa.raw;
  const b = sb.raw;
  const where = sa.kind === 'flow' ? 'the flow' : `component "${sb.name ?? sb.id}"`;
  if (!same(a.start_node_id, b.start_node_id)) {
    out.add('start-node-changed', { target: key, field: 'start_node_id', message: `${where} now starts at ${brief(b.start_node_id)} (was ${brief(a.start_node_id)})`, before: a.start_node_id, after: b.start_node_id });
  }
  diffScopeTools(sa, sb, key, out, ctx);
  if (sa.kind === 'component') {
    for (const field of unionKeys(a, b)) {
      if (COMPONENT_OWN.has(field) || isNoise(NODE_NOISE, field) || same(a[field], b[field])) continue;
      out.add('component-setting-changed', { target: key, field, message: `${where}: ${field} ${brief(a[field])} → ${brief(b[field])}`, before: a[field], after: b[field] });
    }
    return;
  }
  if (!same(a.start_speaker, b.start_speaker)) {
    out.add('start-speaker-changed', { target: key, field: 'start_speaker', message: `start speaker ${brief(a.start_speaker)} → ${brief(b.start_speaker)}`, before: a.start_speaker, after: b.start_speaker });
  }
  textChange(out, 'global-prompt-changed', key, 'global_prompt', 'global prompt', a.global_prompt, b.global_prompt, {});
  modelChange(out, key, 'model_choice', 'the flow', a, b, 'flow-setting-changed', {});
  for (const field of unionKeys(a, b)) {
    if (FLOW_OWN.has(field) || COMPONENT_OWN.has(field) || isNoise(FLOW_NOISE, field) || same(a[field], b[field])) continue;
    out.add('flow-setting-changed', { target: key, field, message: `${field} ${brief(a[field])} → ${brief(b[field])}`, before: a[field], after: b[field] });
  }
}

function diffScopeTools(sa: Scope, sb: Scope, key: string, out: Changes, ctx: FlowDiffContext): void {
  const toolKey = (t: Raw, i: number) => (typeof t.tool_id === 'string' ? t.tool_id : typeof t.name === 'string' ? `name=${t.name}` : `#${i}`);
  const prefix = key === 'flow' ? '' : `${key}/`;
  const list = (s: Scope) => new Map(s.tools.map((t, i) => [toolKey(t.raw, i), t.raw] as const));
  const ta = list(sa);
  const tb = list(sb);
  // A tool whose id changed but whose name did not is the same tool to its handler: pair by name.
  const unmatchedB = new Map<string, [string, Raw]>();
  for (const [id, b] of tb) if (!ta.has(id) && typeof b.name === 'string' && !unmatchedB.has(b.name)) unmatchedB.set(b.name, [id, b]);
  const pairedB = new Set<string>();
  for (const [id, a] of ta) {
    let b = tb.get(id);
    let target = `${prefix}tool:${id}`;
    if (!b && typeof a.name === 'string' && unmatchedB.has(a.name)) {
      const [idB, found] = unmatchedB.get(a.name)!;
      b = found;
      pairedB.add(idB);
      target = `${prefix}tool:${idB}`;
      out.add('tool-setting-changed', { target, ...toolName(b), field: 'tool_id', message: `${toolLabel(b)}: tool_id ${brief(a.tool_id)} → ${brief(b.tool_id)}`, before: a.tool_id, after: b.tool_id });
    }
    if (!b) out.add('tool-removed', { target, ...toolName(a), message: `${toolLabel(a)} removed`, ...withNotes(handlerNote(a, ctx)) });
    else diffTool(a, b, out, { target, handlers: ctx.handlers });
  }
  for (const [id, b] of tb) {
    if (!ta.has(id) && !pairedB.has(id)) out.add('tool-added', { target: `${prefix}tool:${id}`, ...toolName(b), message: `${toolLabel(b)} added${typeof b.type === 'string' ? ` (${b.type})` : ''}` });
  }
}

function toolName(tool: Raw): { tool?: string } {
  return typeof tool.name === 'string' ? { tool: tool.name } : {};
}

function handlerNote(tool: Raw, ctx: FlowDiffContext): string[] {
  return typeof tool.name === 'string' && ctx.handlers?.has(tool.name) ? [`handler ${tool.name}`] : [];
}

interface NodeContext extends FlowDiffContext {
  node: Change['node'];
  notes: string[];
  labelA: (scope: Scope, id: string | undefined) => string;
  labelB: (scope: Scope, id: string | undefined) => string;
}

function diffNode(na: GraphNode, nb: GraphNode, out: Changes, ctx: NodeContext): void {
  const a = na.raw;
  const b = nb.raw;
  // Most nodes of two versions are the same but for where they sit on the canvas: one walk settles them.
  if (sameExcept(a, b, isNodeNoise)) return;
  const target = ctx.node!.key;
  const base = { target, node: ctx.node, ...withNotes(ctx.notes) };
  const add = (kind: ChangeKindId, field: string, message: string, extra: Partial<Change> = {}) => out.add(kind, { ...base, field, message, ...extra });

  if (na.type !== nb.type) {
    // Retell moved tools off conversation nodes (2026-04-18): the same node as a subagent is a migration.
    if (na.type === 'conversation' && nb.type === 'subagent') {
      add('node-migrated', 'type', `conversation node migrated to a subagent node${same(toolIds(a), toolIds(b)) ? ' with the same tools' : ''}`, { before: na.type, after: nb.type });
    } else {
      add('node-type-changed', 'type', `type ${na.type} → ${nb.type}`, { before: na.type, after: nb.type });
    }
  }
  if (!same(a.name, b.name)) add('node-renamed', 'name', `renamed ${brief(a.name)} → ${brief(b.name)}`, { before: a.name, after: b.name });

  const ia = isObject(a.instruction) ? a.instruction : undefined;
  const ib = isObject(b.instruction) ? b.instruction : undefined;
  if (!same(ia?.type, ib?.type)) add('node-instruction-changed', 'instruction.type', `instruction type ${brief(ia?.type)} → ${brief(ib?.type)}`, { before: ia?.type, after: ib?.type });
  textChange(out, 'node-instruction-changed', target, 'instruction.text', 'instruction', ia?.text, ib?.text, base);
  for (const field of unionKeys(ia ?? {}, ib ?? {})) {
    if (field === 'type' || field === 'text' || same(ia?.[field], ib?.[field])) continue;
    add('node-instruction-changed', `instruction.${field}`, `instruction ${field} ${brief(ia?.[field])} → ${brief(ib?.[field])}`, { before: ia?.[field], after: ib?.[field] });
  }

  const toolsA = toolIds(a);
  const toolsB = toolIds(b);
  if (!same(toolsA, toolsB)) {
    // By name: a tool that kept its name under a new tool_id is reported once, on the tool.
    const names = (node: GraphNode, ids: string[]) => ids.map((id) => node.scope.toolsById.get(id)?.name ?? id);
    const na_ = names(na, toolsA);
    const nb_ = names(nb, toolsB);
    if (!same(na_, nb_)) {
      const removed = na_.filter((n) => !nb_.includes(n));
      const added = nb_.filter((n) => !na_.includes(n));
      const parts = [...(removed.length ? [`no longer calls ${removed.join(', ')}`] : []), ...(added.length ? [`now calls ${added.join(', ')}`] : [])];
      add('node-tool-changed', a.tool_id !== undefined || b.tool_id !== undefined ? 'tool_id' : 'tool_ids', parts.join('; ') || 'tool order changed', { before: na_, after: nb_ });
    }
  }
  // Inline tools of a subagent, by name.
  const inline = (raw: Raw) => new Map((Array.isArray(raw.tools) ? raw.tools.filter(isObject) : []).map((t, i) => [typeof t.name === 'string' ? t.name : `#${i}`, t] as const));
  const inA = inline(a);
  const inB = inline(b);
  for (const [name, t] of inA) {
    const u = inB.get(name);
    if (!u) add('tool-removed', `tools.${name}`, `inline ${toolLabel(t)} removed`, { target: `${target}/tool:${name}`, ...toolName(t) });
    else diffTool(t, u, out, { target: `${target}/tool:${name}`, node: ctx.node, handlers: ctx.handlers, notes: ctx.notes });
  }
  for (const [name, u] of inB) if (!inA.has(name)) add('tool-added', `tools.${name}`, `inline ${toolLabel(u)} added`, { target: `${target}/tool:${name}`, ...toolName(u) });

  const ga = isObject(a.global_node_setting) ? a.global_node_setting : undefined;
  const gb = isObject(b.global_node_setting) ? b.global_node_setting : undefined;
  if (!ga !== !gb) add('global-node-changed', 'global_node_setting', gb ? 'became a global node' : 'is no longer a global node', { before: ga?.condition, after: gb?.condition });
  else if (ga && gb) {
    textChange(out, 'global-node-changed', target, 'global_node_setting.condition', 'global entry condition', ga.condition, gb.condition, base);
    for (const field of unionKeys(ga, gb)) {
      if (field === 'condition' || field === 'go_back_conditions' || same(ga[field], gb[field])) continue;
      add('global-node-changed', `global_node_setting.${field}`, `global setting ${field} ${brief(ga[field])} → ${brief(gb[field])}`, { before: ga[field], after: gb[field] });
    }
  }
  modelChange(out, target, 'model_choice', 'node', a, b, 'node-setting-changed', base);

  for (const field of unionKeys(a, b)) {
    if (NODE_OWN.has(field) || isNoise(NODE_NOISE, field) || same(a[field], b[field])) continue;
    add('node-setting-changed', field, `${field} ${brief(a[field])} → ${brief(b[field])}`, { before: a[field], after: b[field] });
  }

  diffEdges(na, nb, out, ctx, base);
}

function toolIds(raw: Raw): string[] {
  if (typeof raw.tool_id === 'string') return [raw.tool_id];
  if (Array.isArray(raw.tool_ids)) return raw.tool_ids.filter((t): t is string => typeof t === 'string');
  return [];
}

const EDGE_NAMES: Record<GraphEdge['kind'], string> = {
  normal: 'transition',
  else: 'else transition',
  always: 'always transition',
  'skip-response': 'skip-response transition',
  'transfer-failed': 'transfer-failed transition',
  'swap-failed': 'swap-failed transition',
  'sms-success': 'SMS-sent transition',
  'sms-failed': 'SMS-failed transition',
  'go-back': 'go-back condition',
};

function edgeLabel(e: GraphEdge): string {
  const c = e.condition;
  if (e.kind === 'normal' || e.kind === 'go-back') {
    if (c?.type === 'prompt' && typeof c.prompt === 'string') return `${EDGE_NAMES[e.kind]} ${brief(c.prompt, 60)}`;
    if (c?.type === 'equation') return `${EDGE_NAMES[e.kind]} [${equationText(c)}]`;
    if (e.id) return `${EDGE_NAMES[e.kind]} ${e.id}`;
  }
  return EDGE_NAMES[e.kind];
}

function diffEdges(na: GraphNode, nb: GraphNode, out: Changes, ctx: NodeContext, base: Partial<Change>): void {
  const ea = byKey(na.out, edgeKey);
  const eb = byKey(nb.out, edgeKey);
  const removed: [string, GraphEdge][] = [];
  for (const [key, a] of ea) {
    const b = eb.get(key);
    if (!b) {
      removed.push([key, a]);
      continue;
    }
    if (a.kind !== 'go-back' && !same(a.destinationId, b.destinationId)) {
      out.add('edge-rewired', { ...base, target: key, field: 'destination_node_id', message: `${edgeLabel(b)} now goes to ${ctx.labelB(nb.scope, b.destinationId)} (was ${ctx.labelA(na.scope, a.destinationId)})`, before: a.destinationId, after: b.destinationId });
    }
    diffCondition(a, b, key, out, base);
    for (const field of unionKeys(a.raw, b.raw)) {
      if (field === 'id' || field === 'destination_node_id' || field === 'transition_condition' || isNoise(NODE_NOISE, field) || same(a.raw[field], b.raw[field])) continue;
      out.add('condition-changed', { ...base, target: key, field, message: `${edgeLabel(b)}: ${field} ${brief(a.raw[field])} → ${brief(b.raw[field])}`, before: a.raw[field], after: b.raw[field] });
    }
  }
  const added = [...eb].filter(([key]) => !ea.has(key));
  // An edge without an id is known by its destination, so rewiring it changes its key: the same
  // condition on the same node, one edge gone and one new, is one rewire.
  for (const [key, a] of removed) {
    const i = a.id ? -1 : added.findIndex(([, b]) => !b.id && b.kind === a.kind && a.kind === 'normal' && same(a.condition, b.condition));
    if (i >= 0) {
      const [keyB, b] = added.splice(i, 1)[0]!;
      out.add('edge-rewired', { ...base, target: keyB, field: 'destination_node_id', message: `${edgeLabel(b)} now goes to ${ctx.labelB(nb.scope, b.destinationId)} (was ${ctx.labelA(na.scope, a.destinationId)})`, before: a.destinationId, after: b.destinationId });
      continue;
    }
    out.add('edge-removed', { ...base, target: key, message: `${edgeLabel(a)} to ${ctx.labelA(na.scope, a.destinationId)} removed` });
  }
  for (const [key, b] of added) out.add('edge-added', { ...base, target: key, message: `${edgeLabel(b)} to ${ctx.labelB(nb.scope, b.destinationId)} added` });
}

function equationClauses(c: Raw): string[] {
  const list = Array.isArray(c.equations) ? c.equations.filter(isObject) : [];
  return list.map((e) => [e.left, e.operator, e.right].filter((p) => p !== undefined && p !== '').map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' '));
}

function equationText(c: Raw): string {
  const joiner = c.operator === '||' || c.operator === 'any' ? ' || ' : ' && ';
  return equationClauses(c).join(joiner);
}

/** Prompts get a word-level diff; equations a structural one (clauses removed and added, all/any). */
function diffCondition(a: GraphEdge, b: GraphEdge, key: string, out: Changes, base: Partial<Change>): void {
  const ca = a.condition ?? (a.raw.transition_condition as Raw | undefined);
  const cb = b.condition ?? (b.raw.transition_condition as Raw | undefined);
  if (same(ca, cb)) return;
  const add = (message: string, extra: Partial<Change> = {}) => out.add('condition-changed', { ...base, target: key, field: 'transition_condition', message, ...extra });
  const what = edgeLabel(b);
  if (ca?.type === 'prompt' && cb?.type === 'prompt' && typeof ca.prompt === 'string' && typeof cb.prompt === 'string' && ca.prompt !== cb.prompt) {
    add(`${EDGE_NAMES[b.kind]}${b.kind === 'go-back' ? '' : ' condition'} changed`, { field: 'transition_condition.prompt', before: ca.prompt, after: cb.prompt, words: wordDiff(ca.prompt, cb.prompt) });
  } else if (ca?.type === 'equation' && cb?.type === 'equation') {
    const qa = equationClauses(ca);
    const qb = equationClauses(cb);
    const removed = qa.filter((q) => !qb.includes(q));
    const added = qb.filter((q) => !qa.includes(q));
    const parts = [...removed.map((q) => `- ${q}`), ...added.map((q) => `+ ${q}`)];
    if (!same(ca.operator ?? '&&', cb.operator ?? '&&')) parts.push(`clauses joined by ${String(ca.operator ?? '&&')} → ${String(cb.operator ?? '&&')}`);
    if (parts.length > 0) add(`${EDGE_NAMES[b.kind]} equation: ${parts.join('; ')}`, { field: 'transition_condition.equations', before: equationText(ca), after: equationText(cb) });
  } else if (!same(ca?.type, cb?.type)) {
    add(`${what}: condition type ${brief(ca?.type)} → ${brief(cb?.type)}`, { before: ca, after: cb });
  }
  // Other condition fields (the prompt text and equations are handled above).
  if (ca && cb && same(ca.type, cb.type)) {
    for (const field of unionKeys(ca, cb)) {
      if (field === 'type' || field === 'prompt' || field === 'equations' || field === 'operator' || same(ca[field], cb[field])) continue;
      add(`${what}: condition ${field} ${brief(ca[field])} → ${brief(cb[field])}`, { field: `transition_condition.${field}`, before: ca[field], after: cb[field] });
    }
  }
}

function textChange(out: Changes, kind: ChangeKindId, target: string, field: string, what: string, a: unknown, b: unknown, base: Partial<Change>): void {
  if (same(a, b)) return;
  if (typeof a === 'string' && typeof b === 'string') {
    out.add(kind, { target, ...base, field, message: `${what} changed`, before: a, after: b, words: wordDiff(a, b) });
  } else {
    out.add(kind, { target, ...base, field, message: a === undefined ? `${what} added` : b === undefined ? `${what} removed` : `${what} changed`, before: a, after: b });
  }
}

/**
 * `model_choice {type: cascading, model}` becoming the newer `{type, primary, backup, temperature}`
 * settings with the same model is a migration, not a model change.
 */
function modelChange(out: Changes, target: string, field: string, where: string, a: Raw, b: Raw, kind: ChangeKindId, base: Partial<Change>): void {
  const ma = a[field];
  const mb = b[field];
  if (same(ma, mb)) return;
  const model = (m: unknown): unknown => (isObject(m) ? (m.model ?? (isObject(m.primary) ? m.primary.model : m.primary)) : undefined);
  if (isObject(ma) && isObject(mb) && ma.model !== undefined && mb.model === undefined && mb.primary !== undefined && same(model(ma), model(mb))) {
    out.add('node-migrated', { target, ...base, field, message: `${where}: model_choice migrated to the new model settings (same model ${brief(model(mb))})`, before: ma, after: mb });
    return;
  }
  out.add(kind, { target, ...base, field, message: `${field} ${brief(ma)} → ${brief(mb)}`, before: ma, after: mb });
}


function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}
