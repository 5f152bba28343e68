/**
 * The `numpy.random` host module: numpy's legacy module-level functions on one global
 * {@link RandomState}, `RandomState(seed)` objects with the same methods, and `default_rng`
 * Generators that can be created but refuse to draw (their PCG64 stream is not implemented).
 */
import { tensor } from '../../creation.js';
import {
  assignArray, defineModule, fromPy, hostFunction, isNdArray, listItems, moduleValue, pyFloat, pyTuple, toPy,
  type CallContext, type HostModule, type PyValue,
} from '../host.js';
import { PyList } from '../values.js';
import { describe, ndarray, numbersArg, toNumbers } from './convert.js';
import { RandomState, type Param, type Sample, type Seed, type Size } from './random-state.js';

/** The message every drawing method of a `default_rng` Generator throws. */
export const DEFAULT_RNG_UNSUPPORTED = 'not supported: numpy.random.default_rng streams; use np.random.seed/RandomState';

type Args = PyValue[];
type Kwargs = Record<string, PyValue>;

/** Positional-or-keyword argument `name` at position `i`, or `fallback`. */
function arg(args: Args, kwargs: Kwargs, i: number, name: string, fallback: PyValue = null): PyValue {
  if (name in kwargs) return kwargs[name]!;
  return i < args.length ? args[i]! : fallback;
}

function isNone(v: PyValue): boolean {
  return v === null || v === undefined;
}

function intValue(ctx: CallContext, fn: string, what: string, v: PyValue): number {
  const n = toNumbers(v);
  if (n === null || n.shape.length !== 0 || !Number.isInteger(n.data[0])) throw ctx.error(`${fn}: ${what} must be an integer, got ${describe(v)}`);
  return n.data[0]!;
}

/** numpy's `size`: None, an int, or a tuple/list of ints. */
function sizeArg(ctx: CallContext, fn: string, v: PyValue): Size {
  if (isNone(v)) return null;
  const items = listItems(v);
  if (items !== null) return items.map((d) => intValue(ctx, fn, 'size', d));
  return intValue(ctx, fn, 'size', v);
}

/** A distribution parameter: a number, or an array broadcast against the others. */
function paramArg(ctx: CallContext, fn: string, what: string, v: PyValue, fallback: number): Param {
  if (isNone(v)) return fallback;
  const n = numbersArg(ctx, fn, what, v);
  return n.shape.length === 0 ? n.data[0]! : { shape: n.shape, data: n.data };
}

/** numpy's `_legacy_seeding` argument rules: None, an int, a 1-d list of ints, or an array (squeezed). */
function seedArg(ctx: CallContext, v: PyValue): Seed {
  if (isNone(v)) return null;
  const n = toNumbers(v);
  if (n === null) throw ctx.error(`seed: Seed must be an integer, a list of integers or None, got ${describe(v)}`);
  // numpy squeezes an ndarray first, so np.array([7]) seeds like 7; a Python list [7] runs init_by_array.
  const squeezable = isNdArray(v) && n.data.length === 1;
  if (n.shape.length === 0 || squeezable) {
    if (n.dtype !== 'int64' && n.dtype !== 'bool') throw ctx.error(`seed: Cannot cast scalar from dtype('${n.dtype}') to dtype('int64') according to the rule 'safe'`);
    return n.data[0]!;
  }
  if (n.shape.length !== 1) throw ctx.error(`seed: Seed array must be 1-d, got shape (${n.shape.join(', ')})`);
  if (n.dtype !== 'int64' && n.dtype !== 'bool') throw ctx.error(`seed: Cannot cast array data from dtype('${n.dtype}') to dtype('int64') according to the rule 'safe'`);
  return Array.from(n.data);
}

/** A drawn sample as Python: a float or int for size=None (as numpy returns), else an ndarray. */
function out(s: Sample, dtype: 'float64' | 'int64' = 'float64'): PyValue {
  if (s.shape === null) return dtype === 'int64' ? toPy(s.data[0]!) : pyFloat(s.data[0]!);
  return ndarray(s.data, s.shape, dtype);
}

