/**
 * `retell-kit diff`: what changed between two versions of an agent or a flow, as a reviewer of a
 * voice agent thinks about it. Nodes and edges are matched by their flow/identity.ts keys (never by
 * position), so moving nodes on the canvas or reordering them is no change. Every change has a kind
 * from the one table (kinds.ts) and a severity CI can gate on.
 */
import { findingKey, type Diagnostic } from '../diagnostic.js';
import { KitError } from '../errors.js';
import { buildGraph, label as nodeLabel } from '../flow/graph.js';
import { flowAt, nodeKey } from '../flow/identity.js';
import { findFlows, type FlowInput, type LoadedFile } from '../flow/load.js';
import { lintLoaded, type LintOptions } from '../validators/engine.js';
import { lintFlow } from '../validators/lint.js';
import { diffAgentSettings } from './agent.js';
import type { Change } from './change.js';
import { Changes } from './collect.js';
import { diffGraphs } from './flow.js';
import { CHANGE_KIND_IDS, CHANGE_KINDS, isChangeKind, meetsThreshold, severityRank, type ChangeKindId, type DiffSeverity, type FailOn } from './kinds.js';
import { applyUsage, type Usage } from './usage.js';
import { isObject } from './values.js';

export type { Change } from './change.js';
export { CHANGE_KINDS, CHANGE_KIND_IDS, DIFF_SEVERITIES, isChangeKind, meetsThreshold, type ChangeKindId, type DiffSeverity, type FailOn } from './kinds.js';
export type { WordPart } from './words.js';
export { loadUsage, applyUsage, type Usage } from './usage.js';
export { formatText } from './format/text.js';
export { formatJson } from './format/json.js';
export { formatMarkdown } from './format/markdown.js';
export { loadSide, gitSide, remoteSide, isRemoteRef, loadTree, gitTree, isTreeFolder, type LoadSideOptions } from './inputs.js';

type Raw = Record<string, unknown>;

/** One version: an agent's settings and/or its flows, and the file they came from (for lint). */
export interface DiffSide {
  /** How reports name it: a path, `path@rev`, `agent_x@3`. */
  label: string;
  agent?: Raw;
  flows: FlowInput[];
  /** The loaded file of the flows, so lint findings keep their lines; without it flows are linted as objects. */
  file?: LoadedFile;
}

export interface DiffOptions {
  /** Per change kind: another severity, or 'off' to drop it (config `diff.severity`). */
  severity?: Partial<Record<string, DiffSeverity | 'off'>>;
  /** Compare lint findings too (default true). */
  lint?: boolean;
  lintOptions?: LintOptions;
  /** Function names with a handler in the project's config: tool changes name the handler they affect. */
  handlers?: Iterable<string>;
  /** What recorded calls used (loadUsage): changes nothing used drop a level, used ones are marked hot. */
  usage?: Usage;
}

export interface DiffSummary {
  breaking: number;
  warning: number;
  info: number;
  total: number;
}

export interface DiffResult {
  a: string;
  b: string;
  changes: Change[];
  summary: DiffSummary;
  /** With --usage: how many calls, and how many nodes and tools they used. */
  usage?: { calls: number; callsWithNodes: number; nodes: number; tools: number };
}

/** Diff two flows given as objects (or as any shape lint loads: an agent export, a list response). */
export function diffFlows(a: object, b: object, options: DiffOptions = {}): DiffResult {
  return diffSides(sideOf(a, 'a'), sideOf(b, 'b'), options);
}

/** Diff two agents (dashboard exports, or agent objects with their flow under conversationFlow): settings, global prompt and flow. */
export function diffAgents(a: object, b: object, options: DiffOptions = {}): DiffResult {
  return diffSides(sideOf(a, 'a', true), sideOf(b, 'b', true), options);
}

function sideOf(value: object, label: string, agent = false): DiffSide {
  const { flows } = findFlows(value);
  const isAgent = agent || (isObject(value) && !Array.isArray((value as Raw).nodes) && flows.every((f) => f.pointer !== ''));
  return { label, flows, ...(isAgent && isObject(value) && { agent: value as Raw }) };
}

