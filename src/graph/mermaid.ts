// Mermaid flowchart text of a graph model: paste it into a ```mermaid block and GitHub, GitLab and
// most wikis draw it. Ids are the model's [A-Za-z0-9_] safe ids (prefixed, so `end` and other
// Mermaid keywords never appear as ids); every label is quoted and every character Mermaid could read
// as syntax or markup is written as an entity (#34; for ", #60; for <, ...).
import { coverageLine, findingCounts, oneLine, type GraphModel, type ModelEdge, type ModelNode, type NodeShape, type PseudoNode } from './model.js';
import { COVERAGE, dashedEdge, edgeWidth, maxEdgeCalls, PSEUDO, STATUS_PAINT, TEXT } from './style.js';

/** Text inside a quoted Mermaid label: entities for what Mermaid or HTML would interpret. */
export function mermaidText(text: string): string {
  return oneLine(text).replace(/["#&<>`|]/g, (c) => `#${c.codePointAt(0)};`);
}

const SHAPES: Readonly<Record<NodeShape, [string, string]>> = {
  conversation: ['(', ')'],
  subagent: ['>', ']'],
  function: ['[/', '/]'],
  branch: ['{', '}'],
  transfer: ['{{', '}}'],
  end: ['([', '])'],
  component: ['[[', ']]'],
  extract: ['[(', ')]'],
  sms: ['[\\', '\\]'],
  'press-digit': ['[/', '\\]'],
  unknown: ['[', ']'],
};

function nodeLabel(node: ModelNode): string {
  const lines = [mermaidText(node.name ?? (node.id || 'unnamed node'))];
  const second = [node.type || 'untyped', node.isGlobal ? 'global' : ''].filter(Boolean).join(', ');
  const extra = [findingCounts(node.findings), coverageLine(node.coverage)].filter(Boolean).join(' · ');
  lines.push(mermaidText(extra ? `${second} · ${extra}` : second));
  return lines.join('<br/>');
}

function nodeLine(node: ModelNode): string {
  const [open, close] = SHAPES[node.shape];
  return `${node.safeId}${open}"${nodeLabel(node)}"${close}`;
}

function pseudoLine(p: PseudoNode): string {
  if (p.kind === 'start') return `${p.safeId}(("${mermaidText(p.label)}"))`;
  if (p.kind === 'back') return `${p.safeId}(["${mermaidText(p.label)}"])`;
  return `${p.safeId}["${mermaidText(p.label)}"]`;
}

function edgeLine(edge: ModelEdge): string {
  const arrow = dashedEdge(edge) ? '-.->' : '-->';
  const count = edge.calls !== undefined && !edge.derived ? `×${edge.calls}` : '';
  const text = [edge.label, count].filter(Boolean).join(' ');
  return text ? `${edge.from} ${arrow}|"${mermaidText(text)}"| ${edge.to}` : `${edge.from} ${arrow} ${edge.to}`;
}

export function toMermaid(model: GraphModel): string {
  const out: string[] = [`%% ${oneLine(model.title)}: retell-kit graph ${oneLine(model.file)}`, 'flowchart TD'];
  const inCluster = new Map<string | undefined, string[]>();
  const place = (cluster: string | undefined, line: string) => {
    const list = inCluster.get(cluster);
    if (list) list.push(line);
    else inCluster.set(cluster, [line]);
  };
  for (const p of model.pseudo) place(p.cluster, pseudoLine(p));
  for (const n of model.nodes) place(n.cluster, nodeLine(n));

  for (const line of inCluster.get(undefined) ?? []) out.push(`  ${line}`);
  const children = (parent: string | undefined) => model.clusters.filter((c) => c.parent === parent);
  const emit = (parent: string | undefined, indent: string) => {
    for (const c of children(parent)) {
      out.push(`${indent}subgraph ${c.safeId}["${mermaidText(c.title)}"]`);
      for (const line of inCluster.get(c.safeId) ?? []) out.push(`${indent}  ${line}`);
      emit(c.safeId, `${indent}  `);
      out.push(`${indent}end`);
    }
  };
  emit(undefined, '  ');

  for (const e of model.edges) out.push(`  ${edgeLine(e)}`);

  // Lint colours: one class per status, assigned in bulk.
  const used = new Set(model.nodes.map((n) => n.status));
  for (const [status, paint] of Object.entries(STATUS_PAINT)) {
    if (used.has(status as ModelNode['status'])) out.push(`  classDef ${status} fill:${paint.fill},stroke:${paint.stroke},color:${TEXT}`);
  }
  for (const status of Object.keys(STATUS_PAINT)) {
    const ids = model.nodes.filter((n) => n.status === status).map((n) => n.safeId);
    if (ids.length) out.push(`  class ${ids.join(',')} ${status}`);
  }
  const pseudoIds = (kind: PseudoNode['kind']) => model.pseudo.filter((p) => p.kind === kind).map((p) => p.safeId);
  for (const kind of ['start', 'back', 'missing'] as const) {
    const ids = pseudoIds(kind);
    if (!ids.length) continue;
    out.push(kind === 'start' ? `  classDef pseudo_start fill:${PSEUDO.start},stroke:${PSEUDO.start},color:#ffffff` : kind === 'back' ? `  classDef pseudo_back fill:#ffffff,stroke:${PSEUDO.back},stroke-dasharray:4 3,color:${PSEUDO.back}` : `  classDef pseudo_missing fill:#ffffff,stroke:${PSEUDO.missing},stroke-dasharray:4 3,color:${PSEUDO.missing}`);
    out.push(`  class ${ids.join(',')} pseudo_${kind}`);
  }
  for (const c of model.clusters) {
    out.push(c.kind === 'global' ? `  style ${c.safeId} fill:#fbefff,stroke:#8250df,stroke-dasharray:5 4` : `  style ${c.safeId} fill:#f6f8fa,stroke:#57606a`);
  }

  // Coverage: unreached nodes dashed grey, stuck nodes a thick orange border; edges by calls.
  if (model.coverage) {
    for (const n of model.nodes) {
      if (!n.coverage) continue;
      if (n.coverage.stuck > 0) out.push(`  style ${n.safeId} stroke:${COVERAGE.stuck},stroke-width:4px`);
      else if (n.coverage.calls === 0) out.push(`  style ${n.safeId} stroke:${COVERAGE.unreached},stroke-dasharray:5 4,color:${COVERAGE.unreached}`);
    }
    const max = maxEdgeCalls(model.edges);
    model.edges.forEach((e, i) => {
      if (e.calls === undefined) return;
      out.push(e.calls > 0 ? `  linkStyle ${i} stroke:${COVERAGE.taken},stroke-width:${edgeWidth(e.calls, max)}px` : `  linkStyle ${i} stroke:${COVERAGE.unreached}`);
    });
  }
  return `${out.join('\n')}\n`;
}