/** `rand(d0, d1, …)` / `randn(d0, d1, …)` take dimensions as separate ints. */
function dims(ctx: CallContext, fn: string, args: Args): Size {
  if (args.length === 0) return null;
  return args.map((d) => intValue(ctx, fn, 'each dimension', d));
}

/** Gathers `arr[idx]` along axis 0 for any ndarray or list. */
function takeRows(ctx: CallContext, fn: string, a: PyValue, idx: ArrayLike<number>, shape: readonly number[]): PyValue {
  const n = toNumbers(a);
  if (n === null) {
    const items = listItems(a);
    if (items === null) throw ctx.error(`${fn}: a must be 1-dimensional or an integer, got ${describe(a)}`);
    const picked = Array.from(idx, (i) => items[i]!);
    return shape.length === 0 ? picked[0]! : toPy(picked as never);
  }
  if (n.shape.length !== 1) throw ctx.error(`${fn}: a must be 1-dimensional, got shape (${n.shape.join(', ')})`);
  const data = Array.from(idx, (i) => n.data[i]!);
  if (shape.length === 0) return n.dtype === 'int64' || n.dtype === 'bool' ? toPy(data[0]!) : pyFloat(data[0]!);
  return ndarray(data, shape, n.dtype);
}

/** The drawing methods shared by the module and by `RandomState` objects, bound to one state. */
function methods(getState: () => RandomState, owner: string): Record<string, PyValue> {
  const f = (name: string, fn: (rs: RandomState, args: Args, kwargs: Kwargs, ctx: CallContext) => PyValue): [string, PyValue] =>
    [name, hostFunction(`${owner}.${name}`, (args, kwargs, ctx) => {
      try {
        return fn(getState(), args, kwargs, ctx);
      } catch (e) {
        if (e instanceof Error && !('line' in e)) throw ctx.error(e.message);
        throw e;
      }
    })];
  const randomSample = (rs: RandomState, args: Args, kwargs: Kwargs, ctx: CallContext): PyValue =>
    out(rs.randomSample(sizeArg(ctx, 'random_sample', arg(args, kwargs, 0, 'size'))));
  const entries: Array<[string, PyValue]> = [
    f('seed', (rs, args, kwargs, ctx) => { rs.seed(seedArg(ctx, arg(args, kwargs, 0, 'seed'))); return null; }),
    f('random_sample', randomSample),
    f('random', randomSample),
    f('ranf', randomSample),
    f('sample', randomSample),
    f('rand', (rs, args, _kw, ctx) => out(rs.randomSample(dims(ctx, 'rand', args)))),
    f('randn', (rs, args, _kw, ctx) => out(rs.standardNormal(dims(ctx, 'randn', args)))),
    f('standard_normal', (rs, args, kwargs, ctx) => out(rs.standardNormal(sizeArg(ctx, 'standard_normal', arg(args, kwargs, 0, 'size'))))),
    f('normal', (rs, args, kwargs, ctx) => out(rs.normal(
      paramArg(ctx, 'normal', 'loc', arg(args, kwargs, 0, 'loc'), 0),
      paramArg(ctx, 'normal', 'scale', arg(args, kwargs, 1, 'scale'), 1),
      sizeArg(ctx, 'normal', arg(args, kwargs, 2, 'size'))))),
    f('uniform', (rs, args, kwargs, ctx) => out(rs.uniform(
      paramArg(ctx, 'uniform', 'low', arg(args, kwargs, 0, 'low'), 0),
      paramArg(ctx, 'uniform', 'high', arg(args, kwargs, 1, 'high'), 1),
      sizeArg(ctx, 'uniform', arg(args, kwargs, 2, 'size'))))),
    f('standard_exponential', (rs, args, kwargs, ctx) => out(rs.standardExponential(sizeArg(ctx, 'standard_exponential', arg(args, kwargs, 0, 'size'))))),
    f('exponential', (rs, args, kwargs, ctx) => {
      const scale = paramArg(ctx, 'exponential', 'scale', arg(args, kwargs, 0, 'scale'), 1);
      const s = rs.standardExponential(sizeArg(ctx, 'exponential', arg(args, kwargs, 1, 'size')));
      if (typeof scale !== 'number') throw ctx.error('exponential: an array scale is not supported; pass a number');
      return out({ shape: s.shape, data: s.data.map((v) => v * scale) });
    }),
    f('randint', (rs, args, kwargs, ctx) => {
      const dtype = arg(args, kwargs, 3, 'dtype');
      if (!isNone(dtype)) {
        const d = typeof dtype === 'string' ? dtype : String(fromPy(dtype));
        if (!/^(int|int64|int32|uint32|uint64|long|<class 'int'>)$/.test(d)) {
          throw ctx.error(`randint: dtype ${d} is not supported (int, int64, int32, uint32 and uint64 draw as numpy does)`);
        }
      }
      const bound = (v: PyValue, what: string): Param => paramArg(ctx, 'randint', what, v, 0);
      const high = arg(args, kwargs, 1, 'high');
      return out(rs.randint(bound(arg(args, kwargs, 0, 'low'), 'low'), isNone(high) ? null : bound(high, 'high'),
        sizeArg(ctx, 'randint', arg(args, kwargs, 2, 'size'))), 'int64');
    }),
    f('permutation', (rs, args, kwargs, ctx) => {
      const x = arg(args, kwargs, 0, 'x');
      if (isNdArray(x) && x.tensor.requiresGrad) throw ctx.error('permutation: permuting an array that carries gradients is not supported (permute an index array and index with it)');
      const n = toNumbers(x);
      if (n !== null && n.shape.length === 0) return ndarray(rs.permutation(intValue(ctx, 'permutation', 'x', x)), [n.data[0]!], 'int64');
      if (n === null) throw ctx.error(`permutation: x must be an integer or at least 1-dimensional, got ${describe(x)}`);
      // numpy shuffles an index array and gathers rows: the same draws as shuffling x itself.
      const rows = n.shape[0]!;
      const perm = rs.permutation(rows);
      const inner = n.data.length / Math.max(1, rows);
      const data = new Float64Array(n.data.length);
      for (let i = 0; i < rows; i++) for (let k = 0; k < inner; k++) data[i * inner + k] = n.data[perm[i]! * inner + k]!;
      return ndarray(data, n.shape, n.dtype);
    }),
    f('shuffle', (rs, args, kwargs, ctx) => { shuffleInPlace(rs, arg(args, kwargs, 0, 'x'), ctx); return null; }),
    f('choice', (rs, args, kwargs, ctx) => {
      const a = arg(args, kwargs, 0, 'a');
      const size = sizeArg(ctx, 'choice', arg(args, kwargs, 1, 'size'));
      const replace = arg(args, kwargs, 2, 'replace', true);
      const pv = arg(args, kwargs, 3, 'p');
      const p = isNone(pv) ? null : numbersArg(ctx, 'choice', 'p', pv);
      if (p !== null && p.shape.length !== 1) throw ctx.error(`choice: 'p' must be 1-dimensional, got shape (${p.shape.join(', ')})`);
      const an = toNumbers(a);
      const items = listItems(a);
      let pop: number;
      if (an !== null && an.shape.length === 0) pop = intValue(ctx, 'choice', 'a', a);
      else if (an !== null) {
        if (an.shape.length !== 1) throw ctx.error(`choice: a must be 1-dimensional, got shape (${an.shape.join(', ')})`);
        pop = an.shape[0]!;
      } else if (items !== null) pop = items.length;
      else throw ctx.error(`choice: a must be 1-dimensional or an integer, got ${describe(a)}`);
      const idx = rs.choiceIndices(pop, size, replace !== false && replace !== 0, p === null ? null : p.data);
      if (an !== null && an.shape.length === 0) return out(idx, 'int64');
      return takeRows(ctx, 'choice', a, idx.data, idx.shape ?? []);
    }),
    f('get_state', (rs) => {
      const st = rs.getState();
      return pyTuple(['MT19937', ndarray(st.key, [624], 'int64'), st.pos, st.hasGauss ? 1 : 0, pyFloat(st.gauss)]);
    }),
    f('set_state', (rs, args, kwargs, ctx) => {
      const items = listItems(arg(args, kwargs, 0, 'state'));
      if (items === null || items.length < 3 || fromPy(items[0]!) !== 'MT19937') {
        throw ctx.error("set_state: state must be a tuple ('MT19937', key, pos[, has_gauss, cached_gaussian]) as get_state() returns");
      }
      const key = numbersArg(ctx, 'set_state', 'key', items[1]!);
      rs.setState({ key: key.data, pos: intValue(ctx, 'set_state', 'pos', items[2]!),
        hasGauss: items[3] !== undefined && Boolean(fromPy(items[3])), gauss: items[4] !== undefined ? Number(fromPy(items[4])) : 0 });
      return null;
    }),
  ];
  return Object.fromEntries(entries);
}

