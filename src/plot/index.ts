/** Public surface of the plotting module: a dependency-free SVG line plot. */
export { linePlot, niceTicks } from './svg.js';
export type { PlotOptions, Series } from './svg.js';
