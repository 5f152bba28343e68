/**
 * More numpy functions lab code reaches for: bincount, meshgrid, pad (constant mode), einsum,
 * median/percentile, tile, split/array_split, and the np.testing assertions used in gradient-check cells. Each is built from tapegrad ops where
 * the result can carry a gradient (einsum: transposes, broadcast products and sums; pad: a write
 * into a filled array; meshgrid: broadcasts; bincount's weights: a scatter-add), so a lab that
 * differentiates through them gets the right derivatives.
 */
import { tensor } from '../creation.js';
import { add, mul, sub } from '../ops/arithmetic.js';
import { addAt, getItem, setItem } from '../ops/indexing.js';
import { sum } from '../ops/reduce.js';
import { broadcastTo, cast, reshape, transpose } from '../ops/shape-ops.js';
import { shapeSize } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
import { arrayToString } from './format.js';
import { NdArray } from './ndarray.js';
import { sortNp } from './np-extra.js';
import { axesOf, isFloat, promote, toNd, wrap } from './numpy-ops.js';
import { float, intOf, iterate, numberOf, repr, str, truthy } from './pyops.js';
import { HostFn, PyList, PyModule, PyTuple, type Value } from './values.js';

type Kw = Map<string, Value>;
type Binder = (fname: string, params: readonly string[], args: readonly Value[], kwargs: Kw) => Record<string, Value | undefined>;

function floatTensor(a: NdArray): Tensor {
  return a.tensor.dtype === 'float32' || a.tensor.dtype === 'float64' ? a.tensor : cast(a.tensor, 'float64');
}

/** np.bincount(x, weights=None, minlength=0): counts (int64) or summed weights (float64) per value. */
export function bincountNp(xv: Value, weightsV: Value | undefined, minlengthV: Value | undefined): NdArray {
  const x = toNd(xv);
  if (x.shape.length !== 1) throw new PyRaise('ValueError', 'object too deep for desired array');
  if (isFloat(x.dtype)) throw new PyRaise('TypeError', "Cannot cast array data from dtype('float64') to dtype('int64') according to the rule 'safe'");
  const s = x.tensor.storage;
  let top = -1;
  for (let i = 0; i < s.length; i++) {
    if (s[i]! < 0) throw new PyRaise('ValueError', "'list' argument must have no negative elements");
    top = Math.max(top, s[i]!);
  }
  const minlength = minlengthV === undefined || minlengthV === null ? 0 : intOf(minlengthV, 'bincount() minlength');
  if (minlength < 0) throw new PyRaise('ValueError', "'minlength' must not be negative");
  const n = Math.max(top + 1, minlength);
  const index = [...s];
  if (weightsV === undefined || weightsV === null) {
    const counts = new Float64Array(n);
    for (const v of index) counts[v]!++;
    return wrap(tensor(counts, { shape: [n] }), 'int64');
  }
  const w = toNd(weightsV);
  if (w.shape.length !== 1 || w.shape[0] !== s.length) throw new PyRaise('ValueError', "The weights and list don't have the same length.");
  // A scatter-add of the weights: differentiable in them, repeated values add up.
  const zeros = tensor(new Float64Array(n), { shape: [n] });
  return wrap(addAt(zeros, [index], cast(w.tensor, 'float64')), 'float64');
}

/** np.meshgrid(*xi, indexing='xy'): coordinate arrays (copies, as numpy's default), differentiable broadcasts. */
export function meshgridNp(args: readonly Value[], indexing: string): Value {
  if (indexing !== 'xy' && indexing !== 'ij') throw new PyRaise('ValueError', "Valid values for `indexing` are 'xy' and 'ij'.");
  const xs = args.map((v) => toNd(v));
  const lens = xs.map((x) => x.tensor.size);
  const k = xs.length;
  // 'xy' swaps the first two output axes (Cartesian: x varies along columns).
  const shape = indexing === 'xy' && k >= 2 ? [lens[1]!, lens[0]!, ...lens.slice(2)] : lens.slice();
  const axisOf = (i: number): number => (indexing === 'xy' && k >= 2 && i < 2 ? 1 - i : i);
  return new PyList(xs.map((x, i) => {
    const along = shape.map((_, d) => (d === axisOf(i) ? lens[i]! : 1));
    return wrap(broadcastTo(reshape(x.tensor, along), shape), x.dtype);
  }));
}

