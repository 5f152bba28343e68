/** Mermaid flowchart text of a tensor's graph, for Markdown pages that render Mermaid (GitHub, many docs sites). */
import type { Tensor } from '../tensor.js';
import type { GraphOptions, VizGraph, VizNode } from './graph.js';
import { buildGraph, checkGraphArgs, checkVizGraph } from './graph.js';

/** Mermaid's entity escapes, so quotes and angle brackets in labels cannot break the syntax. */
function escape(text: string): string {
  return text.replace(/&/g, '#amp;').replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;');
}

function label(lines: readonly string[]): string {
  return `"${lines.map(escape).join('<br/>')}"`;
}

function classOf(n: VizNode): string {
  if (n.status === 'bad') return 'bad';
  if (n.status === 'ok') return 'ok';
  return n.kind;
}

/**
 * Mermaid text of a graph model (see {@link buildGraph}).
 * @example
 * const w = tensor(2, { requiresGrad: true, name: 'w' });
 * graphToMermaid(buildGraph(w.exp())).includes('L0 --> N0'); // true
 */
export function graphToMermaid(g: VizGraph): string {
  checkVizGraph('graphToMermaid', g);
  const out = [`flowchart ${g.direction}`];
  out.push(`  %% ${g.title.replace(/\n/g, ' ')}`);
  for (const n of g.nodes) {
    const text = label([n.title, ...n.lines]);
    out.push(n.kind === 'op' || n.kind === 'group' ? `  ${n.id}[${text}]` : `  ${n.id}([${text}])`);
  }
  for (const e of g.edges) out.push(e.label === '' ? `  ${e.from} --> ${e.to}` : `  ${e.from} -->|${label([e.label])}| ${e.to}`);
  if (g.notes.length > 0) out.push(`  notes>${label(g.notes)}]`);
  out.push(
    '  classDef leaf fill:#dbeafe,stroke:#1e40af',
    '  classDef constant fill:#f3f4f6,stroke:#9ca3af,stroke-dasharray:4',
    '  classDef op fill:#fef9c3,stroke:#a16207',
    '  classDef group fill:#fde68a,stroke:#a16207,stroke-width:3px',
    '  classDef hidden fill:#e5e7eb,stroke:#6b7280,stroke-dasharray:4',
    '  classDef bad fill:#fee2e2,stroke:#dc2626,stroke-width:4px',
    '  classDef ok stroke:#16a34a,stroke-width:2px',
  );
  const byClass = new Map<string, string[]>();
  for (const n of g.nodes) {
    const c = classOf(n);
    byClass.set(c, [...(byClass.get(c) ?? []), n.id]);
  }
  for (const [c, ids] of byClass) out.push(`  class ${ids.join(',')} ${c}`);
  return `${out.join('\n')}\n`;
}

/**
 * The computational graph of `t` as a Mermaid flowchart (same content as {@link toDot}), for
 * Markdown that renders Mermaid. Deterministic ids, so it diffs cleanly.
 * @example
 * const w = tensor(0.5, { requiresGrad: true, name: 'w' });
 * toMermaid(w.mul(3).tanh()).startsWith('flowchart LR'); // true
 */
export function toMermaid(t: Tensor, options: GraphOptions = {}): string {
  checkGraphArgs('toMermaid', t, options);
  return graphToMermaid(buildGraph(t, options));
}
