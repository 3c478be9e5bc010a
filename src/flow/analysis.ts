import { isSilentEdge, isTerminal, type FlowGraph, type GraphNode, type Scope } from './graph.js';

/**
 * Graph facts several rules need, computed once per flow on first use. Every walk is iterative so a
 * 100k-node flow cannot overflow the stack.
 */
export class FlowAnalysis {
  private _reachable?: Uint8Array;
  private _canFinish?: Uint8Array;
  private _reachesDeadEnd?: Uint8Array;
  private _silentCycles?: GraphNode[][];
  private _usedComponents?: Set<Scope>;
  private _terminal?: Uint8Array;
  private _pathPrev?: Int32Array;
  private readonly _pathScopes = new Set<Scope>();
  private readonly _entries = new Map<Scope, GraphNode[]>();

  constructor(readonly graph: FlowGraph) {}

  /** Entry points of a scope: its start node and its global nodes (a shared array: do not change it). */
  entries(scope: Scope): GraphNode[] {
    if (this._entries.size === 0) this.findEntries();
    return this._entries.get(scope) ?? [];
  }

  /**
   * Every scope's entries in one call. Found per scope on first ask, V8 optimised the method after the
   * flow's 10k nodes, at the next (a component's), for nothing: rules ask once a scope, then read the map.
   */
  private findEntries(): void {
    const graph = this.graph;
    for (const scope of [graph.root, ...graph.components]) {
      const out: GraphNode[] = [];
      if (scope.start) out.push(scope.start);
      const nodes = scope.nodes;
      for (let k = 0; k < nodes.length; k++) {
        const n = nodes[k]!;
        if (n.isGlobal && n !== scope.start) out.push(n);
      }
      this._entries.set(scope, out);
    }
  }

  /** Scopes that can run: the flow, and every component entered from a reachable component node. */
  get usedComponents(): Set<Scope> {
    if (!this._usedComponents) this.reachable;
    return this._usedComponents!;
  }

  /** 1 for nodes reachable from the flow's start or a global node, through connected edges and into used components. */
  get reachable(): Uint8Array {
    // Rules read this per node: a small getter that V8 optimises cheaply, the walk in a method of its own.
    return this._reachable ?? this.walkForward();
  }

  private walkForward(): Uint8Array {
    const nodes = this.graph.nodes;
    const { outStart, outTarget } = this.graph.adjacency;
    const seen = new Uint8Array(nodes.length);
    const used = new Set<Scope>();
    // Each node is stacked at most once.
    const stack = new Int32Array(nodes.length);
    let top = 0;
    const enterScope = (scope: Scope) => {
      for (const e of this.entries(scope)) {
        if (!seen[e.index]) {
          seen[e.index] = 1;
          stack[top++] = e.index;
        }
      }
    };
    enterScope(this.graph.root);
    while (top > 0) {
      const v = stack[--top]!;
      const component = nodes[v]!.component;
      if (component && !used.has(component)) {
        used.add(component);
        enterScope(component);
      }
      for (let k = outStart[v]!, end = outStart[v + 1]!; k < end; k++) {
        const w = outTarget[k]!;
        if (!seen[w]) {
          seen[w] = 1;
          stack[top++] = w;
        }
      }
    }
    this._usedComponents = used;
    return (this._reachable = seen);
  }

  isReachable(node: GraphNode): boolean {
    return this.reachable[node.index] === 1;
  }

  /** 1 for terminal nodes (isTerminal), decided once for the walks below. */
  private get terminal(): Uint8Array {
    return this._terminal ?? this.findTerminal();
  }

  private findTerminal(): Uint8Array {
    const nodes = this.graph.nodes;
    const terminal = new Uint8Array(nodes.length);
    for (let k = 0; k < nodes.length; k++) if (isTerminal(nodes[k]!)) terminal[k] = 1;
    return (this._terminal = terminal);
  }

