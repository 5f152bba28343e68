/**
 * The keras host modules: `tensorflow.keras.datasets.mnist` / `keras.datasets.mnist` (`load_data`)
 * and `tensorflow.keras.utils` / `keras.utils` (`to_categorical`), with the parent modules that
 * `import tensorflow as tf; tf.keras.datasets.mnist.load_data()` walks through.
 */
import { tensor } from '../../creation.js';
import type { Tensor } from '../../tensor.js';
import { defineModule, hostFunction, makeNdArray, pyTuple, type CallContext, type HostModule, type PyValue } from '../host.js';
import { describe, ndarray, numbersArg, toNumbers } from '../random/convert.js';
import { mnistSplit, toCategorical } from './datasets.js';

type Kwargs = Record<string, PyValue>;

// One tensor per array for the whole process: arrays built on them never write into their storage.
const tensors = new Map<string, Tensor>();

/**
 * The split's array as an ndarray, its first `limit` samples only when a limit is set (the rows of
 * a row-major array are a prefix of its data, so the subset is a view of the cached data, no copy).
 */
function cachedArray(key: string, shape: readonly number[], data: Float64Array, limit: number | null): PyValue {
  const n = limit === null ? shape[0]! : Math.min(limit, shape[0]!);
  const cacheKey = `${key}:${n}`;
  let t = tensors.get(cacheKey);
  if (t === undefined) {
    const row = data.length / shape[0]!;
    t = tensor(n === shape[0] ? data : data.subarray(0, n * row), { shape: [n, ...shape.slice(1)], copy: false });
    tensors.set(cacheKey, t);
  }
  // NOTE: numpy's dtype here is uint8; the interpreter's integer arrays are int64, so x_train.dtype prints int64.
  return makeNdArray(t, 'int64');
}

function loadData(ctx: CallContext, limit: number | null): PyValue {
  try {
    const train = mnistSplit('train');
    const test = mnistSplit('test');
    return pyTuple([
      pyTuple([cachedArray('xtr', train.x.shape, train.x.data, limit), cachedArray('ytr', train.y.shape, train.y.data, limit)]),
      pyTuple([cachedArray('xte', test.x.shape, test.x.data, limit), cachedArray('yte', test.y.shape, test.y.data, limit)]),
    ]);
  } catch (e) {
    throw ctx.error(e instanceof Error ? e.message : String(e));
  }
}

function toCategoricalCall(args: PyValue[], kwargs: Kwargs, ctx: CallContext): PyValue {
  const y = args[0] ?? kwargs['y'] ?? kwargs['x'];
  if (y === undefined) throw ctx.error('to_categorical: missing the labels (to_categorical(y, num_classes))');
  const labels = numbersArg(ctx, 'to_categorical', 'y', y);
  const k = args[1] ?? kwargs['num_classes'] ?? null;
  let numClasses: number | null = null;
  if (k !== null && k !== undefined) {
    const n = toNumbers(k);
    if (n === null || n.shape.length !== 0) throw ctx.error(`to_categorical: num_classes must be an integer, got ${describe(k)}`);
    numClasses = n.data[0]!;
  }
  try {
    const out = toCategorical({ shape: labels.shape, data: Float64Array.from(labels.data) }, numClasses);
    // Keras 3 returns float64 (np.zeros); TF 2's float32 default would mix dtypes for no gain here.
    return ndarray(out.data, out.shape, 'float64');
  } catch (e) {
    throw ctx.error(e instanceof Error ? e.message : String(e));
  }
}

const toCategoricalFn = hostFunction('to_categorical', toCategoricalCall);

/**
 * `tensorflow.keras.datasets.mnist` or `keras.datasets.mnist` (the parent packages are found by the
 * interpreter from the dotted names). With `limit`, `load_data()` serves only the first `limit`
 * samples of each split (RunOptions.mnistLimit, `tapegrad run --mnist-limit N`).
 *
 * @example
 * ```ts
 * MODULE_FACTORIES['keras.datasets.mnist'] = (env) => mnistModule('keras.datasets.mnist', env.mnistLimit);
 * ```
 */
export function mnistModule(name: string, limit: number | null = null): HostModule {
  return defineModule(name, { load_data: hostFunction('mnist.load_data', (_args, _kwargs, ctx) => loadData(ctx, limit)) });
}

/**
 * `tensorflow.keras.utils` or `keras.utils`, with `to_categorical`.
 *
 * @example
 * ```ts
 * MODULE_FACTORIES['keras.utils'] = () => kerasUtilsModule('keras.utils');
 * ```
 */
export function kerasUtilsModule(name: string): HostModule {
  return defineModule(name, { to_categorical: toCategoricalFn });
}
