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

function cachedArray(key: string, shape: readonly number[], data: Float64Array): PyValue {
  let t = tensors.get(key);
  if (t === undefined) {
    t = tensor(data, { shape: [...shape], copy: false });
    tensors.set(key, t);
  }
  // NOTE: numpy's dtype here is uint8; the interpreter's integer arrays are int64, so x_train.dtype prints int64.
  return makeNdArray(t, 'int64');
}

function loadData(ctx: CallContext): PyValue {
  try {
    const train = mnistSplit('train');
    const test = mnistSplit('test');
    return pyTuple([
      pyTuple([cachedArray('xtr', train.x.shape, train.x.data), cachedArray('ytr', train.y.shape, train.y.data)]),
      pyTuple([cachedArray('xte', test.x.shape, test.x.data), cachedArray('yte', test.y.shape, test.y.data)]),
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

const loadDataFn = hostFunction('mnist.load_data', (_args, _kwargs, ctx) => loadData(ctx));
const toCategoricalFn = hostFunction('to_categorical', toCategoricalCall);

/**
 * `tensorflow.keras.datasets.mnist` or `keras.datasets.mnist` (the parent packages are found by the
 * interpreter from the dotted names).
 *
 * @example
 * ```ts
 * MODULE_FACTORIES['keras.datasets.mnist'] = () => mnistModule('keras.datasets.mnist');
 * ```
 */
export function mnistModule(name: string): HostModule {
  return defineModule(name, { load_data: loadDataFn });
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
