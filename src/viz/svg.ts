/** SVG pictures rendered in-process by a WebAssembly build of Graphviz (@viz-js/viz): no system Graphviz needed. */
import { show } from '../validate.js';
import { checkGraphArgs } from './graph.js';
import type { Tensor } from '../tensor.js';
import { toDot } from './dot.js';
import type { GraphOptions } from './graph.js';

type Viz = Awaited<ReturnType<typeof import('@viz-js/viz').instance>>;
let viz: Promise<Viz> | null = null;

/** The Graphviz instance, loaded once (the WebAssembly module is a few MB; later calls are fast). */
function graphviz(): Promise<Viz> {
  viz ??= import('@viz-js/viz').then((m) => m.instance());
  return viz;
}

/**
 * Renders DOT text to SVG with the bundled Graphviz.
 * @example
 * const svg = await dotToSvg('digraph { a -> b }');
 * svg.includes('<svg'); // true
 */
export async function dotToSvg(dot: string): Promise<string> {
  if (typeof dot !== 'string') throw new Error(`dotToSvg: expected DOT source text, got ${show(dot)}`);
  const v = await graphviz();
  const result = v.render(dot, { format: 'svg' });
  if (result.status !== 'success' || result.output === undefined) {
    const errors = result.errors.map((e) => e.message).join('; ');
    throw new Error(`toSvg: Graphviz could not render the graph: ${errors}`);
  }
  return result.output;
}

/**
 * The computational graph of `t` as an SVG document (the {@link toDot} picture, laid out by Graphviz).
 * @example
 * const w = tensor(0.5, { requiresGrad: true, name: 'w' });
 * const svg = await toSvg(w.mul(3).tanh());
 * svg.includes('<svg'); // true
 */
export async function toSvg(t: Tensor, options: GraphOptions = {}): Promise<string> {
  checkGraphArgs('toSvg', t, options);
  return dotToSvg(toDot(t, options));
}