/** The pad widths per axis, from numpy's forms: n, (n,), (before, after), ((b0, a0), (b1, a1), …). */
function padWidths(v: Value, ndim: number): [number, number][] {
  const asInts = (x: Value): number[] => {
    if (x instanceof PyTuple || x instanceof PyList) return x.items.map((y) => intOf(y, 'pad() pad_width'));
    if (x instanceof NdArray) return [...x.tensor.storage].map((y) => intOf(y, 'pad() pad_width'));
    return [intOf(x, 'pad() pad_width')];
  };
  const items = v instanceof PyTuple || v instanceof PyList ? v.items : [v];
  const nested = items.length > 0 && (items[0] instanceof PyTuple || items[0] instanceof PyList);
  let pairs: [number, number][];
  if (!nested) {
    const flat = asInts(v);
    if (flat.length === 1) pairs = Array.from({ length: ndim }, () => [flat[0]!, flat[0]!] as [number, number]);
    else if (flat.length === 2) pairs = Array.from({ length: ndim }, () => [flat[0]!, flat[1]!] as [number, number]);
    else throw new PyRaise('ValueError', `operands could not be broadcast together with remapped shapes [original->remapped]: (${flat.length},) and requested shape (${ndim},2)`);
  } else {
    const given = items.map(asInts);
    // One pair for every axis when a single pair is given: ((1, 2),) pads each axis by 1 and 2.
    const rows = given.length === 1 ? Array.from({ length: ndim }, () => given[0]!) : given;
    if (rows.length !== ndim) throw new PyRaise('ValueError', `operands could not be broadcast together with remapped shapes [original->remapped]: (${rows.length},2) and requested shape (${ndim},2)`);
    pairs = rows.map((r) => (r.length === 1 ? [r[0]!, r[0]!] : [r[0]!, r[1]!]) as [number, number]);
  }
  if (pairs.some(([b, a]) => b < 0 || a < 0)) throw new PyRaise('ValueError', "index can't contain negative values");
  return pairs;
}

/** np.pad(array, pad_width, mode='constant', constant_values=0): the array written into a filled one. */
export function padNp(av: Value, widthV: Value, mode: string, valueV: Value | undefined): NdArray {
  if (mode !== 'constant') throw new PyRaise('NotSupported', `np.pad(mode='${mode}') is not supported (only mode='constant')`);
  const a = toNd(av);
  const pairs = padWidths(widthV, a.shape.length);
  const value = valueV === undefined || valueV === null ? 0 : numberOf(valueV);
  if (value === null) throw new PyRaise('NotSupported', 'np.pad: constant_values must be one number here');
  const shape = a.shape.map((d, i) => d + pairs[i]![0] + pairs[i]![1]);
  const values = floatTensor(a);
  const filled = tensor(new Float64Array(shapeSize(shape)).fill(value), { shape, dtype: values.dtype });
  const region = a.shape.map((d, i) => `${pairs[i]![0]}:${pairs[i]![0] + d}`);
  return wrap(setItem(filled, region, values), a.dtype);
}

/** Parses einsum subscripts into per-operand letters and the output letters (implicit mode: letters seen once, sorted). */
function parseSubscripts(spec: string, count: number): { inputs: string[]; output: string } {
  const text = spec.replace(/\s+/g, '');
  if (text.includes('.')) throw new PyRaise('NotSupported', "np.einsum with '...' (ellipsis) is not supported");
  const [lhs, rhs] = text.split('->') as [string, string | undefined];
  const inputs = lhs.split(',');
  if (inputs.length !== count) throw new PyRaise('ValueError', 'more operands provided to einstein sum function than specified in the subscripts string');
  for (const s of [...inputs, rhs ?? '']) {
    if (!/^[a-zA-Z]*$/.test(s)) throw new PyRaise('ValueError', `invalid subscript '${s}' in einstein sum subscripts string, subscripts must be letters`);
  }
  let output = rhs;
  if (output === undefined) {
    const counts = new Map<string, number>();
    for (const c of inputs.join('')) counts.set(c, (counts.get(c) ?? 0) + 1);
    output = [...counts].filter(([, n]) => n === 1).map(([c]) => c).sort().join('');
  }
  for (const c of output) {
    if (!inputs.some((s) => s.includes(c))) throw new PyRaise('ValueError', `einstein sum subscripts string included output subscript '${c}' which never appeared in an input`);
  }
  return { inputs, output };
}

