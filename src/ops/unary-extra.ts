/**
 * More element-wise functions: square, cosh, sinh, log1p, expm1 and a stable softplus as primitives;
 * leakyRelu and elu built from them with `where` (so they need no gradient code).
 */
import { add, div, greaterMask, mul } from './arithmetic.js';
import { expectTensor } from './operand.js';
import { exp, sigmoid, unaryOp } from './unary.js';
import type { Tensor } from '../tensor.js';
import { where } from './where.js';

const squareOp = unaryOp({ name: 'square', body: 'r = x * x;', formula: 'g · 2x', vjp: (g, x) => mul(g, mul(x, 2)) });
const coshOp = unaryOp({ name: 'cosh', body: 'r = Math.cosh(x);', formula: 'g · sinh(x)', vjp: (g, x) => mul(g, sinh(x)) });
const sinhOp = unaryOp({ name: 'sinh', body: 'r = Math.sinh(x);', formula: 'g · cosh(x)', vjp: (g, x) => mul(g, cosh(x)) });
const log1pOp = unaryOp({ name: 'log1p', body: 'r = Math.log1p(x);', formula: 'g / (1 + x)', vjp: (g, x) => div(g, add(x, 1)) });
const expm1Op = unaryOp({
  // exp(x) rather than y + 1: y + 1 loses the digits expm1 exists to keep.
  name: 'expm1', body: 'r = Math.expm1(x);', formula: 'g · eˣ', vjp: (g, x) => mul(g, exp(x)),
});
const softplusOp = unaryOp({
  // log(1 + eˣ) = max(x, 0) + log1p(e^−|x|): never overflows, and exact where eˣ underflows.
  name: 'softplus', body: 'r = (x > 0 ? x : 0) + Math.log1p(Math.exp(-Math.abs(x)));', formula: 'g · sigmoid(x)',
  vjp: (g, x) => mul(g, sigmoid(x)),
});

/** x². @example square(tensor([-3])).toArray() // [9] */
export const square = squareOp.apply;
/** Hyperbolic cosine. @example cosh(tensor([0])).toArray() // [1] */
export const cosh = coshOp.apply;
/** Hyperbolic sine. @example sinh(tensor([0])).toArray() // [0] */
export const sinh = sinhOp.apply;
/** log(1 + x), accurate near 0. @example log1p(tensor([0])).toArray() // [0] */
export const log1p = log1pOp.apply;
/** eˣ − 1, accurate near 0. @example expm1(tensor([0])).toArray() // [0] */
export const expm1 = expm1Op.apply;
/**
 * log(1 + eˣ), stable for any finite x (softplus(1000) = 1000, softplus(−1000) = e⁻¹⁰⁰⁰ → 0).
 * @example softplus(tensor([0])).toArray() // [0.693…] (ln 2)
 */
export const softplus = softplusOp.apply;

function checkNumber(op: string, name: string, v: unknown): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw new Error(`${op}: ${name} must be a finite number, got ${String(v)}`);
  return v;
}

/**
 * x for x > 0, slope·x otherwise (PyTorch's default slope 0.01; the gradient at 0 is the slope, as in PyTorch).
 * @example leakyRelu(tensor([-2, 3]), 0.1).toArray() // [-0.2, 3]
 */
export function leakyRelu(x: Tensor, slope = 0.01): Tensor {
  expectTensor('leakyRelu', x);
  checkNumber('leakyRelu', 'slope', slope);
  return where(greaterMask(x, 0), x, mul(x, slope));
}

/**
 * x for x > 0, α·(eˣ − 1) otherwise (α = 1 by default; the gradient at 0 is α, as in PyTorch).
 * @example elu(tensor([0, 2])).toArray() // [0, 2]
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  expectTensor('elu', x);
  checkNumber('elu', 'alpha', alpha);
  const positive = greaterMask(x, 0);
  // expm1 only sees x ≤ 0 (0 elsewhere): a large x would make the untaken branch's eˣ infinite,
  // and 0·∞ = NaN in its gradient.
  return where(positive, x, mul(expm1(where(positive, 0, x)), alpha));
}

export const UNARY_EXTRA_OPS = {
  square: squareOp.def, cosh: coshOp.def, sinh: sinhOp.def, log1p: log1pOp.def, expm1: expm1Op.def, softplus: softplusOp.def,
};
