// `retell-kit graph`: a picture of a flow (Mermaid, DOT, SVG, HTML), nodes coloured by lint findings
// and, with recorded calls, marked with where callers really went. Returns text; never prints.
import { KitError } from '../errors.js';
import { buildGraph, type FlowGraph } from '../flow/graph.js';
import { loadFile, type LoadedFile } from '../flow/load.js';
import { lintLoaded, type LintOptions } from '../validators/engine.js';
import { computeCoverage, loadCallPaths, type CallPath } from './coverage.js';
import { toDot } from './dot.js';
import { toHtml } from './html.js';
import { toMermaid } from './mermaid.js';
import { buildModel, type GraphModel } from './model.js';
import { toSvg } from './svg.js';

export { buildModel, shorten, conditionText, safeIdMaker } from './model.js';
export type { GraphModel, ModelNode, ModelEdge, ModelCluster, PseudoNode, NodeShape, LintStatus, GraphFinding, NodeCoverageMark } from './model.js';
export { computeCoverage, callPathsOf, loadCallPaths, summaryLine } from './coverage.js';
export type { CallPath, Coverage, CoverageSummary, ForeignCall, StuckNode } from './coverage.js';
export { toMermaid, mermaidText } from './mermaid.js';
export { toDot } from './dot.js';
export { toSvg, renderDot } from './svg.js';
export { toHtml } from './html.js';

export const GRAPH_FORMATS = ['mermaid', 'svg', 'html', 'dot'] as const;
export type GraphFormat = (typeof GRAPH_FORMATS)[number];

export interface GraphOptions {
  /** Lint options for the colours; false draws without linting. Default: the recommended rules. */
  lint?: LintOptions | false;
  /** Recorded calls to mark the graph with (loadCallPaths). */
  calls?: readonly CallPath[];
  /** Which flow, when the file holds several (a list response): its conversation_flow_id. */
  flowId?: string;
}

/** The loader's own words for a file that holds no flow: the first finding lint makes of it. */
function notAFlow(loaded: LoadedFile): KitError {
  const d = lintLoaded(loaded, {}, []).diagnostics[0];
  const where = d && d.line > 0 && d.pointer === '' && d.ruleId === 'parse-error' ? `${loaded.path}:${d.line}:${d.column}` : loaded.path;
  return new KitError('usage', d?.message ?? 'no conversation flow in it', { file: where, ...(d && d.pointer && { pointer: d.pointer }), hint: 'graph takes a conversation flow: a flow file, an agent export with its flow, or a flow list response' });
}

/** The one flow of a loaded file to draw (or the one `flowId` names). */
export function pickFlow(loaded: LoadedFile, flowId?: string): FlowGraph {
  if (loaded.flows.length === 0) throw notAFlow(loaded);
  if (flowId !== undefined) {
    const flow = loaded.flows.find((f) => f.flowId === flowId);
    if (!flow) throw new KitError('usage', `no flow "${flowId}" in the file`, { file: loaded.path, hint: `flows in it: ${loaded.flows.map((f) => f.flowId).join(', ')}` });
    return buildGraph(flow, loaded.path);
  }
  if (loaded.flows.length > 1) {
    throw new KitError('usage', `the file holds ${loaded.flows.length} flows: pick one with --flow`, { file: loaded.path, hint: `e.g. --flow ${loaded.flows[0]!.flowId} (flows: ${loaded.flows.slice(0, 5).map((f) => f.flowId).join(', ')})` });
  }
  return buildGraph(loaded.flows[0]!, loaded.path);
}

/** The model of a loaded file: its flow, lint findings and, with calls, coverage. */
export function graphLoaded(loaded: LoadedFile, options: GraphOptions = {}): GraphModel {
  const graph = pickFlow(loaded, options.flowId);
  const diagnostics = options.lint === false ? undefined : lintLoaded(loaded, options.lint ?? {}).diagnostics;
  const coverage = options.calls ? computeCoverage(graph, options.calls) : undefined;
  return buildModel(graph, { ...(diagnostics && { diagnostics }), ...(coverage && { coverage }) });
}

export interface GraphFileOptions extends Omit<GraphOptions, 'calls'> {
  cwd?: string;
  /** Recordings and call objects: files, folders, globs (replay's inputs). */
  coverage?: readonly string[];
}

/** Load a flow file (and the calls) and build its model. Trouble reading either is a KitError (exit 2). */
export async function graphFile(file: string, options: GraphFileOptions = {}): Promise<GraphModel> {
  const cwd = options.cwd ?? process.cwd();
  const loaded = await loadFile(file, cwd);
  const calls = options.coverage?.length ? await loadCallPaths(options.coverage, cwd) : undefined;
  return graphLoaded(loaded, { ...(options.lint !== undefined && { lint: options.lint }), ...(options.flowId !== undefined && { flowId: options.flowId }), ...(calls && { calls }) });
}

/** The model in one format, as text. */
export async function renderGraph(model: GraphModel, format: GraphFormat): Promise<string> {
  switch (format) {
    case 'mermaid':
      return toMermaid(model);
    case 'dot':
      return toDot(model);
    case 'svg':
      return toSvg(model);
    case 'html':
      return toHtml(model, await toSvg(model));
  }
}
