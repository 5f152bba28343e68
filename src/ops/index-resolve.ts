/**
 * numpy's indexing rules, resolved once into source offsets: the element `i` of `a[items]` is
 * `a.storage[offsets[i]]`. The offsets are kept factored (one list per slice axis and one for the
 * advanced indices, see index-plan.ts) and flattened only when a rule needs the whole table. Every
 * indexing op (getItem, setItem, addAt, take, gather) is a gather or a scatter-add through such an
 * index, so they all share one set of rules and one VJP.
 */
import type { Shape } from '../shape.js';
import { broadcastShapes, broadcastStrides, formatShape, shapeSize, stridesOf } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { IndexArray } from './indices.js';
import { checkIndex, describe, toIndexArray } from './indices.js';
import { flatOffsets, makePlan } from './index-plan.js';
import type { OffsetPlan } from './index-plan.js';

/** A Python slice `start:stop:step`; omitted (or null) parts take Python's defaults. */
export interface Slice {
  readonly start?: number | null;
  readonly stop?: number | null;
  readonly step?: number | null;
}

/** Nested booleans, numpy's boolean index written as plain arrays. */
export type NestedBool = readonly (boolean | NestedBool)[];
/** Nested whole numbers, numpy's integer-array index written as plain arrays. */
export type NestedIndex = readonly (number | NestedIndex)[];

/**
 * A boolean mask index (numpy's `a[mask]`): tapegrad has no bool dtype, so a 0/1 tensor is marked
 * as a mask by wrapping it, `{ mask: t }` (see {@link boolMask}); nested `boolean[]` need no wrapper.
 */
export interface BoolMask {
  readonly mask: Tensor | NestedBool;
}

/**
 * One entry of an index tuple, as in numpy's `a[i, 1:3, None, ..., idx]`:
 * - a whole number: picks one position (negative counts from the end) and drops the axis;
 * - a {@link Slice} (or a string `':'`, `'1:3'`, `'::-1'`): a range, Python's clamping rules;
 * - `null`: a new axis of size 1 (numpy's `None`/`newaxis`);
 * - `'...'`: as many full slices as needed (at most one);
 * - a Tensor, `Int32Array` or nested `number[]`: an integer-array (advanced) index; several broadcast
 *   together and follow numpy's placement rule;
 * - a {@link BoolMask} or nested `boolean[]`: selects the positions where it is true.
 */
export type IndexItem = number | string | null | Slice | BoolMask | Tensor | Int32Array | NestedIndex | NestedBool;

/** The resolved index: output shape and, per output element, its flat offset into the source. */
export interface ResolvedIndex {
  readonly shape: number[];
  /** The flat table (computed from `plan` on first read). */
  readonly offsets: Int32Array;
  /** The same offsets, factored. */
  readonly plan: OffsetPlan;
}

/** A resolved index over a plan, its flat table built on first read of `offsets`. */
export function resolvedFrom(shape: number[], plan: OffsetPlan): ResolvedIndex {
  let flat: Int32Array | null = null;
  return {
    shape,
    plan,
    get offsets(): Int32Array {
      return (flat ??= flatOffsets(plan));
    },
  };
}

type Parsed =
  | { kind: 'int'; value: number }
  | { kind: 'slice'; slice: Slice }
  | { kind: 'new' }
  | { kind: 'ellipsis' }
  | { kind: 'array'; index: IndexArray }
  | { kind: 'mask'; values: ArrayLike<number>; shape: readonly number[] };

/** One factor of the output: `length` output positions, each adding `offsets[j]` to the flat offset. */
interface Factor {
  dims: number[];
  offsets: Int32Array;
}

/** Parses a Python slice written as a string: `':'`, `'1:'`, `':-1'`, `'::2'`, `'3:0:-1'`. */
export function parseSlice(op: string, text: string): Slice {
  const parts = text.split(':');
  if (parts.length < 2 || parts.length > 3) {
    throw new Error(`${op}: cannot read ${JSON.stringify(text)} as an index (expected a slice like '1:3', '::-1', or '...')`);
  }
  const read = (p: string | undefined): number | null => {
    const s = (p ?? '').trim();
    if (s === '') return null;
    const v = Number(s);
    if (!Number.isInteger(v)) throw new Error(`${op}: slice ${JSON.stringify(text)} has a part ${JSON.stringify(s)} that is not a whole number`);
    return v;
  };
  return { start: read(parts[0]), stop: read(parts[1]), step: read(parts[2]) };
}