/**
 * np.einsum(subscripts, *operands) for letters without repeats inside one operand: each operand is
 * transposed to the order of all letters and given size-1 axes for the ones it lacks, the operands
 * are multiplied (broadcasting), the letters not in the output summed, and the rest put in order.
 */
export function einsumNp(specV: Value, operands: readonly Value[]): NdArray {
  if (typeof specV !== 'string') throw new PyRaise('NotSupported', 'np.einsum: only the subscripts-string form is supported');
  const arrays = operands.map((v) => toNd(v));
  const { inputs, output } = parseSubscripts(specV, arrays.length);
  const letters: string[] = [...output];
  for (const s of inputs) for (const c of s) if (!letters.includes(c)) letters.push(c);
  const size = new Map<string, number>();
  const aligned = arrays.map((a, k) => {
    const sub = inputs[k]!;
    if (sub.length !== a.shape.length) {
      throw new PyRaise('ValueError', `einstein sum subscripts string contains too ${sub.length > a.shape.length ? 'many' : 'few'} subscripts for operand ${k}`);
    }
    if (new Set(sub).size !== sub.length) throw new PyRaise('NotSupported', `np.einsum with a repeated subscript in one operand ('${sub}': a diagonal or trace) is not supported`);
    [...sub].forEach((c, d) => {
      const n = a.shape[d]!;
      const seen = size.get(c);
      if (seen !== undefined && seen !== n && seen !== 1 && n !== 1) {
        throw new PyRaise('ValueError', `operands could not be broadcast together with remapped shapes [original->remapped]: subscript '${c}' has sizes ${seen} and ${n}`);
      }
      size.set(c, Math.max(seen ?? 1, n));
    });
    const present = letters.filter((c) => sub.includes(c));
    const t = transpose(floatTensor(a), present.map((c) => sub.indexOf(c)));
    return reshape(t, letters.map((c) => (sub.includes(c) ? a.shape[sub.indexOf(c)]! : 1)));
  });
  let product = aligned[0]!;
  for (const t of aligned.slice(1)) product = mul(product, t);
  const full = letters.map((c) => size.get(c)!);
  if (product.shape.some((d, i) => d !== full[i])) product = broadcastTo(product, full);
  const summed = letters.map((c, i) => (output.includes(c) ? -1 : i)).filter((i) => i >= 0);
  const reduced = summed.length > 0 ? sum(product, summed) : product;
  const dtype = arrays.map((a) => a.dtype).reduce((x, y) => promote(x, y));
  return wrap(reduced, dtype === 'int64' || dtype === 'bool' ? 'float64' : dtype);
}

/** Sorted along `axis` (None flattens), as np.sort: differentiable through the sort's gather. */
function sortedAlong(a: NdArray, axisV: Value | undefined): { t: Tensor; axis: number } {
  const flat = axisV === undefined || axisV === null;
  const src = flat ? new NdArray(reshape(floatTensor(a), [a.tensor.size]), a.dtype) : new NdArray(floatTensor(a), a.dtype);
  const axes = flat ? [0] : axesOf(axisV, a.shape.length)!;
  if (axes.length !== 1) throw new PyRaise('NotSupported', 'np.median / np.percentile over several axes at once is not supported');
  return { t: sortNp(src, axes[0]!).tensor, axis: axes[0]! };
}

/**
 * np.percentile(a, q, axis=None, keepdims=False) with numpy's default 'linear' method: the value at
 * position (n − 1)·q/100 of the sorted lane, interpolated between its two neighbours (weights from
 * the position, so the result is differentiable in the values). np.median is q = 50.
 */
