/**
 * The numpy array of the interpreter: a mutable box around an immutable tapegrad Tensor.
 *
 * Design (numpy aliasing, functionally): Python names and containers hold the box, so
 * `dscores = probs` makes two names for one box. An in-place edit (`a -= 1`, `a[i] = v`,
 * `out=`) computes a new tensor with differentiable ops and rebinds the box, so every alias sees
 * it and the old tensor stays intact for any recorded op that used it (gradients stay exact).
 * A view from basic slicing, `.T` or `reshape` is a box linked to its root: it re-reads the root
 * (with a gather) when the root's version has moved, and an edit through it writes the root with
 * setItem (or the inverse transpose/reshape) and bumps the version, so `b = a[:, 1:]; b *= 2`
 * changes `a`, as in numpy. Integer and bool arrays hold whole numbers in float64 tensors; `dtype`
 * decides printing, `//`, indexing and promotion.
 */
import { tensor } from '../creation.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import { shapeSize, stridesOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
import { gather, setItem, type GatherPlan, type PlanAxis } from './gather.js';
import { PyEllipsis, PyFloat, PyList, PyRange, PySlice, PyTuple, typeName, type Value } from './values.js';

/** A numpy dtype the dialect knows. */
export type NpDtype = 'float64' | 'float32' | 'int64' | 'bool';

/** How a view reads its root and writes an edit back. */
interface ViewLink {
  read(root: Tensor): Tensor;
  write(root: Tensor, value: Tensor): Tensor;
}

/** A numpy array (or numpy scalar, `isScalar`), as described in the module header. */
export class NdArray {
  readonly isNdArray = true;
  private t: Tensor;
  /** Bumped on every edit of a root array, so its views know to re-read. */
  version = 0;
  private seen = 0;

  constructor(t: Tensor, readonly dtype: NpDtype, readonly isScalar = false, readonly root: NdArray | null = null, private readonly link: ViewLink | null = null) {
    this.t = t;
    if (root !== null) this.seen = root.version;
  }

  /** The current tensor (a view re-reads its root if the root changed since). */
  get tensor(): Tensor {
    if (this.root !== null && this.seen !== this.root.version) {
      this.t = this.link!.read(this.root.tensor);
      this.seen = this.root.version;
    }
    return this.t;
  }

  get shape(): readonly number[] {
    return this.t.shape;
  }

  /** Replaces the contents in place (shape must stay), writing through to the root of a view. */
  assign(value: Tensor): void {
    if (this.root !== null) {
      this.root.assign(this.link!.write(this.root.tensor, value));
      this.t = value;
      this.seen = this.root.version;
      return;
    }
    this.t = value;
    this.version++;
  }

  /** A view of this array through `link` (read and write relative to this array). */
  view(link: ViewLink, t: Tensor): NdArray {
    if (this.isScalar) return new NdArray(t, this.dtype);
    if (this.root === null) return new NdArray(t, this.dtype, false, this, link);
    const parent = this.link!;
    const composed: ViewLink = {
      read: (r) => link.read(parent.read(r)),
      write: (r, v) => parent.write(r, link.write(parent.read(r), v)),
    };
    return new NdArray(t, this.dtype, false, this.root, composed);
  }
}

/** A fresh array (or numpy scalar) around a tensor. */
export function ndarray(t: Tensor, dtype: NpDtype = t.dtype, isScalar = false): NdArray {
  return new NdArray(t, dtype, isScalar);
}

/** The transpose as a view. */
export function transposeView(a: NdArray, axes?: readonly number[]): NdArray {
  const inverse = axes === undefined ? undefined : axes.map((_, i) => axes.indexOf(i));
  const t = a.tensor.ndim < 2 && axes === undefined ? a.tensor : transpose(a.tensor, axes);
  if (t === a.tensor) return a.view({ read: (r) => r, write: (_r, v) => v }, t);
  return a.view({ read: (r) => transpose(r, axes), write: (_r, v) => transpose(v, inverse) }, t);
}

/** A reshape as a view (numpy returns a view for contiguous arrays, which ours always are). */
export function reshapeView(a: NdArray, shape: readonly number[]): NdArray {
  const from = a.shape.slice();
  const t = reshape(a.tensor, shape);
  return a.view({ read: (r) => reshape(r, shape), write: (_r, v) => reshape(v, from) }, t);
}

// ------------------------------------------------------------------ indexing

type IndexItem =
  | { k: 'int'; v: number }
  | { k: 'slice'; lo: number | null; hi: number | null; step: number | null }
  | { k: 'new' }
  | { k: 'ellipsis' }
  | { k: 'ints'; values: Int32Array | Float64Array; shape: readonly number[] }
  | { k: 'mask'; values: ArrayLike<number>; shape: readonly number[] };

