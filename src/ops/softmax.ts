/**
 * softmax, logSoftmax and the fused softmax-cross-entropy. Each is a primitive with a hand-written
 * VJP because the composite (exp, sum, div) overflows for large logits; the VJPs are written with
 * tensor ops and tested equal to the composite's, so second derivatives still work.
 */
import { allocate } from '../dtype.js';
import type { DType, FloatArray } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef, VjpContext } from '../engine/op.js';
import { axisView, softmaxAlong, type AxisView } from '../kernels/softmax.js';
import { formatShape, normalizeAxis, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import { expectTensor, scalarTensor } from './operand.js';
import { expectOptions, show } from '../validate.js';
import { sum } from './reduce.js';
import { cast, reshape } from './shape-ops.js';
import { exp, neg } from './unary.js';
import { oneHotStorage, type ClassLabels, labelsToArray } from './labels.js';

/** Attributes of softmax and logSoftmax records: the normalised axis. */
export interface AxisAttrs {
  axis: number;
}

const softmaxOp: OpDef<AxisAttrs> = {
  name: 'softmax',
  formulas: ['y · (g − Σ g·y)'],
  forward([x], { axis }) {
    const out = allocate(x!.dtype, x!.size);
    softmaxAlong(x!.storage, axisView(x!.shape, axis), out, false);
    return new Tensor(out, x!.shape);
  },
  vjp(ctx, g) {
    const y = ctx.output;
    return [mul(y, sub(g, sum(mul(g, y), ctx.attrs.axis, true)))];
  },
  // The Jacobian diag(y) − y·yᵀ is symmetric: the JVP is the VJP formula applied to the tangent.
  jvp(ctx, [t]) {
    if (!t) return null;
    const y = ctx.output;
    return mul(y, sub(t, sum(mul(t, y), ctx.attrs.axis, true)));
  },
};

const logSoftmaxOp: OpDef<AxisAttrs> = {
  name: 'logSoftmax',
  formulas: ['g − softmax(x) · Σ g'],
  forward([x], { axis }) {
    const out = allocate(x!.dtype, x!.size);
    softmaxAlong(x!.storage, axisView(x!.shape, axis), out, true);
    return new Tensor(out, x!.shape);
  },
  vjp(ctx, g) {
    // exp of the recorded output is softmax(x), still connected to x for higher orders.
    return [sub(g, mul(exp(ctx.output), sum(g, ctx.attrs.axis, true)))];
  },
  // J = I − 1·softmax(x)ᵀ along the axis: J·t = t − Σ softmax(x)·t.
  jvp: (ctx, [t]) => (t ? sub(t, sum(mul(exp(ctx.output), t), ctx.attrs.axis, true)) : null),
};

/**
 * Softmax along `axis` (default: last), stable for any finite input.
 * @example softmax(tensor([0, 0])).toArray() // [0.5, 0.5]
 */
export function softmax(x: Tensor, axis = -1): Tensor {
  expectTensor('softmax', x);
  return applyOp(softmaxOp, [x], { axis: normalizeAxis('softmax', axis, x.shape) });
}

/**
 * log(softmax(x)) along `axis`, computed as x − logsumexp(x) (exact for |x| = 1000 too).
 * @example logSoftmax(tensor([0, 0])).toArray() // [-0.693…, -0.693…]
 */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  expectTensor('logSoftmax', x);
  return applyOp(logSoftmaxOp, [x], { axis: normalizeAxis('logSoftmax', axis, x.shape) });
}

/** Attributes of softmaxCrossEntropy records. */
export interface CrossEntropyAttrs {
  axis: number;
  /** 1/rows for 'mean', 1 for 'sum'. */
  scale: number;
}

/** log softmax(z) along the class axis, in float64: both cross-entropy records compute and save it. */
function logProbs(z: Tensor, axis: number): { view: ReturnType<typeof axisView>; logp: Float64Array } {
  const view = axisView(z.shape, axis);
  const logp = allocate('float64', z.size) as Float64Array;
  softmaxAlong(z.storage, view, logp, true);
  return { view, logp };
}

/**
 * The VJPs of both cross-entropy records, given the output gradient already scaled and shaped to
 * broadcast against z: ∂/∂z = g·(softmax(z)·Σt − t), ∂/∂t = −g·logSoftmax(z).
 */
