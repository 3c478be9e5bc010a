import type { FlowInput } from './load.js';
import { nodeType, TERMINAL_TOOL_TYPES, type EdgeKind, type NodeTypeFacts } from './node-types.js';
import { join } from './pointer.js';

export type { EdgeKind } from './node-types.js';

export type Raw = Record<string, unknown>;

export interface GraphEdge {
  /** Index in graph.edges. */
  index: number;
  id?: string;
  kind: EdgeKind;
  from: GraphNode;
  /** Resolved destination inside the same scope; undefined when missing or unknown. */
  to?: GraphNode;
  /** destination_node_id as written (undefined when the edge was never attached). */
  destinationId?: string;
  pointer: string;
  raw: Raw;
  /** transition_condition, when it is an object. */
  condition?: Raw;
}

export interface GraphNode {
  /** Index in graph.nodes (all scopes together). */
  index: number;
  id: string;
  type: string;
  name?: string;
  pointer: string;
  raw: Raw;
  scope: Scope;
  isGlobal: boolean;
  /** What Retell does with this node's type (flow/node-types.ts), looked up once when the graph is built. */
  facts: NodeTypeFacts;
  out: GraphEdge[];
  /**
   * The connected edges into this node, in edge order. Made when asked (few rules ask, for few nodes):
   * a new list each time, so keep it rather than asking again in a loop.
   */
  readonly in: GraphEdge[];
  /** For component nodes: the local component they enter, when it resolves. */
  component?: Scope;
}

export interface ToolDef {
  id?: string;
  name?: string;
  type: string;
  pointer: string;
  raw: Raw;
  scope: Scope;
  /** Inline tool of a subagent node (not addressable by tool_ids). */
  inlineOf?: GraphNode;
}

export interface Scope {
  kind: 'flow' | 'component';
  /** conversation_flow_component_id for components; '' for the flow itself. */
  id: string;
  name?: string;
  pointer: string;
  raw: Raw;
  startNodeId?: string;
  start?: GraphNode;
  nodes: GraphNode[];
  /** First node with each id. Duplicates are reported by no-duplicate-id. */
  nodesById: Map<string, GraphNode>;
  tools: ToolDef[];
  /** Tools by tool_id; component scopes fall back to the flow's tools. */
  toolsById: Map<string, ToolDef>;
  /** Components in this scope that are referenced by component nodes elsewhere. */
  parent?: Scope;
}

/**
 * The connected edges (those whose destination resolved) as typed arrays of node indexes, node by
 * node: node v's targets are outTarget[outStart[v]] up to outTarget[outStart[v + 1]] (exclusive), in
 * the order of its `out` list; its sources likewise in inStart/inSource, in the order of its `in`
 * list. The analysis walks these instead of the edge objects: on the bench's 10k-node flow a walk
 * read ~16k GraphEdge and 10k GraphNode objects spread over the heap, where these are a few small arrays.
 */
export interface Adjacency {
  outStart: Int32Array;
  /** A view of exactly the connected edges (its buffer may be longer). */
  outTarget: Int32Array;
  /** 1 where that connected edge is silent (isSilentEdge): taken without waiting for the caller. */
  outSilent: Uint8Array;
  inStart: Int32Array;
  inSource: Int32Array;
}

export interface FlowGraph {
  file: string;
  flowId: string;
  pointer: string;
  raw: Raw;
  root: Scope;
  components: Scope[];
  componentsById: Map<string, Scope>;
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Flow and component tools, then inline subagent tools. */
  tools: ToolDef[];
  adjacency: Adjacency;
}

function hasItems(v: unknown): boolean {
  return Array.isArray(v) && v.length > 0;
}

