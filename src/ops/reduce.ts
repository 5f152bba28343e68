/** Reductions: sum, mean and max over any axes (negative axes count from the end). */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { reduceMax, reduceSum } from '../kernels/reduce.js';
import { normalizeAxes, reducedShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { div, equalMask, mul } from './arithmetic.js';
import { expectTensor } from './operand.js';
import { expectFlag } from '../validate.js';
import { broadcastTo, reshape } from './shape-ops.js';

/** Which axes to reduce; `undefined` means all. */
export type Axis = number | readonly number[] | undefined;

/** Attributes of sum and max records: the normalised axes and keepDims. */
export interface ReduceAttrs {
  axes: readonly number[];
  keepDims: boolean;
}

/** g of the reduced shape, reshaped so its reduced axes are 1 again (ready to broadcast back). */
function keepDimsShape(x: Tensor, attrs: ReduceAttrs): number[] {
  return reducedShape(x.shape, attrs.axes, true);
}

const sumOp: OpDef<ReduceAttrs> = {
  name: 'sum',
  formulas: ['broadcast(g, x.shape)'],
  forward([x], attrs) {
    const out = allocate(x!.dtype, reducedSize(x!, attrs.axes));
    reduceSum(x!.storage, x!.shape, attrs.axes, out);
    return new Tensor(out, reducedShape(x!.shape, attrs.axes, attrs.keepDims));
  },
  vjp(ctx, g) {
    const x = ctx.inputs[0]!;
    return [broadcastTo(reshape(g, keepDimsShape(x, ctx.attrs)), x.shape)];
  },
  jvp: (ctx, [t]) => (t ? applyOp(sumOp, [t], ctx.attrs) : null),
};

const maxOp: OpDef<ReduceAttrs> = {
  name: 'max',
  // NOTE: ties share the gradient equally (the subgradient numpy-style code and JAX use for max
  // over all elements); PyTorch's max(dim) instead gives it all to one index.
  formulas: ['g · [x = max] / count(x = max)'],
  forward([x], attrs) {
    const out = allocate(x!.dtype, reducedSize(x!, attrs.axes));
    reduceMax(x!.storage, x!.shape, attrs.axes, out);
    return new Tensor(out, reducedShape(x!.shape, attrs.axes, attrs.keepDims));
  },
  vjp(ctx, g) {
    const x = ctx.inputs[0]!;
    const keep = keepDimsShape(x, ctx.attrs);
    const mask = equalMask(x, reshape(ctx.output, keep));
    const count = sum(mask, ctx.attrs.axes, true);
    return [mul(div(reshape(g, keep), count), mask)];
  },
  // The tangent at the maximum; ties average their tangents (the VJP's sharing, transposed).
  jvp(ctx, [t]) {
    if (!t) return null;
    const x = ctx.inputs[0]!;
    const mask = equalMask(x, reshape(ctx.output, keepDimsShape(x, ctx.attrs)));
    return div(applyOp(sumOp, [mul(t, mask)], ctx.attrs), applyOp(sumOp, [mask], ctx.attrs));
  },
};

function reducedSize(x: Tensor, axes: readonly number[]): number {
  let n = 1;
  for (let i = 0; i < x.ndim; i++) if (!axes.includes(i)) n *= x.shape[i]!;
  return n;
}

/**
 * Sum over `axis` (a number or list; all axes when omitted).
 * @example sum(tensor([[1, 2], [3, 4]]), 0).toArray() // [4, 6]
 */
export function sum(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('sum', x);
  expectFlag('sum', 'keepDims', keepDims);
  return applyOp(sumOp, [x], { axes: normalizeAxes('sum', axis, x.shape), keepDims });
}

/**
 * Mean over `axis` (all axes when omitted).
 * @example mean(tensor([[1, 2], [3, 4]]), 1).toArray() // [1.5, 3.5]
 */
export function mean(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('mean', x);
  expectFlag('mean', 'keepDims', keepDims);
  const axes = normalizeAxes('mean', axis, x.shape);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  if (count === 0) throw new Error(`mean: cannot average over an empty axis of shape [${x.shape.join(',')}]`);
  return div(applyOp(sumOp, [x], { axes, keepDims }), count);
}

/**
 * Maximum over `axis` (all axes when omitted); ties share the gradient.
 * @example max(tensor([[1, 5], [7, 2]]), 1).toArray() // [5, 7]
 */
export function max(x: Tensor, axis?: Axis, keepDims = false): Tensor {
  expectTensor('max', x);
  expectFlag('max', 'keepDims', keepDims);
  const axes = normalizeAxes('max', axis, x.shape);
  for (const a of axes) {
    if (x.shape[a] === 0) throw new Error(`max: cannot take the maximum over empty axis ${a} of shape [${x.shape.join(',')}]`);
  }
  return applyOp(maxOp, [x], { axes, keepDims });
}

export const REDUCE_OPS = { sum: sumOp, max: maxOp };
