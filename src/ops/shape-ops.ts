/** Ops that move or re-type data without arithmetic: reshape, transpose, broadcastTo, sumTo, cast. */
import type { DType } from '../dtype.js';
import { allocate, checkDType, convertStorage } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { stridedCopy, transpose2d } from '../kernels/layout.js';
import type { Shape } from '../shape.js';
import { broadcastShapes, broadcastStrides, checkShape, formatShape, sameShape, shapeSize, stridesOf } from '../shape.js';
import { show } from '../validate.js';
import { Tensor } from '../tensor.js';
import { expectTensor } from './operand.js';
import { sum } from './reduce.js';

const reshapeOp: OpDef<{ shape: Shape }> = {
  name: 'reshape',
  formulas: ['reshape(g, x.shape)'],
  // Shares the buffer: tensors are never written in place, so a view is safe.
  forward: ([x], { shape }) => new Tensor(x!.storage, shape),
  vjp: (ctx, g) => [reshape(g, ctx.inputs[0]!.shape)],
  jvp: (ctx, [t]) => (t ? reshape(t, ctx.attrs.shape) : null),
};

/**
 * The same values in a new shape (one axis may be -1: inferred).
 * @example reshape(tensor([1, 2, 3, 4]), [2, -1]).toArray() // [[1, 2], [3, 4]]
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('reshape', x);
  const target = resolveShape(x, shape);
  if (sameShape(target, x.shape)) return x;
  return applyOp(reshapeOp, [x], { shape: target });
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= -1)) {
    throw new Error(`reshape: invalid shape ${JSON.stringify(shape)} (whole numbers, at most one -1)`);
  }
  const unknown = shape.filter((d) => d === -1).length;
  if (unknown > 1) throw new Error(`reshape: only one -1 is allowed, got ${formatShape(shape)}`);
  const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
  const out = shape.slice();
  if (unknown === 1) {
    if (known === 0 || x.size % known !== 0) {
      throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
    }
    out[out.indexOf(-1)] = x.size / known;
  }
  if (shapeSize(out) !== x.size) {
    throw new Error(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)} (${shapeSize(out)} elements)`,
    );
  }
  return out;
}

const transposeOp: OpDef<{ axes: readonly number[] }> = {
  name: 'transpose',
  formulas: ['transpose(g, inverse(axes))'],
  forward([x], { axes }) {
    const shape = axes.map((a) => x!.shape[a]!);
    const out = allocate(x!.dtype, x!.size);
    if (x!.ndim === 2) transpose2d(x!.storage, x!.shape[0]!, x!.shape[1]!, out);
    else {
      const own = stridesOf(x!.shape);
      stridedCopy(x!.storage, axes.map((a) => own[a]!), shape, out);
    }
    return new Tensor(out, shape);
  },
  vjp(ctx, g) {
    const inverse = new Array<number>(ctx.attrs.axes.length);
    ctx.attrs.axes.forEach((a, i) => (inverse[a] = i));
    return [transpose(g, inverse)];
  },
  jvp: (ctx, [t]) => (t ? transpose(t, ctx.attrs.axes) : null),
};

/**
 * Permutes axes; with no `axes`, reverses them (a 2-d tensor's two axes swap).
 * @example transpose(tensor([[1, 2, 3]])).toArray() // [[1], [2], [3]]
 */
export function transpose(x: Tensor, axes?: readonly number[]): Tensor {
  expectTensor('transpose', x);
  if (axes !== undefined && !Array.isArray(axes)) {
    throw new Error(`transpose: axes must be a list of axis numbers (omit it to reverse them), got ${show(axes)}`);
  }
  const nd = x.ndim;
  const perm = axes === undefined ? x.shape.map((_, i) => nd - 1 - i) : axes.map((a) => (a < 0 ? a + nd : a));
  const valid = perm.length === nd && perm.every((a) => Number.isInteger(a) && a >= 0 && a < nd) && new Set(perm).size === nd;
  if (!valid) {
    throw new Error(`transpose: axes ${JSON.stringify(axes)} are not a permutation of the ${nd} axes of ${formatShape(x.shape)}`);
  }
  if (perm.every((a, i) => a === i)) return x;
  return applyOp(transposeOp, [x], { axes: perm });
}

const broadcastToOp: OpDef<{ shape: Shape }> = {
  name: 'broadcastTo',
  formulas: ['sumTo(g, x.shape)'],
  forward([x], { shape }) {
    const out = allocate(x!.dtype, shapeSize(shape));
    stridedCopy(x!.storage, broadcastStrides(x!.shape, shape), shape, out);
    return new Tensor(out, shape);
  },
  vjp: (ctx, g) => [sumTo(g, ctx.inputs[0]!.shape)],
  jvp: (ctx, [t]) => (t ? broadcastTo(t, ctx.attrs.shape) : null),
};

/**
 * Repeats `x` along broadcast axes to `shape` (numpy's broadcast_to).
 * @example broadcastTo(tensor([1, 2]), [2, 2]).toArray() // [[1, 2], [1, 2]]
 */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  expectTensor('broadcastTo', x);
  checkShape('broadcastTo', shape);
  const full = broadcastShapes('broadcastTo', x.shape, shape);
  if (!sameShape(full, shape)) {
    throw new Error(`broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
  if (sameShape(x.shape, shape)) return x;
  return applyOp(broadcastToOp, [x], { shape: shape.slice() });
}

/**
 * Sums a broadcast result back down to `shape`: the adjoint of broadcasting, used by every
 * binary op's VJP (this is the one place broadcasting is undone).
 * @example sumTo(tensor([[1, 2], [3, 4]]), [2]).toArray() // [4, 6]
 */
export function sumTo(g: Tensor, shape: Shape): Tensor {
  expectTensor('sumTo', g);
  if (sameShape(g.shape, shape)) return g;
  // Summing down is only defined to a shape that broadcasts back up to g's.
  checkShape('sumTo', shape);
  if (shape.length > g.ndim || !sameShape(broadcastShapes('sumTo', shape, g.shape), g.shape)) {
    throw new Error(`sumTo: cannot sum ${formatShape(g.shape)} down to ${formatShape(shape)} (it does not broadcast back to ${formatShape(g.shape)})`);
  }
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    if (i < lead || (shape[i - lead] === 1 && g.shape[i] !== 1)) axes.push(i);
  }
  return reshape(sum(g, axes, true), shape);
}

const castOp: OpDef<{ dtype: DType }> = {
  name: 'cast',
  formulas: ['cast(g, x.dtype)'],
  forward: ([x], { dtype }) => new Tensor(convertStorage(x!.storage, dtype), x!.shape),
  vjp: (ctx, g) => [cast(g, ctx.inputs[0]!.dtype)],
  jvp: (ctx, [t]) => (t ? cast(t, ctx.attrs.dtype) : null),
};

/**
 * The same values in another dtype (float32 rounds).
 * @example cast(tensor([1.5]), 'float32').dtype // 'float32'
 */
export function cast(x: Tensor, dtype: DType): Tensor {
  expectTensor('cast', x);
  checkDType('cast', dtype);
  return x.dtype === dtype ? x : applyOp(castOp, [x], { dtype });
}

export const SHAPE_OPS = {
  reshape: reshapeOp, transpose: transposeOp, broadcastTo: broadcastToOp, cast: castOp,
};