export function percentileNp(av: Value, q: number, axisV: Value | undefined, keepdims: boolean, fname: string): NdArray {
  const a = toNd(av);
  if (!(q >= 0 && q <= 100)) throw new PyRaise('ValueError', 'Percentiles must be in the range [0, 100]');
  const { t, axis } = sortedAlong(a, axisV);
  const n = t.shape[axis]!;
  if (n === 0) throw new PyRaise('NotSupported', `np.${fname} of an empty array is not supported`);
  const pos = ((n - 1) * q) / 100;
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  const frac = pos - lo;
  const at = (i: number): Tensor => getItem(t, t.shape.map((_, d) => (d === axis ? i : ':')));
  // numpy's linear rule written as lo + (hi − lo)·frac, so an exact position returns the value itself.
  let r = frac === 0 ? at(lo) : add(at(lo), mul(sub(at(hi), at(lo)), frac));
  const flat = axisV === undefined || axisV === null;
  if (keepdims) r = reshape(r, flat ? a.shape.map(() => 1) : a.shape.map((d, i) => (i === axis ? 1 : d)));
  return wrap(r, a.dtype === 'float32' ? 'float32' : 'float64');
}

/** np.tile(A, reps): A repeated along each axis (reps aligned to the trailing axes), by differentiable broadcasts. */
export function tileNp(av: Value, repsV: Value): NdArray {
  const a = toNd(av);
  const reps = repsV instanceof PyTuple || repsV instanceof PyList ? repsV.items.map((r) => intOf(r, 'tile() reps')) : [intOf(repsV, 'tile() reps')];
  if (reps.some((r) => r < 0)) throw new PyRaise('ValueError', 'negative dimensions are not allowed');
  const nd = Math.max(a.shape.length, reps.length);
  const shape = [...Array.from({ length: nd - a.shape.length }, () => 1), ...a.shape];
  const r = [...Array.from({ length: nd - reps.length }, () => 1), ...reps];
  // Interleave a repeat axis before every axis: [r0, d0, r1, d1, …], then merge each pair.
  const spread = reshape(a.tensor, shape.flatMap((d) => [1, d]));
  const big = broadcastTo(spread, shape.flatMap((d, i) => [r[i]!, d]));
  return wrap(reshape(big, shape.map((d, i) => d * r[i]!)), a.dtype);
}

/** np.repeat(a, repeats, axis=None): each entry repeated (a count, or one count per entry), as a differentiable gather. */
export function repeatNp(av: Value, repeatsV: Value, axisV: Value | undefined): NdArray {
  const a = toNd(av);
  const flat = axisV === undefined || axisV === null;
  const t = flat ? reshape(a.tensor, [a.tensor.size]) : a.tensor;
  const axis = flat ? 0 : axesOf(axisV, a.shape.length)![0]!;
  const n = t.shape[axis]!;
  const many = (repeatsV instanceof NdArray && !repeatsV.isScalar) || repeatsV instanceof PyList || repeatsV instanceof PyTuple;
  const given = many ? [...iterate(repeatsV)].map((r) => intOf(r, 'repeat() repeats')) : [intOf(repeatsV, 'repeat() repeats')];
  // One count applies to every entry (numpy broadcasts it).
  const counts = given.length === 1 ? Array.from({ length: n }, () => given[0]!) : given;
  if (counts.length !== n) throw new PyRaise('ValueError', `operands could not be broadcast together with shape (${n},) (${counts.length},)`);
  if (counts.some((c) => c < 0)) throw new PyRaise('ValueError', 'repeats may not contain negative values.');
  const index: number[] = [];
  counts.forEach((c, i) => { for (let k = 0; k < c; k++) index.push(i); });
  return wrap(getItem(t, t.shape.map((_, d) => (d === axis ? index : ':'))), a.dtype);
}

/** np.diag(v, k=0): a 1-d v on the k-th diagonal of a square matrix, or the k-th diagonal of a 2-d v (both differentiable). */
export function diagNp(av: Value, kV: Value | undefined): NdArray {
  const a = toNd(av);
  const k = kV === undefined || kV === null ? 0 : intOf(kV, 'diag() k');
  if (a.shape.length === 1) {
    const n = a.shape[0]! + Math.abs(k);
    const rows = Array.from({ length: a.shape[0]! }, (_, i) => i + Math.max(-k, 0));
    const cols = rows.map((r) => r + k);
    const values = floatTensor(a);
    const zeros = tensor(new Float64Array(n * n), { shape: [n, n], dtype: values.dtype });
    return wrap(setItem(zeros, [rows, cols], values), a.dtype);
  }
  if (a.shape.length !== 2) throw new PyRaise('ValueError', 'Input must be 1- or 2-d.');
  const [m, n] = a.shape as [number, number];
  const len = Math.max(0, Math.min(m - Math.max(-k, 0), n - Math.max(k, 0)));
  const rows = Array.from({ length: len }, (_, i) => i + Math.max(-k, 0));
  return wrap(getItem(a.tensor, [rows, rows.map((r) => r + k)]), a.dtype);
}