export function diffSides(a: DiffSide, b: DiffSide, options: DiffOptions = {}): DiffResult {
  const agentOnly = (s: DiffSide) => s.agent !== undefined && s.flows.length === 0;
  const flowOnly = (s: DiffSide) => s.agent === undefined && s.flows.length > 0;
  if ((agentOnly(a) && flowOnly(b)) || (flowOnly(a) && agentOnly(b))) {
    const [agent, flow] = agentOnly(a) ? [a, b] : [b, a];
    throw new KitError('usage', `${agent.label} is an agent without its flow and ${flow.label} is a flow: nothing to compare them by`, {
      hint: 'compare an agent with an agent and a flow with a flow; a pull folder (agent.json + conversation-flow.json) holds both',
    });
  }
  const out = new Changes();
  const handlers = options.handlers ? new Set(options.handlers) : undefined;
  if (a.agent && b.agent) diffAgentSettings(a.agent, b.agent, out);

  const pairs = pairFlows(a.flows, b.flows);
  const several = pairs.length > 1;
  const labelOf = new Map<FlowInput, string>();
  // Node names by flow and key, so lint findings are grouped and titled like the node's other changes.
  const labels = new Map<string, string>();
  for (const [fa, fb, label] of pairs) {
    if (fa) labelOf.set(fa, label);
    if (fb) labelOf.set(fb, label);
    out.flow = several ? label : undefined;
    if (!fa) out.add('flow-added', { target: `flow:${label}`, message: `flow ${label} added` });
    else if (!fb) out.add('flow-removed', { target: `flow:${label}`, message: `flow ${label} removed` });
    else {
      const ga = buildGraph(fa, a.label);
      const gb = buildGraph(fb, b.label);
      for (const g of [ga, gb]) for (const n of g.nodes) labels.set(`${label}\u0000${nodeKey(n)}`, nodeLabel(n));
      diffGraphs(ga, gb, out, { ...(handlers && { handlers }) });
    }
  }
  out.flow = undefined;
  if (options.lint !== false && a.flows.length > 0 && b.flows.length > 0) lintDelta(a, b, labelOf, labels, out, options.lintOptions ?? {}, several);

  const changes = adjust(out.list, options.severity ?? {}, options.usage);
  return { a: a.label, b: b.label, changes, summary: summarise(changes), ...(options.usage && { usage: { calls: options.usage.calls, callsWithNodes: options.usage.callsWithNodes, nodes: options.usage.nodes.size, tools: options.usage.tools.size } }) };
}

/** Flows are matched by conversation_flow_id, then by their place in the file; one flow each side always pairs. */
function pairFlows(a: FlowInput[], b: FlowInput[]): [FlowInput | undefined, FlowInput | undefined, string][] {
  if (a.length === 1 && b.length === 1) return [[a[0], b[0], a[0]!.flowId.startsWith('#') ? b[0]!.flowId : a[0]!.flowId]];
  const pairs: [FlowInput | undefined, FlowInput | undefined, string][] = [];
  const taken = new Set<FlowInput>();
  for (const fa of a) {
    const fb = b.find((f) => !taken.has(f) && f.flowId === fa.flowId) ?? b.find((f) => !taken.has(f) && f.pointer === fa.pointer && f.flowId.startsWith('#'));
    if (fb) taken.add(fb);
    pairs.push([fa, fb, fa.flowId]);
  }
  for (const fb of b) if (!taken.has(fb)) pairs.push([undefined, fb, fb.flowId]);
  return pairs;
}

const ANYWHERE = { cwd: '/', root: '/' };
const LINT_SEVERITY: Record<Diagnostic['severity'], DiffSeverity> = { error: 'breaking', warning: 'warning', info: 'info' };

