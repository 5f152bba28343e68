/** Making tensors: from nested arrays or typed arrays, filled, random (seeded), one-hot. */
import type { DType, FloatArray } from './dtype.js';
import { allocate, checkDType } from './dtype.js';
import { checkSeed, fillNormal, rngFor } from './random.js';
import { expectFinite, expectFlag, expectOptions, show } from './validate.js';
import { checkShape, formatShape, shapeSize } from './shape.js';
import type { NestedArray } from './tensor.js';
import { Tensor } from './tensor.js';
import { recordingAtTop } from './engine/trace-hooks.js';
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
  checkCreateOptions('tensor', options, ['shape', 'dtype', 'requiresGrad', 'name', 'copy']);
  expectFlag('tensor', 'copy', options.copy);
  let storage: FloatArray;
  let shape: number[];
  if (values instanceof Float64Array || values instanceof Float32Array) {
    refuseInTrace('makes a tensor from a typed array with tensor() (a replay would reuse the values of the first call: pass the data as an argument of the compiled function)');
    const dtype = options.dtype === undefined ? (values instanceof Float32Array ? 'float32' : 'float64') : checkDType('tensor', options.dtype);
    const sameType = (dtype === 'float32') === values instanceof Float32Array;
    // The typed-array constructors copy several times faster than TypedArray.from.
    storage = sameType && options.copy === false ? values : dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
    shape = options.shape === undefined ? [values.length] : checkShape('tensor', options.shape);
  } else {
    const dtype = checkDType('tensor', options.dtype ?? 'float64');
    shape = inferShape(values);
    if (shape.length > MAX_NDIM) {
      throw new Error(`tensor: nested array is ${shape.length} levels deep; at most ${MAX_NDIM} axes are supported`);
    }
    storage = allocateFor('tensor', dtype, shape);
    flatten(values, shape, storage);
    if (options.shape !== undefined) shape = checkShape('tensor', options.shape);
  }
  if (shapeSize(shape) !== storage.length) {
    throw new Error(`tensor: shape ${formatShape(shape)} needs ${shapeSize(shape)} values but ${storage.length} were given`);
  }
  return finish(new Tensor(storage, shape), options);
}

/** Data made inside a step that compile is tracing would be frozen into every replay: refused. */
function refuseInTrace(what: string): void {
  recordingAtTop()?.refuse(what);
}

/** numpy 2's limit; it also keeps the recursive flatten far from the stack's depth. */
const MAX_NDIM = 64;

/** Validates the options every creation function shares, and rejects unknown keys. */
function checkCreateOptions(fn: string, options: unknown, known: readonly string[]): void {
  expectOptions(fn, options, known);
  const o = (options ?? {}) as CreateOptions;
  expectFlag(fn, 'requiresGrad', o.requiresGrad);
  if (o.name !== undefined && typeof o.name !== 'string') throw new Error(`${fn}: name must be a string, got ${show(o.name)}`);
}

/** A zeroed buffer for `shape`, or an Error naming the function when it cannot be allocated. */
function allocateFor(fn: string, dtype: DType, shape: readonly number[]): FloatArray {
  const size = shapeSize(shape);
  try {
    return allocate(dtype, size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    const bytes = size * (dtype === 'float32' ? 4 : 8);
    throw new Error(`${fn}: cannot allocate shape ${formatShape(shape)}: ${size} ${dtype} values (${bytes.toExponential(2)} bytes) is too large`);
  }
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
  return filled('full', shape, value, options);
}

/** Zeros. @example zeros([2, 2]).toArray() // [[0, 0], [0, 0]] */
export function zeros(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** Ones. @example ones([3]).toArray() // [1, 1, 1] */
export function ones(shape: readonly number[], options: CreateOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** full, zeros and ones, with errors in the name of the one called. */
function filled(fn: string, shape: readonly number[], value: number, options: CreateOptions): Tensor {
  checkCreateOptions(fn, options, ['dtype', 'requiresGrad', 'name']);
  const s = checkShape(fn, shape);
  // NaN and ±∞ are values a user may want (numpy's full allows them); a non-number is a mistake.
  if (typeof value !== 'number') throw new Error(`${fn}: value must be a number, got ${show(value)}`);
  const storage = allocateFor(fn, checkDType(fn, options.dtype ?? 'float64'), s);
  if (value !== 0) storage.fill(value);
  return finish(new Tensor(storage, s), options);
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
  refuseInTrace('draws random numbers with randn() (a replay would repeat the first draw: pass them as an argument of the compiled function)');
  checkCreateOptions('randn', options, ['dtype', 'requiresGrad', 'name', 'seed', 'mean', 'std']);
  const s = checkShape('randn', shape);
  const std = options.std ?? 1;
  if (!(std >= 0)) throw new Error(`randn: std must be non-negative, got ${show(std)}`);
  expectFinite('randn', 'std', std);
  const mean = expectFinite('randn', 'mean', options.mean ?? 0);
  if (options.seed !== undefined) checkSeed('randn', options.seed);
  checkDType('randn', options.dtype ?? 'float64');
  const values = allocateFor('randn', 'float64', s) as Float64Array;
  fillNormal(values, rngFor(options.seed), mean, std);
  return finish(new Tensor(convert(values, options.dtype, 'randn'), s), options);
}

/**
 * Uniform samples in [low, high) (default [0, 1)).
 * @example rand([3], { seed: 'a', low: -1, high: 1 }).shape // [3]
 */
export function rand(shape: readonly number[], options: RandomOptions & { low?: number; high?: number } = {}): Tensor {
  refuseInTrace('draws random numbers with rand() (a replay would repeat the first draw: pass them as an argument of the compiled function)');
  checkCreateOptions('rand', options, ['dtype', 'requiresGrad', 'name', 'seed', 'low', 'high']);
  const s = checkShape('rand', shape);
  const low = expectFinite('rand', 'low', options.low ?? 0);
  const high = expectFinite('rand', 'high', options.high ?? 1);
  if (!(high > low)) throw new Error(`rand: high (${high}) must be above low (${low})`);
  if (options.seed !== undefined) checkSeed('rand', options.seed);
  checkDType('rand', options.dtype ?? 'float64');
  const rng = rngFor(options.seed);
  const values = allocateFor('rand', 'float64', s) as Float64Array;
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * rng();
  return finish(new Tensor(convert(values, options.dtype, 'rand'), s), options);
}

function convert(values: Float64Array, dtype: DType | undefined, op: string): FloatArray {
  return checkDType(op, dtype ?? 'float64') === 'float32' ? Float32Array.from(values) : values;
}

/**
 * One-hot encoding along a new last axis: labels of shape `[...s]` (a list is `[n]`, a 0-d tensor
 * `[]`) give `[...s, numClasses]`, as PyTorch's one_hot.
 * @example oneHot([2, 0], 3).toArray() // [[0, 0, 1], [1, 0, 0]]
 */
export function oneHot(labels: ClassLabels, numClasses: number, options: { dtype?: DType } = {}): Tensor {
  expectOptions('oneHot', options, ['dtype']);
  if (!Number.isInteger(numClasses) || numClasses <= 0) {
    throw new Error(`oneHot: numClasses must be a positive integer, got ${show(numClasses)}`);
  }
  const values = labelsToArray('oneHot', labels);
  const dtype = checkDType('oneHot', options.dtype ?? 'float64');
  const view = axisView([values.length, numClasses], 1);
  const shape = labels instanceof Tensor ? [...labels.shape, numClasses] : [values.length, numClasses];
  return new Tensor(oneHotStorage('oneHot', values, numClasses, dtype, view), shape);
}