function crossEntropyVjp(ctx: VjpContext<{ readonly axis: number }>, g: Tensor): (Tensor | null)[] {
  const [z, t] = ctx.inputs as [Tensor, Tensor];
  const { axis } = ctx.attrs;
  let gz: Tensor | null = null;
  if (ctx.needsGrad[0]) {
    // Recorded pass: softmax(z) must be a recorded op; otherwise the saved log-probs are exact.
    const p = ctx.createGraph ? softmax(z, axis) : savedProbs(ctx.saved as Float64Array, z);
    gz = mul(sub(mul(p, sum(t, axis, true)), t), g);
  }
  const gt = ctx.needsGrad[1] ? mul(neg(logSoftmax(z, axis)), g) : null;
  return [gz, gt];
}

const softmaxCrossEntropyOp: OpDef<CrossEntropyAttrs> = {
  name: 'softmaxCrossEntropy',
  formulas: ['g · scale · (softmax(z) · Σt − t)', '−g · scale · logSoftmax(z)'],
  forward([z, t], { axis, scale }) {
    const { logp } = logProbs(z!, axis);
    let loss = 0;
    const ts = t!.storage;
    for (let i = 0; i < logp.length; i++) if (ts[i] !== 0) loss -= ts[i]! * logp[i]!;
    return { output: scalarTensor(loss * scale, z!.dtype), saved: logp };
  },
  vjp(ctx, g) {
    const z = ctx.inputs[0]!;
    if (!ctx.createGraph && ctx.needsGrad[0] && !ctx.needsGrad[1] && g.dtype === z.dtype) return [logitsGrad(ctx, g), null];
    return crossEntropyVjp(ctx, mul(g, ctx.attrs.scale));
  },
  // A scalar: ⟨∂loss/∂z, t_z⟩ + ⟨∂loss/∂t, t_t⟩, from softmax(z) recorded (no saved constants).
  jvp(ctx, [tz, tt]) {
    const [z, t] = ctx.inputs as [Tensor, Tensor];
    const { axis, scale } = ctx.attrs;
    const dz = tz ? sum(mul(sub(mul(softmax(z, axis), sum(t, axis, true)), t), tz)) : null;
    const dt = tt ? sum(mul(neg(logSoftmax(z, axis)), tt)) : null;
    const d = dz === null ? dt : dt === null ? dz : add(dz, dt);
    return d === null ? null : mul(d, scale);
  },
};

/** Attributes of softmaxCrossEntropyRows records: the class axis. */
export interface CrossEntropyRowsAttrs {
  axis: number;
}

const softmaxCrossEntropyRowsOp: OpDef<CrossEntropyRowsAttrs> = {
  // One loss per row (the class axis removed): what reduction 'none' and per-sample weights need.
  name: 'softmaxCrossEntropyRows',
  formulas: ['g · (softmax(z) · Σt − t)', '−g · logSoftmax(z)'],
  forward([z, t], { axis }) {
    const { view, logp } = logProbs(z!, axis);
    const { outer, len, inner } = view;
    const out = allocate(z!.dtype, outer * inner);
    const ts = t!.storage;
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        let loss = 0;
        for (let c = 0; c < len; c++) {
          const at = (o * len + c) * inner + i;
          if (ts[at] !== 0) loss -= ts[at]! * logp[at]!;
        }
        out[o * inner + i] = loss;
      }
    }
    return { output: new Tensor(out, z!.shape.filter((_, d) => d !== axis)), saved: logp };
  },
  vjp(ctx, g) {
    // The per-row gradient gets its class axis back (size 1) to broadcast over the classes.
    const { axis } = ctx.attrs;
    return crossEntropyVjp(ctx, reshape(g, ctx.inputs[0]!.shape.map((d, i) => (i === axis ? 1 : d))));
  },
  // One value per row: Σ over the class axis of ∂loss/∂z·t_z + ∂loss/∂t·t_t (softmax recorded).
  jvp(ctx, [tz, tt]) {
    const [z, t] = ctx.inputs as [Tensor, Tensor];
    const { axis } = ctx.attrs;
    const dz = tz ? sum(mul(sub(mul(softmax(z, axis), sum(t, axis, true)), t), tz), axis) : null;
    const dt = tt ? sum(mul(neg(logSoftmax(z, axis)), tt), axis) : null;
    return dz === null ? dt : dt === null ? dz : add(dz, dt);
  },
};

