/** Draws a pyplot {@link Figure} as one SVG document, its subplots laid out on their grid, with the plot module's ticks and escaping. */
import { escapeXml, formatTick, niceTicks } from '../../plot/svg.js';
import type { Artist, Axes, Figure, LegendLoc } from './figure.js';
import { base64, encodePng } from './image.js';
import { dashArray, type Marker } from './style.js';

interface Box { x: number; y: number; w: number; h: number }

const n2 = (v: number): string => (Math.round(v * 100) / 100).toString();

/** Data limits of an axes: the artists' extent with matplotlib's 5 % margins, unless tight or set. */
function limits(ax: Axes): { x: [number, number]; y: [number, number]; yDown: boolean } {
  let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
  let image = false;
  let pointsOnly = true;
  for (const a of ax.artists) {
    if (a.kind === 'image') {
      image = true;
      x0 = Math.min(x0, -0.5); x1 = Math.max(x1, a.cols - 0.5);
      y0 = Math.min(y0, -0.5); y1 = Math.max(y1, a.rows - 0.5);
      continue;
    }
    pointsOnly = false;
    if (a.kind === 'bar') {
      for (let i = 0; i < a.left.length; i++) {
        const xa = a.left[i]!; const xb = xa + a.width[i]!;
        const ya = a.bottom[i]!; const yb = ya + a.height[i]!;
        if ([xa, xb, ya, yb].every(Number.isFinite)) {
          x0 = Math.min(x0, xa, xb); x1 = Math.max(x1, xa, xb); y0 = Math.min(y0, ya, yb); y1 = Math.max(y1, ya, yb);
        }
      }
      continue;
    }
    for (let i = 0; i < a.x.length; i++) {
      const x = a.x[i]!; const y = a.y[i]!;
      if (Number.isFinite(x) && Number.isFinite(y)) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
  }
  if (x0 === Infinity) { x0 = 0; x1 = 1; y0 = 0; y1 = 1; }
  const pad = (lo: number, hi: number): [number, number] => {
    if (hi === lo) { const d = Math.max(Math.abs(lo) * 0.05, 0.05); return [lo - d, hi + d]; }
    if (ax.tight || (image && pointsOnly)) return [lo, hi];
    const m = (hi - lo) * 0.05;
    return [lo - m, hi + m];
  };
  let xs = pad(x0, x1);
  let ys = pad(y0, y1);
  if (ax.xlim) xs = ax.xlim;
  // Images put row 0 at the top (origin='upper'): the y axis then runs downwards.
  if (ax.ylim) { ys = ax.ylim; return { x: xs, y: ys, yDown: false }; }
  return image ? { x: xs, y: [ys[1], ys[0]], yDown: true } : { x: xs, y: ys, yDown: false };
}

/** Ticks of a range that may run in either direction, kept within it. */
function ticksIn([a, b]: [number, number]): number[] {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  return niceTicks(lo, hi, 7).filter((t) => t >= lo - 1e-9 * (hi - lo) && t <= hi + 1e-9 * (hi - lo));
}

/** One marker centred at (cx, cy) with diameter d pixels. */
function marker(m: Marker, cx: number, cy: number, d: number, color: string, alpha: number): string {
  const r = d / 2;
  const op = alpha < 1 ? ` fill-opacity="${alpha}" stroke-opacity="${alpha}"` : '';
  const filled = (path: string): string => `<path class="marker" d="${path}" fill="${color}" stroke="${color}" stroke-width="0.5"${op}/>`;
  const stroked = (path: string): string => `<path class="marker" d="${path}" fill="none" stroke="${color}" stroke-width="1.5"${op}/>`;
  const x = (v: number): string => n2(cx + v);
  const y = (v: number): string => n2(cy + v);
  switch (m) {
    case '.': return `<circle class="marker" cx="${n2(cx)}" cy="${n2(cy)}" r="${n2(r * 0.5)}" fill="${color}"${op}/>`;
    case ',': return `<rect class="marker" x="${n2(cx - 0.5)}" y="${n2(cy - 0.5)}" width="1" height="1" fill="${color}"${op}/>`;
    case 's': return filled(`M${x(-r)} ${y(-r)}H${x(r)}V${y(r)}H${x(-r)}Z`);
    case 'D': return filled(`M${x(0)} ${y(-r)}L${x(r)} ${y(0)}L${x(0)} ${y(r)}L${x(-r)} ${y(0)}Z`);
    case 'd': return filled(`M${x(0)} ${y(-r)}L${x(r * 0.6)} ${y(0)}L${x(0)} ${y(r)}L${x(-r * 0.6)} ${y(0)}Z`);
    case '^': return filled(`M${x(0)} ${y(-r)}L${x(r)} ${y(r)}L${x(-r)} ${y(r)}Z`);
    case 'v': return filled(`M${x(0)} ${y(r)}L${x(r)} ${y(-r)}L${x(-r)} ${y(-r)}Z`);
    case '<': return filled(`M${x(-r)} ${y(0)}L${x(r)} ${y(-r)}L${x(r)} ${y(r)}Z`);
    case '>': return filled(`M${x(r)} ${y(0)}L${x(-r)} ${y(-r)}L${x(-r)} ${y(r)}Z`);
    case '*': {
      let p = '';
      for (let k = 0; k < 10; k++) {
        const rr = k % 2 === 0 ? r : r * 0.4;
        const t = -Math.PI / 2 + (k * Math.PI) / 5;
        p += `${k === 0 ? 'M' : 'L'}${x(rr * Math.cos(t))} ${y(rr * Math.sin(t))}`;
      }
      return filled(`${p}Z`);
    }
    case '+': case 'P': return stroked(`M${x(-r)} ${y(0)}H${x(r)}M${x(0)} ${y(-r)}V${y(r)}`);
    case 'x': case 'X': return stroked(`M${x(-r)} ${y(-r)}L${x(r)} ${y(r)}M${x(-r)} ${y(r)}L${x(r)} ${y(-r)}`);
    case '|': return stroked(`M${x(0)} ${y(-r)}V${y(r)}`);
    case '_': return stroked(`M${x(-r)} ${y(0)}H${x(r)}`);
    case '1': case '2': case '3': case '4': return stroked(`M${x(0)} ${y(0)}V${y(m === '1' ? r : -r)}M${x(0)} ${y(0)}L${x(-r)} ${y(0)}M${x(0)} ${y(0)}L${x(r)} ${y(0)}`);
    default: return `<circle class="marker" cx="${n2(cx)}" cy="${n2(cy)}" r="${n2(r)}" fill="${color}"${op}/>`;
  }
}

/** Where the legend box goes for a `loc`; 'best' takes the corner covering the fewest points. */
function legendCorner(loc: LegendLoc, box: Box, w: number, h: number, points: Array<[number, number]>): [number, number] {
  const pad = 6;
  const L = box.x + pad; const R = box.x + box.w - w - pad; const C = box.x + (box.w - w) / 2;
  const T = box.y + pad; const B = box.y + box.h - h - pad; const M = box.y + (box.h - h) / 2;
  const at: Record<Exclude<LegendLoc, 'best'>, [number, number]> = {
    'upper right': [R, T], 'upper left': [L, T], 'lower left': [L, B], 'lower right': [R, B], right: [R, M],
    'center left': [L, M], 'center right': [R, M], 'lower center': [C, B], 'upper center': [C, T], center: [C, M],
  };
  if (loc !== 'best') return at[loc];
  const candidates: Array<[number, number]> = [at['upper right'], at['upper left'], at['lower left'], at['lower right'], at['center right'], at['upper center']];
  const covered = ([bx, by]: [number, number]): number => points.filter(([px, py]) => px >= bx && px <= bx + w && py >= by && py <= by + h).length;
  return candidates.reduce((best, c) => (covered(c) < covered(best) ? c : best));
}

/** Renders one axes into `box` (its grid cell), appending SVG elements to `out`. */
function renderAxes(out: string[], ax: Axes, cell: Box, clipId: string, dpi: number): void {
  const hasImage = ax.artists.some((a) => a.kind === 'image');
  const left = ax.axisOn ? (ax.ylabel ? 62 : 48) : 6;
  const bottom = ax.axisOn ? (ax.xlabel ? 42 : 26) : 6;
  const top = ax.title ? 24 : 10;
  const right = 12;
  let box: Box = { x: cell.x + left, y: cell.y + top, w: Math.max(10, cell.w - left - right), h: Math.max(10, cell.h - top - bottom) };
  const lim = limits(ax);
  const [x0, x1] = lim.x;
  const [y0, y1] = lim.y;
  if (ax.aspect === 'equal') {
    const s = Math.min(box.w / Math.abs(x1 - x0), box.h / Math.abs(y1 - y0));
    const w = s * Math.abs(x1 - x0);
    const h = s * Math.abs(y1 - y0);
    box = { x: box.x + (box.w - w) / 2, y: box.y + (box.h - h) / 2, w, h };
  }
  const sx = (v: number): number => box.x + ((v - x0) / (x1 - x0)) * box.w;
  const sy = (v: number): number => box.y + box.h - ((v - y0) / (y1 - y0)) * box.h;
  out.push(`<g class="axes">`);
  out.push(`<clipPath id="${clipId}"><rect x="${n2(box.x)}" y="${n2(box.y)}" width="${n2(box.w)}" height="${n2(box.h)}"/></clipPath>`);
  if (ax.axisOn && !hasImage) out.push(`<rect x="${n2(box.x)}" y="${n2(box.y)}" width="${n2(box.w)}" height="${n2(box.h)}" fill="white"/>`);
  const xt = ax.axisOn ? ticksIn(lim.x) : [];
  const yt = ax.axisOn ? ticksIn(lim.y) : [];
  if (ax.grid) {
    for (const t of xt) out.push(`<line class="grid" x1="${n2(sx(t))}" y1="${n2(box.y)}" x2="${n2(sx(t))}" y2="${n2(box.y + box.h)}" stroke="#b0b0b0" stroke-width="0.8"/>`);
    for (const t of yt) out.push(`<line class="grid" x1="${n2(box.x)}" y1="${n2(sy(t))}" x2="${n2(box.x + box.w)}" y2="${n2(sy(t))}" stroke="#b0b0b0" stroke-width="0.8"/>`);
  }
  const points: Array<[number, number]> = [];
  const legend: Array<{ label: string; artist: Artist }> = [];
  let unnamed = 0;
  for (const a of ax.artists) {
    const label = ax.legend?.labels ? ax.legend.labels[unnamed++] ?? null : a.label;
    if (label !== null && !label.startsWith('_') && a.kind !== 'image') legend.push({ label, artist: a });
    if (a.kind === 'image') {
      const png = encodePng(a.cols, a.rows, a.rgba);
      const ix = Math.min(sx(-0.5), sx(a.cols - 0.5));
      const iy = Math.min(sy(-0.5), sy(a.rows - 0.5));
      out.push(`<image x="${n2(ix)}" y="${n2(iy)}" width="${n2(Math.abs(sx(a.cols - 0.5) - sx(-0.5)))}" height="${n2(Math.abs(sy(a.rows - 0.5) - sy(-0.5)))}" preserveAspectRatio="none" image-rendering="optimizeSpeed" style="image-rendering:pixelated" clip-path="url(#${clipId})" href="data:image/png;base64,${base64(png)}"/>`);
      continue;
    }
    if (a.kind === 'bar') {
      const op = a.alpha < 1 ? ` fill-opacity="${n2(a.alpha)}"` : '';
      const edge = a.edgeColor !== null ? ` stroke="${a.edgeColor}" stroke-width="0.8"` : '';
      out.push(`<g class="bars" clip-path="url(#${clipId})">`);
      for (let i = 0; i < a.left.length; i++) {
        const xa = sx(a.left[i]!); const xb = sx(a.left[i]! + a.width[i]!);
        const ya = sy(a.bottom[i]!); const yb = sy(a.bottom[i]! + a.height[i]!);
        if (![xa, xb, ya, yb].every(Number.isFinite)) continue;
        points.push([(xa + xb) / 2, Math.min(ya, yb)]);
        out.push(`<rect x="${n2(Math.min(xa, xb))}" y="${n2(Math.min(ya, yb))}" width="${n2(Math.abs(xb - xa))}" height="${n2(Math.abs(yb - ya))}" fill="${a.color}"${op}${edge}/>`);
      }
      out.push('</g>');
      continue;
    }
    if (a.kind === 'scatter') {
      out.push(`<g class="scatter" clip-path="url(#${clipId})">`);
      for (let i = 0; i < a.x.length; i++) {
        if (!Number.isFinite(a.x[i]!) || !Number.isFinite(a.y[i]!)) continue;
        const px = sx(a.x[i]!); const py = sy(a.y[i]!);
        points.push([px, py]);
        out.push(marker(a.marker, px, py, (Math.sqrt(a.sizes[i]!) * dpi) / 72, a.colors[i]!, a.alpha));
      }
      out.push('</g>');
      continue;
    }
    const px: number[] = []; const py: number[] = [];
    let d = '';
    let pen = false;
    let drawn = 0;
    for (let i = 0; i < a.x.length; i++) {
      const x = a.x[i]!; const y = a.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) { pen = false; continue; }
      px.push(sx(x)); py.push(sy(y));
      d += `${pen ? 'L' : 'M'}${n2(sx(x))} ${n2(sy(y))}`;
      pen = true;
      drawn++;
    }
    for (let i = 0; i < px.length; i++) points.push([px[i]!, py[i]!]);
    const width = (a.lineWidth * dpi) / 72;
    const op = a.alpha < 1 ? ` stroke-opacity="${a.alpha}"` : '';
    if (a.lineStyle !== 'none' && drawn > 1) {
      const dash = dashArray(a.lineStyle, width);
      out.push(`<path class="line" d="${d}" fill="none" stroke="${a.color}" stroke-width="${n2(width)}"${dash ? ` stroke-dasharray="${n2Dash(dash)}"` : ''} stroke-linejoin="round" stroke-linecap="round"${op} clip-path="url(#${clipId})">${a.label ? `<title>${escapeXml(a.label)}</title>` : ''}</path>`);
    }
    // A line of one point shows nothing in matplotlib; we draw the point, so a lone value is seen.
    const m: Marker | null = a.marker ?? (drawn === 1 && a.lineStyle !== 'none' ? 'o' : null);
    if (m !== null) {
      out.push(`<g class="markers" clip-path="url(#${clipId})">`);
      const size = a.marker === null ? Math.max(4, width * 2.5) : (a.markerSize * dpi) / 72;
      for (let i = 0; i < px.length; i++) out.push(marker(m, px[i]!, py[i]!, size, a.color, a.alpha));
      out.push('</g>');
    }
  }
  if (ax.axisOn) {
    out.push(`<rect class="frame" x="${n2(box.x)}" y="${n2(box.y)}" width="${n2(box.w)}" height="${n2(box.h)}" fill="none" stroke="#000" stroke-width="0.8"/>`);
    for (const t of xt) {
      const x = n2(sx(t));
      out.push(`<line x1="${x}" y1="${n2(box.y + box.h)}" x2="${x}" y2="${n2(box.y + box.h + 4)}" stroke="#000" stroke-width="0.8"/>`);
      out.push(`<text class="tick" x="${x}" y="${n2(box.y + box.h + 15)}" text-anchor="middle">${formatTick(t)}</text>`);
    }
    for (const t of yt) {
      const y = n2(sy(t));
      out.push(`<line x1="${n2(box.x - 4)}" y1="${y}" x2="${n2(box.x)}" y2="${y}" stroke="#000" stroke-width="0.8"/>`);
      out.push(`<text class="tick" x="${n2(box.x - 6)}" y="${y}" text-anchor="end" dominant-baseline="middle">${formatTick(t)}</text>`);
    }
    if (ax.xlabel) out.push(`<text class="xlabel" x="${n2(box.x + box.w / 2)}" y="${n2(box.y + box.h + 32)}" text-anchor="middle" font-size="12">${escapeXml(ax.xlabel)}</text>`);
    if (ax.ylabel) out.push(`<text class="ylabel" transform="translate(${n2(cell.x + 14)} ${n2(box.y + box.h / 2)}) rotate(-90)" text-anchor="middle" font-size="12">${escapeXml(ax.ylabel)}</text>`);
  }
  if (ax.title) out.push(`<text class="title" x="${n2(box.x + box.w / 2)}" y="${n2(box.y - 8)}" text-anchor="middle" font-size="13">${escapeXml(ax.title)}</text>`);
  if (ax.legend !== null && legend.length > 0) {
    const w = 40 + 7 * Math.max(...legend.map((e) => e.label.length));
    const h = 8 + 18 * legend.length;
    const [bx, by] = legendCorner(ax.legend.loc, box, w, h, points);
    out.push(`<g class="legend"><rect x="${n2(bx)}" y="${n2(by)}" width="${n2(w)}" height="${n2(h)}" rx="3" fill="white" fill-opacity="0.8" stroke="#ccc"/>`);
    legend.forEach(({ label, artist }, row) => {
      const ly = by + 13 + row * 18;
      if (artist.kind === 'line') {
        const width = (artist.lineWidth * dpi) / 72;
        const dash = dashArray(artist.lineStyle, width);
        if (artist.lineStyle !== 'none') out.push(`<line x1="${n2(bx + 8)}" y1="${n2(ly)}" x2="${n2(bx + 30)}" y2="${n2(ly)}" stroke="${artist.color}" stroke-width="${n2(width)}"${dash ? ` stroke-dasharray="${n2Dash(dash)}"` : ''}/>`);
        if (artist.marker !== null) out.push(marker(artist.marker, bx + 19, ly, (artist.markerSize * dpi) / 72, artist.color, 1));
      } else if (artist.kind === 'scatter') {
        out.push(marker(artist.marker, bx + 19, ly, 8, artist.colors[0] ?? '#1f77b4', 1));
      } else if (artist.kind === 'bar') {
        out.push(`<rect x="${n2(bx + 12)}" y="${n2(ly - 5)}" width="14" height="10" fill="${artist.color}"/>`);
      }
      out.push(`<text x="${n2(bx + 36)}" y="${n2(ly)}" dominant-baseline="middle">${escapeXml(label)}</text>`);
    });
    out.push('</g>');
  }
  out.push('</g>');
}

