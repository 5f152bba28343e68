/** Small SVG pictures for training: the fitted curve against its target (seed 004's picture) and the loss history. */

const SIZE = 280;
const PAD = 24;

const esc = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/**
 * The fitted curve (prediction rows 0 and 1 as x and y, row-major [2,N]) over the target points, in the unit square.
 * @example
 * curveSvg(new Float64Array([0.1, 0.9, 0.2, 0.8]), new Float64Array([0, 1, 0, 1]), 2).startsWith('<svg'); // true
 */
export function curveSvg(prediction: ArrayLike<number>, target: ArrayLike<number>, n: number, caption = ''): string {
  const px = (v: number): number => PAD + v * (SIZE - 2 * PAD);
  const py = (v: number): number => SIZE - PAD - v * (SIZE - 2 * PAD);
  const dots: string[] = [];
  for (let i = 0; i < n; i++) {
    dots.push(`<circle cx="${px(target[i]!).toFixed(1)}" cy="${py(target[n + i]!).toFixed(1)}" r="2.2" fill="#9aa0a6"/>`);
  }
  const pts: string[] = [];
  for (let i = 0; i < n; i++) pts.push(`${px(prediction[i]!).toFixed(1)},${py(prediction[n + i]!).toFixed(1)}`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${SIZE}" height="${SIZE}" viewBox="0 0 ${SIZE} ${SIZE}">` +
    `<rect x="${PAD}" y="${PAD}" width="${SIZE - 2 * PAD}" height="${SIZE - 2 * PAD}" fill="none" stroke="#ddd"/>` +
    dots.join('') +
    `<polyline points="${pts.join(' ')}" fill="none" stroke="#1a73e8" stroke-width="2"/>` +
    `<text x="${PAD}" y="16" font-size="12" fill="#333">${esc(caption)}</text>` +
    `<text x="${SIZE - PAD}" y="${SIZE - 6}" font-size="11" fill="#666" text-anchor="end">grey: target · blue: network</text></svg>`;
}

/** Most points a drawn loss curve gets: longer histories are decimated to each bucket's min and max. */
export const MAX_DRAWN = 400;

/**
 * A loss history decimated for drawing: per bucket of iterations its smallest and largest loss, so spikes survive.
 * Returns [iteration (1-based), loss] pairs in order.
 * @example
 * decimate([3, 1, 2, 0.5], 2); // [[1, 3], [2, 1], [3, 2], [4, 0.5]]: buckets {3, 1} and {2, 0.5}
 */
export function decimate(history: ArrayLike<number>, buckets = MAX_DRAWN / 2): [number, number][] {
  const n = history.length;
  if (n <= 2 * buckets) return Array.from({ length: n }, (_, i) => [i + 1, history[i]!] as [number, number]);
  const out: [number, number][] = [];
  for (let b = 0; b < buckets; b++) {
    const from = Math.floor((b * n) / buckets);
    const to = Math.floor(((b + 1) * n) / buckets);
    let lo = from;
    let hi = from;
    for (let i = from; i < to; i++) {
      if (history[i]! < history[lo]!) lo = i;
      if (history[i]! > history[hi]!) hi = i;
    }
    for (const i of lo <= hi ? [lo, hi] : [hi, lo]) if (out.length === 0 || out[out.length - 1]![0] !== i + 1) out.push([i + 1, history[i]!]);
  }
  return out;
}

/**
 * The loss per iteration (one recorded value per iteration) on a log scale over an iterations axis; non-positive
 * losses are skipped.
 * @example
 * lossSvg([1, 0.5, 0.1]).includes('polyline'); // true
 */
export function lossSvg(history: ArrayLike<number>): string {
  const w = 380;
  const h = SIZE;
  const points = decimate(history).filter(([, v]) => v > 0 && Number.isFinite(v));
  if (points.length < 2) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="40" viewBox="0 0 ${w} 40"><text x="12" y="25" font-size="13" fill="#555">loss over iterations appears here while training</text></svg>`;
  }
  const n = history.length;
  let lo = Infinity;
  let hi = -Infinity;
  for (const [, v] of points) {
    lo = Math.min(lo, Math.log10(v));
    hi = Math.max(hi, Math.log10(v));
  }
  const span = hi - lo || 1;
  const left = PAD + 14;
  const bottom = h - PAD - 10;
  const x = (i: number): number => left + ((i - 1) / Math.max(1, n - 1)) * (w - left - PAD);
  const y = (v: number): number => bottom - ((Math.log10(v) - lo) / span) * (bottom - PAD);
  const pts = points.map(([i, v]) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`);
  const last = history[n - 1]!;
  const ticks = [1, Math.round((n + 1) / 2), n].filter((v, k, a) => a.indexOf(v) === k)
    .map((i) => `<text x="${x(i).toFixed(1)}" y="${bottom + 14}" font-size="12" fill="#555" text-anchor="middle">${i}</text>`).join('');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<rect x="${left}" y="${PAD}" width="${w - left - PAD}" height="${bottom - PAD}" fill="none" stroke="#ddd"/>` +
    `<polyline points="${pts.join(' ')}" fill="none" stroke="#b3261e" stroke-width="1.5"/>` +
    `<text x="${left}" y="16" font-size="13" fill="#333">loss (log scale), iteration ${n}: ${esc(last.toPrecision(4))}</text>` +
    `<text x="4" y="${PAD + 10}" font-size="12" fill="#555">10^${hi.toFixed(1)}</text>` +
    `<text x="4" y="${bottom}" font-size="12" fill="#555">10^${lo.toFixed(1)}</text>` +
    ticks +
    `<text x="${w - PAD}" y="${h - 2}" font-size="12" fill="#555" text-anchor="end">iteration</text></svg>`;
}
