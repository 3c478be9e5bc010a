import path from 'node:path';
import { loadConfig } from '../config/load.js';
import { resolveLintOptions } from '../config/lint-options.js';
import { ExitCode, KitError } from '../errors.js';
import { GRAPH_FORMATS, graphFile, renderGraph, summaryLine, type GraphFormat, type GraphModel } from '../graph/index.js';
import { writeAtomically } from '../report/write.js';
import type { LintOptions } from '../validators/engine.js';

export interface GraphFlags {
  format?: string;
  output?: string;
  coverage?: string[];
  lint?: boolean;
  flow?: string;
  config?: string;
}

/** The format a file name asks for (`flow.svg` -> svg), when --format is not given. */
function formatOfOutput(output: string | undefined): GraphFormat | undefined {
  const ext = output ? path.extname(output).slice(1).toLowerCase() : '';
  const byExt: Record<string, GraphFormat> = { mmd: 'mermaid', mermaid: 'mermaid', svg: 'svg', html: 'html', htm: 'html', dot: 'dot', gv: 'dot' };
  return byExt[ext];
}

/** What --coverage found, for stderr: the summary, where calls got stuck, and what was left out. */
function coverageNotes(model: GraphModel): string[] {
  const c = model.coverage;
  if (!c) return [];
  const lines = [`coverage: ${summaryLine(c)}`];
  if (c.stuck.length) lines.push(`  stuck (ended without reaching an end node): ${c.stuck.slice(0, 5).map((s) => `${s.nodeId} (${s.calls})`).join(', ')}`);
  if (c.longest) lines.push(`  longest stay: ${c.longest.nodeId} (${c.longest.meanSec.toFixed(1)} s on average)`);
  if (c.unreached.length) lines.push(`  never reached: ${c.unreached.slice(0, 8).join(', ')}${c.unreached.length > 8 ? `, and ${c.unreached.length - 8} more` : ''}`);
  if (c.foreign.length) {
    const other = c.foreign.filter((f) => f.kind === 'other-flow').length;
    const first = c.foreign[0]!;
    const kinds = [other && `${other} of another flow`, c.foreign.length - other && `${c.foreign.length - other} of another version of it`].filter(Boolean).join(', ');
    lines.push(`  left out ${c.foreign.length} call${c.foreign.length === 1 ? '' : 's'} with node ids not in this flow (${kinds}): ${first.callId} went through ${first.unknownNodeIds.join(', ')}`);
  }
  if (c.withoutTransitions.length) lines.push(`  left out ${c.withoutTransitions.length} call${c.withoutTransitions.length === 1 ? '' : 's'} without node transitions (not a conversation-flow call?)`);
  if (c.unexplained) lines.push(`  ${c.unexplained} transition${c.unexplained === 1 ? '' : 's'} between nodes no edge of this flow explains`);
  return lines;
}

/** Flags -> graphFile -> render -> stdout or --output; 0 drawn, 2 bad input. */
export async function runGraph(input: string, flags: GraphFlags): Promise<number> {
  const format = (flags.format ?? formatOfOutput(flags.output) ?? 'mermaid') as GraphFormat;
  if (!GRAPH_FORMATS.includes(format)) throw new KitError('usage', `unknown format "${flags.format}"`, { hint: `use ${GRAPH_FORMATS.join(', ')}` });
  const cwd = process.cwd();
  let lint: LintOptions | false = false;
  if (flags.lint !== false) {
    const { config, filepath } = await loadConfig({ configPath: flags.config, cwd });
    lint = resolveLintOptions(config.lint, {}, filepath ? path.relative(cwd, filepath) || filepath : 'config');
  }
  const model = await graphFile(input, { cwd, lint, ...(flags.coverage?.length && { coverage: flags.coverage }), ...(flags.flow !== undefined && { flowId: flags.flow }) });
  const text = await renderGraph(model, format);
  if (flags.output) {
    await writeAtomically(flags.output, text);
    process.stderr.write(`wrote ${flags.output} (${format}, ${model.nodes.length} node${model.nodes.length === 1 ? '' : 's'})\n`);
  } else {
    process.stdout.write(text);
  }
  for (const line of coverageNotes(model)) process.stderr.write(`${line}\n`);
  return ExitCode.ok;
}
