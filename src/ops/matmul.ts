/**
 * Matrix products. One primitive, `matmul` with transpose flags (op(A)·op(B)), is closed under
 * differentiation: every VJP is again a flagged product, so no transpose is ever materialised.
 * `batchMatmul` is the same per batch of a 3-d stack, for batches on both sides.
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { gemm } from '../kernels/gemm.js';
import { broadcastShapes, formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { expectTensor } from './operand.js';
import { expectFlag, expectOptions } from '../validate.js';
import { broadcastTo, cast, reshape } from './shape-ops.js';

/** Attributes of matmul records: whether each operand is read transposed. */
export interface MatmulAttrs {
  transA: boolean;
  transB: boolean;
}

const matmulOp: OpDef<MatmulAttrs> = {
  name: 'matmul',
  formulas: ['g · Bᵀ', 'Aᵀ · g'],
  forward([a, b], { transA, transB }) {
    const [m, k] = transA ? [a!.shape[1]!, a!.shape[0]!] : [a!.shape[0]!, a!.shape[1]!];
    const n = transB ? b!.shape[0]! : b!.shape[1]!;
    const out = allocate(a!.dtype, m * n);
    gemm(transA, transB, m, n, k, a!.storage, b!.storage, out);
    return new Tensor(out, [m, n]);
  },
  vjp(ctx, g) {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const { transA, transB } = ctx.attrs;
    // Y = op(A)·op(B). dA = g·op(B)ᵀ (transposed back when A was), dB = op(A)ᵀ·g likewise.
    const ga = !ctx.needsGrad[0] ? null
      : transA ? product(b, g, transB, true) : product(g, b, false, !transB);
    const gb = !ctx.needsGrad[1] ? null
      : transB ? product(g, a, true, transA) : product(a, g, !transA, false);
    return [ga, gb];
  },
  // Bilinear: d(op(A)·op(B)) = op(dA)·op(B) + op(A)·op(dB), each again a flagged product.
  jvp(ctx, [ta, tb]) {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const { transA, transB } = ctx.attrs;
    const da = ta ? product(ta, b, transA, transB) : null;
    const db = tb ? product(a, tb, transA, transB) : null;
    return da === null ? db : db === null ? da : add(da, db);
  },
};

/** op(a)·op(b) as a recorded primitive (a and b 2-d, same dtype). */
export function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return applyOp(matmulOp, [a, b], { transA, transB });
}

/** Options of {@link matmul}: read an operand's last two axes transposed (no copy is made for 2-d operands). */
export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
}

const batchMatmulOp: OpDef<MatmulAttrs> = {
  name: 'batchMatmul',
  formulas: ['g · Bᵀ (per batch)', 'Aᵀ · g (per batch)'],
  forward([a, b], { transA, transB }) {
    const [batch, ra, ca] = a!.shape as [number, number, number];
    const [, rb, cb] = b!.shape as [number, number, number];
    const [m, k] = transA ? [ca, ra] : [ra, ca];
    const n = transB ? rb : cb;
    const out = allocate(a!.dtype, batch * m * n);
    const sa = a!.storage, sb = b!.storage;
    for (let i = 0; i < batch; i++) {
      gemm(transA, transB, m, n, k, sa.subarray(i * ra * ca, (i + 1) * ra * ca), sb.subarray(i * rb * cb, (i + 1) * rb * cb),
        out.subarray(i * m * n, (i + 1) * m * n));
    }
    return new Tensor(out, [batch, m, n]);
  },
  vjp(ctx, g) {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const { transA, transB } = ctx.attrs;
    // The 2-d rules of matmulOp, batch by batch.
    const ga = !ctx.needsGrad[0] ? null
      : transA ? batchProduct(b, g, transB, true) : batchProduct(g, b, false, !transB);
    const gb = !ctx.needsGrad[1] ? null
      : transB ? batchProduct(g, a, true, transA) : batchProduct(a, g, !transA, false);
    return [ga, gb];
  },
  // Bilinear, batch by batch: op(dA)·op(B) + op(A)·op(dB).
  jvp(ctx, [ta, tb]) {
    const [a, b] = ctx.inputs as [Tensor, Tensor];
    const { transA, transB } = ctx.attrs;
    const da = ta ? batchProduct(ta, b, transA, transB) : null;
    const db = tb ? batchProduct(a, tb, transA, transB) : null;
    return da === null ? db : db === null ? da : add(da, db);
  },
};