const INDEX_TYPES = 'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices';

function sliceBound(v: Value, what: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NdArray && v.isScalar && (v.dtype === 'int64' || v.dtype === 'bool')) return v.tensor.storage[0]!;
  throw new PyRaise('TypeError', `slice ${what} must be an integer or None, not ${typeName(v)}`);
}

/** Nested Python lists/tuples of numbers or bools as flat values, shape and whether all were bools. */
function nestedNumbers(v: Value): { values: number[]; shape: number[]; bools: boolean; ints: boolean } {
  const shape: number[] = [];
  let probe: Value = v;
  while (probe instanceof PyList || probe instanceof PyTuple || probe instanceof PyRange) {
    const len = probe instanceof PyRange ? probe.length : probe.items.length;
    shape.push(len);
    if (len === 0) break;
    probe = probe instanceof PyRange ? probe.start : probe.items[0]!;
  }
  const values: number[] = [];
  let bools = true;
  let ints = true;
  const visit = (x: Value, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x === 'boolean') { values.push(x ? 1 : 0); return; }
      bools = false;
      if (typeof x === 'number') { values.push(x); return; }
      if (x instanceof PyFloat) { ints = false; values.push(x.v); return; }
      if (x instanceof NdArray && x.isScalar) {
        if (x.dtype !== 'int64' && x.dtype !== 'bool') ints = false;
        values.push(x.tensor.storage[0]!);
        return;
      }
      throw new PyRaise('ValueError', `setting an array element with a sequence: ${typeName(x)} in a nested list`);
    }
    if (x instanceof PyRange) {
      if (x.length !== shape[depth]) throw new PyRaise('ValueError', 'setting an array element with a sequence. The requested array has an inhomogeneous shape');
      bools = false;
      for (let i = 0; i < x.length; i++) values.push(x.at(i));
      return;
    }
    if (!(x instanceof PyList || x instanceof PyTuple) || x.items.length !== shape[depth]) {
      throw new PyRaise('ValueError', `setting an array element with a sequence. The requested array has an inhomogeneous shape after ${depth} dimensions`);
    }
    for (const item of x.items) visit(item, depth + 1);
  };
  visit(v, 0);
  if (values.length === 0) bools = false;
  return { values, shape, bools, ints };
}

function toIndexItem(v: Value): IndexItem {
  if (typeof v === 'number') return { k: 'int', v };
  if (v === null) return { k: 'new' };
  if (v instanceof PyEllipsis) return { k: 'ellipsis' };
  if (v instanceof PySlice) return { k: 'slice', lo: sliceBound(v.lo, 'start'), hi: sliceBound(v.hi, 'stop'), step: sliceBound(v.step, 'step') };
  if (v instanceof NdArray) {
    if (v.dtype === 'bool') return { k: 'mask', values: v.tensor.storage, shape: v.shape };
    if (v.dtype !== 'int64') throw new PyRaise('IndexError', `arrays used as indices must be of integer (or boolean) type, not ${v.dtype}`);
    if (v.isScalar || v.shape.length === 0) return { k: 'int', v: v.tensor.storage[0]! };
    return { k: 'ints', values: v.tensor.storage as Float64Array, shape: v.shape };
  }
  if (v instanceof PyList || v instanceof PyRange || v instanceof PyTuple) {
    const n = nestedNumbers(v);
    if (n.bools) return { k: 'mask', values: n.values, shape: n.shape };
    if (!n.ints) throw new PyRaise('IndexError', INDEX_TYPES);
    return { k: 'ints', values: Float64Array.from(n.values), shape: n.shape };
  }
  if (typeof v === 'boolean') throw new PyRaise('IndexError', 'a Python bool as an index is not supported in this dialect (use an integer)');
  throw new PyRaise('IndexError', INDEX_TYPES);
}

function checkIndex(i: number, size: number, axis: number): number {
  if (i < -size || i >= size) throw new PyRaise('IndexError', `index ${i} is out of bounds for axis ${axis} with size ${size}`);
  return i < 0 ? i + size : i;
}