/** Findings b introduces and findings it fixes: the one finding identity's set difference. */
function lintDelta(a: DiffSide, b: DiffSide, labelOf: Map<FlowInput, string>, labels: Map<string, string>, out: Changes, options: LintOptions, several: boolean): void {
  const keyed = (side: DiffSide) => {
    const map = new Map<string, Diagnostic>();
    const diagnostics = side.file ? lintLoaded(side.file, options).diagnostics : side.flows.flatMap((f) => lintFlow(f.value, options).diagnostics);
    for (const d of diagnostics) {
      // The flow's identity is its pair's, so a file renamed between versions keeps its findings.
      const flow = side.file ? flowAt(side.flows, d.pointer) : side.flows[0];
      const pair = flow ? labelOf.get(flow) ?? '' : '';
      const key = findingKey({ ...d, file: '<diff>', flowId: `pair:${pair}` }, ANYWHERE);
      if (!map.has(key)) map.set(key, { ...d, flowId: pair });
    }
    return map;
  };
  const before = keyed(a);
  const after = keyed(b);
  const node = (d: Diagnostic): Change['node'] | undefined => {
    if (!d.nodeId || !d.targetKey) return undefined;
    const at = d.targetKey.search(/\/(edge|go-back|else|always|skip-response|transfer-failed|swap-failed|sms-success|sms-failed|global)\b/);
    const key = at > 0 ? d.targetKey.slice(0, at) : d.targetKey;
    return { key, id: d.nodeId, label: labels.get(`${d.flowId ?? ''}\u0000${key}`) ?? `"${d.nodeId}"` };
  };
  const flowOf = (d: Diagnostic) => (several && d.flowId ? { flow: d.flowId } : {});
  // A finding with the same rule and the same words on both sides is the same complaint even when its
  // target moved; so is one about the same id (no-duplicate-id reports whichever holder comes second
  // in the file, so a node reorder moves it from one holder to the other).
  const words = (d: Diagnostic) => `${d.ruleId}\u0000${d.flowId ?? ''}\u0000${d.messageId}\u0000${typeof d.data.id === 'string' ? `id=${d.data.id}` : d.message}`;
  const introduced = [...after].filter(([key]) => !before.has(key));
  const fixed = [...before].filter(([key]) => !after.has(key));
  const fixedWords = new Map<string, number>();
  for (const [, d] of fixed) fixedWords.set(words(d), (fixedWords.get(words(d)) ?? 0) + 1);
  const moved = new Map<string, number>();
  for (const [, d] of introduced) {
    const w = words(d);
    if ((fixedWords.get(w) ?? 0) > (moved.get(w) ?? 0)) moved.set(w, (moved.get(w) ?? 0) + 1);
  }
  const take = (d: Diagnostic, counts: Map<string, number>) => {
    const n = counts.get(words(d)) ?? 0;
    if (n === 0) return false;
    counts.set(words(d), n - 1);
    return true;
  };
  const movedIn = new Map(moved);
  const movedOut = new Map(moved);
  for (const [, d] of introduced) {
    if (take(d, movedIn)) continue;
    const n = node(d);
    const change = out.add('lint-finding-introduced', { target: d.targetKey ?? 'flow', ...(n && { node: n }), ...flowOf(d), message: `new ${d.severity} ${d.ruleId}: ${d.message}`, field: d.ruleId });
    change.severity = change.defaultSeverity = LINT_SEVERITY[d.severity];
  }
  for (const [, d] of fixed) {
    if (take(d, movedOut)) continue;
    const n = node(d);
    out.add('lint-finding-fixed', { target: d.targetKey ?? 'flow', ...(n && { node: n }), ...flowOf(d), message: `fixed ${d.severity} ${d.ruleId}: ${d.message}`, field: d.ruleId });
  }
}

const KIND_ORDER = new Map<string, number>(CHANGE_KIND_IDS.map((id, i) => [id, i]));

