/**
 * Element-wise maximum and minimum (broadcasting primitives) and clip/clamp built from `where`.
 * NOTE: at ties (a = b) maximum and minimum split the gradient half/half between a and b, as
 * PyTorch does (its derivatives.yaml: `grad / 2` where self == other); numpy has no gradient.
 */
import { add, binaryOp, equalMask, greaterMask, mul } from './arithmetic.js';
import type { Operand } from './operand.js';
import { expectTensor } from './operand.js';
import type { Tensor } from '../tensor.js';
import { where } from './where.js';

/** 1 where x wins, ½ at ties, 0 where it loses (never recorded: piecewise constant). */
function winShare(x: Tensor, y: Tensor): Tensor {
  return add(greaterMask(x, y), mul(equalMask(x, y), 0.5));
}

const maximumOp = binaryOp({
  // NaN in either operand gives NaN, as numpy's maximum does.
  name: 'maximum', body: 'r = x > y ? x : y > x ? y : x === y ? x : NaN;', formulas: ['g · [a > b] (½ at ties)', 'g · [b > a] (½ at ties)'],
  vjp: (g, a, b, _y, ctx) => [ctx.needsGrad[0] ? mul(g, winShare(a, b)) : null, ctx.needsGrad[1] ? mul(g, winShare(b, a)) : null],
});
const minimumOp = binaryOp({
  name: 'minimum', body: 'r = x < y ? x : y < x ? y : x === y ? x : NaN;', formulas: ['g · [a < b] (½ at ties)', 'g · [b < a] (½ at ties)'],
  vjp: (g, a, b, _y, ctx) => [ctx.needsGrad[0] ? mul(g, winShare(b, a)) : null, ctx.needsGrad[1] ? mul(g, winShare(a, b)) : null],
});

/**
 * Element-wise max(a, b), broadcasting; NaN if either is NaN; ties split the gradient ½/½.
 * @example maximum(tensor([1, 5]), 3).toArray() // [3, 5]
 */
export const maximum = maximumOp.apply;
/**
 * Element-wise min(a, b), broadcasting; NaN if either is NaN; ties split the gradient ½/½.
 * @example minimum(tensor([1, 5]), 3).toArray() // [1, 3]
 */
export const minimum = minimumOp.apply;

function checkBound(op: string, name: string, v: unknown): void {
  if (v === undefined || v === null || (typeof v === 'number' && !Number.isNaN(v))) return;
  expectTensor(op, v, name);
}

/**
 * Limits x to [min, max] (numbers or tensors that broadcast; either may be null/undefined for no
 * bound). As in PyTorch, the gradient to x is 1 on the closed interval (bounds included) and 0
 * outside; tensor bounds get the gradient where they are taken; if min > max the result is max.
 * @example clip(tensor([-2, 0.5, 3]), 0, 1).toArray() // [0, 0.5, 1]
 */
export function clip(x: Tensor, min?: Operand | null, max?: Operand | null): Tensor {
  return bounded('clip', x, min, max);
}

/**
 * The same op as {@link clip}, under PyTorch's name.
 * @example clamp(tensor([-2, 3]), -1).toArray() // [-1, 3]
 */
export function clamp(x: Tensor, min?: Operand | null, max?: Operand | null): Tensor {
  return bounded('clamp', x, min, max);
}

function bounded(op: string, x: Tensor, min: Operand | null | undefined, max: Operand | null | undefined): Tensor {
  expectTensor(op, x);
  checkBound(op, 'min', min);
  checkBound(op, 'max', max);
  if ((min === undefined || min === null) && (max === undefined || max === null)) {
    throw new Error(`${op}: give at least one of min and max`);
  }
  let y = x;
  if (min !== undefined && min !== null) y = where(greaterMask(min, y), min, y);
  if (max !== undefined && max !== null) y = where(greaterMask(y, max), max, y);
  return y;
}

export const MINMAX_OPS = { maximum: maximumOp.def, minimum: minimumOp.def };
