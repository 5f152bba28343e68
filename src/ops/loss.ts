/** Losses built from primitives (so they need no gradient code of their own). */
import { formatShape, sameShape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './arithmetic.js';
import { expectTensor } from './operand.js';
import { expectOptions } from '../validate.js';
import { mean, sum } from './reduce.js';

/**
 * Squared error, averaged over all elements ('mean', default), added ('sum') or element-wise ('none'). The shapes must
 * match exactly: broadcasting [n,1] against [n] would silently compare every pair.
 * @example mseLoss(tensor([1, 2]), tensor([1, 4])).item() // 2
 */
export function mseLoss(pred: Tensor, target: Tensor, options: { reduction?: 'mean' | 'sum' | 'none' } = {}): Tensor {
  expectTensor('mseLoss', pred, 'pred');
  expectTensor('mseLoss', target, 'target');
  if (!sameShape(pred.shape, target.shape)) {
    throw new Error(
      `mseLoss: pred ${formatShape(pred.shape)} and target ${formatShape(target.shape)} differ in shape ` +
        `(broadcasting here is almost always a bug: reshape one of them)`,
    );
  }
  expectOptions('mseLoss', options, ['reduction']);
  const reduction = options.reduction ?? 'mean';
  if (reduction !== 'mean' && reduction !== 'sum' && reduction !== 'none') {
    throw new Error(`mseLoss: unknown reduction ${JSON.stringify(reduction)} (expected 'mean', 'sum' or 'none')`);
  }
  if (reduction === 'mean' && pred.size === 0) {
    throw new Error(`mseLoss: cannot average over 0 elements (pred ${formatShape(pred.shape)}); use { reduction: 'sum' }`);
  }
  const d = sub(pred, target);
  if (reduction === 'none') return mul(d, d);
  return reduction === 'mean' ? mean(mul(d, d)) : sum(mul(d, d));
}
