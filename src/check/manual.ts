/** Reading a user's hand-derived gradients: key matching (`W1`, `dW1`, `J_W1`), values and shapes. */
import { tensor } from '../creation.js';
import type { NestedArray } from '../tensor.js';
import { Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { diagnoseTranspose } from './diagnose.js';
import { agree, type Tolerance } from './tolerance.js';

/** A hand gradient as the user may give it. */
export type ManualValue = Tensor | NestedArray | Float64Array | Float32Array;

/** The keys a hand gradient of parameter `name` may use, in order of preference. */
export function manualKeys(name: string): string[] {
  return [name, `d${name}`, `d_${name}`, `J_${name}`, `grad_${name}`];
}

/** A hand gradient read as float64 values and a shape. */
export interface ManualArray {
  readonly key: string;
  readonly values: Float64Array;
  readonly shape: number[];
}

/** Converts one hand value; a ragged array or a non-number is an Error naming the key. */
export function readManual(fn: string, key: string, value: ManualValue): ManualArray {
  if (value instanceof Tensor) return { key, values: Float64Array.from(value.storage), shape: [...value.shape] };
  if (value instanceof Float64Array || value instanceof Float32Array) {
    return { key, values: Float64Array.from(value), shape: [value.length] };
  }
  try {
    const t = tensor(value as NestedArray);
    return { key, values: Float64Array.from(t.storage), shape: [...t.shape] };
  } catch (e) {
    throw new Error(`${fn}: manual gradient ${key} is not a Tensor or a rectangular nested array of numbers (${(e as Error).message})`);
  }
}

/** Matches hand gradients to parameters: which key serves which parameter, and which keys serve none. */
export function matchKeys(names: readonly string[], manual: Readonly<Record<string, unknown>>): { keyOf: Map<string, string>; extra: string[] } {
  // A key whose value is undefined counts as absent (e.g. `{ ...g, dW2: undefined }`).
  const present = Object.keys(manual).filter((k) => manual[k] !== undefined);
  const keyOf = new Map<string, string>();
  const used = new Set<string>();
  for (const name of names) {
    const key = manualKeys(name).find((k) => present.includes(k) && !used.has(k));
    if (key !== undefined) {
      keyOf.set(name, key);
      used.add(key);
    }
  }
  return { keyOf, extra: present.filter((k) => !used.has(k)) };
}

function squeeze(shape: readonly number[]): number[] {
  return shape.filter((s) => s !== 1);
}

/** How a hand gradient's shape relates to its parameter's. */
export interface ShapeCheck {
  /** The values can be compared element by element in the parameter's layout. */
  readonly comparable: boolean;
  /** Why not, or a remark (e.g. size-1 axes squeezed); empty when the shapes are equal. */
  readonly message: string;
  /** The recognised shape slip: the 2-d transpose, or a batch axis not summed away. */
  readonly kind?: 'transpose' | 'unsummed';
  /** The hand values mapped into the parameter's layout by undoing that slip (for display). */
  readonly aligned?: Float64Array;
  /** Undoing the slip gives the reference gradient: that was the only mistake. */
  readonly confirmed?: boolean;
}

/** Sums `values` of `shape` over `axis`. */
function sumAxis(values: Float64Array, shape: readonly number[], axis: number): Float64Array {
  const outer = shape.slice(0, axis).reduce((a, b) => a * b, 1);
  const n = shape[axis]!;
  const inner = shape.slice(axis + 1).reduce((a, b) => a * b, 1);
  const out = new Float64Array(outer * inner);
  for (let o = 0; o < outer; o++) {
    for (let k = 0; k < n; k++) {
      for (let i = 0; i < inner; i++) out[o * inner + i] = out[o * inner + i]! + values[(o * n + k) * inner + i]!;
    }
  }
  return out;
}

function matches(a: Float64Array, b: Float64Array, tol: Tolerance): boolean {
  return a.length === b.length && a.every((v, i) => agree(v, b[i]!, tol));
}

/**
 * Shapes first: equal; equal up to size-1 axes (compared, with a remark); the 2-d transpose; an
 * axis too many or too long that summing away would fix (a bias gradient not summed over the
 * batch); or different. Recognised slips are confirmed when undoing them gives `reference`.
 */
export function checkManualShape(
  name: string, m: ManualArray, shape: readonly number[], reference: Float64Array, tol: Tolerance,
): ShapeCheck {
  if (sameShape(m.shape, shape)) return { comparable: true, message: '' };
  const label = m.key === name ? `the hand gradient of ${name}` : m.key;
  const head = `${label} has shape ${formatShape(m.shape)} but ${name} is ${formatShape(shape)}`;
  if (m.values.length === reference.length && formatShape(squeeze(m.shape)) === formatShape(squeeze(shape))) {
    return { comparable: true, message: `${head}: compared after dropping size-1 axes` };
  }
  if (m.shape.length === 2 && shape.length === 2 && m.shape[0] === shape[1] && m.shape[1] === shape[0]) {
    const confirmed = diagnoseTranspose(m.values, reference, { name, shape, tol }, m.shape) !== null;
    const [r, c] = shape as [number, number];
    const aligned = new Float64Array(r * c);
    for (let i = 0; i < r; i++) for (let j = 0; j < c; j++) aligned[i * c + j] = m.values[j * r + i]!;
    return {
      comparable: false, kind: 'transpose', aligned, confirmed,
      message: confirmed
        ? `${head}: transposed? Its transpose equals the gradient (e.g. X·δᵀ where δ·Xᵀ is meant, or a column-major formula used for a row-major layout)`
        : `${head}: transposed? (its transpose does not match either)`,
    };
  }
  const target = formatShape(squeeze(shape));
  for (let axis = 0; axis < m.shape.length; axis++) {
    if (formatShape(squeeze(m.shape.filter((_, a) => a !== axis))) !== target) continue;
    const aligned = sumAxis(m.values, m.shape, axis);
    if (aligned.length !== reference.length) continue;
    const confirmed = matches(aligned, reference, tol);
    return {
      comparable: false, kind: 'unsummed', aligned, confirmed,
      message: `${head}: not summed over axis ${axis} (the batch)?` + (confirmed
        ? ` Its sum over axis ${axis} equals the gradient: a bias gradient must add up every sample's contribution`
        : ` (its sum over axis ${axis} does not match either)`),
    };
  }
  return { comparable: false, message: `${head}: a hand gradient must have its parameter's shape` };
}
