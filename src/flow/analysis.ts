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
  private readonly _pathTrees = new Map<Scope, Map<GraphNode, GraphNode | null>>();
  private readonly _entries = new Map<Scope, GraphNode[]>();

  constructor(readonly graph: FlowGraph) {}

  /** Entry points of a scope: its start node and its global nodes (a shared array: do not change it). */
  entries(scope: Scope): GraphNode[] {
    let out = this._entries.get(scope);
    if (out) return out;
    out = [];
    if (scope.start) out.push(scope.start);
    const nodes = scope.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (n.isGlobal && n !== scope.start) out.push(n);
    }
    this._entries.set(scope, out);
    return out;
  }

  /** Scopes that can run: the flow, and every component entered from a reachable component node. */
  get usedComponents(): Set<Scope> {
    if (!this._usedComponents) this.reachable;
    return this._usedComponents!;
  }

  /** 1 for nodes reachable from the flow's start or a global node, through connected edges and into used components. */
  get reachable(): Uint8Array {
    if (this._reachable) return this._reachable;
    const seen = new Uint8Array(this.graph.nodes.length);
    const used = new Set<Scope>();
    const stack: GraphNode[] = [];
    const enterScope = (scope: Scope) => {
      for (const e of this.entries(scope)) {
        if (!seen[e.index]) {
          seen[e.index] = 1;
          stack.push(e);
        }
      }
    };
    enterScope(this.graph.root);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node.component && !used.has(node.component)) {
        used.add(node.component);
        enterScope(node.component);
      }
      const out = node.out;
      for (let k = 0; k < out.length; k++) {
        const to = out[k]!.to;
        if (to && !seen[to.index]) {
          seen[to.index] = 1;
          stack.push(to);
        }
      }
    }
    this._usedComponents = used;
    return (this._reachable = seen);
  }

  isReachable(node: GraphNode): boolean {
    return this.reachable[node.index] === 1;
  }

  /** 1 for nodes from which a terminal node (or a component exit) can be reached along connected edges. */
  get canFinish(): Uint8Array {
    if (this._canFinish) return this._canFinish;
    const ok = new Uint8Array(this.graph.nodes.length);
    const stack: GraphNode[] = [];
    const nodes = this.graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (isTerminal(n)) {
        ok[n.index] = 1;
        stack.push(n);
      }
    }
    this.walkBack(stack, ok);
    return (this._canFinish = ok);
  }

  /** 1 for nodes from which a dead end (a non-terminal node with no connected way out) can be reached. */
  get reachesDeadEnd(): Uint8Array {
    if (this._reachesDeadEnd) return this._reachesDeadEnd;
    const hit = new Uint8Array(this.graph.nodes.length);
    const stack: GraphNode[] = [];
    const nodes = this.graph.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const n = nodes[k]!;
      if (isTerminal(n)) continue;
      // A way on: a connected edge, or a go-back condition (it returns the caller to the node they
      // came from). A loop, not out.some(): no closure a node.
      const out = n.out;
      let wayOn = false;
      for (let j = 0; j < out.length && !wayOn; j++) wayOn = out[j]!.to !== undefined || out[j]!.kind === 'go-back';
      if (!wayOn) {
        hit[n.index] = 1;
        stack.push(n);
      }
    }
    this.walkBack(stack, hit);
    return (this._reachesDeadEnd = hit);
  }

  private walkBack(stack: GraphNode[], mark: Uint8Array): void {
    while (stack.length > 0) {
      const node = stack.pop()!;
      const incoming = node.in;
      for (let k = 0; k < incoming.length; k++) {
        const from = incoming[k]!.from;
        if (!mark[from.index]) {
          mark[from.index] = 1;
          stack.push(from);
        }
      }
    }
  }

  /** Shortest path of nodes from the scope's entries to `target` (inclusive), for messages. */
  pathTo(target: GraphNode): GraphNode[] {
    // One breadth-first tree per scope, built on first use: rules ask for many paths in one flow.
    let prev = this._pathTrees.get(target.scope);
    if (!prev) {
      prev = new Map<GraphNode, GraphNode | null>();
      const queue: GraphNode[] = [];
      for (const e of this.entries(target.scope)) {
        prev.set(e, null);
        queue.push(e);
      }
      for (let head = 0; head < queue.length; head++) {
        for (const edge of queue[head]!.out) {
          const to = edge.to;
          if (to && !prev.has(to)) {
            prev.set(to, queue[head]!);
            queue.push(to);
          }
        }
      }
      this._pathTrees.set(target.scope, prev);
    }
    if (!prev.has(target)) return [target];
    const path: GraphNode[] = [];
    for (let n: GraphNode | null | undefined = target; n; n = prev.get(n)) path.push(n);
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
    const stack: number[] = [];
    // Silent edges as one compressed list (their targets, node by node, from silentStart[v] to
    // silentStart[v + 1]): no array a node, and most nodes, which wait for the caller, have none.
    const nodes = this.graph.nodes;
    const silentStart = new Int32Array(n + 1);
    const targets: number[] = [];
    for (let k = 0; k < n; k++) {
      silentStart[k] = targets.length;
      const out = nodes[k]!.out;
      for (let j = 0; j < out.length; j++) {
        const e = out[j]!;
        if (e.to && isSilentEdge(e)) targets.push(e.to.index);
      }
    }
    silentStart[n] = targets.length;
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
      stack.push(root);
      onStack[root] = 1;
      while (top >= 0) {
        const v = workNode[top]!;
        if (workEdge[top]! < silentStart[v + 1]! - silentStart[v]!) {
          const w = targets[silentStart[v]! + workEdge[top]!++]!;
          if (index[w] === -1) {
            index[w] = low[w] = counter++;
            stack.push(w);
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
          let w = stack.pop()!;
          onStack[w] = 0;
          if (w === v) {
            // A component of one node, as most are: a cycle only through an edge to itself (no list for it).
            let selfLoop = false;
            for (let t = silentStart[v]!; t < silentStart[v + 1]! && !selfLoop; t++) selfLoop = targets[t] === v;
            if (selfLoop) result.push([nodes[v]!]);
          } else {
            const members: number[] = [w];
            do {
              w = stack.pop()!;
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