/** np.split / np.array_split: equal sections (array_split: the first n % k one longer) or split points, along `axis`. */
export function splitNp(av: Value, how: Value, axisV: Value | undefined, uneven: boolean, fname: string): PyList {
  const a = toNd(av);
  const axis = axisV === undefined || axisV === null ? 0 : axesOf(axisV, a.shape.length)![0]!;
  const n = a.shape[axis]!;
  let bounds: number[];
  if (how instanceof PyList || how instanceof PyTuple || (how instanceof NdArray && !how.isScalar)) {
    const points = [...iterate(how)].map((p) => intOf(p, `${fname}() indices`)).map((p) => Math.min(Math.max(p < 0 ? p + n : p, 0), n));
    bounds = [0, ...points, n];
  } else {
    const k = intOf(how, `${fname}() sections`);
    if (k <= 0) throw new PyRaise('ValueError', 'number sections must be larger than 0.');
    if (!uneven && n % k !== 0) throw new PyRaise('ValueError', 'array split does not result in an equal division');
    const base = Math.floor(n / k);
    const extra = n % k;
    bounds = [0];
    for (let i = 0; i < k; i++) bounds.push(bounds[i]! + base + (i < extra ? 1 : 0));
  }
  const parts: Value[] = [];
  for (let i = 0; i + 1 < bounds.length; i++) {
    const lo = bounds[i]!;
    const hi = Math.max(bounds[i + 1]!, lo);
    parts.push(wrap(getItem(a.tensor, a.shape.map((_, d) => (d === axis ? `${lo}:${hi}` : ':'))), a.dtype));
  }
  return new PyList(parts);
}

/** numpy's report for a failed comparison: header, mismatch count, the first five positions, the largest differences, both arrays. */
function compare(actual: Value, desired: Value, ok: (x: number, y: number) => boolean, header: string, errMsg: string): null {
  const x = toNd(actual);
  const y = toNd(desired);
  const xs = x.tensor.storage;
  const ys = y.tensor.storage;
  const scalarY = y.shape.length === 0;
  const sameShape = x.shape.length === y.shape.length && x.shape.every((d, i) => d === y.shape[i]);
  // numpy: the err_msg line sits between the header and the details (empty when not given).
  const head = ['', header, errMsg];
  // The arrays as numpy shows them: a 0-d array, not a numpy scalar, for a scalar argument.
  const arrays = [` ACTUAL: ${repr(new NdArray(x.tensor, x.dtype))}`, ` DESIRED: ${repr(new NdArray(y.tensor, y.dtype))}`];
  if (!sameShape && !scalarY) {
    const shape = (s: readonly number[]): string => `(${s.join(', ')}${s.length === 1 ? ',' : ''})`;
    throw new PyRaise('AssertionError', [...head, `(shapes ${shape(x.shape)}, ${shape(y.shape)} mismatch)`, ...arrays].join('\n'));
  }
  const want = (i: number): number => (scalarY ? ys[0]! : ys[i]!);
  const bad: number[] = [];
  for (let i = 0; i < xs.length; i++) {
    const both = Number.isNaN(xs[i]!) && Number.isNaN(want(i));
    if (!both && !ok(xs[i]!, want(i))) bad.push(i);
  }
  if (bad.length === 0) return null;
  // numpy prints the differences as 0-d float arrays ('1.', '0.5') and the share with '.3g'.
  const num = (v: number): string => arrayToString([v], [], 'float64', ' ', '');
  const position = (flat: number): string => {
    const idx: number[] = [];
    for (let d = x.shape.length - 1, rest = flat; d >= 0; d--) {
      idx.unshift(rest % x.shape[d]!);
      rest = Math.floor(rest / x.shape[d]!);
    }
    return `[${idx.join(', ')}]`;
  };
  const abs = bad.map((i) => Math.abs(xs[i]! - want(i)));
  const rel = bad.map((i, k) => abs[k]! / Math.abs(want(i)));
  const pct = String(Number(((100 * bad.length) / Math.max(xs.length, 1)).toPrecision(3)));
  const shown = bad.slice(0, 5);
  const where = bad.length > 5 ? 'First 5 mismatches are at indices:' : bad.length === 1 ? 'Mismatch at index:' : 'Mismatch at indices:';
  const lines = [
    ...head,
    `Mismatched elements: ${bad.length} / ${xs.length} (${pct}%)`,
    where,
    ...shown.map((i) => ` ${position(i)}: ${repr(float(xs[i]!))} (ACTUAL), ${repr(float(want(i)))} (DESIRED)`),
    `Max absolute difference among violations: ${num(Math.max(...abs))}`,
    `Max relative difference among violations: ${num(Math.max(...rel))}`,
    ...arrays,
  ];
  throw new PyRaise('AssertionError', lines.join('\n'));
}