  /** 1 for nodes from which a terminal node (or a component exit) can be reached along connected edges. */
  get canFinish(): Uint8Array {
    if (this._canFinish) return this._canFinish;
    const terminal = this.terminal;
    const ok = new Uint8Array(terminal.length);
    const stack: number[] = [];
    for (let k = 0; k < terminal.length; k++) {
      if (terminal[k]) {
        ok[k] = 1;
        stack.push(k);
      }
    }
    this.walkBack(stack, ok);
    return (this._canFinish = ok);
  }

  /** 1 for nodes from which a dead end (a non-terminal node with no connected way out) can be reached. */
  get reachesDeadEnd(): Uint8Array {
    if (this._reachesDeadEnd) return this._reachesDeadEnd;
    const terminal = this.terminal;
    const { outStart } = this.graph.adjacency;
    const nodes = this.graph.nodes;
    const hit = new Uint8Array(nodes.length);
    const stack: number[] = [];
    for (let k = 0; k < nodes.length; k++) {
      // A way on: a connected edge, or a go-back condition (it returns the caller to the node they
      // came from; go-back edges are never connected, so only nodes without connected edges are read).
      if (terminal[k] || outStart[k + 1]! > outStart[k]! || returns(nodes[k]!)) continue;
      hit[k] = 1;
      stack.push(k);
    }
    this.walkBack(stack, hit);
    return (this._reachesDeadEnd = hit);
  }

  /** Marks every node with a path of connected edges to a node on the stack. */
  private walkBack(stack: number[], mark: Uint8Array): void {
    const { inStart, inSource } = this.graph.adjacency;
    while (stack.length > 0) {
      const v = stack.pop()!;
      for (let k = inStart[v]!, end = inStart[v + 1]!; k < end; k++) {
        const from = inSource[k]!;
        if (!mark[from]) {
          mark[from] = 1;
          stack.push(from);
        }
      }
    }
  }

  /** Shortest path of nodes from the scope's entries to `target` (inclusive), for messages. */
  pathTo(target: GraphNode): GraphNode[] {
    // One breadth-first tree per scope, built on first use: rules ask for many paths in one flow.
    // Scopes share no nodes (edges resolve inside their scope), so one array of predecessors serves
    // them all: -2 not reached, -1 an entry.
    const nodes = this.graph.nodes;
    let prev = this._pathPrev;
    if (!prev) prev = this._pathPrev = new Int32Array(nodes.length).fill(-2);
    if (!this._pathScopes.has(target.scope)) {
      this._pathScopes.add(target.scope);
      const { outStart, outTarget } = this.graph.adjacency;
      const queue: number[] = [];
      for (const e of this.entries(target.scope)) {
        prev[e.index] = -1;
        queue.push(e.index);
      }
      for (let head = 0; head < queue.length; head++) {
        const v = queue[head]!;
        for (let k = outStart[v]!, end = outStart[v + 1]!; k < end; k++) {
          const w = outTarget[k]!;
          if (prev[w] === -2) {
            prev[w] = v;
            queue.push(w);
          }
        }
      }
    }
    if (prev[target.index] === -2) return [target];
    const path: GraphNode[] = [];
    for (let v = target.index; v >= 0; v = prev[v]!) path.push(nodes[v]!);
    return path.reverse();
  }

