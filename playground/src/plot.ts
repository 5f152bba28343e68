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

/**
 * The loss per iteration on a log scale (non-positive losses are skipped).
 * @example
 * lossSvg([1, 0.5, 0.1]).includes('polyline'); // true
 */
export function lossSvg(history: readonly number[]): string {
  const w = 380;
  const h = SIZE;
  const finite = history.filter((v) => v > 0 && Number.isFinite(v));
  if (finite.length < 2) {
    return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="40"><text x="12" y="25" font-size="12" fill="#666">loss over iterations appears here while training</text></svg>`;
  }
  const lo = Math.log10(Math.min(...finite));
  const hi = Math.log10(Math.max(...finite));
  const span = hi - lo || 1;
  const pts: string[] = [];
  history.forEach((v, i) => {
    if (!(v > 0 && Number.isFinite(v))) return;
    const x = PAD + (i / Math.max(1, history.length - 1)) * (w - 2 * PAD);
    const y = h - PAD - ((Math.log10(v) - lo) / span) * (h - 2 * PAD);
    pts.push(`${x.toFixed(1)},${y.toFixed(1)}`);
  });
  const last = history[history.length - 1]!;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<rect x="${PAD}" y="${PAD}" width="${w - 2 * PAD}" height="${h - 2 * PAD}" fill="none" stroke="#ddd"/>` +
    `<polyline points="${pts.join(' ')}" fill="none" stroke="#b3261e" stroke-width="1.5"/>` +
    `<text x="${PAD}" y="16" font-size="12" fill="#333">loss (log scale): ${esc(last.toPrecision(4))}</text>` +
    `<text x="${PAD}" y="${h - 6}" font-size="11" fill="#666">10^${lo.toFixed(1)} … 10^${hi.toFixed(1)}</text></svg>`;
}
