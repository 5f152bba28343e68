/**
 * Matrix products. One primitive, `matmul` with transpose flags (op(A)·op(B)), is closed under
 * differentiation: every VJP is again a flagged product, so no transpose is ever materialised.
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { gemm } from '../kernels/gemm.js';
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import { expectTensor } from './operand.js';
import { cast, reshape } from './shape-ops.js';

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
function product(a: Tensor, b: Tensor, transA: boolean, transB: boolean): Tensor {
  return applyOp(matmulOp, [a, b], { transA, transB });
}

/**
 * Matrix product: `[m,k]@[k,n] → [m,n]`; a batched left operand `[...,m,k]@[k,n] → [...,m,n]`.
 * Mixed dtypes compute in float64.
 * @example matmul(tensor([[1, 2]]), tensor([[3], [4]])).toArray() // [[11]]
 */
export function matmul(a: Tensor, b: Tensor): Tensor {
  expectTensor('matmul', a, 'first operand');
  expectTensor('matmul', b, 'second operand');
  if (a.ndim < 2 || b.ndim !== 2) {
    throw new Error(
      `matmul: expects [m,k]@[k,n] or a batched [...,m,k]@[k,n], got ${formatShape(a.shape)} and ${formatShape(b.shape)}`,
    );
  }
  const k = a.shape[a.ndim - 1]!;
  if (k !== b.shape[0]) {
    throw new Error(
      `matmul: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (inner sizes ${k} and ${b.shape[0]} differ)`,
    );
  }
  if (a.dtype !== b.dtype) return matmul(cast(a, 'float64'), cast(b, 'float64'));
  if (a.ndim === 2) return product(a, b, false, false);
  const rows = reshape(a, [-1, k]);
  return reshape(product(rows, b, false, false), [...a.shape.slice(0, -1), b.shape[1]!]);
}

/**
 * a·bᵀ without materialising the transpose (`[m,k]@[n,k]ᵀ → [m,n]`).
 * @example matmulNT(tensor([[1, 2]]), tensor([[3, 4]])).toArray() // [[11]]
 */
export function matmulNT(a: Tensor, b: Tensor): Tensor {
  check2d('matmulNT', a, b, a.shape[1]!, b.shape[1]!);
  return product(a, b, false, true);
}

/**
 * aᵀ·b without materialising the transpose (`[k,m]ᵀ@[k,n] → [m,n]`).
 * @example matmulTN(tensor([[1], [2]]), tensor([[3], [4]])).toArray() // [[11]]
 */
export function matmulTN(a: Tensor, b: Tensor): Tensor {
  check2d('matmulTN', a, b, a.shape[0]!, b.shape[0]!);
  return product(a, b, true, false);
}

function check2d(op: string, a: Tensor, b: Tensor, ka: number, kb: number): void {
  expectTensor(op, a, 'first operand');
  expectTensor(op, b, 'second operand');
  if (a.ndim !== 2 || b.ndim !== 2) {
    throw new Error(`${op}: expects 2-d operands, got ${formatShape(a.shape)} and ${formatShape(b.shape)}`);
  }
  if (ka !== kb) {
    throw new Error(`${op}: cannot multiply ${formatShape(a.shape)} by ${formatShape(b.shape)} (inner sizes ${ka} and ${kb} differ)`);
  }
  if (a.dtype !== b.dtype) throw new Error(`${op}: operands must share a dtype, got ${a.dtype} and ${b.dtype}`);
}

export const MATMUL_OPS = { matmul: matmulOp };