/**
 * ∂loss/∂z of the mean (or sum) cross-entropy when the backward pass is not recorded: the ops of
 * crossEntropyVjp — mul(sub(mul(p, sum(t, axis, true)), t), mul(g, scale)) with p the saved
 * probabilities — in one loop, each op's result rounded to z's dtype as that op's buffer would
 * round it, and the target sum accumulated as reduceSum does (float64, class by class). The same
 * bits as the op path (test/softmax-fused.test.ts), without its five buffers and passes.
 */
function logitsGrad(ctx: VjpContext<CrossEntropyAttrs>, g: Tensor): Tensor {
  const [z, t] = ctx.inputs as [Tensor, Tensor];
  const out = allocate(z.dtype, z.size);
  const view = axisView(z.shape, ctx.attrs.axis);
  const logp = ctx.saved as Float64Array;
  const gv = g.storage[0]!;
  // NOTE: two copies of one loop, so that each calls Math.fround (or nothing) directly: through a
  // variable holding either, V8 ran it ~10× slower.
  if (out instanceof Float32Array) logitsGrad32(logp, t.storage, Math.fround(gv * Math.fround(ctx.attrs.scale)), view, out);
  else logitsGrad64(logp, t.storage, gv * ctx.attrs.scale, view, out);
  return new Tensor(out, z.shape);
}

function logitsGrad32(logp: Float64Array, ts: FloatArray, gs: number, { outer, len, inner }: AxisView, out: Float32Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let s = 0;
      for (let c = 0; c < len; c++) s += ts[base + c * inner]!;
      const st = Math.fround(s);
      for (let c = 0; c < len; c++) {
        const at = base + c * inner;
        out[at] = Math.fround(Math.fround(Math.fround(Math.exp(logp[at]!)) * st) - ts[at]!) * gs;
      }
    }
  }
}

function logitsGrad64(logp: Float64Array, ts: FloatArray, gs: number, { outer, len, inner }: AxisView, out: Float64Array): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * len * inner + i;
      let s = 0;
      for (let c = 0; c < len; c++) s += ts[base + c * inner]!;
      for (let c = 0; c < len; c++) {
        const at = base + c * inner;
        out[at] = (Math.exp(logp[at]!) * s - ts[at]!) * gs;
      }
    }
  }
}

function savedProbs(logp: Float64Array, like: Tensor): Tensor {
  const p = allocate(like.dtype, logp.length);
  for (let i = 0; i < p.length; i++) p[i] = Math.exp(logp[i]!);
  return new Tensor(p, like.shape);
}

/** Options of {@link softmaxCrossEntropy}. */
export interface CrossEntropyOptions {
  /** The class axis (default last). */
  axis?: number;
  /** 'mean' (default) averages over the rows, 'sum' adds, 'none' returns one loss per row. */
  reduction?: 'mean' | 'sum' | 'none';
  /**
   * One weight per row (per sample), shaped like the logits without the class axis. Each row's loss
   * is multiplied by its weight; 'mean' then divides by the number of rows (not by Σ weights as
   * PyTorch's per-class `weight` does).
   */
  weights?: Tensor | readonly number[];
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/classes, as in PyTorch. Default 0. */
  labelSmoothing?: number;
}

/**
 * Softmax followed by cross-entropy, fused and stable. `target` is one-hot (or any distribution)
 * with the logits' shape, or integer class indices with the class axis removed. 'mean' averages
 * over the rows (every axis but the class axis), 'sum' adds, 'none' returns one loss per row;
 * `weights` scale each row's loss, `labelSmoothing` mixes the target with the uniform distribution.
 * @example softmaxCrossEntropy(tensor([[0, 0]]), [1]).item() // 0.693… (ln 2)
 */
