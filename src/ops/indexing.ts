/**
 * Indexing with gradients: numpy's `a[...]` (getItem), its functional assignment (setItem),
 * np.add.at (addAt), take and take_along_axis (gather). Two primitives do all the work, a gather
 * and a scatter-add through an offset table (kept factored, see index-plan.ts); each is the other's
 * VJP, so every order works.
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { formatShape, normalizeAxis, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { add } from './arithmetic.js';
import type { IndexItem, ResolvedIndex } from './index-resolve.js';
import { resolveIndex } from './index-resolve.js';
import { fillPlanned, gatherPlanned, scatterAddPlanned } from './index-plan.js';
import type { OffsetPlan } from './index-plan.js';
import type { IndexLike } from './indices.js';
import { toIndexArray } from './indices.js';
import type { Operand } from './operand.js';
import { expectTensor, scalarTensor } from './operand.js';
import { broadcastTo, cast, reshape } from './shape-ops.js';
import { where } from './where.js';
import { show } from '../validate.js';

/** Attributes of gatherFlat and scatterAddFlat records: the flat offsets and the result's shape. */
export interface FlatIndexAttrs {
  /** For gatherFlat, `out[i] = x[offsets[i]]`; for scatterAddFlat, `out[offsets[i]] += x[i]`. */
  readonly offsets: Int32Array;
  readonly shape: readonly number[];
  /** The same offsets, factored (index-plan.ts): when present the kernels walk it instead of `offsets`. */
  readonly plan?: OffsetPlan;
}

const gatherFlatOp: OpDef<FlatIndexAttrs> = {
  name: 'gatherFlat',
  formulas: ['scatterAdd(g, offsets, x.shape)'],
  forward([x], attrs) {
    // `offsets` is read only without a plan: with one, it is a getter that builds the whole table.
    const { plan, shape } = attrs;
    const src = x!.storage;
    if (plan) {
      const out = allocate(x!.dtype, plan.size);
      gatherPlanned(src, plan, out);
      return new Tensor(out, shape);
    }
    const offsets = attrs.offsets;
    const out = allocate(x!.dtype, offsets.length);
    for (let i = 0; i < offsets.length; i++) out[i] = src[offsets[i]!]!;
    return new Tensor(out, shape);
  },
  vjp: (ctx, g) => [scatterAddFlat(g, withShape(ctx.attrs, ctx.inputs[0]!.shape))],
  // Linear: the tangent is gathered the same way.
  jvp: (ctx, [t]) => (t ? applyOp(gatherFlatOp, [t], ctx.attrs) : null),
};

const scatterAddFlatOp: OpDef<FlatIndexAttrs> = {
  name: 'scatterAddFlat',
  formulas: ['gather(g, offsets)'],
  forward([x], attrs) {
    const { plan, shape } = attrs;
    const src = x!.storage;
    const out = allocate(x!.dtype, shapeSize(shape));
    if (plan) {
      scatterAddPlanned(src, plan, out);
    } else {
      const offsets = attrs.offsets;
      for (let i = 0; i < offsets.length; i++) out[offsets[i]!]! += src[i]!;
    }
    return new Tensor(out, shape);
  },
  vjp: (ctx, g) => [gatherFlat(g, withShape(ctx.attrs, ctx.inputs[0]!.shape))],
  // Linear: the tangent is scattered the same way.
  jvp: (ctx, [t]) => (t ? applyOp(scatterAddFlatOp, [t], ctx.attrs) : null),
};

/** The same offsets (flat table read lazily when only the plan is known) with another result shape. */
function withShape(attrs: FlatIndexAttrs, shape: readonly number[]): FlatIndexAttrs {
  if (!attrs.plan) return { offsets: attrs.offsets, shape };
  return { get offsets() { return attrs.offsets; }, shape, plan: attrs.plan };
}

/** Attributes for an index resolved by index-resolve.ts: its plan, the flat table only on demand. */
function planAttrs(r: ResolvedIndex, shape: readonly number[] = r.shape): FlatIndexAttrs {
  return { get offsets() { return r.offsets; }, shape, plan: r.plan };
}

/** `out[i] = x.storage[offset(i)]`, shaped as the attributes say (the primitive under every indexing read). */
function gatherFlat(x: Tensor, attrs: FlatIndexAttrs): Tensor {
  return applyOp(gatherFlatOp, [x], attrs);
}

/** Zeros of the attributes' shape with `x[i]` added at `offset(i)`; repeated offsets add up. */
function scatterAddFlat(x: Tensor, attrs: FlatIndexAttrs): Tensor {
  return applyOp(scatterAddFlatOp, [x], attrs);
}

function asItems(items: unknown): readonly unknown[] {
  return Array.isArray(items) ? items : [items];
}

