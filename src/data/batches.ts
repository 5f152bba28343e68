/** Mini-batches without the core: seeded per-epoch shuffles and gathering samples into flat row- or column-major buffers. */
import { expectInteger, show } from '../validate.js';
import seedrandom from 'seedrandom';
import { allocate, type DType, type FloatArray } from '../dtype.js';

/** A labelled dataset of `count` samples, `features` values each, stored row-major. */
export interface ArrayDataset {
  readonly x: ArrayLike<number>;
  readonly labels: ArrayLike<number>;
  readonly count: number;
  readonly features: number;
}

/** `row`: X is `[m, features]` (Z = X W + b, seed 001). `col`: X is `[features, m]` (Z = W X + b, seed 000). */
export type Layout = 'row' | 'col';

/**
 * A permutation of `0..count-1` that depends only on `(seed, epoch)`, so epoch e can be
 * replayed after a resume without knowing the generator's state at the end of epoch e−1.
 *
 * @example
 * ```ts
 * const order = epochPermutation(5, 1, 0); // e.g. Int32Array [3, 0, 4, 1, 2]
 * ```
 */
export function epochPermutation(count: number, seed: string | number, epoch: number): Int32Array {
  if (!Number.isInteger(count) || count < 0) throw new Error(`epochPermutation: count must be a non-negative integer, got ${count}`);
  expectInteger('epochPermutation', 'epoch', epoch, 0);
  const rng = seedrandom(`tapegrad-shuffle:${seed}:${epoch}`);
  const order = new Int32Array(count);
  for (let i = 0; i < count; i++) order[i] = i;
  // Fisher–Yates: uniform over permutations given a uniform generator.
  for (let i = count - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
  return order;
}

/**
 * Splits an order of sample indices into consecutive batches of `batchSize` (the last may be smaller).
 *
 * @example
 * ```ts
 * [...batchRanges(Int32Array.from([0, 1, 2, 3, 4]), 2)].map((b) => [...b]); // [[0,1],[2,3],[4]]
 * ```
 */
export function* batchRanges(order: Int32Array, batchSize: number): Generator<Int32Array> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`batchRanges: batch size must be a positive integer, got ${batchSize}`);
  if (!(order instanceof Int32Array)) throw new Error(`batchRanges: order must be an Int32Array (from epochPermutation), got ${show(order)}`);
  for (let start = 0; start < order.length; start += batchSize) {
    yield order.subarray(start, Math.min(start + batchSize, order.length));
  }
}

/**
 * Copies the samples at `indices` into a new buffer, multiplied by `scale`
 * (use `1 / 255` for pixels in [0, 1], `1` for raw 0..255), in the requested layout.
 *
 * @example
 * ```ts
 * const xb = gatherFeatures(ds.x, 784, Int32Array.of(0, 1), { layout: 'col', scale: 1 / 255, dtype: 'float32' });
 * // xb.length === 2 * 784, xb[f * 2 + s] is feature f of sample s
 * ```
 */
export function gatherFeatures(
  x: ArrayLike<number>, features: number, indices: ArrayLike<number>,
  options: { layout?: Layout; scale?: number; dtype?: DType } = {},
): FloatArray {
  const { layout = 'row', scale = 1, dtype = 'float64' } = options;
  expectInteger('gatherFeatures', 'features', features, 1);
  if (layout !== 'row' && layout !== 'col') throw new Error(`gatherFeatures: layout must be 'row' or 'col', got ${show(layout)}`);
  const m = indices.length;
  const out = allocate(dtype, m * features);
  for (let s = 0; s < m; s++) {
    const src = indices[s]! * features;
    if (src < 0 || src + features > x.length) {
      throw new Error(`gatherFeatures: sample index ${indices[s]} out of range for ${x.length / features} samples`);
    }
    if (layout === 'row') {
      const dst = s * features;
      for (let f = 0; f < features; f++) out[dst + f] = x[src + f]! * scale;
    } else {
      for (let f = 0; f < features; f++) out[f * m + s] = x[src + f]! * scale;
    }
  }
  return out;
}

/**
 * One-hot rows (`row`: `[m, classes]`) or columns (`col`: `[classes, m]`) for the labels at `indices`.
 *
 * @example
 * ```ts
 * gatherOneHot(Uint8Array.of(2, 0), Int32Array.of(0, 1), 3); // Float64Array [0,0,1, 1,0,0]
 * ```
 */
export function gatherOneHot(
  labels: ArrayLike<number>, indices: ArrayLike<number>, classes: number,
  options: { layout?: Layout; dtype?: DType } = {},
): FloatArray {
  const { layout = 'row', dtype = 'float64' } = options;
  const m = indices.length;
  const out = allocate(dtype, m * classes);
  for (let s = 0; s < m; s++) {
    const k = labels[indices[s]!];
    if (k === undefined || !Number.isInteger(k) || k < 0 || k >= classes) {
      throw new Error(`gatherOneHot: label ${k} of sample ${indices[s]} is not a class in 0..${classes - 1}`);
    }
    out[layout === 'row' ? s * classes + k : k * m + s] = 1;
  }
  return out;
}

/**
 * The labels at `indices` as class indices.
 *
 * @example
 * ```ts
 * gatherLabels(Uint8Array.of(7, 3, 1), Int32Array.of(2, 0)); // Int32Array [1, 7]
 * ```
 */
export function gatherLabels(labels: ArrayLike<number>, indices: ArrayLike<number>): Int32Array {
  const out = new Int32Array(indices.length);
  for (let s = 0; s < indices.length; s++) {
    const i = indices[s]!;
    if (!Number.isInteger(i) || i < 0 || i >= labels.length) {
      throw new Error(`gatherLabels: sample index ${i} at position ${s} is out of range for ${labels.length} labels`);
    }
    out[s] = labels[i]!;
  }
  return out;
}

/**
 * The first `limit` samples of a dataset (views, no copies), for smoke runs and validation splits.
 *
 * @example
 * ```ts
 * const small = sliceDataset(train, 0, 2000);
 * ```
 */
export function sliceDataset(ds: ArrayDataset, start: number, end: number): ArrayDataset {
  if (ds === null || typeof ds !== 'object' || !Number.isInteger(ds.count) || !Number.isInteger(ds.features)) {
    throw new Error(`sliceDataset: expected a dataset { x, labels, count, features }, got ${show(ds)}`);
  }
  expectInteger('sliceDataset', 'start', start, 0);
  expectInteger('sliceDataset', 'end', end, 0);
  if (end < start) throw new Error(`sliceDataset: end (${end}) is before start (${start})`);
  const s = Math.max(0, Math.min(start, ds.count));
  const e = Math.max(s, Math.min(end, ds.count));
  const sub = <T extends ArrayLike<number>>(a: T, from: number, to: number): ArrayLike<number> =>
    ArrayBuffer.isView(a) ? (a as unknown as Float32Array).subarray(from, to) : Array.prototype.slice.call(a, from, to);
  return {
    x: sub(ds.x, s * ds.features, e * ds.features),
    labels: sub(ds.labels, s, e),
    count: e - s,
    features: ds.features,
  };
}
