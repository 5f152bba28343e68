/** Numerically stable softmax and log-softmax along one axis (the max is subtracted first). */
import type { FloatArray } from '../dtype.js';

/** A tensor seen as [outer, len, inner] around the softmax axis. */
export interface AxisView {
  outer: number;
  len: number;
  inner: number;
}

export function axisView(shape: readonly number[], axis: number): AxisView {
  let outer = 1;
  let inner = 1;
  for (let i = 0; i < axis; i++) outer *= shape[i]!;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  return { outer, len: shape[axis]!, inner };
}

/**
 * For every slice along the axis: out = x − logsumexp(x) (log = true) or exp of that (log = false).
 * Returns nothing; `lse` (one per slice) receives the log-sum-exp when given.
 */
export function softmaxAlong(x: FloatArray, view: AxisView, out: FloatArray, log: boolean, lse?: Float64Array): void {
  const { outer, len, inner } = view;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let m = -Infinity;
      for (let j = 0; j < len; j++) {
        const v = x[base + j * inner]!;
        if (v > m || v !== v) m = v;
      }
      // All −∞ (or empty): keep the shift finite so the result is NaN-free where it can be.
      const shift = m === -Infinity ? 0 : m;
      let s = 0;
      for (let j = 0; j < len; j++) s += Math.exp(x[base + j * inner]! - shift);
      const logZ = shift + Math.log(s);
      if (lse !== undefined) lse[o * inner + i] = logZ;
      for (let j = 0; j < len; j++) {
        const k = base + j * inner;
        out[k] = log ? x[k]! - logZ : Math.exp(x[k]! - logZ);
      }
    }
  }
}
