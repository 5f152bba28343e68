/** Binary cross-entropy on logits, stable, built from softplus (so it needs no gradient code of its own). */
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './arithmetic.js';
import type { Operand } from './operand.js';
import { expectTensor } from './operand.js';
import { mean, sum } from './reduce.js';
import { cast } from './shape-ops.js';
import { neg } from './unary.js';
import { softplus } from './unary-extra.js';

/** Options of {@link binaryCrossEntropyWithLogits}. */
export interface BceOptions {
  /** 'mean' (default) over all elements, 'sum', or 'none' (element-wise). */
  reduction?: 'mean' | 'sum' | 'none';
  /** Weight of the positive term (PyTorch's `pos_weight`): a number or a tensor broadcasting against the logits (one per class). */
  posWeight?: Operand;
  /** A rescaling weight per element (PyTorch's `weight`): a number or a tensor broadcasting against the logits. */
  weight?: Operand;
}

function checkWeight(name: string, w: unknown): void {
  if (w === undefined || typeof w === 'number' || w instanceof Tensor) return;
  throw new Error(`binaryCrossEntropyWithLogits: ${name} must be a number or a Tensor, got ${typeof w}`);
}

/**
 * PyTorch's `binary_cross_entropy_with_logits`: ℓ = −w·[p·y·log σ(x) + (1 − y)·log(1 − σ(x))],
 * computed as w·[p·y·softplus(−x) + (1 − y)·softplus(x)], which is finite for any finite logit
 * (|x| = 1000 too). `targets` must have the logits' shape (values in [0, 1]; soft labels allowed).
 * @example binaryCrossEntropyWithLogits(tensor([0]), tensor([1])).item() // 0.693… (ln 2)
 */
export function binaryCrossEntropyWithLogits(logits: Tensor, targets: Tensor, options: BceOptions = {}): Tensor {
  const op = 'binaryCrossEntropyWithLogits';
  expectTensor(op, logits, 'logits');
  expectTensor(op, targets, 'targets');
  if (!sameShape(logits.shape, targets.shape)) {
    throw new Error(`${op}: logits ${formatShape(logits.shape)} and targets ${formatShape(targets.shape)} differ in shape`);
  }
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`${op}: unknown reduction ${JSON.stringify(reduction)} (expected 'mean', 'sum' or 'none')`);
  }
  checkWeight('posWeight', options.posWeight);
  checkWeight('weight', options.weight);
  const y = targets.dtype === logits.dtype ? targets : cast(targets, logits.dtype);
  let positive = mul(y, softplus(neg(logits)));
  if (options.posWeight !== undefined) positive = mul(positive, options.posWeight);
  let loss = add(positive, mul(sub(1, y), softplus(logits)));
  if (options.weight !== undefined) loss = mul(loss, options.weight);
  if (!sameShape(loss.shape, logits.shape)) {
    throw new Error(`${op}: posWeight/weight of shapes broadcast the loss to ${formatShape(loss.shape)}, beyond the logits' ${formatShape(logits.shape)}`);
  }
  if (reduction === 'none') return loss;
  return reduction === 'sum' ? sum(loss) : mean(loss);
}

