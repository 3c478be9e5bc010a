// The picture of one flow as plain data: nodes with their shape, lint status and coverage, edges with
// their short and full condition, clusters for components and global nodes. Every renderer (Mermaid,
// DOT, SVG, HTML) draws this model and nothing else, so they agree on what is there.
import type { Diagnostic, Severity } from '../diagnostic.js';
import { isTerminal, type EdgeKind, type FlowGraph, type GraphEdge, type GraphNode, type Scope } from '../flow/graph.js';
import { edgeKey, globalEntryKey, nodeKey, scopeKey } from '../flow/identity.js';
import type { Coverage, CoverageSummary } from './coverage.js';

/** How a node is drawn: one shape per family of Retell node types. */
export type NodeShape = 'conversation' | 'subagent' | 'function' | 'branch' | 'transfer' | 'end' | 'component' | 'extract' | 'sms' | 'press-digit' | 'unknown';

const SHAPE_BY_TYPE: Readonly<Record<string, NodeShape>> = {
  conversation: 'conversation',
  subagent: 'subagent',
  function: 'function',
  code: 'function',
  mcp: 'function',
  branch: 'branch',
  transfer_call: 'transfer',
  agent_swap: 'transfer',
  bridge_transfer: 'transfer',
  cancel_transfer: 'transfer',
  end: 'end',
  component: 'component',
  extract_dynamic_variables: 'extract',
  sms: 'sms',
  press_digit: 'press-digit',
};

export function shapeOf(type: string): NodeShape {
  return SHAPE_BY_TYPE[type] ?? 'unknown';
}

/** Lint status of a node or edge: its worst finding; `unchecked` with --no-lint. */
export type LintStatus = Severity | 'clean' | 'unchecked';

export interface GraphFinding {
  ruleId: string;
  severity: Severity;
  message: string;
}

export interface NodeCoverageMark {
  /** Recorded calls that passed through the node (each call once). */
  calls: number;
  /** Calls whose last node was this one. */
  ended: number;
  /** Calls that ended here without reaching a node that ends or hands off the call. */
  stuck: number;
  /** Mean seconds a call spent in the node per visit, when the transcript had times. */
  meanSec?: number;
  /** The node where calls stayed longest on average. */
  longest?: boolean;
}

export interface ModelNode {
  /** flow/identity.ts key: stable across reformatting. */
  key: string;
  /** [A-Za-z0-9_] and unique in the model: safe as a Mermaid or DOT id and an SVG element id. */
  safeId: string;
  /** The node's id in the flow ('' when it has none). */
  id: string;
  name?: string;
  type: string;
  shape: NodeShape;
  /** The cluster (component or global nodes) the node is drawn in; undefined for the flow's main part. */
  cluster?: string;
  isStart: boolean;
  isGlobal: boolean;
  /** A global node's entry condition (global_node_setting.condition). */
  globalCondition?: string;
  /** Ends or hands off the call (end, transfer, swap, a subagent with an end tool). */
  terminal: boolean;
  findings: GraphFinding[];
  status: LintStatus;
  coverage?: NodeCoverageMark;
}

/** Edges the model draws beyond the flow's own: into a component, back out of it, and go-back. */
export type ModelEdgeKind = EdgeKind | 'start' | 'component-enter' | 'component-exit';

export interface ModelEdge {
  /** flow/identity.ts key for the flow's edges; a derived key for drawn-only ones. */
  key: string;
  safeId: string;
  from: string;
  to: string;
  kind: ModelEdgeKind;
  /** Shortened condition or kind, for the line itself. */
  label: string;
  /** The whole condition, for a tooltip. */
  fullLabel: string;
  /** Drawn only (start marker, component entry/exit): not an edge of the flow, not counted in coverage. */
  derived: boolean;
  findings: GraphFinding[];
  status: LintStatus;
  /** Recorded calls that took the edge (with --coverage). */
  calls?: number;
}

