/** A small dependency-free SVG line-plot writer for training curves and the seed 004 fitted curve. */
import { expectFinite, expectInteger, show } from '../validate.js';

/** One line of a plot: points (x[i], y[i]); non-finite points break the line. */
export interface Series {
  label: string;
  x: readonly number[];
  y: readonly number[];
  color?: string;
  dashed?: boolean;
  /** Draw a dot at every point (useful for few points, e.g. 3 epochs). An empty label keeps the series out of the legend. */
  markers?: boolean;
}

/** Options of {@link linePlot}: title, axis labels, the series and the picture's size. */
export interface PlotOptions {
  title: string;
  xLabel?: string;
  yLabel?: string;
  series: readonly Series[];
  width?: number;
  height?: number;
  /** Fixed axis ranges; default: the data's range, padded to nice ticks. */
  xRange?: readonly [number, number];
  yRange?: readonly [number, number];
  /** Only whole-number ticks on x (epochs). */
  xInteger?: boolean;
  /** One unit on x as long as one unit on y (for drawing shapes such as the curve). */
  equalAspect?: boolean;
}

const PALETTE = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/**
 * Escapes text for SVG/XML content and attribute values.
 * @example
 * ```ts
 * escapeXml('a < b & "c"'); // 'a &lt; b &amp; &quot;c&quot;'
 * ```
 */
export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Evenly spaced round tick values (steps of 1, 2 or 5 × 10ᵏ) covering [lo, hi].
 * @example
 * ```ts
 * niceTicks(0, 1); // [0, 0.2, 0.4, 0.6, 0.8, 1]
 * ```
 */
export function niceTicks(lo: number, hi: number, target = 6): number[] {
  expectFinite('niceTicks', 'lo', lo);
  expectFinite('niceTicks', 'hi', hi);
  expectInteger('niceTicks', 'target', target, 1);
  if (!(hi > lo)) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    return niceTicks(lo - pad, hi + pad, target);
  }
  const raw = (hi - lo) / target;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.floor(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  // Rounding (or underflow of lo / step) can leave an end uncovered by a hair; extend by one step.
  if (ticks[0]! > lo) ticks.unshift(Number((ticks[0]! - step).toPrecision(12)));
  if (ticks[ticks.length - 1]! < hi) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/**
 * A tick label: up to 6 significant digits, exponent form for very large or small magnitudes.
 * @example
 * ```ts
 * formatTick(0.30000000000000004); // '0.3'
 * ```
 */
export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  return a >= 1e5 || a < 1e-3 ? v.toExponential(1) : String(Number(v.toPrecision(6)));
}

function extent(series: readonly Series[], key: 'x' | 'y'): [number, number] {
  let lo = Infinity;
  let hi = -Infinity;
  for (const s of series) for (const v of s[key]) if (Number.isFinite(v)) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  return lo === Infinity ? [0, 1] : [lo, hi];
}

/**
 * Renders a line plot to an SVG document string (axes, ticks, grid, legend, title).
 *
 * @example
 * ```ts
 * const svg = linePlot({
 *   title: 'Loss', xLabel: 'epoch', yLabel: 'loss',
 *   series: [{ label: 'train', x: [1, 2, 3], y: [0.5, 0.3, 0.2] }],
 * });
 * writeFileSync('loss.svg', svg);
 * ```
 */