/** Python's slice.indices(n): the start, step and length of `slice` on an axis of size n. */
export function sliceRange(op: string, slice: Slice, n: number): { start: number; step: number; length: number } {
  const part = (v: number | null | undefined, name: string): number | null => {
    if (v === undefined || v === null) return null;
    if (!Number.isInteger(v)) throw new Error(`${op}: slice ${name} ${String(v)} is not a whole number`);
    return v;
  };
  const step = part(slice.step, 'step') ?? 1;
  if (step === 0) throw new Error(`${op}: slice step cannot be zero`);
  let start = part(slice.start, 'start');
  let stop = part(slice.stop, 'stop');
  if (step > 0) {
    start = start === null ? 0 : clamp(start < 0 ? start + n : start, 0, n);
    stop = stop === null ? n : clamp(stop < 0 ? stop + n : stop, 0, n);
    return { start, step, length: stop > start ? Math.ceil((stop - start) / step) : 0 };
  }
  // Negative steps: -1 stands for "before position 0", as in CPython's PySlice_AdjustIndices.
  start = start === null ? n - 1 : clamp(start < 0 ? start + n : start, -1, n - 1);
  stop = stop === null ? -1 : clamp(stop < 0 ? stop + n : stop, -1, n - 1);
  return { start, step, length: start > stop ? Math.ceil((start - stop) / -step) : 0 };
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}

const SLICE_KEYS = new Set(['start', 'stop', 'step']);

function parseItem(op: string, item: unknown): Parsed {
  if (typeof item === 'number') {
    if (!Number.isInteger(item)) throw new Error(`${op}: index ${item} is not a whole number`);
    return { kind: 'int', value: item };
  }
  if (item === null) return { kind: 'new' };
  if (typeof item === 'string') {
    if (item === '...') return { kind: 'ellipsis' };
    return { kind: 'slice', slice: parseSlice(op, item) };
  }
  if (item instanceof Tensor || item instanceof Int32Array) return { kind: 'array', index: toIndexArray(op, item) };
  if (Array.isArray(item)) {
    let leaf: unknown = item;
    while (Array.isArray(leaf) && leaf.length > 0) leaf = leaf[0];
    if (typeof leaf === 'boolean') return maskOf(op, item);
    return { kind: 'array', index: toIndexArray(op, item) };
  }
  if (typeof item === 'object' && item !== undefined) {
    const keys = Object.keys(item);
    if ('mask' in item) return maskOf(op, (item as BoolMask).mask);
    if (keys.every((k) => SLICE_KEYS.has(k))) return { kind: 'slice', slice: item as Slice };
  }
  throw new Error(
    `${op}: cannot use ${describe(item)} as an index (expected a whole number, a slice, null, '...', ` +
      `an index tensor or array, or a boolean mask)`,
  );
}

function maskOf(op: string, mask: unknown): Parsed {
  if (mask instanceof Tensor) {
    for (let i = 0; i < mask.size; i++) {
      const v = mask.storage[i]!;
      if (v !== 0 && v !== 1) throw new Error(`${op}: boolean mask value ${v} at position ${i} is not 0 or 1`);
    }
    if (mask.ndim === 0) throw new Error(`${op}: a 0-d boolean mask is not supported`);
    return { kind: 'mask', values: mask.storage, shape: mask.shape };
  }
  if (!Array.isArray(mask)) throw new Error(`${op}: boolean mask must be a Tensor or nested boolean[], got ${describe(mask)}`);
  const shape: number[] = [];
  let v: unknown = mask;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  const values: number[] = [];
  const walk = (x: unknown, depth: number): void => {
    if (depth === shape.length) {
      if (typeof x !== 'boolean') throw new Error(`${op}: boolean mask holds ${describe(x)} where true/false was expected`);
      values.push(x ? 1 : 0);
      return;
    }
    if (!Array.isArray(x) || x.length !== shape[depth]) throw new Error(`${op}: boolean mask is a ragged nested array`);
    for (const y of x) walk(y, depth + 1);
  };
  walk(mask, 0);
  return { kind: 'mask', values, shape };
}

/**
 * Resolves numpy-style `items` against `shape`: the output shape and the flat source offset of
 * every output element. Errors name `op`, the index and the axis.
 */