/** Nodes that are not nodes of the flow: the start marker, "back to the previous node", a missing destination. */
export interface PseudoNode {
  safeId: string;
  kind: 'start' | 'back' | 'missing';
  label: string;
  cluster?: string;
}

export interface ModelCluster {
  safeId: string;
  kind: 'component' | 'global';
  title: string;
  /** The component's own cluster a global-nodes cluster sits in. */
  parent?: string;
}

export interface GraphModel {
  file: string;
  flowId: string;
  title: string;
  nodes: ModelNode[];
  edges: ModelEdge[];
  pseudo: PseudoNode[];
  clusters: ModelCluster[];
  lint: { checked: boolean; errors: number; warnings: number; infos: number; flowFindings: GraphFinding[] };
  coverage?: CoverageSummary;
}

export interface ModelOptions {
  /** Lint findings of the file (lintLoaded); undefined draws every node as unchecked. */
  diagnostics?: readonly Diagnostic[];
  /** What recorded calls did (computeCoverage). */
  coverage?: Coverage;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

function statusOf(findings: readonly GraphFinding[], checked: boolean): LintStatus {
  if (!checked) return 'unchecked';
  let worst: Severity | undefined;
  for (const f of findings) if (!worst || SEVERITY_RANK[f.severity] > SEVERITY_RANK[worst]) worst = f.severity;
  return worst ?? 'clean';
}

/** Turns any string into a unique [A-Za-z0-9_] id with a prefix (Mermaid keywords such as `end` cannot collide). */
export function safeIdMaker(): (prefix: string, raw: string) => string {
  const used = new Set<string>();
  return (prefix, raw) => {
    const base = `${prefix}${raw.normalize('NFKD').replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 48)}` || prefix;
    let id = base;
    for (let n = 2; used.has(id); n++) id = `${base}_${n}`;
    used.add(id);
    return id;
  };
}

/** One line of text: whitespace runs (newlines too) become one space. */
export function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** At most `max` characters, cut at a word where one is near, with an ellipsis. */
export function shorten(text: string, max = 40): string {
  const line = oneLine(text);
  if (line.length <= max) return line;
  const cut = line.slice(0, max - 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

const KIND_LABEL: Record<ModelEdgeKind, string> = {
  normal: '',
  else: 'else',
  always: 'always',
  'skip-response': 'skip response',
  'transfer-failed': 'transfer failed',
  'swap-failed': 'swap failed',
  'sms-success': 'SMS sent',
  'sms-failed': 'SMS failed',
  'go-back': 'go back',
  start: '',
  'component-enter': 'enter',
  'component-exit': 'exit',
};

/** A transition condition as text: the prompt, the equations joined by their operator, or the expression. */
export function conditionText(condition: Record<string, unknown> | undefined): string {
  if (!condition) return '';
  const type = condition.type;
  if (typeof condition.prompt === 'string' && (type === 'prompt' || type === undefined)) return oneLine(condition.prompt);
  if (Array.isArray(condition.equations)) {
    const join = condition.operator === '||' ? ' || ' : ' && ';
    return condition.equations
      .map((e) => {
        if (typeof e !== 'object' || e === null) return '?';
        const q = e as Record<string, unknown>;
        return [q.left, q.operator, q.right].filter((p) => typeof p === 'string' && p !== '').join(' ');
      })
      .join(join);
  }
  if (typeof condition.expression === 'string') return oneLine(condition.expression);
  if (typeof condition.function_result_expression === 'string') return `result: ${oneLine(condition.function_result_expression)}`;
  if (typeof condition.prompt === 'string') return oneLine(condition.prompt);
  return typeof type === 'string' ? type : '';
}

function edgeText(edge: GraphEdge): string {
  const kind = KIND_LABEL[edge.kind];
  const condition = conditionText(edge.condition);
  if (edge.kind === 'normal' || edge.kind === 'go-back') return condition ? (edge.kind === 'go-back' ? `go back: ${condition}` : condition) : kind;
  // Dashboard exports write the kind itself as the condition ("Else", "Transfer failed"): say it once.
  if (condition.toLowerCase() === kind.toLowerCase() || condition.toLowerCase() === edge.kind.replace(/-/g, ' ')) return kind;
  return condition ? `${kind}: ${condition}` : kind;
}

function scopeTitle(scope: Scope): string {
  return `component: ${oneLine(scope.name ?? scope.id)}`;
}

/**
 * The model of one flow graph. Findings attach to the node or edge they name (targetKey), else to the
 * node whose JSON lies around their pointer; what is on no node (flow-level findings) is listed apart.
 */
export function buildModel(graph: FlowGraph, options: ModelOptions = {}): GraphModel {
  const checked = options.diagnostics !== undefined;
  const coverage = options.coverage;
  const safeId = safeIdMaker();
  const nodes: ModelNode[] = [];
  const edges: ModelEdge[] = [];
  const pseudo: PseudoNode[] = [];
  const clusters: ModelCluster[] = [];

  // Clusters: one per component, and one for each scope's global nodes.
  const clusterOfScope = new Map<Scope, string>();
  for (const scope of graph.components) {
    const id = safeId('c_', scopeKey(scope).replace(/^component[:=]?/, ''));
    clusterOfScope.set(scope, id);
    clusters.push({ safeId: id, kind: 'component', title: scopeTitle(scope) });
  }
  const globalCluster = new Map<Scope, string>();
  for (const scope of [graph.root, ...graph.components]) {
    if (!scope.nodes.some((n) => n.isGlobal)) continue;
    const id = safeId('g_', scope.kind === 'flow' ? 'flow' : scope.id);
    globalCluster.set(scope, id);
    clusters.push({ safeId: id, kind: 'global', title: 'global nodes: entered from anywhere when their condition holds', ...(clusterOfScope.has(scope) && { parent: clusterOfScope.get(scope)! }) });
  }

  // Findings by key, and by node pointer for the rest.
  const byKey = new Map<string, GraphFinding[]>();
  const flowFindings: GraphFinding[] = [];
  const nodeByPointer = new Map<string, GraphNode>(graph.nodes.map((n) => [n.pointer, n]));
  const nodeKeys = new Map<GraphNode, string>(graph.nodes.map((n) => [n, nodeKey(n)]));
  const add = (key: string, f: GraphFinding) => {
    const list = byKey.get(key);
    if (list) list.push(f);
    else byKey.set(key, [f]);
  };
  let errors = 0;
  let warnings = 0;
  let infos = 0;
  for (const d of options.diagnostics ?? []) {
    if (d.flowId !== undefined && d.flowId !== graph.flowId) continue;
    if (d.severity === 'error') errors++;
    else if (d.severity === 'warning') warnings++;
    else infos++;
    const f: GraphFinding = { ruleId: d.ruleId, severity: d.severity, message: d.message };
    if (d.targetKey) {
      add(d.targetKey, f);
      continue;
    }
    // The innermost node whose pointer is a prefix of the finding's.
    let node: GraphNode | undefined;
    for (let p = d.pointer; p && !node; p = p.slice(0, Math.max(0, p.lastIndexOf('/')))) node = nodeByPointer.get(p);
    if (node) add(nodeKeys.get(node)!, f);
    else flowFindings.push(f);
  }

  const modelOf = new Map<GraphNode, ModelNode>();
  for (const node of graph.nodes) {
    const key = nodeKeys.get(node)!;
    const own = byKey.get(key) ?? [];
    // A finding on an edge colours the node it leaves too: that is where the fix goes.
    const onEdges = node.out.flatMap((e) => byKey.get(edgeKey(e)) ?? []);
    const onEntry = node.isGlobal ? (byKey.get(globalEntryKey(node)) ?? []) : [];
    const findings = [...own, ...onEntry, ...onEdges];
    const setting = node.raw.global_node_setting as Record<string, unknown> | undefined;
    const m: ModelNode = {
      key,
      safeId: safeId('n_', node.id || `${node.index}`),
      id: node.id,
      type: node.type,
      shape: shapeOf(node.type),
      isStart: node.scope.start === node,
      isGlobal: node.isGlobal,
      terminal: isTerminal(node),
      findings,
      status: statusOf(findings, checked),
    };
    if (node.name?.trim()) m.name = oneLine(node.name);
    const cluster = node.isGlobal ? globalCluster.get(node.scope) : clusterOfScope.get(node.scope);
    if (cluster) m.cluster = cluster;
    if (node.isGlobal && typeof setting?.condition === 'string') m.globalCondition = oneLine(setting.condition);
    const mark = coverage?.nodes.get(key);
    if (coverage) m.coverage = mark ? { ...mark } : { calls: 0, ended: 0, stuck: 0 };
    modelOf.set(node, m);
    nodes.push(m);
  }

  const pushEdge = (e: Omit<ModelEdge, 'safeId' | 'status'> & { findings: GraphFinding[] }) => {
    edges.push({ ...e, safeId: safeId('e_', `${e.from}_${e.to}`), status: statusOf(e.findings, checked) });
  };

  // The start marker of the flow.
  if (graph.root.start) {
    pseudo.push({ safeId: safeId('p_', 'start'), kind: 'start', label: 'start' });
    pushEdge({ key: 'start', from: pseudo[0]!.safeId, to: modelOf.get(graph.root.start)!.safeId, kind: 'start', label: '', fullLabel: 'the call starts here', derived: true, findings: [] });
  }
  // Component starts: from the component's cluster title there is no edge; enter/exit edges show it.
  const backOf = new Map<Scope, string>();
  const backNode = (scope: Scope): string => {
    let id = backOf.get(scope);
    if (!id) {
      id = safeId('p_back_', scope.kind === 'flow' ? 'flow' : scope.id);
      backOf.set(scope, id);
      pseudo.push({ safeId: id, kind: 'back', label: '↩ previous node', ...(globalCluster.has(scope) && { cluster: globalCluster.get(scope)! }) });
    }
    return id;
  };

  for (const edge of graph.edges) {
    const from = modelOf.get(edge.from)!;
    // Edges Retell ignores on this type (lint says so) are still drawn: the picture shows the file.
    let to: string;
    if (edge.kind === 'go-back') to = backNode(edge.from.scope);
    else if (edge.to) to = modelOf.get(edge.to)!.safeId;
    else {
      to = safeId('p_missing_', edge.destinationId ?? 'none');
      pseudo.push({ safeId: to, kind: 'missing', label: edge.destinationId ? `missing: ${edge.destinationId}` : 'no destination', ...(from.cluster && { cluster: from.cluster }) });
    }
    const key = edgeKey(edge);
    const full = edgeText(edge);
    const e: Omit<ModelEdge, 'safeId' | 'status'> = { key, from: from.safeId, to, kind: edge.kind, label: shorten(full), fullLabel: full, derived: false, findings: byKey.get(key) ?? [] };
    if (coverage) e.calls = coverage.edges.get(key) ?? 0;
    pushEdge(e as ModelEdge);
  }

  // Components: the component node enters its component's start; the component's end nodes return to it.
  for (const node of graph.nodes) {
    const scope = node.component;
    if (!scope) continue;
    const from = modelOf.get(node)!;
    if (scope.start) {
      const e: Omit<ModelEdge, 'safeId' | 'status'> = { key: `${nodeKeys.get(node)}/enter`, from: from.safeId, to: modelOf.get(scope.start)!.safeId, kind: 'component-enter', label: 'enter', fullLabel: `runs ${scopeTitle(scope)}`, derived: true, findings: [] };
      if (coverage) e.calls = coverage.componentEntries.get(nodeKeys.get(node)!) ?? 0;
      pushEdge(e as ModelEdge);
    }
    for (const exit of scope.nodes) {
      if (!exit.facts.exitsComponent || exit.isGlobal) continue;
      pushEdge({ key: `${nodeKeys.get(exit)}/exit->${nodeKeys.get(node)}`, from: modelOf.get(exit)!.safeId, to: from.safeId, kind: 'component-exit', label: 'exit', fullLabel: 'the component ends here and the call goes on from the component node', derived: true, findings: [] });
    }
  }

  const name = typeof graph.raw.name === 'string' && graph.raw.name.trim() ? oneLine(graph.raw.name) : undefined;
  const title = name ?? (graph.flowId.startsWith('#') ? graph.file : graph.flowId);
  return {
    file: graph.file,
    flowId: graph.flowId,
    title,
    nodes,
    edges,
    pseudo,
    clusters,
    lint: { checked, errors, warnings, infos, flowFindings },
    ...(coverage && { coverage: coverage.summary }),
  };
}

/** The short type word under a node's name. */
export function typeLabel(node: ModelNode): string {
  return node.type || 'untyped';
}

/** `2 errors, 1 warning`: the counts of a node's findings, or '' when it has none. */
export function findingCounts(findings: readonly GraphFinding[]): string {
  const count = (s: Severity) => findings.filter((f) => f.severity === s).length;
  const parts: string[] = [];
  for (const [s, word] of [
    ['error', 'error'],
    ['warning', 'warning'],
    ['info', 'note'],
  ] as const) {
    const n = count(s);
    if (n) parts.push(`${n} ${word}${n === 1 ? '' : 's'}`);
  }
  return parts.join(', ');
}

/** `12 calls · 3 stuck`: a node's coverage line. */
export function coverageLine(mark: NodeCoverageMark | undefined): string {
  if (!mark) return '';
  if (mark.calls === 0) return 'never reached';
  const parts = [`${mark.calls} call${mark.calls === 1 ? '' : 's'}`];
  if (mark.stuck) parts.push(`${mark.stuck} stuck`);
  if (mark.longest && mark.meanSec !== undefined) parts.push(`longest stay ${mark.meanSec.toFixed(1)} s`);
  return parts.join(' · ');
}

/** Every line of a node's tooltip: name, id, type, global condition, findings, coverage. */
export function nodeTooltip(node: ModelNode): string {
  const lines = [`${node.name ?? node.id} (${typeLabel(node)}${node.id && node.name ? `, id ${node.id}` : ''})`];
  if (node.isStart) lines.push('start node');
  if (node.globalCondition) lines.push(`global: ${node.globalCondition}`);
  for (const f of node.findings) lines.push(`${f.severity} ${f.ruleId}: ${f.message}`);
  if (node.status === 'clean') lines.push('lint: clean');
  if (node.coverage) {
    const c = node.coverage;
    lines.push(c.calls === 0 ? 'no recorded call reached this node' : `${c.calls} recorded call${c.calls === 1 ? '' : 's'} passed through`);
    if (c.ended) lines.push(`${c.ended} ended here${c.stuck ? `, ${c.stuck} without reaching an end (stuck)` : ''}`);
    if (c.meanSec !== undefined) lines.push(`mean time here: ${c.meanSec.toFixed(1)} s`);
  }
  return lines.join('\n');
}

export function edgeTooltip(edge: ModelEdge): string {
  const lines = [edge.fullLabel || edge.kind];
  if (edge.kind !== 'normal' && edge.kind !== 'start' && !edge.fullLabel.startsWith(KIND_LABEL[edge.kind])) lines.unshift(edge.kind);
  for (const f of edge.findings) lines.push(`${f.severity} ${f.ruleId}: ${f.message}`);
  if (edge.calls !== undefined) lines.push(`${edge.calls} recorded call${edge.calls === 1 ? '' : 's'} took this edge`);
  return lines.join('\n');
}