export function isRaw(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** A component's own id, under any of the names Retell and exports use; undefined when it has none. */
export function componentIdOf(component: Raw): string | undefined {
  return str(component.conversation_flow_component_id) ?? str(component.component_id) ?? str(component.id);
}

/** True when the node can end or hand off the call by itself (type, or a subagent's end/transfer tool). */
export function isTerminal(node: GraphNode): boolean {
  const facts = node.facts;
  if (facts.terminal) return true;
  // A subagent ends the call when the LLM picks an inline end or transfer tool.
  if (facts.inlineTools && Array.isArray(node.raw.tools)) {
    return node.raw.tools.some((t) => isRaw(t) && typeof t.type === 'string' && TERMINAL_TOOL_TYPES.has(t.type));
  }
  return false;
}

/** An edge taken without waiting for the caller: every edge of a non-waiting node, and skip-response edges. */
export function isSilentEdge(edge: GraphEdge): boolean {
  if (edge.kind === 'skip-response') return true;
  return !edge.from.facts.waitsForCaller;
}

/**
 * `out` of a node without edges: one shared empty list. Lists with edges are cut once, at their final
 * length, from `edges`: arrays grown by push held most of what a 10k-node graph allocated, and all of
 * it lives as long as the lint (the scavenger copies it twice). Only buildGraph makes the lists;
 * nothing may push to a node's lists.
 */
const NO_EDGES: GraphEdge[] = [];

/**
 * Where a graph's in lists come from (buildGraph fills it once every edge exists): the edges into node v
 * are edges[edge[k]] for k from start[v] up to start[v + 1] (adjacency.inStart), in edge order.
 */
interface Incoming {
  start: Int32Array;
  edge: Int32Array;
  edges: GraphEdge[];
}

/**
 * A node as buildGraph makes it. Its pointer is made when something asks (a finding, mostly): 10k
 * nodes' and their edges' pointer strings were ~1.2 MB that lived as long as the lint, copied twice by
 * the scavenger, for the few hundred pointers a lint reports.
 */
class FlowNode implements GraphNode {
  out: GraphEdge[] = NO_EDGES;
  // Set later for component nodes (as an edge's `to`, a scope's `start`): present from the start, so all
  // nodes share one shape and the rules' reads of them stay monomorphic.
  component: Scope | undefined = undefined;
  constructor(
    public index: number,
    public id: string,
    public type: string,
    public name: string | undefined,
    /** Index in its scope's `nodes` list. */
    private readonly at: number,
    public raw: Raw,
    public scope: Scope,
    public isGlobal: boolean,
    public facts: NodeTypeFacts,
    private readonly incoming: Incoming,
  ) {}

  get pointer(): string {
    return `${this.scope.pointer}/nodes/${this.at}`;
  }

  get in(): GraphEdge[] {
    const { start, edge, edges } = this.incoming;
    const from = start[this.index]!;
    const to = start[this.index + 1]!;
    if (to === from) return [];
    const list = new Array<GraphEdge>(to - from);
    for (let k = from; k < to; k++) list[k - from] = edges[edge[k]!]!;
    return list;
  }
}

class FlowEdge implements GraphEdge {
  to: GraphNode | undefined = undefined;
  constructor(
    public index: number,
    public id: string | undefined,
    public kind: EdgeKind,
    public from: GraphNode,
    public destinationId: string | undefined,
    public raw: Raw,
    public condition: Raw | undefined,
    /** Where in its node: an index in `edges`, or the path of a field (`else_edge`). */
    private readonly slot: number | string,
  ) {}

  get pointer(): string {
    return typeof this.slot === 'number' ? `${this.from.pointer}/edges/${this.slot}` : `${this.from.pointer}/${this.slot}`;
  }
}

/** Build the graph of one flow. Never throws on malformed input: what is missing is simply absent. */
export function buildGraph(flow: FlowInput, file: string): FlowGraph {
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  // Filled in once every edge exists (below).
  const incoming: Incoming = { start: new Int32Array(0), edge: new Int32Array(0), edges };
  const tools: ToolDef[] = [];
  const raw = flow.value;

  const makeScope = (kind: Scope['kind'], scopeRaw: Raw, pointer: string, id: string, parent?: Scope): Scope => ({
    kind,
    id,
    name: str(scopeRaw.name),
    pointer,
    raw: scopeRaw,
    startNodeId: str(scopeRaw.start_node_id),
    start: undefined,
    nodes: [],
    nodesById: new Map(),
    tools: [],
    // A component without tools of its own sees exactly the flow's: it shares that map (big flows
    // have many components and hundreds of tools). addTools copies it before adding any.
    toolsById: parent ? (hasItems(scopeRaw.tools) ? new Map(parent.toolsById) : parent.toolsById) : new Map(),
    parent,
  });

  const addTools = (scope: Scope) => {
    const list = scope.raw.tools;
    if (!Array.isArray(list)) return;
    const base = scope.pointer + '/tools/';
    for (let i = 0; i < list.length; i++) {
      const t: unknown = list[i];
      if (!isRaw(t)) continue;
      const tool: ToolDef = { id: str(t.tool_id), name: str(t.name), type: str(t.type) ?? '', pointer: base + i, raw: t, scope };
      scope.tools.push(tool);
      tools.push(tool);
      if (tool.id !== undefined) {
        const previous = scope.toolsById.get(tool.id);
        if (!previous || previous.scope !== scope) scope.toolsById.set(tool.id, tool);
      }
    }
  };

  // Every scope's nodes in one call: V8 optimises a function that ran long at its next call, and per
  // scope that was the flow's 10k nodes and then a component's handful, for a compile (~18 ms on the
  // core the garbage collector's helpers use) that bought nothing.
  const addNodes = (scopes: Scope[]) => {
    for (const scope of scopes) {
      const list = scope.raw.nodes;
      if (!Array.isArray(list)) continue;
      const first = nodes.length;
      for (let i = 0; i < list.length; i++) {
        const n: unknown = list[i];
        if (!isRaw(n)) continue;
        const type = typeof n.type === 'string' ? n.type : '';
        nodes.push(new FlowNode(nodes.length, typeof n.id === 'string' ? n.id : '', type, str(n.name), i, n, scope, isRaw(n.global_node_setting), nodeType(type), incoming));
      }
      // A scope's nodes are one stretch of the graph's: cut once at its length, not grown by push.
      if (nodes.length > first) scope.nodes = nodes.slice(first);
      // The first node of each id, set from the last node to the first so that the first one stays: one
      // map operation a node instead of a lookup and an insert (nothing iterates the map, so its order is free).
      const own = scope.nodes;
      for (let k = own.length - 1; k >= 0; k--) {
        const node = own[k]!;
        if (node.id) scope.nodesById.set(node.id, node);
      }
    }
  };

  const root = makeScope('flow', raw, flow.pointer, '');
  addTools(root);
  const components: Scope[] = [];
  const componentsById = new Map<string, Scope>();
  if (Array.isArray(raw.components)) {
    raw.components.forEach((c, i) => {
      if (!isRaw(c)) return;
      const id = componentIdOf(c) ?? `#${i}`;
      const scope = makeScope('component', c, join(flow.pointer, 'components', i), id, root);
      components.push(scope);
      if (!componentsById.has(id)) componentsById.set(id, scope);
      addTools(scope);
    });
  }
  addNodes([root, ...components]);

  const addEdge = (from: GraphNode, kind: EdgeKind, e: unknown, slot: number | string) => {
    if (!isRaw(e)) return;
    const destinationId = str(e.destination_node_id) || undefined;
    const edge = new FlowEdge(edges.length, str(e.id), kind, from, destinationId, e, isRaw(e.transition_condition) ? e.transition_condition : undefined, slot);
    if (destinationId !== undefined && kind !== 'go-back') {
      const to = from.scope.nodesById.get(destinationId);
      if (to) {
        edge.to = to;
        inDegree[to.index] = inDegree[to.index]! + 1;
        if (connected === outTarget.length) {
          // Grown by doubling, as a JavaScript array would be, but without an array of numbers to convert at the end.
          const target = new Int32Array(2 * connected);
          target.set(outTarget);
          outTarget = target;
          const silent = new Uint8Array(2 * connected);
          silent.set(outSilent);
          outSilent = silent;
        }
        outTarget[connected] = to.index;
        outSilent[connected] = kind === 'skip-response' || !from.facts.waitsForCaller ? 1 : 0;
        connected++;
      }
    }
    edges.push(edge);
  };
  const inDegree = new Int32Array(nodes.length);
  const outStart = new Int32Array(nodes.length + 1);
  // Connected edges so far, and their targets and silent marks (capacity: a guess, grown when short).
  let connected = 0;
  let outTarget = new Int32Array(2 * nodes.length + 16);
  let outSilent = new Uint8Array(outTarget.length);

  // Indexed loops in the per-node passes: a cold for...of runs the iterator protocol per element.
  for (let k = 0; k < nodes.length; k++) {
    const node = nodes[k]!;
    const n = node.raw;
    const firstEdge = edges.length;
    const facts = node.facts;
    const list = n.edges;
    if (Array.isArray(list)) {
      for (let i = 0; i < list.length; i++) addEdge(node, 'normal', list[i], i);
    }
    if (n.else_edge !== undefined) addEdge(node, 'else', n.else_edge, 'else_edge');
    if (n.always_edge !== undefined) addEdge(node, 'always', n.always_edge, 'always_edge');
    if (n.skip_response_edge !== undefined) addEdge(node, 'skip-response', n.skip_response_edge, 'skip_response_edge');
    if (n.edge !== undefined) {
      // `edge` is the failure edge of a transfer or a swap; on any other type it reads as a transfer's.
      const kind: EdgeKind = facts.failureEdges.find((f) => f.field === 'edge')?.kind ?? 'transfer-failed';
      addEdge(node, kind, n.edge, 'edge');
    }
    if (n.success_edge !== undefined) addEdge(node, 'sms-success', n.success_edge, 'success_edge');
    if (n.failed_edge !== undefined) addEdge(node, 'sms-failed', n.failed_edge, 'failed_edge');
    const setting = n.global_node_setting;
    if (isRaw(setting) && Array.isArray(setting.go_back_conditions)) {
      setting.go_back_conditions.forEach((e, i) => addEdge(node, 'go-back', e, `global_node_setting/go_back_conditions/${i}`));
    }
    if (facts.entersComponent) {
      const ref = str(n.component_id);
      if (ref !== undefined) node.component = componentsById.get(ref);
    }
    if (facts.inlineTools && Array.isArray(n.tools)) {
      n.tools.forEach((t, i) => {
        if (!isRaw(t)) return;
        tools.push({ id: str(t.tool_id), name: str(t.name), type: str(t.type) ?? '', pointer: join(node.pointer, 'tools', i), raw: t, scope: node.scope, inlineOf: node });
      });
    }
    // A node's edges are made one after another: its out list is that stretch of `edges`.
    if (edges.length > firstEdge) node.out = edges.slice(firstEdge);
    outStart[k + 1] = connected;
  }

  // The edges into each node by a counting sort of the edges over their targets, in edge order: the
  // source nodes for the analysis, the edge indexes for the in lists, made only when a rule asks (cutting
  // all 10k lists up front took 10-18 ms of a lint of the bench's 10k-node flow).
  let total = 0;
  const start = new Int32Array(nodes.length + 1);
  for (let k = 0; k < nodes.length; k++) {
    start[k] = total;
    total += inDegree[k]!;
  }
  start[nodes.length] = total;
  const inSource = new Int32Array(total);
  const inEdge = new Int32Array(total);
  if (total > 0) {
    const fill = start.slice(0, nodes.length);
    for (let k = 0; k < edges.length; k++) {
      const edge = edges[k]!;
      if (edge.to === undefined) continue;
      const at = fill[edge.to.index]!;
      inEdge[at] = k;
      inSource[at] = edge.from.index;
      fill[edge.to.index] = at + 1;
    }
  }
  incoming.start = start;
  incoming.edge = inEdge;

  for (const scope of [root, ...components]) {
    if (scope.startNodeId !== undefined) scope.start = scope.nodesById.get(scope.startNodeId);
  }

  const adjacency: Adjacency = { outStart, outTarget: outTarget.subarray(0, connected), outSilent: outSilent.subarray(0, connected), inStart: start, inSource };
  return { file, flowId: flow.flowId, pointer: flow.pointer, raw, root, components, componentsById, nodes, edges, tools, adjacency };
}

/** A short human label for a node: its name when it has one, else its id. */
export function label(node: GraphNode): string {
  return node.name && node.name.trim() ? `"${node.name.trim()}"` : node.id ? `"${node.id}"` : `#${node.index}`;
}

/** How messages name a scope: `the flow` or `component "Verify identity"`. */
export function scopeLabel(scope: Scope): string {
  return scope.kind === 'flow' ? 'the flow' : `component "${scope.name ?? scope.id}"`;
}

export interface ToolRef {
  id: string;
  pointer: string;
}

/** A tool id a node names; its pointer is made when asked (a finding's), not for every function node a rule reads. */
class NodeToolRef implements ToolRef {
  constructor(
    readonly id: string,
    private readonly node: GraphNode,
    /** tool_ids index, or -1 for a function node's tool_id. */
    private readonly at: number,
  ) {}

  get pointer(): string {
    return this.at < 0 ? join(this.node.pointer, 'tool_id') : join(this.node.pointer, 'tool_ids', this.at);
  }
}

/** What toolRefs answers for the many nodes that call no tool: one shared list, not a new one a call. */
const NO_TOOL_REFS: readonly ToolRef[] = Object.freeze([]);

/** Tool ids a node can call: a function node's tool_id, a subagent's tool_ids. */
export function toolRefs(node: GraphNode): readonly ToolRef[] {
  const n = node.raw;
  const field = node.facts.toolRefs;
  if (field === 'tool_id' && typeof n.tool_id === 'string') return [new NodeToolRef(n.tool_id, node, -1)];
  if (field === 'tool_ids' && Array.isArray(n.tool_ids)) {
    return n.tool_ids.flatMap((id, i) => (typeof id === 'string' ? [new NodeToolRef(id, node, i)] : []));
  }
  return NO_TOOL_REFS;
}
