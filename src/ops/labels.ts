/** Class labels (number[], Int32Array or a tensor of whole numbers) and their one-hot encoding. */
import type { DType, FloatArray } from '../dtype.js';
import { allocate } from '../dtype.js';
import type { AxisView } from '../kernels/softmax.js';
import { Tensor } from '../tensor.js';
import { show } from '../validate.js';

/** Class indices: whole numbers as a number[], an Int32Array or a Tensor. */
export type ClassLabels = readonly number[] | Int32Array | Tensor;

export function labelsToArray(op: string, labels: ClassLabels): ArrayLike<number> {
  if (labels instanceof Tensor) return labels.storage;
  if (Array.isArray(labels) || labels instanceof Int32Array) return labels;
  throw new Error(`${op}: labels must be a number[], an Int32Array or a Tensor, got ${show(labels)}`);
}

/**
 * One-hot rows laid out along the class axis of `view` (`len` = classes): each label must be a
 * whole number in [0, classes).
 */
export function oneHotStorage(op: string, labels: ArrayLike<number>, classes: number, dtype: DType, view: AxisView): FloatArray {
  const out = allocate(dtype, labels.length * classes);
  const { inner } = view;
  for (let r = 0; r < labels.length; r++) {
    const c = labels[r]!;
    if (!Number.isInteger(c) || c < 0 || c >= classes) {
      throw new Error(`${op}: class index ${c} at position ${r} is out of range for ${classes} classes`);
    }
    const o = Math.floor(r / inner);
    const i = r % inner;
    out[o * classes * inner + c * inner + i] = 1;
  }
  return out;
}
