/**
 * The binary element-wise ops with numpy broadcasting. Broadcasting lives here only: forward reads
 * broadcast inputs through stride-0 axes, and every VJP result is summed back to its input's shape
 * by `sumTo` in one wrapper, so no rule below has to think about it.
 *
 * Forward mode needs no rule of its own here either: each input's Jacobian is diagonal (before
 * broadcasting), hence symmetric, so the JVP is Σᵢ (VJP line of input i applied to tangent i),
 * broadcast to the output's shape in the same wrapper.
 *
 * NOTE: ops modules import each other (VJPs use other ops), so module top levels only call
 * functions of their own module: every `binaryOp(...)` call lives here. A top-level call into a
 * module of the cycle breaks when that module has not run yet (esbuild's __name helper, tsx).
 */
import { allocate, resultDType } from '../dtype.js';
import { hasTangent } from '../engine/forward.js';
import { applyOp } from '../engine/op.js';
import type { OpDef, VjpContext } from '../engine/op.js';
import type { BinaryKernel } from '../kernels/elementwise.js';
import { binaryKernel } from '../kernels/elementwise.js';
import { broadcastShapes, broadcastStrides, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { Operand } from './operand.js';
import { operands } from './operand.js';
import { broadcastTo, cast, sumTo } from './shape-ops.js';
import { log, neg } from './unary.js';
import { where } from './where.js';

const NO_STRIDES: readonly number[] = [];

interface BinarySpec {
  name: string;
  /** Computes `r` from `x` (first operand) and `y` (second). */
  body: string;
  formulas: [string, string];
  /** Gradients before un-broadcasting: shapes may be the output's. */
  vjp(g: Tensor, a: Tensor, b: Tensor, y: Tensor, ctx: VjpContext<undefined>): [Tensor | null, Tensor | null];
}

/** Declares a broadcasting binary op: the forward kernel, the VJP, and broadcasting handled once. */
export function binaryOp(spec: BinarySpec): { def: OpDef<undefined>; apply: (a: Operand, b: Operand) => Tensor } {
  const kernel: BinaryKernel = binaryKernel(spec.body);
  const def: OpDef<undefined> = {
    name: spec.name,
    formulas: spec.formulas,
    forward([a, b]) {
      const x = a!, y = b!;
      const fast = sameShape(x.shape, y.shape);
      const shape = fast ? x.shape : broadcastShapes(spec.name, x.shape, y.shape);
      const out = allocate(resultDType(x.dtype, y.dtype), fast ? x.size : sizeOf(shape));
      if (fast || ((x.size === out.length || x.size === 1) && (y.size === out.length || y.size === 1))) {
        kernel(x.storage, y.storage, out, shape, NO_STRIDES, NO_STRIDES, 0);
      } else if (x.size === out.length && isTrailingBlock(y.shape, shape)) {
        kernel(x.storage, y.storage, out, shape, NO_STRIDES, NO_STRIDES, 2);
      } else if (y.size === out.length && isTrailingBlock(x.shape, shape)) {
        kernel(x.storage, y.storage, out, shape, NO_STRIDES, NO_STRIDES, 1);
      } else {
        kernel(x.storage, y.storage, out, shape, broadcastStrides(x.shape, shape), broadcastStrides(y.shape, shape), 0);
      }
      return new Tensor(out, shape);
    },
    vjp(ctx, g) {
      const [a, b] = ctx.inputs as [Tensor, Tensor];
      const [ga, gb] = spec.vjp(g, a, b, ctx.output, ctx);
      return [fitTo(ga, a, ctx.needsGrad[0]!), fitTo(gb, b, ctx.needsGrad[1]!)];
    },
    // Diagonal Jacobians: each input's JVP term is its VJP line applied to its tangent.
    jvp(ctx, [ta, tb]) {
      const [a, b] = ctx.inputs as [Tensor, Tensor];
      const y = ctx.output;
      const line = (t: Tensor | null | undefined, i: 0 | 1): Tensor | null => {
        if (t === null || t === undefined) return null;
        const needsGrad = [i === 0, i === 1];
        return spec.vjp(t, a, b, y, { inputs: ctx.inputs, output: y, attrs: undefined, saved: ctx.saved, needsGrad, createGraph: true })[i];
      };
      const da = line(ta, 0);
      const db = line(tb, 1);
      const t = da === null ? db : db === null ? da : add(da, db);
      return t === null ? null : fitOut(t, y);
    },
  };
  return { def, apply: (a, b) => applyOp(def, operands(spec.name, a, b), undefined) };
}

/** A tangent term broadcast to the output's shape and cast to its dtype. */
function fitOut(t: Tensor, y: Tensor): Tensor {
  const shaped = sameShape(t.shape, y.shape) ? t : broadcastTo(t, y.shape);
  return shaped.dtype === y.dtype ? shaped : cast(shaped, y.dtype);
}

/** Whether `small` (leading 1s aside) equals the trailing axes of `shape`, so it repeats as one block. */
function isTrailingBlock(small: readonly number[], shape: readonly number[]): boolean {
  let start = 0;
  while (start < small.length && small[start] === 1) start++;
  const k = small.length - start;
  if (k === 0 || k > shape.length) return false;
  for (let i = 0; i < k; i++) if (small[start + i] !== shape[shape.length - k + i]) return false;
  return true;
}

function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Sums a broadcast gradient back to the input's shape and dtype. */
function fitTo(g: Tensor | null, input: Tensor, needed: boolean): Tensor | null {
  if (g === null || !needed) return null;
  const shaped = sameShape(g.shape, input.shape) ? g : sumTo(g, input.shape);
  return shaped.dtype === input.dtype ? shaped : cast(shaped, input.dtype);
}

const addOp = binaryOp({
  name: 'add', body: 'r = x + y;', formulas: ['g', 'g'],
  vjp: (g) => [g, g],
});
const subOp = binaryOp({
  name: 'sub', body: 'r = x - y;', formulas: ['g', '−g'],
  vjp: (g, _a, _b, _y, ctx) => [g, ctx.needsGrad[1] ? neg(g) : null],
});
const mulOp = binaryOp({
  name: 'mul', body: 'r = x * y;', formulas: ['g · b', 'g · a'],
  vjp: (g, a, b, _y, ctx) => [ctx.needsGrad[0] ? mul(g, b) : null, ctx.needsGrad[1] ? mul(g, a) : null],
});
const divOp = binaryOp({
  name: 'div', body: 'r = x / y;', formulas: ['g / b', '−g · y / b'],
  vjp: (g, _a, b, y, ctx) => [
    ctx.needsGrad[0] ? div(g, b) : null,
    ctx.needsGrad[1] ? neg(div(mul(g, y), b)) : null, // −g·a/b² = −g·y/b
  ],
});
const powOp = binaryOp({
  name: 'pow', body: 'r = Math.pow(x, y);', formulas: ['g · e · a^(e−1)', 'g · a^e · ln a'],
  vjp: (g, a, e, y, ctx) => [
    ctx.needsGrad[0] ? powBaseGrad(g, a, e) : null,
    ctx.needsGrad[1] ? mul(mul(g, y), log(where(zeroBaseMask(a, e), 1, a))) : null,
  ],
});

/**
 * d(aᵉ)/da = e·a^(e−1). Constant scalar exponents 0, 1 and 2 get exact shortcuts. Elsewhere, where
 * a = 0 and e = 0 the formula is 0·0⁻¹ = NaN; PyTorch takes 0 there. The exponent inside the power
 * is replaced by 1 at exactly those places (a `where` before the power, so higher orders stay
 * finite too): e·a^(1−1) = 0·1 = 0, while every other place keeps the honest e·a^(e−1) (including
 * 0^0.5 → ∞ and the mixed second derivative a^(e−1) at e = 0, a ≠ 0).
 */
function powBaseGrad(g: Tensor, a: Tensor, e: Tensor): Tensor {
  // Only a constant exponent: one that varies (requiresGrad, or a tangent in forward mode) needs
  // the general formula so that derivatives with respect to e see it.
  if (e.size === 1 && !e.requiresGrad && !hasTangent(e)) {
    const value = e.storage[0]!;
    if (value === 0) return mul(g, 0);
    if (value === 1) return g;
    if (value === 2) return mul(g, mul(a, 2));
  }
  const zeroZero = mul(equalMask(a, 0), equalMask(e, 0));
  return mul(mul(g, e), pow(a, sub(where(zeroZero, 1, e), 1)));
}

/**
 * Where the base is 0 and the exponent non-negative, aᵉ·ln a is 0·(−∞); its limit is 0, so the
 * log's argument is replaced by 1 there (a `where` before the log, so higher orders stay finite).
 */
function zeroBaseMask(a: Tensor, e: Tensor): Tensor {
  return mul(equalMask(a, 0), greaterEqualMask(e, 0));
}

/** Element-wise a + b, broadcasting. @example add(tensor([1, 2]), 10).toArray() // [11, 12] */
export const add = addOp.apply;
/** Element-wise a − b, broadcasting. @example sub(tensor([3, 4]), 1).toArray() // [2, 3] */
export const sub = subOp.apply;
/** Element-wise a · b, broadcasting. @example mul(tensor([1, 2]), tensor([[3], [4]])).toArray() // [[3, 6], [4, 8]] */
export const mul = mulOp.apply;
/** Element-wise a / b, broadcasting. @example div(tensor([1, 2]), 2).toArray() // [0.5, 1] */
export const div = divOp.apply;
/**
 * Element-wise aᵉ; `e` a number or a tensor (then both get gradients).
 * @example pow(tensor([2, 3]), 2).toArray() // [4, 9]
 */
export const pow = powOp.apply;

// Masks: piecewise-constant, never recorded (their derivative is zero almost everywhere).
function maskOp(name: string, publicName: string, body: string): { def: OpDef<undefined>; apply: (a: Operand, b: Operand) => Tensor } {
  const op = binaryOp({ name, body, formulas: ['0', '0'], vjp: () => [null, null] });
  const def: OpDef<undefined> = { ...op.def, differentiable: false };
  return {
    def,
    apply(a, b) {
      // Errors in the name the user called (equalMask), not the record's ('equal').
      const [x, y] = operands(publicName, a, b);
      if (!sameShape(x.shape, y.shape)) broadcastShapes(publicName, x.shape, y.shape);
      return applyOp(def, [x, y], undefined);
    },
  };
}
const equalOp = maskOp('equal', 'equalMask', 'r = x === y ? 1 : 0;');
const greaterOp = maskOp('greater', 'greaterMask', 'r = x > y ? 1 : 0;');
const greaterEqualOp = maskOp('greaterEqual', 'greaterEqualMask', 'r = x >= y ? 1 : 0;');
/** 1 where a = b, else 0 (no gradient). @example equalMask(tensor([1, 2]), 2).toArray() // [0, 1] */
export const equalMask = equalOp.apply;
/** 1 where a > b, else 0 (no gradient). @example greaterMask(tensor([1, 3]), 2).toArray() // [0, 1] */
export const greaterMask = greaterOp.apply;
/** 1 where a ≥ b, else 0 (no gradient). @example greaterEqualMask(tensor([1, 2]), 2).toArray() // [0, 1] */
export const greaterEqualMask = greaterEqualOp.apply;

// Fused backward ops of the activations (unary.ts uses them): g·(1 − y²), g·y·(1 − y), g·[x > 0], each with its own VJP.
const tanhBackwardOp = binaryOp({
  name: 'tanhBackward', body: 'r = x * (1 - y * y);', formulas: ['gg · (1 − y²)', '−2 · gg · g · y'],
  vjp: (gg, g, y, _o, ctx) => [
    ctx.needsGrad[0] ? tanhBackward(gg, y) : null,
    ctx.needsGrad[1] ? mul(mul(gg, g), mul(y, -2)) : null,
  ],
});
const sigmoidBackwardOp = binaryOp({
  name: 'sigmoidBackward', body: 'r = x * y * (1 - y);', formulas: ['gg · y · (1 − y)', 'gg · g · (1 − 2y)'],
  vjp: (gg, g, y, _o, ctx) => [
    ctx.needsGrad[0] ? sigmoidBackward(gg, y) : null,
    ctx.needsGrad[1] ? mul(mul(gg, g), sub(1, mul(y, 2))) : null,
  ],
});
const reluBackwardOp = binaryOp({
  name: 'reluBackward', body: 'r = y > 0 ? x : 0;', formulas: ['gg · [x > 0]', '0'],
  vjp: (gg, _g, x, _o, ctx) => [ctx.needsGrad[0] ? reluBackward(gg, x) : null, null],
});
/** g·(1 − y²): tanh's VJP from its output y, fused. @example tanhBackward(tensor([1]), tensor([0.5])).toArray() // [0.75] */
export const tanhBackward = (g: Tensor, y: Tensor): Tensor => tanhBackwardOp.apply(g, y);
/** g·y·(1 − y): sigmoid's VJP from its output y, fused. @example sigmoidBackward(tensor([1]), tensor([0.5])).toArray() // [0.25] */
export const sigmoidBackward = (g: Tensor, y: Tensor): Tensor => sigmoidBackwardOp.apply(g, y);
/** g where x > 0, else 0: relu's VJP, fused. @example reluBackward(tensor([5, 5]), tensor([-1, 1])).toArray() // [0, 5] */
export const reluBackward = (g: Tensor, x: Tensor): Tensor => reluBackwardOp.apply(g, x);

export const ARITHMETIC_OPS = {
  add: addOp.def, sub: subOp.def, mul: mulOp.def, div: divOp.def, pow: powOp.def,
  equal: equalOp.def, greater: greaterOp.def, greaterEqual: greaterEqualOp.def,
  tanhBackward: tanhBackwardOp.def, sigmoidBackward: sigmoidBackwardOp.def, reluBackward: reluBackwardOp.def,
};
