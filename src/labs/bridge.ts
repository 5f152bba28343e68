/** Moving values between the labs' plain matrices and tapegrad tensors, and comparing hand gradients with autodiff. */

import { tensor, valueAndGrad } from '../index.js';
import type { Tensor } from '../index.js';
import type { Mat } from './matrix.js';

/**
 * A float64 tensor holding a copy of `m`, shaped `[rows, cols]`.
 * @example
 * toTensor(mat(2, 3), { requiresGrad: true }).shape; // [2, 3]
 */
export function toTensor(m: Mat, opts: { requiresGrad?: boolean } = {}): Tensor {
  return tensor(new Float64Array(m.data), { shape: [m.rows, m.cols], dtype: 'float64', requiresGrad: opts.requiresGrad ?? false });
}

/**
 * A Mat copy of a 2-d (or 0/1-d, as one row) tensor, so the hand formulas never touch autodiff.
 * @example
 * fromTensor(tensor([[1, 2]])).cols; // 2
 */
export function fromTensor(t: Tensor): Mat {
  const d = Float64Array.from(t.data());
  const [r, c] = t.shape.length === 2 ? [t.shape[0] as number, t.shape[1] as number] : [1, d.length];
  return { rows: r, cols: c, data: d };
}

/**
 * Tensors for every entry of a record of matrices (parameters that require gradients by default).
 * @example
 * toTensors({ W: mat(2, 2) }).W.requiresGrad; // true
 */
export function toTensors<K extends string>(ms: Record<K, Mat>, requiresGrad = true): Record<K, Tensor> {
  const out = {} as Record<K, Tensor>;
  for (const k of Object.keys(ms) as K[]) out[k] = toTensor(ms[k], { requiresGrad });
  return out;
}

/**
 * Matrices for every entry of a record of tensors.
 * @example
 * fromTensors({ W: tensor([[1]]) }).W.rows; // 1
 */
export function fromTensors<K extends string>(ts: Record<K, Tensor>): Record<K, Mat> {
  const out = {} as Record<K, Mat>;
  for (const k of Object.keys(ts) as K[]) out[k] = fromTensor(ts[k]);
  return out;
}

/**
 * Autodiff gradients of `loss` with respect to every named parameter, as flat float64 arrays.
 * @example
 * autodiffGrads({ w: tensor(2, { requiresGrad: true }) }, (p) => p.w.mul(p.w)).w; // [4]
 */
export function autodiffGrads(params: Record<string, Tensor>, loss: (p: Record<string, Tensor>) => Tensor): Record<string, Float64Array> {
  const names = Object.keys(params);
  const f = (...ts: Tensor[]): Tensor => loss(Object.fromEntries(names.map((n, i) => [n, ts[i] as Tensor])));
  const { grads } = valueAndGrad(f, names.map((_, i) => i))(...names.map((n) => params[n] as Tensor));
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from((grads[i] as Tensor).data())]));
}

/**
 * Norm-wise relative difference max|a − b| / max|b| (0 when both are all zero; Infinity when only b is).
 * Norm-wise, because element-wise ratios explode on entries that are zero up to rounding.
 * @example
 * maxRelDiff([1, 2], [1, 2]); // 0
 */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] as number) - (b[i] as number)));
    scale = Math.max(scale, Math.abs(b[i] as number));
  }
  if (diff === 0) return 0;
  return scale === 0 ? Infinity : diff / scale;
}
