/**
 * Test stand-ins for the host modules another branch (nplibs) binds: numpy.random on its
 * RandomState engine, a tiny synthetic MNIST for tensorflow.keras, and a pyplot that accepts calls.
 * They are written against host.ts only, as any host module is.
 */
import { tensor } from '../../src/creation.js';
import {
  defineModule, fromPy, hostFunction, isNdArray, makeNdArray, makeNdScalar, pyTuple, type HostModule, type PyValue,
} from '../../src/numpy/host.js';
import { RandomState } from '../../src/numpy/random/index.js';

function sizeOf(v: PyValue | undefined): number[] | null {
  if (v === undefined || v === null) return null;
  const js = fromPy(v);
  return Array.isArray(js) ? (js as number[]) : [js as number];
}

function sample(s: { shape: readonly number[] | null; data: Float64Array }): PyValue {
  return s.shape === null ? makeNdScalar(s.data[0]!) : makeNdArray(tensor(s.data, { shape: [...s.shape] }));
}

/** numpy.random (seed, normal, randn, rand, permutation) on nplibs' bit-exact RandomState. */
export function fakeNumpyRandom(): HostModule {
  const rs = new RandomState(null);
  return defineModule('numpy.random', {
    seed: hostFunction('seed', ([s]) => (rs.seed(s === undefined || s === null ? null : (fromPy(s) as number)), null)),
    normal: hostFunction('normal', (args, kw) => sample(rs.normal(fromPy(args[0] ?? kw.loc ?? 0) as number, fromPy(args[1] ?? kw.scale ?? 1) as number, sizeOf(args[2] ?? kw.size)))),
    randn: hostFunction('randn', (args) => sample(rs.standardNormal(args.length === 0 ? null : args.map((a) => fromPy(a) as number)))),
    rand: hostFunction('rand', (args) => sample(rs.randomSample(args.length === 0 ? null : args.map((a) => fromPy(a) as number)))),
    permutation: hostFunction('permutation', ([n]) => makeNdArray(tensor(rs.permutation(fromPy(n) as number)), 'int64')),
  });
}

/** keras' mnist.load_data and to_categorical over a small synthetic data set (n train, n/2 test images). */
export function fakeKeras(n = 200): HostModule[] {
  const images = (count: number, seed: number): PyValue => {
    const rs = new RandomState(seed);
    const data = rs.randint(0, 256, [count, 28, 28]).data;
    return makeNdArray(tensor(data, { shape: [count, 28, 28] }), 'int64');
  };
  const labels = (count: number, seed: number): PyValue => makeNdArray(tensor(new RandomState(seed).randint(0, 10, [count]).data), 'int64');
  const mnist = defineModule('tensorflow.keras.datasets.mnist', {
    load_data: hostFunction('load_data', () => pyTuple([pyTuple([images(n, 1), labels(n, 2)]), pyTuple([images(n / 2, 3), labels(n / 2, 4)])])),
  });
  const toCategorical = hostFunction('to_categorical', ([y]) => {
    if (!isNdArray(y)) throw new Error('to_categorical: expects an array');
    const ys = y.tensor.storage;
    const out = new Float64Array(ys.length * 10);
    ys.forEach((c, i) => { out[i * 10 + c] = 1; });
    return makeNdArray(tensor(out, { shape: [ys.length, 10] }));
  });
  return [
    defineModule('tensorflow.keras.datasets', {}),
    mnist,
    defineModule('tensorflow.keras.utils', { to_categorical: toCategorical }),
  ];
}

/** matplotlib.pyplot that accepts every call and draws nothing. */
export function fakePyplot(): HostModule {
  const noop = (name: string): PyValue => hostFunction(name, () => null);
  const names = ['figure', 'subplot', 'plot', 'imshow', 'title', 'legend', 'xlabel', 'ylabel', 'axis', 'tight_layout', 'show', 'savefig'];
  return defineModule('matplotlib.pyplot', Object.fromEntries(names.map((n) => [n, noop(n)])));
}