/** numpy's slice.indices(): start, step and length for an axis of `size`. */
export function sliceIndices(lo: number | null, hi: number | null, step: number | null, size: number): { start: number; step: number; len: number } {
  const st = step ?? 1;
  if (st === 0) throw new PyRaise('ValueError', 'slice step cannot be zero');
  let start: number;
  let stop: number;
  if (st > 0) {
    start = lo === null ? 0 : lo < 0 ? Math.max(0, lo + size) : Math.min(lo, size);
    stop = hi === null ? size : hi < 0 ? Math.max(0, hi + size) : Math.min(hi, size);
  } else {
    start = lo === null ? size - 1 : lo < 0 ? Math.max(-1, lo + size) : Math.min(lo, size - 1);
    stop = hi === null ? -1 : hi < 0 ? Math.max(-1, hi + size) : Math.min(hi, size - 1);
  }
  const len = st > 0 ? Math.max(0, Math.ceil((stop - start) / st)) : Math.max(0, Math.ceil((start - stop) / -st));
  return { start, step: st, len };
}

function broadcastIndexShapes(shapes: readonly (readonly number[])[]): number[] {
  const n = Math.max(0, ...shapes.map((s) => s.length));
  const out = new Array<number>(n).fill(1);
  for (const s of shapes) {
    for (let i = 0; i < s.length; i++) {
      const j = n - s.length + i;
      const d = s[i]!;
      if (out[j] === 1) out[j] = d;
      else if (d !== 1 && d !== out[j]) {
        throw new PyRaise('IndexError', `shape mismatch: indexing arrays could not be broadcast together with shapes ${shapes.map((x) => `(${x.join(',')}${x.length === 1 ? ',' : ''})`).join(' ')}`);
      }
    }
  }
  return out;
}

/** Resolves a Python index value against a shape into a GatherPlan (numpy's rules, views for basic indices). */
export function resolveIndex(shape: readonly number[], index: Value): GatherPlan {
  const raw = index instanceof PyTuple ? index.items.map(toIndexItem) : [toIndexItem(index)];
  const ndim = shape.length;
  let consumed = 0;
  let ellipses = 0;
  for (const it of raw) {
    if (it.k === 'int' || it.k === 'slice' || it.k === 'ints') consumed += 1;
    else if (it.k === 'mask') consumed += it.shape.length;
    else if (it.k === 'ellipsis') ellipses++;
  }
  if (ellipses > 1) throw new PyRaise('IndexError', "an index can only have a single ellipsis ('...')");
  if (consumed > ndim) throw new PyRaise('IndexError', `too many indices for array: array is ${ndim}-dimensional, but ${consumed} were indexed`);
  const items: IndexItem[] = [];
  for (const it of raw) {
    if (it.k === 'ellipsis') for (let i = 0; i < ndim - consumed; i++) items.push({ k: 'slice', lo: null, hi: null, step: null });
    else items.push(it);
  }
  if (ellipses === 0) for (let i = consumed; i < ndim; i++) items.push({ k: 'slice', lo: null, hi: null, step: null });

  const strides = stridesOf(shape);
  const advanced = items.some((it) => it.k === 'ints' || it.k === 'mask');
  // Output pieces in order; the advanced group is placed afterwards.
  type Piece = { k: 'axis'; axis: PlanAxis; dims: number[] } | { k: 'adv' };
  const pieces: Piece[] = [];
  const adv: { srcDim: number; values: ArrayLike<number>; shape: readonly number[] }[] = [];
  let base = 0;
  let d = 0;
  let firstAdv = -1;
  let gap = false;
  const markAdv = (): void => {
    if (firstAdv < 0) {
      firstAdv = pieces.length;
      pieces.push({ k: 'adv' });
    } else if (pieces[pieces.length - 1]?.k !== 'adv') {
      gap = true;
    }
  };
  for (const it of items) {
    switch (it.k) {
      case 'int':
        if (advanced) {
          markAdv();
          adv.push({ srcDim: d, values: [it.v], shape: [] });
        } else {
          base += checkIndex(it.v, shape[d]!, d) * strides[d]!;
        }
        d++;
        break;
      case 'slice': {
        const { start, step, len } = sliceIndices(it.lo, it.hi, it.step, shape[d]!);
        const offsets = new Int32Array(len);
        for (let j = 0; j < len; j++) offsets[j] = (start + j * step) * strides[d]!;
        pieces.push({ k: 'axis', axis: { size: len, offsets }, dims: [len] });
        d++;
        break;
      }
      case 'new':
        pieces.push({ k: 'axis', axis: { size: 1, offsets: new Int32Array(1) }, dims: [1] });
        break;
      case 'ints':
        markAdv();
        adv.push({ srcDim: d, values: it.values, shape: it.shape });
        d++;
        break;
      case 'mask': {
        const k = it.shape.length;
        for (let i = 0; i < k; i++) {
          if (it.shape[i] !== shape[d + i]) {
            throw new PyRaise('IndexError', `boolean index did not match indexed array along axis ${d + i}; size of axis is ${shape[d + i]} but size of corresponding boolean axis is ${it.shape[i]}`);
          }
        }
        const mstrides = stridesOf(it.shape);
        const hits: number[] = [];
        for (let j = 0; j < it.values.length; j++) if (it.values[j] !== 0) hits.push(j);
        markAdv();
        for (let i = 0; i < k; i++) {
          adv.push({ srcDim: d + i, values: hits.map((h) => Math.floor(h / mstrides[i]!) % it.shape[i]!), shape: [hits.length] });
        }
        d += k;
        break;
      }
      default:
        break;
    }
  }
  let advDims: number[] = [];
  let advAxis: PlanAxis | null = null;
  if (advanced) {
    advDims = broadcastIndexShapes(adv.map((a) => a.shape));
    const n = shapeSize(advDims);
    const offsets = new Int32Array(n);
    const bstrides = stridesOf(advDims);
    for (const a of adv) {
      const own = stridesOf(a.shape);
      const lead = advDims.length - a.shape.length;
      const size = shape[a.srcDim]!;
      for (let j = 0; j < n; j++) {
        let src = 0;
        for (let q = 0; q < a.shape.length; q++) {
          const coord = Math.floor(j / bstrides[q + lead]!) % advDims[q + lead]!;
          if (a.shape[q] !== 1) src += coord * own[q]!;
        }
        const v = a.values[src]!;
        if (!Number.isInteger(v)) throw new PyRaise('IndexError', INDEX_TYPES);
        offsets[j] = offsets[j]! + checkIndex(v, size, a.srcDim) * strides[a.srcDim]!;
      }
    }
    advAxis = { size: n, offsets };
  }
  // numpy: advanced indices separated by a slice/newaxis put their dimensions first.
  let ordered = pieces;
  if (advanced && gap) ordered = [{ k: 'adv' }, ...pieces.filter((p) => p.k !== 'adv')];
  const axes: PlanAxis[] = [];
  const outShape: number[] = [];
  for (const p of ordered) {
    if (p.k === 'adv') {
      axes.push(advAxis!);
      outShape.push(...advDims);
    } else {
      axes.push(p.axis);
      outShape.push(...p.dims);
    }
  }
  return { srcShape: shape.slice(), outShape, base, axes, basic: !advanced };
}