export function softmaxCrossEntropy(logits: Tensor, target: Tensor | ClassLabels, options: CrossEntropyOptions = {}): Tensor {
  const op = 'softmaxCrossEntropy';
  expectTensor(op, logits, 'logits');
  expectOptions(op, options, ['axis', 'reduction', 'weights', 'labelSmoothing']);
  if (logits.ndim === 0) throw new Error(`${op}: logits must have a class axis, got a 0-d tensor`);
  const axis = normalizeAxis(op, options.axis ?? -1, logits.shape);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: unknown reduction ${JSON.stringify(reduction)} (expected 'mean', 'sum' or 'none')`);
  }
  const smoothing = options.labelSmoothing ?? 0;
  if (typeof smoothing !== 'number' || !(smoothing >= 0 && smoothing <= 1)) {
    throw new Error(`${op}: labelSmoothing must be a number in [0, 1], got ${String(smoothing)}`);
  }
  const classes = logits.shape[axis]!;
  const rows = logits.size / Math.max(classes, 1);
  let t = targetTensor(logits, target, axis);
  if (smoothing > 0) t = add(mul(t, 1 - smoothing), smoothing / classes);
  const scale = reduction === 'mean' ? 1 / rows : 1;
  if (options.weights === undefined && reduction !== 'none') return applyOp(softmaxCrossEntropyOp, [logits, t], { axis, scale });
  let losses = applyOp(softmaxCrossEntropyRowsOp, [logits, t], { axis });
  if (options.weights !== undefined) losses = mul(losses, rowWeights(logits, options.weights, losses.shape));
  if (reduction === 'none') return losses;
  return reduction === 'mean' ? div(sum(losses), rows) : sum(losses);
}

function rowWeights(logits: Tensor, weights: Tensor | readonly number[], shape: readonly number[]): Tensor {
  const op = 'softmaxCrossEntropy';
  let w: Tensor;
  if (weights instanceof Tensor) w = weights;
  else if (Array.isArray(weights) && weights.every((v) => typeof v === 'number')) w = new Tensor(Float64Array.from(weights), [weights.length]);
  else throw new Error(`${op}: weights must be a Tensor or a number[], got ${typeof weights}`);
  if (!sameShape(w.shape, shape)) {
    throw new Error(`${op}: weights of shape ${formatShape(w.shape)} do not fit: expected one per row, ${formatShape(shape)}`);
  }
  return w.dtype === logits.dtype ? w : cast(w, logits.dtype);
}

/** The target as a tensor of the logits' shape: validated one-hot/probabilities, or indices made one-hot. */
function targetTensor(logits: Tensor, target: Tensor | ClassLabels, axis: number): Tensor {
  const op = 'softmaxCrossEntropy';
  const indexShape = logits.shape.filter((_, i) => i !== axis);
  if (target instanceof Tensor && sameShape(target.shape, logits.shape)) {
    return target.dtype === logits.dtype ? target : cast(target, logits.dtype);
  }
  const shape = target instanceof Tensor ? target.shape : [labelsLength(target)];
  if (!sameShape(shape, indexShape)) {
    throw new Error(
      `${op}: target of shape ${formatShape(shape)} does not fit logits ${formatShape(logits.shape)}: expected ` +
        `one-hot ${formatShape(logits.shape)} or class indices ${formatShape(indexShape)}`,
    );
  }
  // A tensor of labels goes through an op, so that a compiled step replays it on each call's labels.
  if (target instanceof Tensor) return applyOp(oneHotLabelsOp, [target], { shape: logits.shape, axis, dtype: logits.dtype });
  const labels = labelsToArray(op, target);
  return new Tensor(oneHotStorage(op, labels, logits.shape[axis]!, logits.dtype, axisView(logits.shape, axis)), logits.shape);
}

/** Attributes of oneHotLabels records: the one-hot shape, its class axis and dtype. */
export interface OneHotLabelsAttrs {
  shape: readonly number[];
  axis: number;
  dtype: DType;
}

const oneHotLabelsOp: OpDef<OneHotLabelsAttrs> = {
  // Class indices (the class axis removed) → one-hot rows along `axis`; labels have no gradient.
  name: 'oneHotLabels',
  formulas: ['0'],
  differentiable: false,
  forward([labels], { shape, axis, dtype }) {
    return new Tensor(oneHotStorage('softmaxCrossEntropy', labels!.storage, shape[axis]!, dtype, axisView(shape, axis)), shape.slice());
  },
  vjp: () => [null],
};

function labelsLength(labels: ClassLabels): number {
  if (Array.isArray(labels) || labels instanceof Int32Array) return labels.length;
  throw new Error(`softmaxCrossEntropy: target must be a Tensor, a number[] or an Int32Array, got ${show(labels)}`);
}

export const SOFTMAX_OPS = {
  softmax: softmaxOp, logSoftmax: logSoftmaxOp, softmaxCrossEntropy: softmaxCrossEntropyOp,
  softmaxCrossEntropyRows: softmaxCrossEntropyRowsOp, oneHotLabels: oneHotLabelsOp,
};