/**
 * A Python slice `start:stop:step` for {@link getItem}; omitted parts take Python's defaults
 * (`slice(null, null, -1)` is `::-1`).
 * @example getItem(tensor([1, 2, 3, 4]), [slice(1, null, 2)]).toArray() // [2, 4]
 */
export function slice(start?: number | null, stop?: number | null, step?: number | null): { start: number | null; stop: number | null; step: number | null } {
  const parts = { start, stop, step };
  for (const [name, v] of Object.entries(parts)) {
    if (v !== undefined && v !== null && !Number.isInteger(v)) throw new Error(`slice: ${name} must be a whole number or null, got ${show(v)}`);
  }
  if (step === 0) throw new Error('slice: step cannot be zero');
  return { start: start ?? null, stop: stop ?? null, step: step ?? null };
}

/**
 * Marks a 0/1 tensor (or nested booleans) as a boolean mask index: tapegrad has no bool dtype,
 * and a bare 0/1 tensor would be read as integer indices 0 and 1.
 * @example getItem(tensor([5, 6, 7]), [boolMask(tensor([1, 0, 1]))]).toArray() // [5, 7]
 */
export function boolMask(mask: Tensor | readonly boolean[] | readonly (readonly boolean[])[]): { mask: Tensor | readonly boolean[] | readonly (readonly boolean[])[] } {
  if (!(mask instanceof Tensor) && !Array.isArray(mask)) throw new Error(`boolMask: mask must be a Tensor or a nested boolean[], got ${show(mask)}`);
  return { mask };
}

/**
 * numpy's `a[items]` with numpy's rules: `items` is the index tuple as an array (a single non-array
 * item may be passed bare). Whole numbers drop their axis (negative from the end); slices
 * (`slice(1, 3)`, `{ start: 1 }`, `'1:3'`, `'::-1'`) clamp as in Python; `null` adds an axis;
 * `'...'` fills the rest; integer arrays or tensors index element-wise, broadcast together, and
 * are placed where they stand when adjacent, first otherwise; boolean masks select. The result is
 * always a copy; its gradient scatter-adds `g` back (repeated indices add).
 * @example
 * const a = tensor([[1, 2, 3], [4, 5, 6]]);
 * getItem(a, [1]).toArray();             // [4, 5, 6]
 * getItem(a, [':', slice(null, null, -1)]).toArray(); // [[3, 2, 1], [6, 5, 4]]
 * getItem(a, [[0, 1], [2, 0]]).toArray(); // [3, 4]
 */
export function getItem(a: Tensor, items: readonly IndexItem[] | IndexItem): Tensor {
  expectTensor('getItem', a);
  const r = resolveIndex('getItem', a.shape, asItems(items));
  return gatherFlat(a, planAttrs(r));
}

/**
 * {@link getItem} through an index already resolved against `a.shape` (internal: the numpy
 * interpreter resolves a view's index once and re-reads it whenever the viewed array changes).
 */
export function getItemResolved(a: Tensor, r: ResolvedIndex): Tensor {
  return gatherFlat(a, planAttrs(r));
}

/**
 * The indexed part of `value`'s target, `value` broadcast to it (leading size-1 axes of `value`
 * beyond the target's rank are dropped, as numpy does in assignments), cast to `a`'s dtype.
 */
function valueFor(op: string, a: Tensor, value: Operand, r: ResolvedIndex): Tensor {
  let v = typeof value === 'number' ? scalarTensor(value, a.dtype) : expectTensor(op, value, 'value');
  if (v.dtype !== a.dtype) v = cast(v, a.dtype);
  let vs = v.shape;
  while (vs.length > r.shape.length && vs[0] === 1) vs = vs.slice(1);
  const fits = vs.length <= r.shape.length && vs.every((d, i) => d === 1 || d === r.shape[r.shape.length - vs.length + i]);
  if (!fits) {
    throw new Error(`${op}: cannot broadcast a value of shape ${formatShape(v.shape)} to the indexed shape ${formatShape(r.shape)}`);
  }
  if (vs.length !== v.ndim) v = reshape(v, vs);
  return broadcastTo(v, r.shape);
}

/**
 * numpy's `a[items] = value`, functionally: a new tensor equal to `a` with the indexed part
 * replaced by `value` (broadcast to it). Where an index repeats, the last write wins, as in numpy.
 * Gradients: to `a`, g with the indexed part zeroed; to `value`, the gathered g summed to its shape.
 * NOTE: numpy's `a[idx] += v` is `setItem(a, idx, getItem(a, idx).add(v))`, so a repeated index
 * adds once (`a[[0, 0]] += 1` adds 1); {@link addAt} is `np.add.at`, which adds once per occurrence.
 * @example setItem(tensor([1, 2, 3]), [slice(0, 2)], 9).toArray() // [9, 9, 3]
 */
export function setItem(a: Tensor, items: readonly IndexItem[] | IndexItem, value: Operand): Tensor {
  expectTensor('setItem', a);
  return setItemResolved(a, resolveIndex('setItem', a.shape, asItems(items)), value);
}