/** `a[index]`: a view for basic indices, a copy for advanced ones, a numpy scalar for a single element. */
export function getItem(a: NdArray, index: Value): NdArray {
  if (a.isScalar || a.shape.length === 0) throw new PyRaise('IndexError', 'invalid index to scalar variable.');
  const plan = resolveIndex(a.shape, index);
  const t = gather(a.tensor, plan);
  if (plan.outShape.length === 0) return new NdArray(t, a.dtype, true);
  if (!plan.basic) return new NdArray(t, a.dtype);
  return a.view({ read: (r) => gather(r, plan), write: (r, v) => setItem(r, plan, v) }, t);
}

/** Converts a value to the array's dtype on assignment (numpy truncates floats into int arrays). */
export function castForStore(t: Tensor, dtype: NpDtype, from: NpDtype): Tensor {
  if ((dtype === 'int64' && (from === 'float64' || from === 'float32')) || (dtype === 'bool' && from !== 'bool')) {
    const s = t.storage;
    const out = new Float64Array(s.length);
    for (let i = 0; i < s.length; i++) out[i] = dtype === 'bool' ? (s[i] !== 0 ? 1 : 0) : Math.trunc(s[i]!);
    return tensor(out, { shape: t.shape.slice() });
  }
  return t;
}

/** `a[index] = value` in place (through views too). */
export function setItemInPlace(a: NdArray, index: Value, value: Tensor, valueDtype: NpDtype): void {
  if (a.isScalar) throw new PyRaise('TypeError', "'numpy.float64' object does not support item assignment");
  const plan = resolveIndex(a.shape, index);
  const v = castForStore(value, a.dtype, valueDtype);
  const outShape = plan.outShape;
  // numpy broadcasts the value to the indexed shape; a mismatch names both shapes.
  const vs = v.shape;
  for (let i = 0; i < vs.length; i++) {
    const j = outShape.length - vs.length + i;
    if (j < 0 ? vs[i] !== 1 : vs[i] !== 1 && vs[i] !== outShape[j]) {
      throw new PyRaise('ValueError', `could not broadcast input array from shape (${vs.join(',')}${vs.length === 1 ? ',' : ''}) into shape (${outShape.join(',')}${outShape.length === 1 ? ',' : ''})`);
    }
  }
  const vv = vs.length > outShape.length ? reshape(v, outShape) : v;
  a.assign(setItem(a.tensor, plan, vv));
}
