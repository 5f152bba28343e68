/** The matplotlib.pyplot engine: figure state, styles, colour maps and the SVG renderer (no Python in here). */
export { Axes, Figure, PyplotState } from './figure.js';
export type { Artist, ImageArtist, ImageOptions, LegendLoc, LineArtist, LineOptions, NumArray, ScatterArtist, ScatterOptions, WrittenFigure } from './figure.js';
export { renderFigure } from './render.js';
export { colormap, encodePng, base64 } from './image.js';
export { parseColor, parseFormat, parseLineStyle, parseMarker, COLOR_CYCLE } from './style.js';
export type { FormatSpec, LineStyle, Marker } from './style.js';
