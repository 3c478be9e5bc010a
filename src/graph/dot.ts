// Graphviz DOT of a graph model: what svg.ts renders, and `--format dot` for people who run their
// own Graphviz. Node and cluster names are the model's safe ids (SVG element ids too); labels are
// HTML-like labels with &, <, >, " escaped; tooltips become the SVG's hover titles.
import { coverageLine, edgeTooltip, findingCounts, nodeTooltip, oneLine, type GraphModel, type ModelEdge, type ModelNode, type NodeShape, type PseudoNode } from './model.js';
import { summaryLine } from './coverage.js';
import { COVERAGE, dashedEdge, edgeWidth, maxEdgeCalls, PSEUDO, STATUS_PAINT, TEXT } from './style.js';

/** Text for an HTML-like label. */
export function htmlText(text: string): string {
  return oneLine(text).replace(/[&<>"]/g, (c) => `&#${c.codePointAt(0)};`);
}

/** A quoted DOT string (escString: backslashes would be escapes, so they are doubled). */
export function dotString(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\r?\n/g, '\\n')}"`;
}

const SHAPES: Readonly<Record<NodeShape, string>> = {
  conversation: 'shape=box style="rounded,filled"',
  subagent: 'shape=box style="rounded,filled" peripheries=2',
  function: 'shape=parallelogram style=filled',
  branch: 'shape=diamond style=filled',
  transfer: 'shape=hexagon style=filled',
  end: 'shape=doublecircle style=filled fixedsize=false',
  component: 'shape=component style=filled',
  extract: 'shape=cylinder style=filled',
  sms: 'shape=note style=filled',
  'press-digit': 'shape=trapezium style=filled',
  unknown: 'shape=box style=filled',
};

const attrs = (list: (string | false | undefined)[]) => `[${list.filter(Boolean).join(' ')}]`;

function nodeStatement(node: ModelNode): string {
  const paint = STATUS_PAINT[node.status];
  const title = htmlText(node.name ?? (node.id || 'unnamed node'));
  const kind = htmlText([node.type || 'untyped', node.isStart ? 'start' : '', node.isGlobal ? 'global' : ''].filter(Boolean).join(', '));
  const rows = [`<b>${title}</b>`, `<font point-size="9">${kind}</font>`];
  const counts = findingCounts(node.findings);
  if (counts) rows.push(`<font point-size="9" color="${paint.stroke}">${htmlText(counts)}</font>`);
  const cov = coverageLine(node.coverage);
  const stuck = (node.coverage?.stuck ?? 0) > 0;
  const unreached = node.coverage !== undefined && node.coverage.calls === 0;
  if (cov) rows.push(`<font point-size="9" color="${stuck ? COVERAGE.stuck : unreached ? COVERAGE.unreached : COVERAGE.taken}">${htmlText(cov)}</font>`);
  const classes = ['flow-node', `type-${node.shape}`, `lint-${node.status}`, stuck && 'stuck', unreached && 'unreached'].filter(Boolean).join(' ');
  const style = SHAPES[node.shape].replace(/style="?([a-z,]+)"?/, (_, s: string) => `style="${unreached ? `${s},dashed` : s}"`);
  return `${node.safeId} ${attrs([
    style,
    `id=${dotString(node.safeId)}`,
    `class=${dotString(classes)}`,
    `label=<${rows.join('<br/>')}>`,
    `tooltip=${dotString(nodeTooltip(node))}`,
    `fillcolor="${paint.fill}"`,
    `color="${stuck ? COVERAGE.stuck : unreached ? COVERAGE.unreached : paint.stroke}"`,
    stuck ? 'penwidth=3' : node.status === 'error' ? 'penwidth=2' : undefined,
    unreached && `fontcolor="${COVERAGE.unreached}"`,
  ])};`;
}

function pseudoStatement(p: PseudoNode): string {
  if (p.kind === 'start') return `${p.safeId} [id=${dotString(p.safeId)} class="pseudo start" shape=circle style=filled fillcolor="${PSEUDO.start}" fontcolor="#ffffff" width=0.5 fixedsize=true fontsize=9 label="start" tooltip="the call starts here"];`;
  if (p.kind === 'back') return `${p.safeId} [id=${dotString(p.safeId)} class="pseudo back" shape=box style="rounded,dashed" color="${PSEUDO.back}" fontcolor="${PSEUDO.back}" fontsize=10 label=<${htmlText(p.label)}> tooltip="a go-back condition returns the call to the node it came from"];`;
  return `${p.safeId} [id=${dotString(p.safeId)} class="pseudo missing" shape=box style=dashed color="${PSEUDO.missing}" fontcolor="${PSEUDO.missing}" fontsize=10 label=<${htmlText(p.label)}> tooltip=${dotString(`${p.label}: this edge leads to no node of the flow`)}];`;
}