export function linePlot(options: PlotOptions): string {
  if (options === null || typeof options !== 'object' || !Array.isArray(options.series)) {
    throw new Error(`linePlot: options must be an object with a series list, got ${show(options)}`);
  }
  const { title, xLabel = '', yLabel = '', series, width = 640, height = 420, equalAspect = false } = options;
  for (const s of series) {
    if (s.x.length !== s.y.length) throw new Error(`linePlot: series '${s.label}' has ${s.x.length} x values and ${s.y.length} y values`);
  }
  const margin = { left: 70, right: 20, top: 40, bottom: 55 };
  let xt = niceTicks(...(options.xRange ?? extent(series, 'x')));
  let yt = niceTicks(...(options.yRange ?? extent(series, 'y')));
  if (options.xInteger && xt.some((t) => !Number.isInteger(t))) {
    xt = xt.filter((t) => Number.isInteger(t));
    // A single epoch leaves one whole tick: give it a neighbour on each side so the range is not empty.
    if (xt.length < 2) {
      const mid = xt[0] ?? Math.round(extent(series, 'x')[0]);
      xt = [mid - 1, mid, mid + 1];
    }
  }
  if (options.xRange) xt = xt.filter((t) => t >= options.xRange![0] && t <= options.xRange![1]);
  if (options.yRange) yt = yt.filter((t) => t >= options.yRange![0] && t <= options.yRange![1]);
  const [x0, x1] = options.xRange ?? [xt[0]!, xt[xt.length - 1]!];
  const [y0, y1] = options.yRange ?? [yt[0]!, yt[yt.length - 1]!];
  let pw = width - margin.left - margin.right;
  let ph = height - margin.top - margin.bottom;
  if (equalAspect) {
    const scale = Math.min(pw / (x1 - x0), ph / (y1 - y0));
    pw = scale * (x1 - x0);
    ph = scale * (y1 - y0);
  }
  const sx = (v: number): number => margin.left + ((v - x0) / (x1 - x0)) * pw;
  const sy = (v: number): number => margin.top + ph - ((v - y0) / (y1 - y0)) * ph;
  const n = (v: number): string => v.toFixed(2);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${width}" height="${height}" fill="white"/>`);
  out.push(`<text x="${n(margin.left + pw / 2)}" y="22" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(title)}</text>`);
  for (const t of xt) {
    const px = n(sx(t));
    out.push(`<line x1="${px}" y1="${margin.top}" x2="${px}" y2="${n(margin.top + ph)}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${px}" y="${n(margin.top + ph + 16)}" text-anchor="middle">${formatTick(t)}</text>`);
  }
  for (const t of yt) {
    const py = n(sy(t));
    out.push(`<line x1="${margin.left}" y1="${py}" x2="${n(margin.left + pw)}" y2="${py}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 6}" y="${py}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
  }
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}" fill="none" stroke="#333"/>`);
  out.push(`<text x="${n(margin.left + pw / 2)}" y="${n(margin.top + ph + 40)}" text-anchor="middle">${escapeXml(xLabel)}</text>`);
  out.push(`<text transform="translate(18 ${n(margin.top + ph / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  out.push(`<clipPath id="plot-area"><rect x="${margin.left}" y="${margin.top}" width="${n(pw)}" height="${n(ph)}"/></clipPath>`);
  const legend: { color: string; dash: string; label: string }[] = [];
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length]!;
    let d = '';
    let pen = false;
    for (let k = 0; k < s.x.length; k++) {
      const x = s.x[k]!;
      const y = s.y[k]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      d += `${pen ? 'L' : 'M'}${n(sx(x))} ${n(sy(y))}`;
      pen = true;
    }
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2"${dash} clip-path="url(#plot-area)"><title>${escapeXml(s.label)}</title></path>`);
    // A lone point makes a path of one move, which draws nothing: mark it instead.
    let finitePoints = 0;
    for (let k = 0; k < s.x.length; k++) if (Number.isFinite(s.x[k]!) && Number.isFinite(s.y[k]!)) finitePoints++;
    const lone = finitePoints === 1;
    if (s.markers || lone) {
      for (let k = 0; k < s.x.length; k++) {
        if (Number.isFinite(s.x[k]!) && Number.isFinite(s.y[k]!)) {
          out.push(`<circle cx="${n(sx(s.x[k]!))}" cy="${n(sy(s.y[k]!))}" r="3" fill="${color}"/>`);
        }
      }
    }
    if (s.label !== '') legend.push({ color, dash, label: escapeXml(s.label) });
  });
  if (legend.length > 0) {
    // Put the legend in the corner that covers the fewest data points.
    const boxW = 140;
    const boxH = 8 + legend.length * 18;
    const corners: [number, number][] = [
      [margin.left + pw - boxW - 6, margin.top + 6], [margin.left + pw - boxW - 6, margin.top + ph - boxH - 6],
      [margin.left + 6, margin.top + 6], [margin.left + 6, margin.top + ph - boxH - 6],
    ];
    const covered = ([bx, by]: [number, number]): number => {
      let c = 0;
      for (const s of series) {
        for (let k = 0; k < s.x.length; k++) {
          const px = sx(s.x[k]!);
          const py = sy(s.y[k]!);
          if (px >= bx && px <= bx + boxW && py >= by && py <= by + boxH) c++;
        }
      }
      return c;
    };
    const [bx, by] = corners.reduce((best, c) => (covered(c) < covered(best) ? c : best));
    out.push(`<rect x="${n(bx)}" y="${n(by)}" width="${boxW}" height="${boxH}" fill="white" fill-opacity="0.85" stroke="#ccc"/>`);
    legend.forEach(({ color, dash, label }, row) => {
      const ly = by + 13 + row * 18;
      out.push(`<line x1="${n(bx + 8)}" y1="${n(ly)}" x2="${n(bx + 32)}" y2="${n(ly)}" stroke="${color}" stroke-width="2"${dash}/>`);
      out.push(`<text x="${n(bx + 38)}" y="${n(ly)}" dominant-baseline="middle">${label}</text>`);
    });
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
