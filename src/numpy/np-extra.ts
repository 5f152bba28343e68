/**
 * numpy's along-an-axis functions labs reach for: sort, argsort, cumsum, cumprod, prod, unique.
 * Values come from storage loops in numpy's order (so printed digits match numpy's); where an input
 * requires a gradient, the result carries the gradient of the same function written with tapegrad
 * ops (sort and argsort: take_along_axis, PyTorch's sort rule; cumsum: a triangular matmul; cumprod
 * and prod: running products of slices), so lab code differentiates through them.
 */
import { tensor } from '../creation.js';
import { mul } from '../ops/arithmetic.js';
import { gather, getItem } from '../ops/indexing.js';
import { stack } from '../ops/join.js';
import { matmul } from '../ops/matmul.js';
import { cast, reshape, transpose } from '../ops/shape-ops.js';
import { shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
import { NdArray, type NpDtype } from './ndarray.js';
import { axesOf, withGradientOf, wrap } from './numpy-ops.js';
import { PyTuple, type Value } from './values.js';

/** The lanes along `axis` of `shape`: `outer × inner` lanes of `n` values, stride `inner`. */
interface Lanes {
  readonly n: number;
  readonly inner: number;
  readonly outer: number;
}

function lanesOf(shape: readonly number[], axis: number): Lanes {
  return { n: shape[axis]!, inner: shapeSize(shape.slice(axis + 1)), outer: shapeSize(shape.slice(0, axis)) };
}

/** Calls fn(base, stride) once per lane. */
function eachLane({ n, inner, outer }: Lanes, fn: (base: number, stride: number) => void): void {
  for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) fn(o * n * inner + i, inner);
}

/** The array and axis an `axis=` argument selects: None flattens (numpy's rule for sort, cumsum, prod…). */
function alongAxis(a: NdArray, axisV: Value | undefined, fallback: number | null): { t: Tensor; axis: number } {
  const flatten = axisV === null || (axisV === undefined && fallback === null);
  if (flatten) return { t: reshape(a.tensor, [a.tensor.size]), axis: 0 };
  if (a.shape.length === 0) throw new PyRaise('AxisError', 'axis 0 is out of bounds for array of dimension 0');
  const axes = axesOf(axisV === undefined ? fallback : axisV, a.shape.length)!;
  if (axes.length !== 1) throw new PyRaise('TypeError', "'tuple' object cannot be interpreted as an integer");
  return { t: a.tensor, axis: axes[0]! };
}

/** numpy's sort order: ascending, NaN last; ties keep their order (numpy's small-array sort is stable). */
function laneOrder(s: ArrayLike<number>, base: number, stride: number, n: number): number[] {
  const key = (j: number): number => s[base + j * stride]!;
  return Array.from({ length: n }, (_, j) => j).sort((x, y) => {
    const p = key(x);
    const q = key(y);
    if (Number.isNaN(p) || Number.isNaN(q)) return Number.isNaN(p) ? (Number.isNaN(q) ? x - y : 1) : -1;
    return p - q || x - y;
  });
}

function argsortTensor(t: Tensor, axis: number): Tensor {
  const lanes = lanesOf(t.shape, axis);
  const out = new Float64Array(t.size);
  const s = t.storage;
  eachLane(lanes, (base, stride) => {
    laneOrder(s, base, stride, lanes.n).forEach((j, k) => { out[base + k * stride] = j; });
  });
  return new Tensor(out, t.shape);
}

/**
 * np.argsort(a, axis=-1): int64 indices that sort each lane.
 * @example argsortNp(arr([3, 1, 2]), undefined) // array([1, 2, 0])
 */
export function argsortNp(a: NdArray, axisV: Value | undefined): NdArray {
  const { t, axis } = alongAxis(a, axisV, -1);
  return new NdArray(argsortTensor(t, axis), 'int64');
}

/**
 * np.sort(a, axis=-1): the sorted values, differentiable (the gradient goes back to where each value came from).
 * @example sortNp(arr([3, 1, 2]), undefined) // array([1, 2, 3])
 */
export function sortNp(a: NdArray, axisV: Value | undefined): NdArray {
  const { t, axis } = alongAxis(a, axisV, -1);
  return new NdArray(gather(t, argsortTensor(t.detach(), axis), axis), a.dtype);
}

function scan(t: Tensor, axis: number, product: boolean): Tensor {
  const lanes = lanesOf(t.shape, axis);
  const s = t.storage;
  const out = new Float64Array(t.size);
  eachLane(lanes, (base, stride) => {
    let acc = product ? 1 : 0;
    for (let j = 0; j < lanes.n; j++) {
      const k = base + j * stride;
      acc = product ? acc * s[k]! : acc + s[k]!;
      out[k] = acc;
    }
  });
  const r = new Tensor(out, t.shape);
  return t.dtype === 'float32' ? cast(r, 'float32') : r;
}

