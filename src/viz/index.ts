/** Graph pictures of the tape: DOT, Mermaid and SVG, with values, gradients and a gradient-check overlay. */
export { toDot, graphToDot } from './dot.js';
export { toMermaid, graphToMermaid } from './mermaid.js';
export { toSvg, dotToSvg } from './svg.js';
export { buildGraph } from './graph.js';
export type { GraphOptions, VizGraph, VizNode, VizEdge } from './graph.js';
export type { ReportLike, ReportEntryLike } from './report.js';
export { formatNumber, summarize } from './format.js';
