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
 * decides printing, `//`, indexing and promotion. Indexing itself is tapegrad's (src/ops/indexing.ts:
 * one set of numpy rules, gradients scatter-add); this file only turns Python index values into its
 * items and words its errors as numpy does.
 */
import { tensor } from '../creation.js';
import { resolveIndex as resolveOpIndex, type IndexItem, type ResolvedIndex } from '../ops/index-resolve.js';
import { getItemResolved, setItemResolved } from '../ops/indexing.js';
import { reshape, transpose } from '../ops/shape-ops.js';
import { Tensor } from '../tensor.js';
import { PyRaise } from './errors.js';
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

const INDEX_TYPES = 'only integers, slices (`:`), ellipsis (`...`), numpy.newaxis (`None`) and integer or boolean arrays are valid indices';

function sliceBound(v: Value, what: string): number | null {
  if (v === null) return null;
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (v instanceof NdArray && v.isScalar && (v.dtype === 'int64' || v.dtype === 'bool')) return v.tensor.storage[0]!;
  throw new PyRaise('TypeError', `slice ${what} must be an integer or None, not ${typeName(v)}`);
}

/** Nested Python lists/tuples of numbers or bools as flat values, shape and whether all were bools/ints. */
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

/** One Python index value as an item of tapegrad's getItem; `advanced` for integer and boolean arrays. */
function toOpItem(v: Value): { item: IndexItem; advanced: boolean } {
  if (typeof v === 'number') return { item: v, advanced: false };
  if (v === null) return { item: null, advanced: false };
  if (v instanceof PyEllipsis) return { item: '...', advanced: false };
  if (v instanceof PySlice) return { item: { start: sliceBound(v.lo, 'start'), stop: sliceBound(v.hi, 'stop'), step: sliceBound(v.step, 'step') }, advanced: false };
  if (v instanceof NdArray) {
    if (v.dtype === 'bool') {
      if (v.shape.length === 0) throw new PyRaise('NotSupported', 'a 0-d boolean index (a[True]) is not supported in this dialect');
      return { item: { mask: v.tensor }, advanced: true };
    }
    if (v.dtype !== 'int64') throw new PyRaise('IndexError', `arrays used as indices must be of integer (or boolean) type, not ${v.dtype}`);
    if (v.isScalar || v.shape.length === 0) return { item: v.tensor.storage[0]!, advanced: false };
    return { item: v.tensor, advanced: true };
  }
  if (v instanceof PyRange) {
    const out = new Int32Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = v.at(i);
    return { item: out, advanced: true };
  }
  if (v instanceof PyList || v instanceof PyTuple) {
    const n = nestedNumbers(v);
    const t = new Tensor(Float64Array.from(n.values), n.shape);
    if (n.bools) return { item: { mask: t }, advanced: true };
    if (!n.ints) throw new PyRaise('IndexError', INDEX_TYPES);
    return { item: t, advanced: true };
  }
  if (typeof v === 'boolean') throw new PyRaise('IndexError', 'a Python bool as an index is not supported in this dialect (use an integer)');
  throw new PyRaise('IndexError', INDEX_TYPES);
}

/** numpy's wording of tapegrad's index errors (the rules are the same; numpy's users read numpy's words). */
function numpyIndexError(e: unknown): unknown {
  if (!(e instanceof Error) || e instanceof PyRaise) return e;
  const msg = e.message.replace(/^(getItem|setItem): /, '');
  let m = /^index (-?\d+) is out of range for axis (\d+) with size (\d+)$/.exec(msg);
  if (m !== null) return new PyRaise('IndexError', `index ${m[1]} is out of bounds for axis ${m[2]} with size ${m[3]}`);
  m = /^too many indices for shape \[([\d,]*)\]: (\d+) axes indexed/.exec(msg);
  if (m !== null) {
    const ndim = m[1] === '' ? 0 : m[1]!.split(',').length;
    return new PyRaise('IndexError', `too many indices for array: array is ${ndim}-dimensional, but ${m[2]} were indexed`);
  }
  return new PyRaise('IndexError', msg);
}

/** A Python index resolved against a shape by tapegrad's indexing rules; `basic` when numpy returns a view. */
export interface NpIndex {
  readonly resolved: ResolvedIndex;
  readonly basic: boolean;
}

/** Resolves a Python index value (an item or a tuple of them) against `shape`, numpy's errors on failure. */
export function resolveIndex(shape: readonly number[], index: Value): NpIndex {
  const parts = (index instanceof PyTuple ? index.items : [index]).map(toOpItem);
  try {
    return { resolved: resolveOpIndex('getItem', shape, parts.map((p) => p.item)), basic: !parts.some((p) => p.advanced) };
  } catch (e) {
    throw numpyIndexError(e);
  }
}

/** `a[index]`: a view for basic indices, a copy for advanced ones, a numpy scalar for a single element. */
export function getItem(a: NdArray, index: Value): NdArray {
  if (a.isScalar || a.shape.length === 0) throw new PyRaise('IndexError', 'invalid index to scalar variable.');
  const { resolved, basic } = resolveIndex(a.shape, index);
  const t = getItemResolved(a.tensor, resolved);
  if (resolved.shape.length === 0) return new NdArray(t, a.dtype, true);
  if (!basic) return new NdArray(t, a.dtype);
  return a.view({ read: (r) => getItemResolved(r, resolved), write: (r, v) => setItemResolved(r, resolved, v) }, t);
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
  const { resolved } = resolveIndex(a.shape, index);
  const v = castForStore(value, a.dtype, valueDtype);
  const outShape = resolved.shape;
  // numpy broadcasts the value to the indexed shape; a mismatch names both shapes, as numpy does.
  const vs = v.shape;
  for (let i = 0; i < vs.length; i++) {
    const j = outShape.length - vs.length + i;
    if (j < 0 ? vs[i] !== 1 : vs[i] !== 1 && vs[i] !== outShape[j]) {
      throw new PyRaise('ValueError', `could not broadcast input array from shape (${vs.join(',')}${vs.length === 1 ? ',' : ''}) into shape (${outShape.join(',')}${outShape.length === 1 ? ',' : ''})`);
    }
  }
  a.assign(setItemResolved(a.tensor, resolved, v));
}
