/** Reductions over any set of axes (sum, max), accumulating in float64 even for float32 data. */
import type { FloatArray } from '../dtype.js';
import { stridesOf } from '../shape.js';
import { rowKernels } from './rows.js';

/** Per input axis, the step in the output: 0 on reduced axes, so their elements share one slot. */
function outputStrides(shape: readonly number[], axes: readonly number[]): number[] {
  const keep = shape.map((d, i) => (axes.includes(i) ? 1 : d));
  const strides = stridesOf(keep);
  for (const a of axes) strides[a] = 0;
  return strides;
}

export function reduceSum(x: FloatArray, shape: readonly number[], axes: readonly number[], out: FloatArray): void {
  const n = x.length;
  const nd = shape.length;
  if (out.length === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += x[i]!;
    out[0] = s;
    return;
  }
  if (axes.length === 1 && axes[0] === nd - 1) {
    const len = shape[nd - 1]!;
    for (let r = 0, o = 0; r < out.length; r++, o += len) {
      let s = 0;
      for (let j = 0; j < len; j++) s += x[o + j]!;
      out[r] = s;
    }
    return;
  }
  if (isLeading(axes)) {
    sumLeading(x, out);
    return;
  }
  const acc = new Float64Array(out.length);
  if (n > 0) {
    const ostr = outputStrides(shape, axes);
    const inner = shape[nd - 1]!;
    const step = ostr[nd - 1]!;
    const index = new Array<number>(nd).fill(0);
    let oo = 0;
    for (let i = 0; i < n; i += inner) {
      for (let j = 0; j < inner; j++) acc[oo + j * step] = acc[oo + j * step]! + x[i + j]!;
      for (let d = nd - 2; d >= 0; d--) {
        index[d]!++;
        oo += ostr[d]!;
        if (index[d]! < shape[d]!) break;
        oo -= ostr[d]! * shape[d]!;
        index[d] = 0;
      }
    }
  }
  out.set(acc);
}

/** Whether `axes` (sorted, as normalizeAxes gives them) are 0, 1, …, k−1: a block of leading axes. */
function isLeading(axes: readonly number[]): boolean {
  for (let i = 0; i < axes.length; i++) if (axes[i] !== i) return false;
  return true;
}

/**
 * Sum over a block of leading axes (a bias gradient: [rows, n] → [n]): row after row into a float64
 * accumulator per column, the same additions in the same order as the general loop, on the row
 * kernels (native and vectorised across the columns when the addon is loaded).
 */
function sumLeading(x: FloatArray, out: FloatArray): void {
  if (out.length === 0) return;
  rowKernels().sumRows(x, out);
}

/** Maximum over axes; NaN anywhere in a slot makes that slot NaN (numpy's rule). */
export function reduceMax(x: FloatArray, shape: readonly number[], axes: readonly number[], out: FloatArray): void {
  const n = x.length;
  const nd = shape.length;
  out.fill(-Infinity);
  if (n === 0) return;
  if (nd === 0) {
    out[0] = x[0]!;
    return;
  }
  const ostr = outputStrides(shape, axes);
  const inner = shape[nd - 1]!;
  const step = ostr[nd - 1]!;
  const index = new Array<number>(nd).fill(0);
  let oo = 0;
  for (let i = 0; i < n; i += inner) {
    for (let j = 0; j < inner; j++) {
      const v = x[i + j]!;
      const k = oo + j * step;
      if (v > out[k]! || v !== v) out[k] = v; // once NaN, nothing compares greater: it stays
    }
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      oo += ostr[d]!;
      if (index[d]! < shape[d]!) break;
      oo -= ostr[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}
