/**
 * The integer-index rule. tapegrad has no integer dtype: an index or label tensor is a float tensor
 * whose values are whole numbers (float64 holds every integer up to 2⁵³ exactly, float32 up to 2²⁴).
 * Wherever indices are taken, a `Tensor`, a (nested) `number[]` or an `Int32Array` is accepted, and
 * every value is checked: 2.5, NaN or ±∞ is an error naming the op and the value, never truncated.
 */
import { formatShape } from '../shape.js';
import { Tensor } from '../tensor.js';

/** Integer indices: a float tensor holding whole numbers, a (nested) number[] or an Int32Array. */
export type IndexLike = Tensor | Int32Array | readonly number[] | readonly (readonly number[])[] | readonly unknown[];

/** Indices after validation: whole numbers, flat, with their shape. */
export interface IndexArray {
  readonly values: Int32Array;
  readonly shape: readonly number[];
}

const MAX_INDEX = 2 ** 31 - 1;

/**
 * Reads `x` as integer indices (not yet range-checked: that needs the axis size). Throws naming
 * `op` when a value is not a whole number or `x` is not index-like.
 */
export function toIndexArray(op: string, x: unknown, what = 'index'): IndexArray {
  if (x instanceof Tensor) return { values: checkedIntegers(op, x.storage, what), shape: x.shape };
  if (x instanceof Int32Array) return { values: x, shape: [x.length] };
  if (Array.isArray(x)) {
    const shape: number[] = [];
    let v: unknown = x;
    while (Array.isArray(v)) {
      shape.push(v.length);
      v = v[0];
    }
    const flat: number[] = [];
    flattenInto(op, x, 0, shape, flat, what);
    return { values: checkedIntegers(op, flat, what), shape };
  }
  throw new Error(`${op}: ${what} must be a Tensor, a number[] or an Int32Array of whole numbers, got ${describe(x)}`);
}

function flattenInto(op: string, v: unknown, depth: number, shape: number[], out: number[], what: string): void {
  if (depth === shape.length) {
    if (typeof v !== 'number') throw new Error(`${op}: ${what} holds ${describe(v)} where a whole number was expected`);
    out.push(v);
    return;
  }
  if (!Array.isArray(v) || v.length !== shape[depth]) {
    throw new Error(`${op}: ${what} is a ragged nested array (expected shape ${formatShape(shape)})`);
  }
  for (const item of v) flattenInto(op, item, depth + 1, shape, out, what);
}

function checkedIntegers(op: string, values: ArrayLike<number>, what: string): Int32Array {
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || Math.abs(v) > MAX_INDEX) {
      throw new Error(
        `${op}: ${what} value ${v} at position ${i} is not a whole number ` +
          `(indices are float tensors holding whole numbers, a number[] or an Int32Array)`,
      );
    }
    out[i] = v;
  }
  return out;
}

/** An index checked against an axis of `size` (negative counts from the end); returns it in [0, size). */
export function checkIndex(op: string, index: number, size: number, axis: number): number {
  if (index < -size || index >= size) {
    throw new Error(`${op}: index ${index} is out of range for axis ${axis} with size ${size}`);
  }
  return index < 0 ? index + size : index;
}

/** A short description of an unexpected argument for error messages. */
export function describe(x: unknown): string {
  if (x === null) return 'null';
  if (x === undefined) return 'undefined';
  if (Array.isArray(x)) return `an array ${JSON.stringify(x).slice(0, 40)}`;
  if (typeof x === 'object') return `an object ${JSON.stringify(x)?.slice(0, 40) ?? ''}`;
  if (typeof x === 'string') return `the string ${JSON.stringify(x)}`;
  return `${typeof x} ${String(x)}`;
}
