/**
 * Joining and re-ranking: concat (a primitive whose VJP slices g back into the parts), and stack,
 * squeeze, expandDims, flatten built from it and from reshape.
 */
import { allocate } from '../dtype.js';
import { applyOp } from '../engine/op.js';
import type { OpDef } from '../engine/op.js';
import { formatShape, normalizeAxis } from '../shape.js';
import { Tensor } from '../tensor.js';
import { getItem } from './indexing.js';
import { describe } from './indices.js';
import { expectTensor } from './operand.js';
import { cast, reshape } from './shape-ops.js';

/** Attributes of concat records: the normalised axis. */
export interface ConcatAttrs {
  readonly axis: number;
}

const concatOp: OpDef<ConcatAttrs> = {
  name: 'concat',
  formulas: ['g[..., offset_i : offset_i + n_i, ...]'],
  forward(inputs, { axis }) {
    const first = inputs[0]!;
    const shape = first.shape.slice();
    shape[axis] = inputs.reduce((s, t) => s + t.shape[axis]!, 0);
    let outer = 1;
    for (let d = 0; d < axis; d++) outer *= shape[d]!;
    let inner = 1;
    for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
    const out = allocate(first.dtype, outer * shape[axis]! * inner);
    const row = shape[axis]! * inner;
    let at = 0;
    for (const t of inputs) {
      const block = t.shape[axis]! * inner;
      const src = t.storage;
      for (let o = 0; o < outer; o++) out.set(src.subarray(o * block, (o + 1) * block), o * row + at);
      at += block;
    }
    return new Tensor(out, shape);
  },
  vjp(ctx, g) {
    const { axis } = ctx.attrs;
    let start = 0;
    return ctx.inputs.map((t, i) => {
      const n = t.shape[axis]!;
      const items: unknown[] = Array.from({ length: axis }, () => ':');
      items.push({ start, stop: start + n });
      start += n;
      return ctx.needsGrad[i] ? getItem(g, items as never) : null;
    });
  },
  // Linear: the tangents concatenated (zeros for inputs without one).
  jvp(ctx, tangents) {
    if (tangents.every((t) => !t)) return null;
    const parts = ctx.inputs.map((x, i) => tangents[i] ?? new Tensor(allocate(x.dtype, x.size), x.shape));
    return applyOp(concatOp, parts, ctx.attrs);
  },
};

function expectList(op: string, tensors: unknown): readonly Tensor[] {
  if (!Array.isArray(tensors) || tensors.length === 0) {
    throw new Error(`${op}: expects a non-empty array of tensors, got ${describe(tensors)}`);
  }
  return tensors.map((t, i) => expectTensor(op, t, `element ${i}`));
}

/** All float32, or all cast to float64: the rule of every op on mixed dtypes. */
function commonDType(tensors: readonly Tensor[]): readonly Tensor[] {
  if (tensors.every((t) => t.dtype === tensors[0]!.dtype)) return tensors;
  return tensors.map((t) => cast(t, 'float64'));
}

/**
 * Joins tensors along an existing `axis` (default 0); every other axis must match.
 * @example concat([tensor([[1, 2]]), tensor([[3, 4], [5, 6]])], 0).toArray() // [[1, 2], [3, 4], [5, 6]]
 */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'concat';
  const list = expectList(op, tensors);
  const first = list[0]!;
  if (first.ndim === 0) throw new Error(`${op}: cannot concatenate 0-d tensors (use stack)`);
  const ax = normalizeAxis(op, axis, first.shape);
  list.forEach((t, i) => {
    const ok = t.ndim === first.ndim && t.shape.every((d, k) => k === ax || d === first.shape[k]);
    if (!ok) {
      throw new Error(
        `${op}: tensor ${i} has shape ${formatShape(t.shape)}, which does not match ${formatShape(first.shape)} ` +
          `except along axis ${ax}`,
      );
    }
  });
  return applyOp(concatOp, commonDType(list), { axis: ax });
}

/**
 * Joins same-shaped tensors along a new `axis` (default 0; up to ndim, negative from the end).
 * @example stack([tensor([1, 2]), tensor([3, 4])], 1).toArray() // [[1, 3], [2, 4]]
 */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const op = 'stack';
  const list = expectList(op, tensors);
  const first = list[0]!;
  list.forEach((t, i) => {
    if (t.ndim !== first.ndim || !t.shape.every((d, k) => d === first.shape[k])) {
      throw new Error(`${op}: tensor ${i} has shape ${formatShape(t.shape)}, tensor 0 has ${formatShape(first.shape)} (all must match)`);
    }
  });
  const ax = normalizeAxis(op, axis, [...first.shape, 1]);
  return concat(list.map((t) => expandDims(t, ax)), ax);
}

/**
 * Removes size-1 axes: all of them, or only `axis` (a number or list; each must have size 1).
 * @example squeeze(tensor([[[1], [2]]])).shape // [2]
 */
export function squeeze(a: Tensor, axis?: number | readonly number[]): Tensor {
  const op = 'squeeze';
  expectTensor(op, a);
  if (axis === undefined) return reshape(a, a.shape.filter((d) => d !== 1));
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new Error(`${op}: axis must be a number or a list of numbers, got ${describe(axis)}`);
  const axes = list.map((x) => normalizeAxis(op, x, a.shape));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis ${JSON.stringify(list)} repeats an axis`);
  for (const x of axes) {
    if (a.shape[x] !== 1) throw new Error(`${op}: cannot squeeze axis ${x} of shape ${formatShape(a.shape)}: its size is ${a.shape[x]}, not 1`);
  }
  return reshape(a, a.shape.filter((_, i) => !axes.includes(i)));
}

/**
 * Inserts size-1 axes at `axis` (a number or list), positions counted in the result as numpy does.
 * @example expandDims(tensor([1, 2]), 0).shape // [1, 2]
 */
export function expandDims(a: Tensor, axis: number | readonly number[]): Tensor {
  const op = 'expandDims';
  expectTensor(op, a);
  const list = typeof axis === 'number' ? [axis] : axis;
  if (!Array.isArray(list)) throw new Error(`${op}: axis must be a number or a list of numbers, got ${describe(axis)}`);
  const nd = a.ndim + list.length;
  const probe = new Array<number>(nd).fill(1);
  const axes = list.map((x) => normalizeAxis(op, x, probe));
  if (new Set(axes).size !== axes.length) throw new Error(`${op}: axis ${JSON.stringify(list)} repeats an axis`);
  const shape: number[] = [];
  let k = 0;
  for (let i = 0; i < nd; i++) shape.push(axes.includes(i) ? 1 : a.shape[k++]!);
  return reshape(a, shape);
}

/**
 * The values as a 1-d tensor (a 0-d tensor becomes shape [1], as numpy's flatten does).
 * @example flatten(tensor([[1, 2], [3, 4]])).toArray() // [1, 2, 3, 4]
 */
export function flatten(a: Tensor): Tensor {
  expectTensor('flatten', a);
  return reshape(a, [a.size]);
}

export const JOIN_OPS = { concat: concatOp };