/** np.testing: assert_allclose, assert_array_almost_equal, assert_almost_equal, assert_array_equal, assert_equal. */
export function makeTestingModule(bind: Binder): PyModule {
  const a = new Map<string, Value>();
  const def = (name: string, impl: (args: Value[], kwargs: Kw) => Value): void => {
    a.set(name, new HostFn(name, impl));
  };
  const message = (v: Value | undefined): string => (v === undefined || v === null ? '' : str(v));
  def('assert_allclose', (args, kwargs) => {
    const p = bind('assert_allclose', ['actual', 'desired', 'rtol?', 'atol?', 'equal_nan?', 'err_msg?', 'verbose?'], args, kwargs);
    const rtol = p.rtol === undefined ? 1e-7 : numberOf(p.rtol)!;
    const atol = p.atol === undefined ? 0 : numberOf(p.atol)!;
    return compare(p.actual!, p.desired!, (x, y) => Math.abs(x - y) <= atol + rtol * Math.abs(y),
      `Not equal to tolerance rtol=${repr(p.rtol ?? float(rtol))}, atol=${repr(p.atol ?? atol)}`, message(p.err_msg));
  });
  const almost = (name: string) => (args: Value[], kwargs: Kw): Value => {
    const p = bind(name, ['actual', 'desired', 'decimal?', 'err_msg?', 'verbose?'], args, kwargs);
    const decimal = p.decimal === undefined ? (name === 'assert_almost_equal' ? 7 : 6) : intOf(p.decimal, `${name}() decimal`);
    return compare(p.actual!, p.desired!, (x, y) => Math.abs(y - x) < 1.5 * 10 ** -decimal,
      `Arrays are not almost equal to ${decimal} decimals`, message(p.err_msg));
  };
  def('assert_array_almost_equal', almost('assert_array_almost_equal'));
  def('assert_almost_equal', almost('assert_almost_equal'));
  const equal = (name: string) => (args: Value[], kwargs: Kw): Value => {
    const p = bind(name, ['actual', 'desired', 'err_msg?', 'verbose?', 'strict?'], args, kwargs);
    return compare(p.actual!, p.desired!, (x, y) => x === y, 'Arrays are not equal', message(p.err_msg));
  };
  def('assert_array_equal', equal('assert_array_equal'));
  def('assert_equal', equal('assert_equal'));
  def('assert_', (args) => {
    if (!truthy(args[0] ?? null)) throw new PyRaise('AssertionError', message(args[1]));
    return null;
  });
  a.set('__getattr__', new HostFn('__getattr__', (args) => {
    throw new PyRaise('NotSupported', `numpy function \`np.testing.${String(args[0])}\` is not supported`);
  }));
  return new PyModule('numpy.testing', a);
}