/**
 * `shuffle(x)`: numpy's Fisher–Yates over the first axis, applied to the array in place (so every
 * alias sees it) or to a Python list's items.
 */
function shuffleInPlace(rs: RandomState, x: PyValue, ctx: CallContext): void {
  if (!isNdArray(x)) {
    const items = listItems(x);
    if (items === null) throw ctx.error(`shuffle: x must be an array or a list, got ${describe(x)}`);
    const order = rs.permutation(items.length);
    // NOTE: the host API has no list mutation; a Python list's items array is edited directly.
    if (!(x instanceof PyList)) throw ctx.error("shuffle: 'tuple' object does not support item assignment", 'TypeError');
    for (let i = 0; i < items.length; i++) x.items[i] = items[order[i]!]! as never;
    return;
  }
  const t = x.tensor;
  if (t.shape.length === 0) throw ctx.error('shuffle: x must be at least 1-dimensional (a 0-d array has no axis to shuffle)');
  if (t.requiresGrad) throw ctx.error('shuffle: shuffling an array that carries gradients in place is not supported');
  const rows = t.shape[0]!;
  const order = rs.permutation(rows);
  const inner = t.size / Math.max(1, rows);
  const data = new Float64Array(t.size);
  for (let i = 0; i < rows; i++) for (let k = 0; k < inner; k++) data[i * inner + k] = t.storage[order[i]! * inner + k]!;
  assignArray(x, tensor(data, { shape: [...t.shape], dtype: t.dtype, copy: false }));
}