/** Config overrides, then parts nothing reaches drop to info; sorted for stable reports. */
function adjust(changes: Change[], overrides: Partial<Record<string, DiffSeverity | 'off'>>, usage: Usage | undefined): Change[] {
  const kept: Change[] = [];
  for (const change of changes) {
    const override = overrides[change.kind];
    if (override === 'off') continue;
    if (override) change.severity = override;
    if (change.notes?.some((n) => n.startsWith('unreachable') || n.startsWith('unused')) && change.severity !== 'info') {
      change.notes = [...change.notes, `${change.severity} lowered to info: nothing reaches it`];
      change.severity = 'info';
    }
    kept.push(change);
  }
  if (usage) applyUsage(kept, usage);
  return kept.sort(compareChanges);
}

export function compareChanges(a: Change, b: Change): number {
  const fa = a.flow ?? '';
  const fb = b.flow ?? '';
  if (fa !== fb) return fa < fb ? -1 : 1;
  const ga = groupKey(a);
  const gb = groupKey(b);
  if (ga !== gb) return ga < gb ? -1 : 1;
  if (a.target !== b.target) return a.target < b.target ? -1 : 1;
  const ka = KIND_ORDER.get(a.kind)!;
  const kb = KIND_ORDER.get(b.kind)!;
  if (ka !== kb) return ka - kb;
  if ((a.field ?? '') !== (b.field ?? '')) return (a.field ?? '') < (b.field ?? '') ? -1 : 1;
  return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
}

/** What reports group a change under: its node, else its target's first part (agent, flow, tool:x). */
export function groupKey(change: Change): string {
  if (change.node) return `2 ${change.node.key}`;
  if (change.target.startsWith('agent')) return '0 agent';
  if (change.target.includes('tool:')) return `3 ${change.target}`;
  return `1 ${change.target}`;
}

export function summarise(changes: readonly Change[]): DiffSummary {
  const s: DiffSummary = { breaking: 0, warning: 0, info: 0, total: changes.length };
  for (const c of changes) s[c.severity]++;
  return s;
}

/** True when some change is at or above the threshold: the exit code's question. */
export function fails(result: DiffResult, failOn: FailOn): boolean {
  return result.changes.some((c) => meetsThreshold(c.severity, failOn));
}

/** Check a config's `diff.severity` keys: an unknown kind is a usage error, not a silent no-op. */
export function unknownKinds(overrides: Record<string, unknown>): string[] {
  return Object.keys(overrides).filter((k) => !isChangeKind(k));
}

export function worst(changes: readonly Change[]): DiffSeverity | undefined {
  let best: DiffSeverity | undefined;
  for (const c of changes) if (!best || severityRank(c.severity) < severityRank(best)) best = c.severity;
  return best;
}

export const KIND_TABLE: readonly { id: ChangeKindId; severity: DiffSeverity; summary: string }[] = CHANGE_KIND_IDS.map((id) => ({ id, ...CHANGE_KINDS[id] }));

/**
 * Two folders of flows and pull folders (`flows/`, `agents/`), matched by relative path: each pair is
 * diffed, its changes named by that path; a path on one side only is flow-added or flow-removed.
 */
export function diffTrees(a: Map<string, DiffSide>, b: Map<string, DiffSide>, labels: { a: string; b: string }, options: DiffOptions = {}): DiffResult {
  const changes: Change[] = [];
  const keys = [...new Set([...a.keys(), ...b.keys()])].sort();
  for (const key of keys) {
    const sa = a.get(key);
    const sb = b.get(key);
    if (sa && sb) {
      for (const c of diffSides(sa, sb, options).changes) changes.push({ ...c, flow: c.flow ? `${key} ${c.flow}` : key });
      continue;
    }
    const kind: ChangeKindId = sa ? 'flow-removed' : 'flow-added';
    const severity = options.severity?.[kind];
    if (severity === 'off') continue;
    const base = CHANGE_KINDS[kind].severity;
    changes.push({ kind, severity: severity ?? base, defaultSeverity: base, target: `file:${key}`, flow: key, message: `${key} ${sa ? 'removed' : 'added'}` });
  }
  changes.sort(compareChanges);
  return { a: labels.a, b: labels.b, changes, summary: summarise(changes) };
}
