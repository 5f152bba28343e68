/** DOT to SVG in the browser with the WebAssembly Graphviz (@viz-js/viz), loaded once. */
import { instance } from '@viz-js/viz';

type Viz = Awaited<ReturnType<typeof instance>>;
let viz: Promise<Viz> | null = null;

/**
 * Renders DOT text to an SVG string; Graphviz errors become an Error naming what it rejected.
 * @example
 * const svg = await dotToSvg('digraph { a -> b }');
 */
export async function dotToSvg(dot: string): Promise<string> {
  viz ??= instance();
  const result = (await viz).render(dot, { format: 'svg' });
  if (result.status !== 'success' || result.output === undefined) {
    throw new Error(`graph: Graphviz could not draw the graph: ${result.errors.map((e) => e.message).join('; ')}`);
  }
  return result.output;
}
