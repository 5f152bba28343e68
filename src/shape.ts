/** Shape arithmetic shared by every op: sizes, strides, numpy broadcasting and axis normalisation. */

export type Shape = readonly number[];

import { show } from './validate.js';

/** `[2,3]` — the notation used in every error message. */
export function formatShape(shape: Shape): string {
  return `[${shape.join(',')}]`;
}

export function shapeSize(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

export function sameShape(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Row-major strides of a contiguous tensor. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/** Validates a user-supplied shape: whole, non-negative numbers. */
export function checkShape(op: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    const text = Array.isArray(shape) ? formatShape(shape) : show(shape);
    throw new Error(`${op}: invalid shape ${text} (expected an array of non-negative integers)`);
  }
  return shape.slice() as number[];
}

/** numpy broadcasting: align from the right; each pair of sizes must match or contain a 1. */
export function broadcastShapes(op: string, a: Shape, b: Shape): number[] {
  const n = Math.max(a.length, b.length);
  const out = new Array<number>(n);
  for (let i = 0; i < n; i++) {
    const da = a[a.length - n + i] ?? 1;
    const db = b[b.length - n + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) {
      throw new Error(
        `${op}: cannot broadcast shapes ${formatShape(a)} and ${formatShape(b)} ` +
          `(axis ${i - n} has sizes ${da} and ${db})`,
      );
    }
    out[i] = da === 1 ? db : da;
  }
  return out;
}

/**
 * Strides for reading a tensor of shape `from` as if it had the broadcast shape `to`:
 * broadcast axes get stride 0 so the same element is read again.
 */
export function broadcastStrides(from: Shape, to: Shape): number[] {
  const own = stridesOf(from);
  const offset = to.length - from.length;
  const strides = new Array<number>(to.length).fill(0);
  for (let i = 0; i < from.length; i++) {
    if (from[i] !== 1) strides[i + offset] = own[i]!;
  }
  return strides;
}

/** One axis, negative counting from the end, checked against ndim. */
export function normalizeAxis(op: string, axis: number, shape: Shape): number {
  const ndim = shape.length;
  if (!Number.isInteger(axis) || axis < -ndim || axis >= ndim) {
    throw new Error(`${op}: axis ${show(axis)} is out of range for shape ${formatShape(shape)} (ndim ${ndim})`);
  }
  return axis < 0 ? axis + ndim : axis;
}

/** Axis list for a reduction: undefined means all axes; sorted, no duplicates. */
export function normalizeAxes(op: string, axis: number | readonly number[] | undefined, shape: Shape): number[] {
  if (axis === undefined) return shape.map((_, i) => i);
  if (typeof axis !== 'number' && !Array.isArray(axis)) {
    throw new Error(`${op}: axis must be a number or a list of numbers (omit it for all axes), got ${show(axis)}`);
  }
  const list: readonly number[] = typeof axis === 'number' ? [axis] : axis;
  const axes = list.map((a) => normalizeAxis(op, a, shape)).sort((x, y) => x - y);
  for (let i = 1; i < axes.length; i++) {
    if (axes[i] === axes[i - 1]) throw new Error(`${op}: axis ${axes[i]} is repeated in ${JSON.stringify(list)}`);
  }
  return axes;
}

/** The shape after reducing `axes`; kept axes become 1 with keepDims. */
export function reducedShape(shape: Shape, axes: readonly number[], keepDims: boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    if (axes.includes(i)) {
      if (keepDims) out.push(1);
    } else out.push(shape[i]!);
  }
  return out;
}