/** Registers this module's functions on the numpy module's attribute map. */
export function addMoreNumpy(a: Map<string, Value>, bind: Binder): void {
  const def = (name: string, impl: (args: Value[], kwargs: Kw) => Value): void => {
    a.set(name, new HostFn(name, impl));
  };
  def('bincount', (args, kwargs) => {
    const p = bind('bincount', ['x', 'weights?', 'minlength?'], args, kwargs);
    return bincountNp(p.x!, p.weights, p.minlength);
  });
  def('meshgrid', (args, kwargs) => {
    for (const k of kwargs.keys()) if (k !== 'indexing' && k !== 'copy' && k !== 'sparse') throw new PyRaise('TypeError', `meshgrid() got an unexpected keyword argument '${k}'`);
    if (kwargs.has('sparse') && truthy(kwargs.get('sparse')!)) throw new PyRaise('NotSupported', 'np.meshgrid(sparse=True) is not supported');
    const indexing = kwargs.get('indexing');
    return meshgridNp(args.flatMap((x) => (x instanceof PyList && x.items.every((y) => y instanceof NdArray) ? [...iterate(x)] : [x])),
      indexing === undefined ? 'xy' : str(indexing));
  });
  def('pad', (args, kwargs) => {
    const p = bind('pad', ['array', 'pad_width', 'mode?', 'constant_values?'], args, kwargs);
    return padNp(p.array!, p.pad_width!, p.mode === undefined ? 'constant' : str(p.mode), p.constant_values);
  });
  def('einsum', (args, kwargs) => {
    for (const k of kwargs.keys()) if (k !== 'optimize') throw new PyRaise('NotSupported', `np.einsum(${k}=…) is not supported`);
    return einsumNp(args[0] ?? null, args.slice(1));
  });
  def('median', (args, kwargs) => {
    const p = bind('median', ['a', 'axis?', 'out?', 'overwrite_input?', 'keepdims?'], args, kwargs);
    if (p.out !== undefined && p.out !== null) throw new PyRaise('NotSupported', 'np.median(out=…) is not supported');
    return percentileNp(p.a!, 50, p.axis, p.keepdims !== undefined && truthy(p.keepdims), 'median');
  });
  def('percentile', (args, kwargs) => {
    const p = bind('percentile', ['a', 'q', 'axis?', 'out?', 'overwrite_input?', 'method?', 'keepdims?'], args, kwargs);
    if (p.method !== undefined && str(p.method) !== 'linear') throw new PyRaise('NotSupported', `np.percentile(method='${str(p.method)}') is not supported (only 'linear')`);
    const q = numberOf(p.q!);
    if (q === null) throw new PyRaise('NotSupported', 'np.percentile with several q at once is not supported');
    return percentileNp(p.a!, q, p.axis, p.keepdims !== undefined && truthy(p.keepdims), 'percentile');
  });
  def('tile', (args, kwargs) => {
    const p = bind('tile', ['A', 'reps'], args, kwargs);
    return tileNp(p.A!, p.reps!);
  });
  def('repeat', (args, kwargs) => {
    const p = bind('repeat', ['a', 'repeats', 'axis?'], args, kwargs);
    return repeatNp(p.a!, p.repeats!, p.axis);
  });
  def('diag', (args, kwargs) => {
    const p = bind('diag', ['v', 'k?'], args, kwargs);
    return diagNp(p.v!, p.k);
  });
  def('trace', (args, kwargs) => {
    const p = bind('trace', ['a', 'offset?'], args, kwargs);
    const nd = toNd(p.a!).shape.length;
    if (nd < 2) throw new PyRaise('ValueError', 'diag requires an array of at least two dimensions');
    if (nd > 2) throw new PyRaise('NotSupported', 'np.trace of an array with more than two dimensions is not supported');
    const d = diagNp(p.a!, p.offset);
    return wrap(sum(d.tensor), d.dtype === 'bool' ? 'int64' : d.dtype);
  });
  def('split', (args, kwargs) => {
    const p = bind('split', ['ary', 'indices_or_sections', 'axis?'], args, kwargs);
    return splitNp(p.ary!, p.indices_or_sections!, p.axis, false, 'split');
  });
  def('array_split', (args, kwargs) => {
    const p = bind('array_split', ['ary', 'indices_or_sections', 'axis?'], args, kwargs);
    return splitNp(p.ary!, p.indices_or_sections!, p.axis, true, 'array_split');
  });
  a.set('testing', makeTestingModule(bind));
}

