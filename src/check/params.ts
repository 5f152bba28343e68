/** What verifyGradients and verifyJacobian share: named parameters, their float64 copies, tolerances. */
import { tensor } from '../creation.js';
import { Tensor } from '../tensor.js';
import {
  EXACT_TOLERANCE, FLOAT32_TOLERANCE, FLOAT64_TOLERANCE, maxAbs, noiseFloor, withFloor, type Tolerance,
} from './tolerance.js';

/** A float64 copy of a tensor's values. */
export function float64Of(t: Tensor): Float64Array {
  return Float64Array.from(t.storage);
}

/** Tolerance options of a three-way check (hand formula, autodiff, finite differences). */
export interface ThreeWayTolerances {
  /** Finite-difference step; default cbrt(2⁻⁵²) ≈ 6.06e-6. */
  readonly eps?: number;
  /** Tolerances of every comparison with finite differences (defaults as gradcheck's). */
  readonly atol?: number;
  readonly rtol?: number;
  /**
   * Tolerances of hand formula vs autodiff, both exact computations: default rtol 1e-9 and
   * atol 1e-12·max(1, max|autodiff|) in float64 (float32 parameters: gradcheck's float32 ones).
   */
  readonly exactAtol?: number;
  readonly exactRtol?: number;
}

/** Named parameters, validated, with float64 copies that finite differences perturb in place. */
export interface NamedParams {
  readonly names: string[];
  readonly tensors: Tensor[];
  /** Any dtype float32: float32 tolerances apply. */
  readonly lowPrecision: boolean;
  /** The record `{ name: ts[i] }` the user's functions take. */
  record(ts: readonly Tensor[]): Record<string, Tensor>;
  readonly copies: Float64Array[];
  /** The copies as float64 tensors sharing their buffers (perturbing a copy changes the tensor). */
  readonly copyTensors: Tensor[];
}

/** Validates `params` (every value a Tensor, named in the error otherwise) and copies them. */
export function namedParams(fn: string, params: unknown): NamedParams {
  if (params === null || typeof params !== 'object') throw new Error(`${fn}: params must be a Record<string, Tensor>`);
  const names = Object.keys(params);
  const tensors = names.map((n) => {
    const t = (params as Record<string, unknown>)[n];
    if (!(t instanceof Tensor)) throw new Error(`${fn}: params.${n} must be a Tensor`);
    return t;
  });
  const copies = tensors.map((t) => float64Of(t));
  return {
    names, tensors, copies,
    lowPrecision: tensors.some((t) => t.dtype === 'float32'),
    record: (ts) => Object.fromEntries(names.map((n, i) => [n, ts[i]!])),
    copyTensors: copies.map((c, i) => tensor(c, { shape: [...tensors[i]!.shape], copy: false })),
  };
}

/** Tolerance vs finite differences, atol raised to the noise floor of a function of size `scale`. */
export function numericalTolerance(o: ThreeWayTolerances, low: boolean, scale: number, eps: number): Tolerance {
  const base = low ? FLOAT32_TOLERANCE : FLOAT64_TOLERANCE;
  return withFloor({ atol: o.atol ?? base.atol, rtol: o.rtol ?? base.rtol }, noiseFloor(scale, eps));
}

/** Tolerance of hand formula vs autodiff (see {@link ThreeWayTolerances}). */
export function exactTolerance(o: ThreeWayTolerances, low: boolean, autodiff: Float64Array): Tolerance {
  if (low) return FLOAT32_TOLERANCE;
  return { atol: o.exactAtol ?? EXACT_TOLERANCE.atol * Math.max(1, maxAbs(autodiff)), rtol: o.exactRtol ?? EXACT_TOLERANCE.rtol };
}
