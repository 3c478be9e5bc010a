import { join } from '../../flow/pointer.js';
import { label, scopeLabel, type FlowGraph, type GraphEdge, type GraphNode, type Scope, type ToolDef } from '../../flow/graph.js';
import { defineRule, type Report } from '../rule.js';

/** Records first occurrences and reports every later one. */
class FirstSeen<T> {
  private readonly first = new Map<string, T>();
  constructor(initial: Iterable<[string, T]> = []) {
    for (const [k, v] of initial) if (!this.first.has(k)) this.first.set(k, v);
  }
  /** Returns the earlier holder of the key, or undefined (and records this one) when it is new. */
  seen(key: string, value: T): T | undefined {
    const earlier = this.first.get(key);
    if (earlier === undefined) this.first.set(key, value);
    return earlier;
  }
  /** A copy that goes on from what this one has seen. */
  clone(): FirstSeen<T> {
    const copy = new FirstSeen<T>();
    for (const [k, v] of this.first) copy.first.set(k, v);
    return copy;
  }
}

export default defineRule({
  id: 'no-duplicate-id',
  meta: {
    description: 'Node ids and edge ids are unique within the flow and each component; tool ids and names are unique among tools visible together.',
    defaultSeverity: 'error',
    structural: true,
    messages: {
      node: 'node id "{{id}}" is used again in {{scope}} (first defined at {{first}}): edges and start_node_id always reach the first one (give this node its own id)',
      edge: 'edge id "{{id}}" is used again in {{scope}} (first defined at {{first}}): give this edge of {{node}} its own id',
      toolId: 'tool_id "{{id}}" is used again (first defined at {{first}}): function nodes and tool_ids reach only one of them (give this tool its own tool_id)',
      componentName: 'component name "{{name}}" is used again (first defined at {{first}}): the dashboard lists both under one name, so whoever picks one for a component node can pick the wrong one (rename one)',
      toolName: 'tool name "{{name}}" is used again (first defined at {{first}}): the LLM sees both tools together and cannot tell them apart (rename one)',
    },
  },
  check({ graph, report }) {
    // All scopes in one call each: called per scope, V8 optimised both after the flow's 10k nodes, at the
    // first component, for nothing.
    const scopes = [graph.root, ...graph.components];
    checkNodes(scopes, report);
    checkEdges(scopes, report);
    checkTools(graph, report);
    // Two local components with one name: the dashboard and whoever edits the flow cannot tell them apart.
    const names = new Map<string, Scope>();
    for (const component of graph.components) {
      const name = component.name?.trim();
      if (!name) continue;
      const first = names.get(name);
      if (first) report({ messageId: 'componentName', data: { name, first: first.pointer }, pointer: join(component.pointer, 'name'), severity: 'warning' });
      else names.set(name, component);
    }
  },
});

function checkNodes(scopes: readonly Scope[], report: (r: Report<'node'>) => void): void {
  for (const scope of scopes) {
    // The graph already keeps the first node of each id. Indexed loops: no iterator a node.
    const nodes = scope.nodes;
    // As many nodes with an id as distinct ids: none repeats, and no node needs a lookup.
    let withId = 0;
    for (let k = 0; k < nodes.length; k++) if (nodes[k]!.id) withId++;
    if (withId === scope.nodesById.size) continue;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      if (!node.id) continue;
      const first = scope.nodesById.get(node.id);
      if (first && first !== node) report({ messageId: 'node', data: { id: node.id, scope: scopeLabel(scope), first: first.pointer }, node, pointer: join(node.pointer, 'id') });
    }
  }
}

function checkEdges(scopes: readonly Scope[], report: (r: Report<'edge'>) => void): void {
  for (const scope of scopesRepeatingEdgeIds(scopes)) {
    const edges = new FirstSeen<GraphEdge>();
    const nodes = scope.nodes;
    for (let k = 0; k < nodes.length; k++) {
      const node = nodes[k]!;
      const out = node.out;
      for (let j = 0; j < out.length; j++) {
        const edge = out[j]!;
        if (!edge.id) continue;
        const first = edges.seen(edge.id, edge);
        if (first) report({ messageId: 'edge', data: { id: edge.id, scope: scopeLabel(scope), node: label(node), first: first.pointer }, edge, pointer: join(edge.pointer, 'id') });
      }
    }
  }
}

