/** Making tensors: from nested arrays or typed arrays, filled, random (seeded), one-hot. */
import type { DType, FloatArray } from './dtype.js';
import { allocate, checkDType } from './dtype.js';
import { fillNormal, rngFor } from './random.js';
import { checkShape, formatShape, shapeSize } from './shape.js';
import type { NestedArray } from './tensor.js';
import { Tensor } from './tensor.js';
import { axisView } from './kernels/softmax.js';
import { labelsToArray, oneHotStorage } from './ops/labels.js';
import type { ClassLabels } from './ops/labels.js';

/** Options of {@link tensor}. */
export interface TensorOptions {
  shape?: readonly number[];
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
  /** For typed-array values of the right dtype: false shares the buffer instead of copying it. */
  copy?: boolean;
}

/**
 * A tensor from a number (0-d), nested arrays (shape inferred; ragged is an error) or a typed
 * array (flat; give `shape`, or it is 1-d).
 * @example
 * tensor([[1, 2], [3, 4]]).shape;                      // [2, 2]
 * tensor(new Float32Array(6), { shape: [2, 3] }).dtype; // 'float32'
 */
export function tensor(values: NestedArray | FloatArray | readonly NestedArray[], options: TensorOptions = {}): Tensor {
  let storage: FloatArray;
  let shape: number[];
  if (values instanceof Float64Array || values instanceof Float32Array) {
    const dtype = options.dtype === undefined ? (values instanceof Float32Array ? 'float32' : 'float64') : checkDType('tensor', options.dtype);
    const sameType = (dtype === 'float32') === values instanceof Float32Array;
    // The typed-array constructors copy several times faster than TypedArray.from.
    storage = sameType && options.copy === false ? values : dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
    shape = options.shape === undefined ? [values.length] : checkShape('tensor', options.shape);
  } else {
    const dtype = checkDType('tensor', options.dtype ?? 'float64');
    shape = inferShape(values);
    storage = allocate(dtype, shapeSize(shape));
    flatten(values, shape, storage);
    if (options.shape !== undefined) shape = checkShape('tensor', options.shape);
  }
  if (shapeSize(shape) !== storage.length) {
    throw new Error(`tensor: shape ${formatShape(shape)} needs ${shapeSize(shape)} values but ${storage.length} were given`);
  }
  return finish(new Tensor(storage, shape), options);
}

function finish(t: Tensor, options: { requiresGrad?: boolean; name?: string }): Tensor {
  if (options.requiresGrad === true) t.requiresGrad = true;
  if (options.name !== undefined) t.name = options.name;
  return t;
}

function inferShape(values: unknown): number[] {
  const shape: number[] = [];
  let v = values;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

/** Writes nested values into `out` in row-major order, checking every sub-array's length. */
function flatten(values: unknown, shape: readonly number[], out: FloatArray): void {
  let k = 0;
  const walk = (v: unknown, axis: number, path: number[]): void => {
    if (axis === shape.length) {
      if (typeof v !== 'number') {
        const where = path.length > 0 ? ` at [${path.join(',')}]` : '';
        throw new Error(
          Array.isArray(v) ? `tensor: ragged nested array: too deep${where} (expected a number for shape ${formatShape(shape)})`
            : `tensor: expected a number${where}, got ${v === null ? 'null' : typeof v}`,
        );
      }
      out[k++] = v;
      return;
    }
    if (!Array.isArray(v) || v.length !== shape[axis]) {
      throw new Error(
        `tensor: ragged nested array: expected ${shape[axis]} elements at [${path.join(',')}] ` +
          `(axis ${axis}) but got ${Array.isArray(v) ? v.length : typeof v}`,
      );
    }
    for (let i = 0; i < v.length; i++) {
      path.push(i);
      walk(v[i], axis + 1, path);
      path.pop();
    }
  };
  walk(values, 0, []);
}

/** Options shared by every creation function. */
export interface CreateOptions {
  dtype?: DType;
  requiresGrad?: boolean;
  name?: string;
}

/** A tensor of `shape` filled with `value`. @example full([2], 7).toArray() // [7, 7] */
export function full(shape: readonly number[], value: number, options: CreateOptions = {}): Tensor {
  const s = checkShape('full', shape);
  const storage = allocate(checkDType('full', options.dtype ?? 'float64'), shapeSize(s));
  if (value !== 0) storage.fill(value);
  return finish(new Tensor(storage, s), options);
}

/** Zeros. @example zeros([2, 2]).toArray() // [[0, 0], [0, 0]] */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** Ones. @example ones([3]).toArray() // [1, 1, 1] */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return full(shape, 1, options);
}

/** Options of {@link randn} and {@link rand}. */
export interface RandomOptions extends CreateOptions {
  /** Same seed, same numbers on every run; without it the global generator (see manualSeed). */
  seed?: string | number;
}

/**
 * Normal samples (Box–Muller over seedrandom).
 * @example randn([2, 3], { seed: 1, std: 0.3 }).shape // [2, 3]
 */
export function randn(shape: readonly number[], options: RandomOptions & { mean?: number; std?: number } = {}): Tensor {
  const s = checkShape('randn', shape);
  const std = options.std ?? 1;
  if (!(std >= 0)) throw new Error(`randn: std must be non-negative, got ${std}`);
  const values = new Float64Array(shapeSize(s));
  fillNormal(values, rngFor(options.seed), options.mean ?? 0, std);
  return finish(new Tensor(convert(values, options.dtype, 'randn'), s), options);
}

/**
 * Uniform samples in [low, high) (default [0, 1)).
 * @example rand([3], { seed: 'a', low: -1, high: 1 }).shape // [3]
 */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  const s = checkShape('rand', shape);
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  if (!(high >= low)) throw new Error(`rand: high (${high}) must not be below low (${low})`);
  const rng = rngFor(options.seed);
  const values = new Float64Array(shapeSize(s));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * rng();
  return finish(new Tensor(convert(values, options.dtype, 'rand'), s), options);
}

function convert(values: Float64Array, dtype: DType | undefined, op: string): FloatArray {
  return checkDType(op, dtype ?? 'float64') === 'float32' ? Float32Array.from(values) : values;
}

/**
 * One-hot rows: `[n] labels → [n, numClasses]`.
 * @example oneHot([2, 0], 3).toArray() // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: ClassLabels, numClasses: number, options: { dtype?: DType } = {}): Tensor {
  if (!Number.isInteger(numClasses) || numClasses <= 0) {
    throw new Error(`oneHot: numClasses must be a positive integer, got ${numClasses}`);
  }
  const values = labelsToArray('oneHot', labels);
  const dtype = checkDType('oneHot', options.dtype ?? 'float64');
  const view = axisView([values.length, numClasses], 1);
  return new Tensor(oneHotStorage('oneHot', values, numClasses, dtype, view), [values.length, numClasses]);
}
