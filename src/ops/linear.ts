/**
 * `linear(x, w, b, activation)`: act(x·W + b) as one primitive. A dense layer is three ops when
 * written out (matmul, add, the activation), each with its own buffer, record and VJP; fused, the
 * forward is one product with the bias and activation applied in place over its result, and the
 * backward one pass computing the activation derivative and the bias gradient's column sums, then
 * both products. The arithmetic and its order are exactly the three ops' (the same numbers, bit for
 * bit: tests check it); a recorded backward (createGraph) runs the VJP as tensor ops, so second
 * derivatives still work.
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef, VjpContext } from '../engine/op.js';
import { gemm } from '../kernels/gemm.js';
import { rowKernels } from '../kernels/rows.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';
import { add, reluBackward, sigmoidBackward, tanhBackward } from './arithmetic.js';
import { product } from './matmul.js';
import { expectTensor } from './operand.js';
import { broadcastTo, sumTo } from './shape-ops.js';
import { ACTIVATE_IN_PLACE } from './unary.js';

/** The activations `linear` fuses ('identity': none). */
export type LinearActivation = 'identity' | 'tanh' | 'sigmoid' | 'relu';

/** Attributes of linear records: the activation applied after x·W + b. */
export interface LinearAttrs {
  activation: LinearActivation;
}

const ACTIVATIONS: readonly LinearActivation[] = ['identity', 'tanh', 'sigmoid', 'relu'];

/** g·act′ from the output y: tanh 1 − y², sigmoid y(1 − y), relu [y > 0] (the same as [z > 0]). */
function activationGrad(activation: LinearActivation, g: Tensor, y: Tensor): Tensor {
  switch (activation) {
    case 'tanh': return tanhBackward(g, y);
    case 'sigmoid': return sigmoidBackward(g, y);
    case 'relu': return reluBackward(g, y);
    default: return g;
  }
}

/**
 * The VJP when this backward pass is not itself recorded: g·act′ and the bias gradient's column sums
 * in one pass over the rows (the row kernels), then both products. The same kernels' arithmetic in
 * the same order as the recorded path's tanhBackward/sigmoidBackward/reluBackward and sumTo (the
 * same bits: test/linear.test.ts), with one read of g and y instead of three passes.
 */
function fusedVjp(ctx: VjpContext<LinearAttrs>, g: Tensor): (Tensor | null)[] {
  const [x, w, b] = ctx.inputs as [Tensor, Tensor, Tensor];
  const { activation } = ctx.attrs;
  const y = ctx.output;
  const gz = activation === 'identity' ? g : new Tensor(allocate(y.dtype, y.size), y.shape);
  const gb = ctx.needsGrad[2] ? new Tensor(allocate(b.dtype, b.size), b.shape) : null;
  if (gz !== g || gb !== null) rowKernels().activationGradRows(activation, g.storage, y.storage, gz.storage, gb === null ? null : gb.storage);
  return [
    ctx.needsGrad[0] ? product(gz, w, false, true) : null,
    ctx.needsGrad[1] ? product(x, gz, true, false) : null,
    gb,
  ];
}

const linearOp: OpDef<LinearAttrs> = {
  name: 'linear',
  formulas: ['gz · Wᵀ, gz = g · act′', 'xᵀ · gz', 'Σ_rows gz'],
  forward([x, w, b], { activation }) {
    const m = x!.shape[0]!, k = x!.shape[1]!, n = w!.shape[1]!;
    const out = allocate(x!.dtype, m * n);
    gemm(false, false, m, n, k, x!.storage, w!.storage, out);
    // The bias in place, rounded to the dtype as add's result is, then the activation's own loop.
    rowKernels().addRows(out, b!.storage);
    if (activation !== 'identity') ACTIVATE_IN_PLACE[activation](out);
    return new Tensor(out, [m, n]);
  },
  vjp(ctx, g) {
    const [x, w] = ctx.inputs as [Tensor, Tensor, Tensor];
    if (!ctx.createGraph && g.dtype === ctx.output.dtype) return fusedVjp(ctx, g);
    const gz = activationGrad(ctx.attrs.activation, g, ctx.output);
    return [
      ctx.needsGrad[0] ? product(gz, w, false, true) : null,
      ctx.needsGrad[1] ? product(x, gz, true, false) : null,
      ctx.needsGrad[2] ? sumTo(gz, ctx.inputs[2]!.shape) : null,
    ];
  },
  // y = act(z), z = x·W + b: the tangent of z, then act′ from y (a diagonal Jacobian, as in backward).
  jvp(ctx, [tx, tw, tb]) {
    const [x, w] = ctx.inputs as [Tensor, Tensor, Tensor];
    let tz: Tensor | null = tx ? product(tx, w, false, false) : null;
    if (tw) tz = tz === null ? product(x, tw, false, false) : add(tz, product(x, tw, false, false));
    if (tb) tz = tz === null ? broadcastTo(tb, ctx.output.shape) : add(tz, tb);
    return tz === null ? null : activationGrad(ctx.attrs.activation, tz, ctx.output);
  },
};

/**
 * A dense layer as one fused op: `act(x·w + b)` for x `[m, k]`, w `[k, n]`, b `[n]` (one dtype),
 * with `activation` 'identity' (default), 'tanh', 'sigmoid' or 'relu'. The same numbers as
 * `tanh(add(matmul(x, w), b))` bit for bit, with one buffer, one record and one VJP instead of three.
 * @example
 * const y = linear(tensor([[1, 2]]), tensor([[1], [1]]), tensor([-3]), 'relu');
 * y.toArray(); // [[0]]
 * linear(tensor([[1, 2]]), tensor([[1], [1]]), tensor([0.5])).toArray(); // [[3.5]]
 */
export function linear(x: Tensor, w: Tensor, b: Tensor, activation: LinearActivation = 'identity'): Tensor {
  const op = 'linear';
  expectTensor(op, x, 'input x');
  expectTensor(op, w, 'weight w');
  expectTensor(op, b, 'bias b');
  if (!ACTIVATIONS.includes(activation)) {
    throw new Error(`${op}: unknown activation ${show(activation)} (expected ${ACTIVATIONS.join(', ')})`);
  }
  if (x.ndim !== 2 || w.ndim !== 2 || b.ndim !== 1 || x.shape[1] !== w.shape[0] || b.shape[0] !== w.shape[1]) {
    throw new Error(
      `${op}: expects x [m, k], w [k, n] and b [n], got ${formatShape(x.shape)}, ${formatShape(w.shape)} and ${formatShape(b.shape)}`,
    );
  }
  if (x.dtype !== w.dtype || x.dtype !== b.dtype) {
    throw new Error(`${op}: x, w and b must share a dtype, got ${x.dtype}, ${w.dtype} and ${b.dtype}`);
  }
  return applyOp(linearOp, [x, w, b], { activation });
}

export const LINEAR_OPS = { linear: linearOp };