function edgeStatement(edge: ModelEdge, max: number): string {
  const count = edge.calls !== undefined && !edge.derived ? `×${edge.calls}` : '';
  const text = [edge.label, count].filter(Boolean).join(' ');
  const paint = edge.status === 'error' || edge.status === 'warning' ? STATUS_PAINT[edge.status].stroke : undefined;
  const covered = edge.calls !== undefined && !edge.derived;
  const color = paint ?? (covered ? (edge.calls! > 0 ? COVERAGE.taken : COVERAGE.unreached) : '#57606a');
  const classes = ['flow-edge', `kind-${edge.kind}`, covered && (edge.calls! > 0 ? 'taken' : 'not-taken')].filter(Boolean).join(' ');
  return `${edge.from} -> ${edge.to} ${attrs([
    `id=${dotString(edge.safeId)}`,
    `class=${dotString(classes)}`,
    text && `label=<${htmlText(text)}>`,
    `tooltip=${dotString(edgeTooltip(edge))}`,
    text && `labeltooltip=${dotString(edgeTooltip(edge))}`,
    `color="${color}"`,
    `fontcolor="${paint ?? '#57606a'}"`,
    dashedEdge(edge) || (covered && edge.calls === 0) ? 'style=dashed' : undefined,
    covered ? `penwidth=${edgeWidth(edge.calls!, max)}` : undefined,
  ])};`;
}

/** The caption under the title: lint counts and the coverage summary. */
export function caption(model: GraphModel): string[] {
  const lines: string[] = [];
  const { lint } = model;
  if (lint.checked) lines.push(lint.errors + lint.warnings + lint.infos === 0 ? 'lint: clean' : `lint: ${lint.errors} error${lint.errors === 1 ? '' : 's'}, ${lint.warnings} warning${lint.warnings === 1 ? '' : 's'}${lint.infos ? `, ${lint.infos} note${lint.infos === 1 ? '' : 's'}` : ''}`);
  if (model.coverage) lines.push(`coverage: ${summaryLine(model.coverage)}`);
  return lines;
}

/**
 * Above this many nodes the layout trades curves for time: straight edges and short crossing and
 * ranking passes. Spline routing and full crossing minimisation take Graphviz over 10 minutes on a
 * 1,000-node flow (measured: bench/graph.mjs), 8 s at 200; the fast settings take about 3 s at 1,000.
 */
export const FAST_LAYOUT_NODES = 80;
const FAST_LAYOUT = 'splines=line mclimit=0.01 nslimit=0.5 nslimit1=0.5 remincross=false ';

export function toDot(model: GraphModel): string {
  const fast = model.nodes.length + model.pseudo.length > FAST_LAYOUT_NODES ? FAST_LAYOUT : '';
  const out: string[] = [
    `digraph ${dotString(model.title)} {`,
    `  graph [${fast}rankdir=TB fontname="Helvetica,Arial,sans-serif" fontsize=12 nodesep=0.4 ranksep=0.55 labelloc=t labeljust=l id="flow-graph" label=<<b>${htmlText(model.title)}</b>${caption(model)
      .map((l) => `<br/><font point-size="10">${htmlText(l)}</font>`)
      .join('')}<br/> >];`,
    `  node [fontname="Helvetica,Arial,sans-serif" fontsize=11 fontcolor="${TEXT}" margin="0.12,0.06"];`,
    '  edge [fontname="Helvetica,Arial,sans-serif" fontsize=9 arrowsize=0.7];',
  ];
  const inCluster = new Map<string | undefined, string[]>();
  const place = (cluster: string | undefined, line: string) => {
    const list = inCluster.get(cluster);
    if (list) list.push(line);
    else inCluster.set(cluster, [line]);
  };
  for (const p of model.pseudo) place(p.cluster, pseudoStatement(p));
  for (const n of model.nodes) place(n.cluster, nodeStatement(n));
  for (const line of inCluster.get(undefined) ?? []) out.push(`  ${line}`);
  const emit = (parent: string | undefined, indent: string) => {
    for (const c of model.clusters.filter((x) => x.parent === parent)) {
      out.push(`${indent}subgraph cluster_${c.safeId} {`);
      out.push(
        c.kind === 'global'
          ? `${indent}  graph [id=${dotString(c.safeId)} class="cluster-global" label=<${htmlText(c.title)}> style="rounded,dashed,filled" color="#8250df" fillcolor="#fbefff" fontsize=10];`
          : `${indent}  graph [id=${dotString(c.safeId)} class="cluster-component" label=<<b>${htmlText(c.title)}</b>> style="rounded,filled" color="#57606a" fillcolor="#f6f8fa" fontsize=10];`,
      );
      for (const line of inCluster.get(c.safeId) ?? []) out.push(`${indent}  ${line}`);
      emit(c.safeId, `${indent}  `);
      out.push(`${indent}}`);
    }
  };
  emit(undefined, '  ');
  const max = maxEdgeCalls(model.edges);
  for (const e of model.edges) out.push(`  ${edgeStatement(e, max)}`);
  out.push('}');
  return `${out.join('\n')}\n`;
}