  /**
   * Cycles made only of silent edges (hops that never wait for the caller), as strongly connected
   * components with more than one node or a self-loop. Iterative Tarjan.
   */
  get silentCycles(): GraphNode[][] {
    if (this._silentCycles) return this._silentCycles;
    const n = this.graph.nodes.length;
    const index = new Int32Array(n).fill(-1);
    const low = new Int32Array(n);
    const onStack = new Uint8Array(n);
    // Tarjan's stack, and the silent edges' targets below: typed arrays at their largest sizes, not arrays grown by push.
    const stack = new Int32Array(n);
    let depth = 0;
    // Silent edges as one compressed list (their targets, node by node, from silentStart[v] to
    // silentStart[v + 1]), cut from the connected ones: most nodes wait for the caller and have none.
    const nodes = this.graph.nodes;
    const { outStart, outTarget, outSilent } = this.graph.adjacency;
    const silentStart = new Int32Array(n + 1);
    const targets = new Int32Array(outTarget.length);
    let silent = 0;
    for (let k = 0; k < n; k++) {
      silentStart[k] = silent;
      for (let j = outStart[k]!, end = outStart[k + 1]!; j < end; j++) if (outSilent[j]) targets[silent++] = outTarget[j]!;
    }
    silentStart[n] = silent;
    const result: GraphNode[][] = [];
    let counter = 0;
    // The DFS's own stack as two typed arrays (node, next edge to try): no array per visited node.
    const workNode = new Int32Array(n);
    const workEdge = new Int32Array(n);
    for (let root = 0; root < n; root++) {
      if (index[root] !== -1 || silentStart[root] === silentStart[root + 1]) continue;
      let top = 0;
      workNode[0] = root;
      workEdge[0] = 0;
      index[root] = low[root] = counter++;
      stack[depth++] = root;
      onStack[root] = 1;
      while (top >= 0) {
        const v = workNode[top]!;
        if (workEdge[top]! < silentStart[v + 1]! - silentStart[v]!) {
          const w = targets[silentStart[v]! + workEdge[top]!++]!;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack[depth++] = w;
            onStack[w] = 1;
            top++;
            workNode[top] = w;
            workEdge[top] = 0;
          } else if (onStack[w]) {
            low[v] = Math.min(low[v]!, index[w]!);
          }
          continue;
        }
        top--;
        if (top >= 0) {
          const parent = workNode[top]!;
          low[parent] = Math.min(low[parent]!, low[v]!);
        }
        if (low[v] === index[v]) {
          let w = stack[--depth]!;
          onStack[w] = 0;
          if (w === v) {
            // A component of one node, as most are: a cycle only through an edge to itself (no list for it).
            let selfLoop = false;
            for (let t = silentStart[v]!; t < silentStart[v + 1]! && !selfLoop; t++) selfLoop = targets[t] === v;
            if (selfLoop) result.push([nodes[v]!]);
          } else {
            const members: number[] = [w];
            do {
              w = stack[--depth]!;
              onStack[w] = 0;
              members.push(w);
            } while (w !== v);
            result.push(members.sort((a, b) => a - b).map((i) => nodes[i]!));
          }
        }
      }
    }
    result.sort((a, b) => a[0]!.index - b[0]!.index);
    return (this._silentCycles = result);
  }

  /** One cycle through the members of a strongly connected set, starting at its first node, for messages. */
  cyclePath(members: GraphNode[], silentOnly = true): GraphNode[] {
    const inSet = new Set(members);
    const start = members[0]!;
    const prev = new Map<GraphNode, GraphNode>();
    const queue: GraphNode[] = [start];
    const visited = new Set<GraphNode>([start]);
    for (let head = 0; head < queue.length; head++) {
      const node = queue[head]!;
      for (const edge of node.out) {
        const to = edge.to;
        if (!to || !inSet.has(to) || (silentOnly && !isSilentEdge(edge))) continue;
        if (to === start) {
          const path: GraphNode[] = [start];
          for (let n: GraphNode | undefined = node; n && n !== start; n = prev.get(n)) path.splice(1, 0, n);
          path.push(start);
          return path;
        }
        if (!visited.has(to)) {
          visited.add(to);
          prev.set(to, node);
          queue.push(to);
        }
      }
    }
    return [start, start];
  }
}

/** True when the node has go-back conditions (they return the caller to the node they came from). */
export function returns(n: GraphNode): boolean {
  const out = n.out;
  for (let j = 0; j < out.length; j++) if (out[j]!.kind === 'go-back') return true;
  return false;
}
