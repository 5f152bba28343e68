/**
 * More reductions: argmax/argmin (primitives, never recorded) and min, variance, std, logSumExp
 * and norm, built from primitives (so they need no gradient code of their own).
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { axisView } from '../kernels/softmax.js';
import { formatShape, normalizeAxes, normalizeAxis, reducedShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, div, greaterMask, mul, sub } from './arithmetic.js';
import { expectTensor } from './operand.js';
import type { Axis } from './reduce.js';
import { max, mean, sum } from './reduce.js';
import { reshape } from './shape-ops.js';
import { exp, log, neg, sqrt } from './unary.js';
import { where } from './where.js';

/** Attributes of argmax/argmin records: the axis (null: over all elements, flattened) and keepDims. */
export interface ArgAttrs {
  readonly axis: number | null;
  readonly keepDims: boolean;
}

function argOp(name: string, better: (v: number, best: number) => boolean): OpDef<ArgAttrs> {
  return {
    name,
    formulas: ['0'],
    differentiable: false,
    forward([x], { axis, keepDims }) {
      const shape = x!.shape;
      const view = axis === null ? { outer: 1, len: x!.size, inner: 1 } : axisView(shape, axis);
      const { outer, len, inner } = view;
      const out = allocate(x!.dtype, outer * inner);
      const s = x!.storage;
      for (let o = 0; o < outer; o++) {
        for (let i = 0; i < inner; i++) {
          const at = o * len * inner + i;
          // numpy's rules: the first index wins ties; a NaN wins (its first occurrence).
          let best = 0;
          let bestValue = s[at]!;
          for (let k = 1; k < len && bestValue === bestValue; k++) {
            const v = s[at + k * inner]!;
            if (v !== v || better(v, bestValue)) {
              best = k;
              bestValue = v;
            }
          }
          out[o * inner + i] = best;
        }
      }
      const outShape = axis === null ? (keepDims ? shape.map(() => 1) : []) : reducedShape(shape, [axis], keepDims);
      return new Tensor(out, outShape);
    },
    vjp: () => [null],
  };
}

const argmaxOp = argOp('argmax', (v, best) => v > best);
const argminOp = argOp('argmin', (v, best) => v < best);

function argApply(def: OpDef<ArgAttrs>, x: Tensor, axis: number | undefined, keepDims: boolean): Tensor {
  expectTensor(def.name, x);
  const ax = axis === undefined ? null : normalizeAxis(def.name, axis, x.shape);
  const len = ax === null ? x.size : x.shape[ax]!;
  if (len === 0) throw new Error(`${def.name}: cannot take the ${def.name} of an empty axis of shape ${formatShape(x.shape)}`);
  return applyOp(def, [x], { axis: ax, keepDims });
}

/**
 * Index of the largest value along `axis` (over the flattened tensor when omitted), as a float tensor
 * of whole numbers; the first index wins ties, as in numpy. Not differentiable: never recorded.
 * @example argmax(tensor([[1, 9, 9], [7, 2, 3]]), 1).toArray() // [1, 0]
 */
export function argmax(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argApply(argmaxOp, x, axis, keepDims);
}

/**
 * Index of the smallest value along `axis` (flattened when omitted); the first index wins ties.
 * @example argmin(tensor([3, 1, 1])).item() // 1
 */
export function argmin(x: Tensor, axis?: number, keepDims = false): Tensor {
  return argApply(argminOp, x, axis, keepDims);
}

/**
 * Minimum over `axis` (all axes when omitted): −max(−x), so ties share the gradient like max's.
 * @example min(tensor([[1, 5], [7, 2]]), 1).toArray() // [1, 2]
 */
export function min(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('min', x);
  const axes = normalizeAxes('min', axis, x.shape);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new Error(`min: cannot take the minimum over empty axis ${a} of shape ${formatShape(x.shape)}`);
  }
  return neg(max(neg(x), axes, keepDims));
}

/** Options of {@link variance} and {@link std}. */
export interface VarianceOptions {
  /** Subtracted from the count in the denominator: numpy's `ddof`, PyTorch's `correction`. Default 0 (numpy's). */
  correction?: number;
  keepDims?: boolean;
}

/**
 * Variance over `axis` (all axes when omitted): Σ(x − mean)² / (N − correction). `correction`
 * defaults to 0 as numpy's `ddof` does (PyTorch's default is 1).
 * @example variance(tensor([1, 2, 3, 4])).item() // 1.25
 */
export function variance(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  return varianceOf('variance', x, axis, options);
}

function varianceOf(op: string, x: Tensor, axis: Axis, options: VarianceOptions): Tensor {
  expectTensor(op, x);
  const axes = normalizeAxes(op, axis, x.shape);
  const correction = options.correction ?? 0;
  if (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0) {
    throw new Error(`${op}: correction must be a non-negative number, got ${String(correction)}`);
  }
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  if (count - correction <= 0) {
    throw new Error(`${op}: ${count} elements with correction ${correction} leave no degrees of freedom (shape ${formatShape(x.shape)})`);
  }
  const d = sub(x, mean(x, axes, true));
  return div(sum(mul(d, d), axes, options.keepDims ?? false), count - correction);
}

/**
 * Standard deviation over `axis`: √variance (same `correction`, default 0 like numpy). Its gradient
 * is NaN where the deviation is 0 (√ at 0), as in PyTorch.
 * @example std(tensor([1, 3])).item() // 1
 */
export function std(x: Tensor, axis?: Axis, options: VarianceOptions = {}): Tensor {
  return sqrt(varianceOf('std', x, axis, options));
}

/**
 * log Σ exp(x) over `axis` (all axes when omitted), stable: the max is subtracted first (as a
 * constant: the gradient, softmax(x), does not depend on it). ±∞ maxima are handled as numpy's
 * scipy.special.logsumexp does: all −∞ gives −∞.
 * @example logSumExp(tensor([1000, 1000])).item() // 1000.693… (1000 + ln 2)
 */
export function logSumExp(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('logSumExp', x);
  const axes = normalizeAxes('logSumExp', axis, x.shape);
  const m = max(x.detach(), axes, true);
  const shift = m.storage.slice();
  for (let i = 0; i < shift.length; i++) if (!Number.isFinite(shift[i]!)) shift[i] = 0;
  const c = new Tensor(shift, m.shape);
  const out = add(log(sum(exp(sub(x, c)), axes, true)), c);
  return keepDims ? out : reshape(out, reducedShape(x.shape, axes, false));
}

/**
 * The L2 norm over `axis` (all axes when omitted: the vector's L2 norm, a matrix's Frobenius norm),
 * √Σx². NOTE: at x = 0 the gradient is 0 (the subgradient PyTorch picks), not NaN.
 * @example norm(tensor([3, 4])).item() // 5
 */
export function norm(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('norm', x);
  const axes = normalizeAxes('norm', axis, x.shape);
  const s = sum(mul(x, x), axes, keepDims);
  // Double where: √ only sees positive numbers, so neither branch's gradient can be ∞·0.
  const positive = greaterMask(s, 0);
  return where(positive, sqrt(where(positive, s, 1)), 0);
}

export const REDUCE_EXTRA_OPS = { argmax: argmaxOp, argmin: argminOp };
