/**
 * Comparing one array a backward line computed with a forward quantity: equal values, a constant
 * multiple (the un-averaged `A2 − Y` is m × ∂loss/∂Z2), up to the layouts code uses for the same
 * numbers (a transpose, size-1 axes); plus the elementwise ratios that name a dropped local derivative.
 */
import { Tensor } from '../../tensor.js';

/** How the backward value's numbers are laid out relative to the forward quantity's. */
export type Layout = 'same' | 'transpose' | 'squeeze';

/** v ≈ factor · layout(g). */
export interface ScaledMatch {
  readonly factor: number;
  readonly layout: Layout;
  /** ‖v − factor·g‖ / ‖v‖. */
  readonly residual: number;
}

/** Norm-wise relative residual accepted as "the same numbers": exact computations in another order. */
export const MATCH_TOL = 1e-7;

function values(t: Tensor): Float64Array {
  return t.storage instanceof Float64Array ? t.storage : Float64Array.from(t.storage);
}

function squeezed(shape: readonly number[]): string {
  return shape.filter((s) => s !== 1).join(',');
}

/** g's values read in v's layout, one entry per layout that fits (a square matrix fits two). */
export function alignments(v: Tensor, g: Tensor): { layout: Layout; values: Float64Array }[] {
  if (v.size !== g.size) return [];
  const out: { layout: Layout; values: Float64Array }[] = [];
  const gv = values(g);
  const sameShape = v.shape.length === g.shape.length && v.shape.every((s, i) => s === g.shape[i]);
  if (sameShape) out.push({ layout: 'same', values: gv });
  else if (squeezed(v.shape) === squeezed(g.shape)) out.push({ layout: 'squeeze', values: gv });
  if (g.shape.length === 2 && v.shape.length === 2 && v.shape[0] === g.shape[1] && v.shape[1] === g.shape[0] && g.shape[0]! > 1 && g.shape[1]! > 1) {
    const [r, c] = g.shape as [number, number];
    const t = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) t[j * r + i] = gv[i * c + j]!;
    out.push({ layout: 'transpose', values: t });
  }
  return out;
}

/** Least-squares factor and residual of v ≈ c·g; null when either is all zeros. */
export function fitFactor(v: Float64Array, g: Float64Array): { factor: number; residual: number } | null {
  let vg = 0, gg = 0, vv = 0;
  for (let i = 0; i < v.length; i++) {
    vg += v[i]! * g[i]!;
    gg += g[i]! * g[i]!;
    vv += v[i]! * v[i]!;
  }
  if (gg === 0 || vv === 0 || !Number.isFinite(vg)) return null;
  const factor = vg / gg;
  let rr = 0;
  for (let i = 0; i < v.length; i++) rr += (v[i]! - factor * g[i]!) ** 2;
  return { factor, residual: Math.sqrt(rr / vv) };
}

/**
 * Whether v is a constant multiple of g in some layout. A one-element value matches only with
 * factor 1 (any two numbers are multiples of each other, so a factor would say nothing).
 * @example
 * matchScaled(tensor([[2, 4]]), tensor([[1, 2]]))!.factor; // 2
 */
export function matchScaled(v: Tensor, g: Tensor, tol = MATCH_TOL): ScaledMatch | null {
  let best: ScaledMatch | null = null;
  const vv = values(v);
  for (const a of alignments(v, g)) {
    const fit = fitFactor(vv, a.values);
    if (fit === null || fit.residual > tol) continue;
    if (v.size === 1 && Math.abs(fit.factor - 1) > tol) continue;
    if (best === null || fit.residual < best.residual) best = { factor: fit.factor, layout: a.layout, residual: fit.residual };
  }
  return best;
}

/** v equals g (factor 1) in some layout, to `tol`. */
export function sameNumbers(v: Tensor, g: Tensor, tol = 1e-12): boolean {
  const m = matchScaled(v, g, tol);
  return m !== null && Math.abs(m.factor - 1) <= tol;
}

/** Elementwise product of two equal-length arrays. */
export function times(a: Float64Array, b: Float64Array): Float64Array {
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! * b[i]!;
  return out;
}

/** The tensor's values as float64 (shared when already float64). */
export function float64(t: Tensor): Float64Array {
  return values(t);
}

/** A float64 tensor of the given values and shape. */
export function fromValues(v: Float64Array, shape: readonly number[]): Tensor {
  return new Tensor(v, shape);
}

/** Sums of `v` (shape `shape`) over `axis`, keeping it as size 1. */
export function sumOver(v: Float64Array, shape: readonly number[], axis: number): { values: Float64Array; shape: number[] } {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) for (let i = 0; i < inner; i++) out[o * inner + i] = out[o * inner + i]! + v[(o * n + k) * inner + i]!;
  }
  return { values: out, shape: shape.map((s, i) => (i === axis ? 1 : s)) };
}