/**
 * The scopes in which two edges share an id. Most flows repeat none: a set of the ids answers with
 * one operation an edge, where the findings need a map of each id's first edge (two).
 */
function scopesRepeatingEdgeIds(scopes: readonly Scope[]): Scope[] {
  const repeating: Scope[] = [];
  for (const scope of scopes) {
    const ids = new Set<string>();
    const nodes = scope.nodes;
    scan: for (let k = 0; k < nodes.length; k++) {
      const out = nodes[k]!.out;
      for (let j = 0; j < out.length; j++) {
        const id = out[j]!.id;
        if (!id) continue;
        const before = ids.size;
        if (ids.add(id).size === before) {
          repeating.push(scope);
          break scan;
        }
      }
    }
  }
  return repeating;
}

/**
 * Tools are visible together in three sets: the flow's tools; a component's tools plus the flow's
 * (a component falls back to flow tools); a subagent's inline tools plus the tools its tool_ids name.
 */
function checkTools(graph: FlowGraph, report: (r: Report<'toolId' | 'toolName'>) => void): void {
  // One pass sorts the tools: the flow's, each component's own, each subagent's inline ones.
  const flowTools: ToolDef[] = [];
  const componentTools = new Map<Scope, ToolDef[]>();
  const inlineBySubagent = new Map<GraphNode, ToolDef[]>();
  for (const t of graph.tools) {
    if (t.inlineOf) push(inlineBySubagent, t.inlineOf, t);
    else if (t.scope === graph.root) flowTools.push(t);
    else push(componentTools, t.scope, t);
  }
  const flowIds = checkToolSet(flowTools, new FirstSeen(), new FirstSeen(), report);
  const flowNames = new FirstSeen<ToolDef>(flowTools.flatMap((t) => (t.name ? [[t.name, t] as [string, ToolDef]] : [])));

  // A component without tools of its own repeats nothing: the flow's set is checked once above (and
  // copying it for each of a big flow's components cost more than the rest of the rule).
  for (const scope of graph.components) {
    const own = componentTools.get(scope);
    if (own) checkToolSet(own, flowIds.clone(), flowNames.clone(), report);
  }

  for (const [subagent, inline] of inlineBySubagent) {
    // Inline tools have no addressable tool_id; only their names meet the referenced tools' names.
    const referenced = new FirstSeen<ToolDef>();
    if (Array.isArray(subagent.raw.tool_ids)) {
      for (const id of subagent.raw.tool_ids) {
        const tool = typeof id === 'string' ? subagent.scope.toolsById.get(id) : undefined;
        if (tool?.name) referenced.seen(tool.name, tool);
      }
    }
    checkToolSet(inline, null, referenced, report);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** Report repeats inside `tools` and against what `ids`/`names` already hold; returns the ids seen. */
function checkToolSet(tools: ToolDef[], ids: FirstSeen<ToolDef> | null, names: FirstSeen<ToolDef>, report: (r: Report<'toolId' | 'toolName'>) => void): FirstSeen<ToolDef> {
  const seenIds = ids ?? new FirstSeen<ToolDef>();
  for (const tool of tools) {
    if (ids && tool.id) {
      const first = seenIds.seen(tool.id, tool);
      if (first) {
        // A copied tool repeats both id and name: one finding says it.
        report({ messageId: 'toolId', data: { id: tool.id, first: first.pointer }, pointer: join(tool.pointer, 'tool_id') });
        if (tool.name) names.seen(tool.name, tool);
        continue;
      }
    }
    if (tool.name) {
      const first = names.seen(tool.name, tool);
      if (first) report({ messageId: 'toolName', data: { name: tool.name, first: first.pointer }, pointer: join(tool.pointer, 'name') });
    }
  }
  return seenIds;
}