/** A `default_rng(seed)` Generator: creating one works (seed 002 does), drawing from it says it is not supported. */
function generator(seed: PyValue): PyValue {
  const refuse = (name: string): PyValue => hostFunction(`Generator.${name}`, (_a, _k, ctx) => { throw ctx.error(`Generator.${name}: ${DEFAULT_RNG_UNSUPPORTED}`); });
  const names = ['random', 'normal', 'standard_normal', 'integers', 'uniform', 'choice', 'permutation', 'shuffle', 'permuted', 'exponential', 'binomial', 'poisson'];
  return moduleValue(defineModule('numpy.random.Generator', { ...Object.fromEntries(names.map((n) => [n, refuse(n)])), seed: toPy(seed) }));
}

/**
 * Builds the `numpy.random` module with a fresh global state (one per program run, like a new
 * Python process: unseeded draws come from fresh entropy).
 *
 * @example
 * ```ts
 * const mod = numpyRandomModule(); // register it: modules: [numpyRandomModule()]
 * ```
 */
export function numpyRandomModule(): HostModule {
  const state = new RandomState();
  const attrs: Record<string, PyValue> = {
    ...methods(() => state, 'numpy.random'),
    RandomState: hostFunction('numpy.random.RandomState', (args, kwargs, ctx) => {
      const rs = new RandomState(seedArg(ctx, arg(args, kwargs, 0, 'seed')));
      return moduleValue(defineModule('numpy.random.RandomState', methods(() => rs, 'RandomState')));
    }),
    default_rng: hostFunction('numpy.random.default_rng', (args, kwargs) => generator(arg(args, kwargs, 0, 'seed'))),
  };
  return defineModule('numpy.random', attrs);
}
