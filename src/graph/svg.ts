// SVG of a graph model, laid out by Graphviz compiled to WebAssembly (@viz-js/viz): no browser, no
// native binary and no download at run time; the module is loaded only when an SVG is asked for.
import { KitError } from '../errors.js';
import { toDot } from './dot.js';
import type { GraphModel } from './model.js';

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<Viz> | undefined;

/** The one Graphviz instance of the process (its WebAssembly compiles once, in about 30 ms). */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/** DOT text to SVG text. A layout failure is a KitError naming Graphviz's own message. */
export async function renderDot(dot: string): Promise<string> {
  const result = (await graphviz()).render(dot, { format: 'svg', engine: 'dot' });
  if (result.status !== 'success') {
    const message = result.errors.map((e) => e.message.trim()).join('; ') || 'no message';
    throw new KitError('internal', `Graphviz could not lay out the graph: ${message}`, { hint: 'please report it with the flow file (or --format dot output)' });
  }
  return result.output;
}

export async function toSvg(model: GraphModel): Promise<string> {
  return renderDot(toDot(model));
}
