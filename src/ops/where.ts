/** where(mask, a, b): a where the mask is non-zero, b elsewhere; gradients go to the chosen side. */
import { allocate, resultDType } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast, broadcastTo } from './shape-ops.js';
import type { Operand } from './operand.js';
import { expectTensor, scalarTensor } from './operand.js';

const whereOp: OpDef<undefined> = {
  name: 'where',
  formulas: ['0', 'g · [mask]', 'g · [not mask]'],
  forward([mask, a, b]) {
    const out = allocate(a!.dtype, a!.size);
    const m = mask!.storage, x = a!.storage, y = b!.storage;
    for (let i = 0; i < out.length; i++) out[i] = m[i] !== 0 ? x[i]! : y[i]!;
    return new Tensor(out, a!.shape);
  },
  vjp(ctx, g) {
    const [mask] = ctx.inputs;
    const zero = scalarTensor(0, g.dtype);
    return [
      null,
      ctx.needsGrad[1] ? where(mask!, g, zero) : null,
      ctx.needsGrad[2] ? where(mask!, zero, g) : null,
    ];
  },
  // The mask's tangent does not matter (piecewise constant); the chosen side's tangent passes.
  jvp(ctx, [, ta, tb]) {
    if (!ta && !tb) return null;
    const dtype = ctx.output.dtype;
    return where(ctx.inputs[0]!, ta ?? scalarTensor(0, dtype), tb ?? scalarTensor(0, dtype));
  },
};

/**
 * Element-wise choice: `a` where `mask` ≠ 0, else `b` (all three broadcast together).
 * Unlike `mask·a + (1−mask)·b`, a NaN or ∞ in the branch not taken does not leak into the result,
 * and that branch gets a zero gradient. NOTE: if the untaken branch's own derivative is infinite
 * there (sqrt at 0), 0·∞ is still NaN; guard its input too: `where(m, sqrt(where(m, x, 1)), 0)`.
 * @example where(tensor([1, 0]), tensor([1, 2]), 9).toArray() // [1, 9]
 */
export function where(mask: Tensor, a: Operand, b: Operand): Tensor {
  expectTensor('where', mask, 'mask');
  const dtype = a instanceof Tensor ? (b instanceof Tensor ? resultDType(a.dtype, b.dtype) : a.dtype)
    : b instanceof Tensor ? b.dtype : 'float64';
  const ta = typeof a === 'number' ? scalarTensor(a, dtype) : cast(expectTensor('where', a, 'a'), dtype);
  const tb = typeof b === 'number' ? scalarTensor(b, dtype) : cast(expectTensor('where', b, 'b'), dtype);
  const shape = broadcastShapes('where', broadcastShapes('where', mask.shape, ta.shape), tb.shape);
  return applyOp(whereOp, [broadcastTo(mask, shape), broadcastTo(ta, shape), broadcastTo(tb, shape)], undefined);
}

export const WHERE_OPS = { where: whereOp };