/** op(a[i])·op(b[i]) for every i, as a recorded primitive (a and b 3-d with one batch size, one dtype). */
function batchProduct(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return applyOp(batchMatmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product with numpy's `matmul` rules: `[m,k]@[k,n] → [m,n]`; a 1-d left operand is a row
 * (`[k]@[k,n] → [n]`), a 1-d right operand a column (`[m,k]@[k] → [m]`, `[k]@[k] → []`); leading
 * batch axes broadcast on both sides (`[2,1,3,4]@[5,4,6] → [2,5,3,6]`). `transA`/`transB` read an
 * operand's last two axes transposed. Mixed dtypes compute in float64.
 * @example
 * matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray(); // [[11]]
 * matmul(tensor([1, 2]), tensor([3, 4])).item();          // 11
 * matmul(zeros([2, 1, 3, 4]), zeros([5, 4, 6])).shape;    // [2, 5, 3, 6]
 */
export function matmul(a: Tensor, b: Tensor, options: MatmulOptions = {}): Tensor {
  expectTensor('matmul', a, 'first operand');
  expectTensor('matmul', b, 'second operand');
  expectOptions('matmul', options, ['transA', 'transB']);
  expectFlag('matmul', 'transA', options.transA);
  expectFlag('matmul', 'transB', options.transB);
  const transA = options.transA ?? false;
  const transB = options.transB ?? false;
  if (a.ndim === 0 || b.ndim === 0) {
    throw new Error(`matmul: operands must have at least 1 axis, got ${formatShape(a.shape)} and ${formatShape(b.shape)} (use mul for scalars)`);
  }
  if ((transA && a.ndim < 2) || (transB && b.ndim < 2)) {
    throw new Error(`matmul: transA/transB need an operand with at least 2 axes, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const a2 = a.ndim === 1 ? reshape(a, [1, a.shape[0]!]) : a;
  const b2 = b.ndim === 1 ? reshape(b, [b.shape[0]!, 1]) : b;
  const ra = a2.shape[a2.ndim - 2]!, ca = a2.shape[a2.ndim - 1]!;
  const rb = b2.shape[b2.ndim - 2]!, cb = b2.shape[b2.ndim - 1]!;
  const [m, k] = transA ? [ca, ra] : [ra, ca];
  const [kb, n] = transB ? [cb, rb] : [rb, cb];
  if (k !== kb) {
    throw new Error(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (inner sizes ${k} and ${kb} differ)`,
    );
  }
  if (a.dtype !== b.dtype) return matmul(cast(a, 'float64'), cast(b, 'float64'), options);
  let out: Tensor;
  if (a2.ndim === 2 && b2.ndim === 2) out = product(a2, b2, transA, transB);
  else if (b2.ndim === 2 && !transA) {
    // The fast path of a batched left operand against one matrix: all rows in one product.
    const rows = reshape(a2, [-1, k]);
    out = reshape(product(rows, b2, false, transB), [...a2.shape.slice(0, -1), n]);
  } else {
    const batch = broadcastShapes('matmul', a2.shape.slice(0, -2), b2.shape.slice(0, -2));
    const size = batch.reduce((p, d) => p * d, 1);
    const a3 = reshape(broadcastTo(a2, [...batch, ra, ca]), [size, ra, ca]);
    const b3 = reshape(broadcastTo(b2, [...batch, rb, cb]), [size, rb, cb]);
    out = reshape(batchProduct(a3, b3, transA, transB), [...batch, m, n]);
  }
  // numpy removes the axes it added for 1-d operands.
  if (a.ndim === 1 && b.ndim === 1) return reshape(out, out.shape.slice(0, -2));
  if (a.ndim === 1) return reshape(out, [...out.shape.slice(0, -2), n]);
  if (b.ndim === 1) return reshape(out, out.shape.slice(0, -1));
  return out;
}

/**
 * a·bᵀ without materialising the transpose (`[m,k]@[n,k]ᵀ → [m,n]`).
 * @example matmulNT(tensor([[1, 2]]), tensor([[3, 4]])).toArray() // [[11]]
 */
export function matmulNT(a: Tensor, b: Tensor): Tensor {
  check2d('matmulNT', a, b, 1, 1);
  return product(a, b, false, true);
}

/**
 * aᵀ·b without materialising the transpose (`[k,m]ᵀ@[k,n] → [m,n]`).
 * @example matmulTN(tensor([[1], [2]]), tensor([[3], [4]])).toArray() // [[11]]
 */
export function matmulTN(a: Tensor, b: Tensor): Tensor {
  check2d('matmulTN', a, b, 0, 0);
  return product(a, b, true, false);
}

/** Checks two 2-d operands whose inner sizes are axis `axisA` of a and `axisB` of b. */
function check2d(op: string, a: Tensor, b: Tensor, axisA: number, axisB: number): void {
  expectTensor(op, a, 'first operand');
  expectTensor(op, b, 'second operand');
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new Error(`${op}: expects 2-d operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  const ka = a.shape[axisA]!, kb = b.shape[axisB]!;
  if (ka !== kb) {
    throw new Error(`${op}: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (inner sizes ${ka} and ${kb} differ)`);
  }
  if (a.dtype !== b.dtype) throw new Error(`${op}: operands must share a dtype, got ${a.dtype} and ${b.dtype}`);
}

export const MATMUL_OPS = { matmul: matmulOp, batchMatmul: batchMatmulOp };
