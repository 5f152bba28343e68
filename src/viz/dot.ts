/** Graphviz DOT text of a tensor's graph: inputs on the left (or top, for long graphs), the root at the far end. */
import type { Tensor } from '../tensor.js';
import type { GraphOptions, VizGraph, VizNode } from './graph.js';
import { buildGraph, checkGraphArgs, checkVizGraph } from './graph.js';

const FILL: Record<VizNode['kind'], string> = {
  leaf: '#dbeafe', constant: '#f3f4f6', op: '#fef9c3', group: '#fde68a', hidden: '#e5e7eb',
};

/** Escapes text for a double-quoted DOT string; newlines become centred line breaks. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

function nodeLine(n: VizNode): string {
  const attrs = [`label=${quote([n.title, ...n.lines].join('\n'))}`, `fillcolor="${FILL[n.kind]}"`];
  if (n.kind === 'constant' || n.kind === 'hidden') attrs.push('style="rounded,filled,dashed"');
  if (n.kind === 'group') attrs.push('peripheries=2');
  if (n.status === 'bad') attrs.push('color="#dc2626"', 'penwidth=3', 'fontcolor="#991b1b"');
  if (n.status === 'ok') attrs.push('color="#16a34a"', 'penwidth=2');
  return `  ${n.id} [${attrs.join(', ')}];`;
}

/**
 * DOT text of a graph model (see {@link buildGraph}): build once, render several ways.
 * @example
 * const w = tensor(2, { requiresGrad: true, name: 'w' });
 * const g = buildGraph(w.mul(w));
 * graphToDot(g).includes('L0 -> N0'); // true
 */
export function graphToDot(g: VizGraph): string {
  checkVizGraph('graphToDot', g);
  const caption = [g.title, ...g.notes].join('\n');
  const out = [
    'digraph tapegrad {',
    `  graph [rankdir=${g.direction}, fontname="Helvetica", fontsize=11, labelloc=b, labeljust=l, label=${quote(caption)}];`,
    '  node [shape=box, style="rounded,filled", fontname="Helvetica", fontsize=10];',
    '  edge [fontname="Helvetica", fontsize=9, color="#6b7280"];',
    ...g.nodes.map(nodeLine),
    ...g.edges.map((e) => `  ${e.from} -> ${e.to}${e.label === '' ? '' : ` [label=${quote(e.label)}]`};`),
    '}',
  ];
  return `${out.join('\n')}\n`;
}

/**
 * The computational graph of `t` as Graphviz DOT: one box per leaf (named by `.name`) and per op,
 * each with its shape, value (or min/mean/max) and gradient. Output is deterministic: ids follow
 * tape order, so the same computation always gives the same text.
 * @example
 * const w = tensor(0.5, { requiresGrad: true, name: 'w' });
 * const y = w.mul(3).tanh();
 * const dot = toDot(y);   // 'digraph tapegrad { … L0 [label="w\nvalue 0.5\ngrad 0.5421"] … }'
 * dot.includes('tanh');   // true
 */
export function toDot(t: Tensor, options: GraphOptions = {}): string {
  checkGraphArgs('toDot', t, options);
  return graphToDot(buildGraph(t, options));
}