/** `t` with `axis` moved last, and the permutation that moves it back. */
function axisLast(t: Tensor, axis: number): { t: Tensor; back: number[] | null } {
  const nd = t.ndim;
  if (axis === nd - 1) return { t, back: null };
  const perm = [...Array.from({ length: nd }, (_, i) => i).filter((i) => i !== axis), axis];
  return { t: transpose(t, perm), back: perm.map((_, i) => perm.indexOf(i)) };
}

/** The slices of `t` along `axis`, as tapegrad ops (each one differentiable). */
function slicesAlong(t: Tensor, axis: number): Tensor[] {
  return Array.from({ length: t.shape[axis]! }, (_, j) => getItem(t, t.shape.map((_, d) => (d === axis ? j : ':'))));
}

function runningProducts(t: Tensor, axis: number): Tensor[] {
  const out: Tensor[] = [];
  for (const s of slicesAlong(t, axis)) out.push(out.length === 0 ? s : mul(out[out.length - 1]!, s));
  return out;
}

/**
 * np.cumsum / np.cumprod(a, axis=None): running sums or products (flattened without an axis).
 * @example scanNp(arr([1, 2, 3]), undefined, false) // array([1, 3, 6])
 */
export function scanNp(a: NdArray, axisV: Value | undefined, product: boolean): NdArray {
  const { t, axis } = alongAxis(a, axisV, null);
  const exact = scan(t.detach(), axis, product);
  const out = withGradientOf(exact, [t], () => {
    if (product) return stack(runningProducts(t, axis), axis);
    // cumsum along the last axis is x @ U with U upper-triangular ones.
    const n = t.shape[axis]!;
    const u = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) u[i * n + j] = 1;
    const { t: moved, back } = axisLast(t, axis);
    const r = matmul(moved, tensor(u, { shape: [n, n], dtype: t.dtype }));
    return back === null ? r : transpose(r, back);
  });
  return wrap(out, a.dtype === 'bool' ? 'int64' : a.dtype);
}

/**
 * np.prod(a, axis=None, keepdims=False): the product (numpy's order of multiplication), differentiable.
 * @example prodNp(arr([2, 3]), undefined, false) // 6
 */
export function prodNp(a: NdArray, axisV: Value | undefined, keepdims: boolean, dtype?: NpDtype): NdArray {
  const { t, axis } = alongAxis(a, axisV, null);
  const lanes = lanesOf(t.shape, axis);
  const s = t.storage;
  const outShape = t.shape.filter((_, d) => d !== axis);
  const vals = new Float64Array(shapeSize(outShape));
  let k = 0;
  eachLane(lanes, (base, stride) => {
    let p = 1;
    for (let j = 0; j < lanes.n; j++) p *= s[base + j * stride]!;
    vals[k++] = p;
  });
  const exact = new Tensor(vals, outShape);
  let out = withGradientOf(t.dtype === 'float32' ? cast(exact, 'float32') : exact, [t], () => {
    const ps = runningProducts(t, axis);
    return ps.length === 0 ? tensor(new Float64Array(shapeSize(outShape)).fill(1), { shape: outShape }) : ps[ps.length - 1]!;
  });
  if (keepdims) out = reshape(out, axisV === undefined || axisV === null ? a.shape.map(() => 1) : a.shape.map((d, i) => (i === axis ? 1 : d)));
  const dt: NpDtype = dtype ?? (a.dtype === 'bool' ? 'int64' : a.dtype);
  return wrap(out, dt);
}

/**
 * np.unique(a, return_index, return_inverse, return_counts): the sorted distinct values of the
 * flattened array, and what was asked for, in numpy's order.
 * @example uniqueNp(arr([3, 1, 3]), {}) // array([1, 3])
 */
export function uniqueNp(a: NdArray, want: { index?: boolean; inverse?: boolean; counts?: boolean }): Value {
  const s = a.tensor.storage;
  const order = laneOrder(s, 0, 1, s.length);
  const values: number[] = [];
  const first: number[] = [];
  const counts: number[] = [];
  const inverse = new Float64Array(s.length);
  for (const j of order) {
    const v = s[j]!;
    const last = values.length - 1;
    if (last < 0 || !(values[last] === v || (Number.isNaN(v) && Number.isNaN(values[last]!)))) {
      values.push(v);
      first.push(j);
      counts.push(0);
    }
    counts[values.length - 1]!++;
    inverse[j] = values.length - 1;
  }
  const u = new NdArray(tensor(Float64Array.from(values)), a.dtype);
  if (!want.index && !want.inverse && !want.counts) return u;
  const parts: Value[] = [u];
  if (want.index) parts.push(new NdArray(tensor(Float64Array.from(first)), 'int64'));
  if (want.inverse) parts.push(new NdArray(new Tensor(inverse, a.shape.length <= 1 ? [s.length] : a.shape), 'int64'));
  if (want.counts) parts.push(new NdArray(tensor(Float64Array.from(counts)), 'int64'));
  return new PyTuple(parts);
}
