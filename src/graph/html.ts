// One self-contained HTML page: the SVG inline, a legend (lint colours, node shapes, coverage), the
// coverage summary and the findings. No script, no font, no image, no CDN: its Content-Security-Policy
// forbids loading anything, so it opens the same offline, from a CI artifact or an email.
import { caption } from './dot.js';
import { findingCounts, type GraphModel, type LintStatus, type NodeShape } from './model.js';
import { COVERAGE, STATUS_PAINT } from './style.js';
import { escapeHtml, pageHead } from '../util/html.js';


const SHAPE_WORDS: Readonly<Record<NodeShape, string>> = {
  conversation: 'rounded box: conversation',
  subagent: 'double rounded box: subagent',
  function: 'parallelogram: function, code, MCP',
  branch: 'diamond: branch',
  transfer: 'hexagon: transfer, agent swap',
  end: 'double circle: end',
  component: 'component box: component (its nodes in a grey frame)',
  extract: 'cylinder: extract variables',
  sms: 'note: SMS',
  'press-digit': 'trapezium: press digit',
  unknown: 'box: unknown type',
};

const CSS = `
:root { color-scheme: light; }
body { font: 14px/1.45 -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; color: #1f2328; margin: 0; background: #ffffff; }
header { padding: 16px 24px; border-bottom: 1px solid #d0d7de; }
h1 { font-size: 20px; margin: 0 0 4px; }
.sub { color: #57606a; margin: 0; }
main { display: flex; flex-wrap: wrap; gap: 24px; padding: 16px 24px; align-items: flex-start; }
#graph { flex: 1 1 640px; overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: 8px; }
#graph svg { max-width: 100%; height: auto; }
aside { flex: 0 1 340px; }
h2 { font-size: 15px; margin: 16px 0 6px; }
ul { margin: 0; padding-left: 18px; }
li { margin: 2px 0; }
.swatch { display: inline-block; width: 14px; height: 14px; border: 2px solid; border-radius: 3px; vertical-align: -3px; margin-right: 6px; }
.line { display: inline-block; width: 28px; vertical-align: middle; margin-right: 6px; border-top-style: solid; }
.legend li { list-style: none; margin-left: -18px; }
.num { font-variant-numeric: tabular-nums; }
code { font: 12px ui-monospace, SFMono-Regular, Menlo, monospace; background: #f6f8fa; padding: 0 3px; border-radius: 3px; }
.error { color: #cf222e; } .warning { color: #9a6700; } .info { color: #0969da; }
`;

export function toHtml(model: GraphModel, svg: string): string {
  // The SVG without its XML prolog and doctype: inline SVG in HTML takes the element alone.
  const inline = svg.slice(Math.max(0, svg.indexOf('<svg')));
  const statuses = new Set(model.nodes.map((n) => n.status));
  const shapes = new Set(model.nodes.map((n) => n.shape));
  const legend: string[] = [];
  for (const [status, paint] of Object.entries(STATUS_PAINT) as [LintStatus, (typeof STATUS_PAINT)[LintStatus]][]) {
    if (statuses.has(status)) legend.push(`<li><span class="swatch" style="background:${paint.fill};border-color:${paint.stroke}"></span>${escapeHtml(paint.meaning)}</li>`);
  }
  const shapeItems = [...shapes].map((s) => `<li>${escapeHtml(SHAPE_WORDS[s])}</li>`);
  const sections: string[] = [];
  sections.push(`<h2>Legend</h2><ul class="legend">${legend.join('')}</ul><ul>${shapeItems.join('')}<li>dashed edges: go back, component entry and exit, failure paths</li>${model.clusters.some((c) => c.kind === 'global') ? '<li>purple dashed frame: global nodes, entered from anywhere when their condition holds</li>' : ''}</ul>`);

  const cov = model.coverage;
  if (cov) {
    const items = [
      `<li>nodes reached <b class="num">${cov.nodesReached}/${cov.nodesTotal}</b>, edges taken <b class="num">${cov.edgesTaken}/${cov.edgesTotal}</b></li>`,
      `<li>${cov.counted} of ${cov.calls} recorded call${cov.calls === 1 ? '' : 's'} drawn</li>`,
      `<li><span class="line" style="border-top-width:4px;border-color:${COVERAGE.taken}"></span>edge taken (thicker: more calls; ×N on the label)</li>`,
      `<li><span class="swatch" style="border-color:${COVERAGE.stuck};border-width:3px"></span>stuck: calls ended here without reaching an end node</li>`,
      `<li><span class="swatch" style="border-color:${COVERAGE.unreached};border-style:dashed"></span>never reached by a recorded call</li>`,
    ];
    if (cov.stuck.length) items.push(`<li>stuck: ${cov.stuck.map((s) => `<code>${escapeHtml(s.name ?? s.nodeId)}</code> (${s.calls})`).join(', ')}</li>`);
    if (cov.longest) items.push(`<li>longest stay: <code>${escapeHtml(cov.longest.name ?? cov.longest.nodeId)}</code>, ${cov.longest.meanSec.toFixed(1)} s on average</li>`);
    if (cov.foreign.length) items.push(`<li class="warning">${cov.foreign.length} call${cov.foreign.length === 1 ? '' : 's'} left out: node ids not in this flow (${cov.foreign.slice(0, 3).map((f) => `<code>${escapeHtml(f.callId)}</code>: ${f.unknownNodeIds.map((id) => `<code>${escapeHtml(id)}</code>`).join(', ')}`).join('; ')})</li>`);
    if (cov.withoutTransitions.length) items.push(`<li>${cov.withoutTransitions.length} call${cov.withoutTransitions.length === 1 ? '' : 's'} without node transitions left out</li>`);
    if (cov.unexplained) items.push(`<li>${cov.unexplained} transition${cov.unexplained === 1 ? '' : 's'} no edge of this flow explains (the flow changed since?)</li>`);
    sections.push(`<h2>Coverage</h2><ul>${items.join('')}</ul>`);
  }

  if (model.lint.checked) {
    const findings = model.nodes.flatMap((n) => n.findings.map((f) => ({ where: n.name ?? n.id, f })));
    for (const f of model.lint.flowFindings) findings.push({ where: 'flow', f });
    const list = findings.slice(0, 200).map(({ where, f }) => `<li><span class="${f.severity}">${f.severity}</span> <code>${escapeHtml(f.ruleId)}</code> ${escapeHtml(where)}: ${escapeHtml(f.message)}</li>`);
    const more = findings.length > 200 ? `<li>… and ${findings.length - 200} more (retell-kit lint ${escapeHtml(model.file)})</li>` : '';
    sections.push(`<h2>Lint: ${escapeHtml(findingCounts(findings.map((x) => x.f)) || 'clean')}</h2>${list.length ? `<ul>${list.join('')}${more}</ul>` : ''}`);
  }

  return `${pageHead({ title: `${model.title}: flow graph`, generator: 'retell-kit graph', css: CSS })}
<header><h1>${escapeHtml(model.title)}</h1><p class="sub">${escapeHtml([model.file, ...caption(model)].join(' · '))}</p></header>
<main>
<div id="graph">${inline}</div>
<aside>${sections.join('\n')}</aside>
</main>
</body>
</html>
`;
}
