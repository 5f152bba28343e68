/**
 * Host modules the check and run commands add on top of the interpreter's own: a keras MNIST that
 * serves only the first N images of each split (so a seed that trains on MNIST at top level runs
 * unchanged, and fast, in a test), and import-only stand-ins for libraries a lab imports but never
 * calls (seed 001 imports four sklearn helpers and uses none of them).
 */
import { tensor } from '../../creation.js';
import { show } from '../../validate.js';
import type { MnistSplitName } from '../../data/mnist.js';
import type { CallContext, HostModule, PyValue } from '../host.js';
import { defineModule, hostFunction, makeNdArray, pyTuple } from '../host.js';
import { mnistSplit } from '../keras/datasets.js';

/** The first `n` items along axis 0 of one split's images and labels, as int64 arrays. */
function firstOf(split: MnistSplitName, n: number): PyValue {
  const s = mnistSplit(split);
  const count = Math.min(n, s.y.shape[0]!);
  const per = s.x.shape.slice(1).reduce((a, b) => a * b, 1);
  // subarray shares the cached split's buffer; the interpreter never writes into it.
  const x = tensor(s.x.data.subarray(0, count * per), { shape: [count, ...s.x.shape.slice(1)], copy: false });
  const y = tensor(s.y.data.subarray(0, count), { shape: [count], copy: false });
  return pyTuple([makeNdArray(x, 'int64'), makeNdArray(y, 'int64')]);
}

/**
 * `tensorflow.keras.datasets.mnist` and `keras.datasets.mnist` whose `load_data()` returns the
 * first `limit` images (and labels) of the training split and of the test split, in MNIST's order.
 * Passed as `modules` to `runNumpy`/`checkNumpy`, they replace the full data set for that run.
 * @example
 * runNumpy(source, { modules: mnistLimitModules(500) }); // x_train.shape == (500, 28, 28)
 */
export function mnistLimitModules(limit: number): HostModule[] {
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`mnistLimitModules: limit must be a positive integer (images per split), got ${show(limit)}`);
  const loadData = hostFunction('mnist.load_data', (_args, _kwargs, ctx: CallContext) => {
    try {
      return pyTuple([firstOf('train', limit), firstOf('test', limit)]);
    } catch (e) {
      throw ctx.error(e instanceof Error ? e.message : String(e));
    }
  });
  return ['tensorflow.keras.datasets.mnist', 'keras.datasets.mnist'].map((name) => defineModule(name, { load_data: loadData }));
}

/** Libraries labs import for a helper they end up not using: module → the names they import. */
const IMPORT_ONLY: Record<string, readonly string[]> = {
  'sklearn.datasets': ['fetch_openml', 'load_digits', 'make_moons', 'make_classification'],
  'sklearn.model_selection': ['train_test_split'],
  'sklearn.preprocessing': ['OneHotEncoder', 'StandardScaler'],
  'sklearn.utils': ['shuffle'],
};

/**
 * Modules that can be imported but not used: `from sklearn.utils import shuffle` works, and calling
 * `shuffle(...)` is an error naming it and the call's line ("is not supported in the tapegrad numpy
 * dialect"), never a silent wrong result.
 * @example
 * runNumpy('from sklearn.utils import shuffle\nprint(1)', { modules: importOnlyModules() }).stdout; // '1\n'
 */
export function importOnlyModules(): HostModule[] {
  return Object.entries(IMPORT_ONLY).map(([mod, names]) => defineModule(mod, Object.fromEntries(names.map((n) => [n,
    hostFunction(n, (_args, _kwargs, ctx) => {
      throw ctx.error(`${mod}.${n} is not supported in the tapegrad numpy dialect (the import is accepted so that a lab which imports it without calling it runs)`, 'NotSupported');
    })]))));
}