/**
 * {@link setItem} through an index already resolved against `a.shape` (internal: the numpy
 * interpreter's in-place edits, also through views, resolve once).
 */
export function setItemResolved(a: Tensor, r: ResolvedIndex, value: Operand): Tensor {
  const v = valueFor('setItem', a, value, r);
  const mask = allocate(a.dtype, a.size);
  if (r.plan.unique) {
    // Basic indices never repeat a position: every element of v is written.
    fillPlanned(mask, r.plan, 1);
    return where(new Tensor(mask, a.shape), scatterAddFlat(v, planAttrs(r, a.shape)), a);
  }
  // Last write wins: keep, for each written position, the last output element that targets it.
  const all = r.offsets;
  const last = new Int32Array(a.size).fill(-1);
  for (let i = 0; i < all.length; i++) last[all[i]!] = i;
  const keep: number[] = [];
  for (let i = 0; i < all.length; i++) if (last[all[i]!] === i) keep.push(i);
  let picked = v;
  let offsets = all;
  if (keep.length !== all.length) {
    const k = Int32Array.from(keep);
    picked = gatherFlat(v, { offsets: k, shape: [k.length] });
    offsets = Int32Array.from(keep, (i) => all[i]!);
  }
  for (let i = 0; i < offsets.length; i++) mask[offsets[i]!] = 1;
  return where(new Tensor(mask, a.shape), scatterAddFlat(picked, { offsets, shape: a.shape }), a);
}

/**
 * numpy's `np.add.at(a, items, value)`, functionally: `a` plus `value` (broadcast to the indexed
 * shape) added at every indexed position, once per occurrence (repeated indices add up).
 * @example addAt(tensor([0, 0, 0]), [[0, 0, 2]], 1).toArray() // [2, 0, 1]
 */
export function addAt(a: Tensor, items: readonly IndexItem[] | IndexItem, value: Operand): Tensor {
  expectTensor('addAt', a);
  const r = resolveIndex('addAt', a.shape, asItems(items));
  return add(a, scatterAddFlat(valueFor('addAt', a, value, r), planAttrs(r, a.shape)));
}

/**
 * numpy's `take(a, indices, axis)`: the entries at whole-number `indices` along `axis`; the result
 * has shape `a.shape[:axis] + indices.shape + a.shape[axis+1:]`. Without `axis`, `a` is flattened.
 * The gradient scatter-adds (repeated indices add).
 * @example take(tensor([[1, 2], [3, 4]]), [1, 1, 0], 1).toArray() // [[2, 2, 1], [4, 4, 3]]
 */
export function take(a: Tensor, indices: IndexLike, axis?: number): Tensor {
  expectTensor('take', a);
  const index = toIndexArray('take', indices);
  const idx = new Tensor(Float64Array.from(index.values), index.shape);
  if (axis === undefined) {
    const r = resolveIndex('take', [a.size], [idx]);
    return gatherFlat(a, planAttrs(r));
  }
  const ax = normalizeAxis('take', axis, a.shape);
  const items: unknown[] = Array.from({ length: ax }, () => ':');
  items.push(idx);
  const r = resolveIndex('take', a.shape, items);
  return gatherFlat(a, planAttrs(r));
}

/**
 * numpy's `take_along_axis(a, indices, axis)` (PyTorch's `gather(a, axis, indices)`): `indices` has
 * `a`'s rank; `out[..., i, ...] = a[..., indices[..., i, ...], ...]` along `axis`, the other axes
 * broadcast between `a` and `indices`. The gradient scatter-adds.
 * @example gather(tensor([[1, 2], [3, 4]]), [[1], [0]], 1).toArray() // [[2], [3]]
 */
export function gather(a: Tensor, indices: IndexLike, axis: number): Tensor {
  const op = 'gather';
  expectTensor(op, a);
  const index = toIndexArray(op, indices);
  const ax = normalizeAxis(op, axis, a.shape);
  if (index.shape.length !== a.ndim) {
    throw new Error(`${op}: indices of shape ${formatShape(index.shape)} must have the rank of a ${formatShape(a.shape)} (${a.ndim})`);
  }
  // Every other axis is indexed by an arange placed on its own axis: numpy's broadcasting does the rest.
  const items = a.shape.map((n, d) => {
    if (d === ax) return new Tensor(Float64Array.from(index.values), index.shape);
    const shape = a.shape.map((_, e) => (e === d ? n : 1));
    return new Tensor(Float64Array.from({ length: n }, (_, i) => i), shape);
  });
  const r = resolveIndex(op, a.shape, items);
  return gatherFlat(a, planAttrs(r));
}

export const INDEXING_OPS = { gatherFlat: gatherFlatOp, scatterAddFlat: scatterAddFlatOp };
