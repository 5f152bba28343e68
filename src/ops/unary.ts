/**
 * The unary element-wise ops. Derivatives that are cheaper from the saved output use it
 * (exp: y, tanh: 1 − y², sigmoid: y(1 − y)); the fused `tanhBackward`/`sigmoidBackward`/`reluBackward`
 * ops (in arithmetic.ts, being binary) compute those products in one loop and have VJPs of their
 * own, so second derivatives work.
 * The saved output is the recorded result tensor itself, so a recorded backward (createGraph) that
 * uses it still differentiates through the forward op.
 *
 * Forward mode needs no rule of its own here: an element-wise op's Jacobian is diagonal, hence
 * symmetric, so its JVP is its VJP line applied to the tangent (J·t = Jᵀ·t).
 */
import { allocate } from '../dtype.js';
import type { FloatArray } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef, VjpContext } from '../engine/op.js';
import { float32Unary, float64Unary, float64UnaryMin, unaryKernel } from '../kernels/elementwise.js';
import type { FastUnaryName } from '../kernels/elementwise.js';
import { Tensor } from '../tensor.js';
import { div, mul, reluBackward, sigmoidBackward, tanhBackward } from './arithmetic.js';
import { expectTensor } from './operand.js';

export interface UnarySpec {
  name: string;
  /** Computes `r` from `x`. */
  body: string;
  formula: string;
  vjp?(g: Tensor, x: Tensor, y: Tensor, ctx: VjpContext<undefined>): Tensor;
}

// Below this many values a native call costs more than the JavaScript loop (measured for both
// dtypes: at 8 values the Math.* loop still wins, from 16 up the native loops do).
const FAST_MIN = 16;

/** The installed whole-array loop of an op for this buffer's dtype, if any (see kernels/elementwise.ts). */
function fastLoop(name: FastUnaryName, x: FloatArray): ((x: FloatArray, out: FloatArray) => void) | undefined {
  if (x.length < FAST_MIN) return undefined;
  if (x instanceof Float32Array) return float32Unary[name] as ((x: FloatArray, out: FloatArray) => void) | undefined;
  return x.length >= (float64UnaryMin[name] ?? FAST_MIN) ? float64Unary[name] as ((x: FloatArray, out: FloatArray) => void) | undefined : undefined;
}

/** Declares a unary element-wise op: the kernel from a one-line body, its VJP and formula. */
export function unaryOp(spec: UnarySpec): { def: OpDef<undefined>; apply: (x: Tensor) => Tensor; inPlace: (x: FloatArray) => void } {
  const kernel = unaryKernel(spec.body);
  const name = spec.name as FastUnaryName;
  // The forward's loop over a buffer in place (each element is read before it is written).
  const inPlace = (x: FloatArray): void => {
    const fast = fastLoop(name, x);
    if (fast !== undefined) fast(x, x);
    else kernel(x, x);
  };
  const def: OpDef<undefined> = {
    name: spec.name,
    formulas: [spec.formula],
    differentiable: spec.vjp !== undefined,
    forward([x]) {
      const out = allocate(x!.dtype, x!.size);
      // exp/tanh/sigmoid may have a vectorised loop: float32 within 1 float32 ulp of Math.*, float64
      // bit for bit the Math.* kernel's doubles (native fdlibm), so float64 results stay the reference's.
      const fast = fastLoop(name, out);
      if (fast !== undefined) fast(x!.storage, out);
      else kernel(x!.storage, out);
      return new Tensor(out, x!.shape);
    },
    vjp(ctx, g) {
      return [spec.vjp!(g, ctx.inputs[0]!, ctx.output, ctx)];
    },
    // Diagonal Jacobian: the JVP is the VJP line applied to the tangent (see the module comment).
    jvp(ctx, [t]) {
      if (t === null || t === undefined) return null;
      return spec.vjp!(t, ctx.inputs[0]!, ctx.output, { ...ctx, needsGrad: [true], createGraph: true });
    },
  };
  return { def, apply: (x) => applyOp(def, [expectTensor(spec.name, x)], undefined), inPlace };
}