const n2Dash = (dash: string): string => dash.split(' ').map((v) => n2(Number(v))).join(' ');

/**
 * One SVG document for a figure: `figsize × dpi` pixels, a white background, the super-title, and
 * each axes in its `subplot(rows, cols, index)` cell.
 *
 * @example
 * ```ts
 * const state = new PyplotState(renderFigure);
 * state.gca().plot(null, [[1, 3, 2]], 'r--', { label: 'loss' });
 * const svg = renderFigure(state.gcf()); // '<svg xmlns=…'
 * ```
 */
export function renderFigure(fig: Figure): string {
  const W = Math.round(fig.width * fig.dpi);
  const H = Math.round(fig.height * fig.dpi);
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="DejaVu Sans, sans-serif" font-size="10">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  const top = fig.suptitle ? 34 : 0;
  if (fig.suptitle) out.push(`<text class="suptitle" x="${n2(W / 2)}" y="22" text-anchor="middle" font-size="16">${escapeXml(fig.suptitle)}</text>`);
  fig.axes.forEach((ax, k) => {
    const cw = W / ax.cols;
    const ch = (H - top) / ax.rows;
    const r = Math.floor((ax.index - 1) / ax.cols);
    const c = (ax.index - 1) % ax.cols;
    renderAxes(out, ax, { x: c * cw, y: top + r * ch, w: cw, h: ch }, `fig${fig.num}-ax${k}`, fig.dpi);
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
