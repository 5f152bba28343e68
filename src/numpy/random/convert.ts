/** Conversions between interpreter values and the plain numbers and arrays the random, pyplot and keras engines take. */
import { tensor } from '../../creation.js';
import { asTensor, isNdArray, listItems, makeNdArray, type CallContext, type NdArrayView, type NpDtype, type PyValue } from '../host.js';

/** A row-major array of numbers with its shape. */
export interface Numbers {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
  /** The numpy dtype it came with ('float64' for Python lists of floats, 'int64' for lists of ints). */
  readonly dtype: NpDtype;
}

/**
 * An ndarray, a Python number or a (nested) list of numbers as {@link Numbers}; null when it is none of them.
 * @example
 * ```ts
 * toNumbers(pyList).shape; // [3]
 * ```
 */
export function toNumbers(v: PyValue): Numbers | null {
  if (isNdArray(v)) {
    const view = v as NdArrayView;
    return { shape: view.tensor.shape, data: view.tensor.storage, dtype: view.dtype };
  }
  if (typeof v === 'number' || typeof v === 'boolean') {
    const t = asTensor(v);
    if (t === null) return null;
    return { shape: [], data: t.storage, dtype: Number.isInteger(t.storage[0]) ? 'int64' : 'float64' };
  }
  const items = listItems(v);
  if (items !== null) {
    // Item by item, so lists of 0-d arrays (np.float64 results appended to a list) work as numbers do.
    const parts = items.map((x) => toNumbers(x));
    if (parts.some((q) => q === null)) return null;
    const ps = parts as Numbers[];
    const inner = ps[0]?.shape ?? [];
    if (ps.some((q) => q.shape.length !== inner.length || q.shape.some((d, k) => d !== inner[k]))) return null;
    const data: number[] = [];
    for (const q of ps) for (let i = 0; i < q.data.length; i++) data.push(q.data[i]!);
    const dtype: NpDtype = ps.every((q) => q.dtype === 'int64' || q.dtype === 'bool') ? 'int64' : 'float64';
    return { shape: [ps.length, ...inner], data, dtype };
  }
  const t = asTensor(v);
  if (t === null) return null;
  return { shape: t.shape, data: t.storage, dtype: 'float64' };
}

/** Like {@link toNumbers}, but a call-site error naming `what` when `v` is not numeric. */
export function numbersArg(ctx: CallContext, fn: string, what: string, v: PyValue): Numbers {
  const n = toNumbers(v);
  if (n === null) throw ctx.error(`${fn}: ${what} must be a number, a list of numbers or an array, got ${describe(v)}`);
  return n;
}

/** A short description of a value for error messages. */
export function describe(v: PyValue): string {
  if (v === null || v === undefined) return 'None';
  if (typeof v === 'string') return `the string ${JSON.stringify(v)}`;
  if (isNdArray(v)) return `an array of shape (${(v as NdArrayView).tensor.shape.join(', ')})`;
  return typeof v;
}

/** A new ndarray from row-major data (copied into a float64 tensor) with a numpy dtype. */
export function ndarray(data: ArrayLike<number>, shape: readonly number[], dtype: NpDtype = 'float64'): PyValue {
  const storage = data instanceof Float64Array ? data : Float64Array.from(data);
  return makeNdArray(tensor(storage, { shape: [...shape], copy: false }), dtype);
}
