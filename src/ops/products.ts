/** dot and outer with numpy's rules, built from matmul, mul and reshape (no gradient code of their own). */
import { formatShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul } from './arithmetic.js';
import { matmul } from './matmul.js';
import { expectTensor } from './operand.js';
import { reshape, transpose } from './shape-ops.js';

/**
 * numpy's `dot`: the inner product of two 1-d tensors (a 0-d result), the matrix product of 2-d
 * ones (= matmul), a product with a scalar when either is 0-d, `[...,k]·[k] → [...]`, and for an
 * n-d right operand the sum over a's last axis and b's second-to-last
 * (`dot(a, b)[i,j,k,m] = Σ a[i,j,:]·b[k,:,m]`).
 * @example dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item() // 32
 */
export function dot(a: Tensor, b: Tensor): Tensor {
  expectTensor('dot', a, 'first operand');
  expectTensor('dot', b, 'second operand');
  if (a.ndim === 0 || b.ndim === 0) return mul(a, b);
  const k = a.shape[a.ndim - 1]!;
  const kb = b.ndim === 1 ? b.shape[0]! : b.shape[b.ndim - 2]!;
  if (k !== kb) {
    throw new Error(`dot: shapes ${formatShape(a.shape)} and ${formatShape(b.shape)} are not aligned (${k} and ${kb} differ)`);
  }
  if (b.ndim <= 2) return matmul(a, b);
  // b's contracted axis first, its other axes flattened in order: one matrix product, then reshape.
  const nd = b.ndim;
  const perm = [nd - 2, ...Array.from({ length: nd - 2 }, (_, i) => i), nd - 1];
  const rest = [...b.shape.slice(0, -2), b.shape[nd - 1]!];
  const bm = reshape(transpose(b, perm), [k, -1]);
  const am = reshape(a, [-1, k]);
  return reshape(matmul(am, bm), [...a.shape.slice(0, -1), ...rest]);
}

/**
 * The outer product of two 1-d tensors: `[m]⊗[n] → [m,n]` (numpy flattens other operands; so do we).
 * @example outer(tensor([1, 2]), tensor([3, 4])).toArray() // [[3, 4], [6, 8]]
 */
export function outer(a: Tensor, b: Tensor): Tensor {
  expectTensor('outer', a, 'first operand');
  expectTensor('outer', b, 'second operand');
  return mul(reshape(a, [a.size, 1]), reshape(b, [1, b.size]));
}