const negOp = unaryOp({ name: 'neg', body: 'r = -x;', formula: '−g', vjp: (g) => neg(g) });
const expOp = unaryOp({
  name: 'exp', body: 'r = Math.exp(x);', formula: 'g · y',
  vjp: (g, _x, y) => mul(g, y),
});
const logOp = unaryOp({ name: 'log', body: 'r = Math.log(x);', formula: 'g / x', vjp: (g, x) => div(g, x) });
const sqrtOp = unaryOp({
  name: 'sqrt', body: 'r = Math.sqrt(x);', formula: 'g / (2·y)',
  vjp: (g, _x, y) => div(g, mul(y, 2)),
});
const absOp = unaryOp({
  // NOTE: |x|' at 0 is taken as 0 (the sign), as PyTorch does.
  name: 'abs', body: 'r = Math.abs(x);', formula: 'g · sign(x)', vjp: (g, x) => mul(g, sign(x)),
});
const tanhOp = unaryOp({
  name: 'tanh', body: 'r = Math.tanh(x);', formula: 'g · (1 − y²)',
  vjp: (g, _x, y) => tanhBackward(g, y),
});
const sigmoidOp = unaryOp({
  // Two branches so that exp never overflows: finite and exact for any finite x (|x| = 1000 too).
  name: 'sigmoid',
  body: 'if (x >= 0) { r = 1 / (1 + Math.exp(-x)); } else { const e = Math.exp(x); r = e / (1 + e); }',
  formula: 'g · y · (1 − y)',
  vjp: (g, _x, y) => sigmoidBackward(g, y),
});
const reluOp = unaryOp({
  // NOTE: relu'(0) is taken as 0 (PyTorch and TensorFlow do the same); finite differences at the
  // kink see 1/2, so gradient checks keep inputs away from 0.
  name: 'relu', body: 'r = x > 0 ? x : (x === x ? 0 : x);', formula: 'g · [x > 0]',
  vjp: (g, x) => reluBackward(g, x),
});
const signOp = unaryOp({ name: 'sign', body: 'r = x > 0 ? 1 : x < 0 ? -1 : x === x ? 0 : x;', formula: '0' });

/** −x. @example neg(tensor([1, -2])).toArray() // [-1, 2] */
export const neg = negOp.apply;
/** eˣ. @example exp(tensor([0])).toArray() // [1] */
export const exp = expOp.apply;
/** Natural logarithm. @example log(tensor([1])).toArray() // [0] */
export const log = logOp.apply;
/** Square root. @example sqrt(tensor([4])).toArray() // [2] */
export const sqrt = sqrtOp.apply;
/** |x|. @example abs(tensor([-3])).toArray() // [3] */
export const abs = absOp.apply;
/** Hyperbolic tangent. @example tanh(tensor([0])).toArray() // [0] */
export const tanh = tanhOp.apply;
/** Logistic function 1/(1 + e⁻ˣ), finite for every finite x. @example sigmoid(tensor([0])).toArray() // [0.5] */
export const sigmoid = sigmoidOp.apply;
/** max(x, 0). @example relu(tensor([-1, 2])).toArray() // [0, 2] */
export const relu = reluOp.apply;
/** −1, 0 or 1 by the sign of x (no gradient). @example sign(tensor([-2, 0, 5])).toArray() // [-1, 0, 1] */
export const sign = signOp.apply;

/** The activations' forward loops, in place: what the fused linear op (linear.ts) applies after its product. */
export const ACTIVATE_IN_PLACE = { tanh: tanhOp.inPlace, sigmoid: sigmoidOp.inPlace, relu: reluOp.inPlace };

export const UNARY_OPS = {
  neg: negOp.def, exp: expOp.def, log: logOp.def, sqrt: sqrtOp.def, abs: absOp.def,
  tanh: tanhOp.def, sigmoid: sigmoidOp.def, relu: reluOp.def, sign: signOp.def,
};