export function resolveIndex(op: string, shape: Shape, items: readonly unknown[]): ResolvedIndex {
  const parsed = items.map((it) => parseItem(op, it));
  const ellipses = parsed.filter((p) => p.kind === 'ellipsis').length;
  if (ellipses > 1) throw new Error(`${op}: an index can only have a single ellipsis ('...')`);
  let consumed = 0;
  for (const p of parsed) consumed += p.kind === 'mask' ? p.shape.length : p.kind === 'int' || p.kind === 'slice' || p.kind === 'array' ? 1 : 0;
  if (consumed > shape.length) {
    throw new Error(`${op}: too many indices for shape ${formatShape(shape)}: ${consumed} axes indexed, ${shape.length} available`);
  }
  const full: Parsed = { kind: 'slice', slice: {} };
  const fill = Array.from({ length: shape.length - consumed }, () => full);
  const at = parsed.findIndex((p) => p.kind === 'ellipsis');
  const expanded = at < 0 ? [...parsed, ...fill] : [...parsed.slice(0, at), ...fill, ...parsed.slice(at + 1)];
  const advanced = expanded.some((p) => p.kind === 'array' || p.kind === 'mask');

  const strides = stridesOf(shape);
  let base = 0;
  // Basic factors in order; the advanced block is spliced in afterwards (numpy's placement rule).
  const factors: Factor[] = [];
  const adv: { axis: number; index: IndexArray }[] = [];
  let firstAdv = -1;
  let lastAdvItem = -1;
  let adjacent = true;
  let axis = 0;
  expanded.forEach((p, itemNo) => {
    const markAdvanced = (): void => {
      if (firstAdv < 0) firstAdv = factors.length;
      else if (lastAdvItem !== itemNo - 1) adjacent = false;
      lastAdvItem = itemNo;
    };
    switch (p.kind) {
      case 'new':
        factors.push({ dims: [1], offsets: new Int32Array(1) });
        return;
      case 'int':
        if (advanced) {
          markAdvanced();
          adv.push({ axis, index: { values: Int32Array.of(p.value), shape: [] } });
        } else {
          base += checkIndex(op, p.value, shape[axis]!, axis) * strides[axis]!;
        }
        axis++;
        return;
      case 'slice': {
        const { start, step, length } = sliceRange(op, p.slice, shape[axis]!);
        const offsets = new Int32Array(length);
        for (let j = 0; j < length; j++) offsets[j] = (start + j * step) * strides[axis]!;
        factors.push({ dims: [length], offsets });
        axis++;
        return;
      }
      case 'array':
        markAdvanced();
        adv.push({ axis, index: p.index });
        axis++;
        return;
      case 'mask': {
        markAdvanced();
        const k = p.shape.length;
        const covered = shape.slice(axis, axis + k);
        if (!covered.every((d, i) => d === p.shape[i])) {
          throw new Error(
            `${op}: boolean mask of shape ${formatShape(p.shape)} does not match the indexed axes ` +
              `${formatShape(covered)} (axes ${axis}..${axis + k - 1} of ${formatShape(shape)})`,
          );
        }
        // numpy's rule: a k-d mask is the k integer arrays of its nonzero() positions.
        const maskStrides = stridesOf(p.shape);
        const hits: number[] = [];
        for (let i = 0; i < p.values.length; i++) if (p.values[i] !== 0) hits.push(i);
        for (let d = 0; d < k; d++) {
          const values = new Int32Array(hits.length);
          for (let h = 0; h < hits.length; h++) values[h] = Math.floor(hits[h]! / maskStrides[d]!) % p.shape[d]!;
          adv.push({ axis: axis + d, index: { values, shape: [hits.length] } });
        }
        axis += k;
        return;
      }
      case 'ellipsis':
        return;
    }
  });
  if (advanced) {
    const block = advancedFactor(op, shape, strides, adv);
    factors.splice(adjacent ? firstAdv : 0, 0, block);
  }
  return combine(factors, base, !advanced);
}

/** The advanced indices broadcast together: one factor whose offsets sum every index's contribution. */
function advancedFactor(op: string, shape: Shape, strides: readonly number[], adv: readonly { axis: number; index: IndexArray }[]): Factor {
  let bshape: number[] = [];
  for (const { index } of adv) {
    try {
      bshape = broadcastShapes(op, bshape, index.shape);
    } catch {
      throw new Error(
        `${op}: index arrays of shapes ${adv.map((a) => formatShape(a.index.shape)).join(', ')} cannot be broadcast together`,
      );
    }
  }
  const size = shapeSize(bshape);
  const offsets = new Int32Array(size);
  for (const { axis, index } of adv) {
    const n = shape[axis]!;
    const stride = strides[axis]!;
    const values = index.values;
    for (let i = 0; i < values.length; i++) checkIndex(op, values[i]!, n, axis);
    const bs = broadcastStrides(index.shape, bshape);
    forEachOffset(bshape, bs, (j, src) => {
      const v = values[src]!;
      offsets[j]! += (v < 0 ? v + n : v) * stride;
    });
  }
  return { dims: bshape, offsets };
}

/** Calls fn(j, offset) for every position j of `shape` in row-major order, offset read through `strides`. */
function forEachOffset(shape: readonly number[], strides: readonly number[], fn: (j: number, offset: number) => void): void {
  const size = shapeSize(shape);
  const nd = shape.length;
  const index = new Array<number>(nd).fill(0);
  let offset = 0;
  for (let j = 0; j < size; j++) {
    fn(j, offset);
    for (let d = nd - 1; d >= 0; d--) {
      index[d]!++;
      offset += strides[d]!;
      if (index[d]! < shape[d]!) break;
      offset -= strides[d]! * shape[d]!;
      index[d] = 0;
    }
  }
}

/** The index as the factors' outer sum, in row-major order of the concatenated dims. */
function combine(factors: readonly Factor[], base: number, unique: boolean): ResolvedIndex {
  const shape = factors.flatMap((f) => f.dims);
  return resolvedFrom(shape, makePlan(factors.map((f) => f.offsets), base, unique));
}
