/**
 * The one comparison rule every check uses, and the default tolerances per precision.
 *
 * Two values a and b agree when |a − b| ≤ max(atol, rtol · max(|a|, |b|)). Equivalently the
 * relative error |a − b| / max(|a|, |b|, atol / rtol) is at most rtol: that denominator is the one
 * every report states, so tiny values are judged by atol and large ones by rtol.
 */

/** Absolute and relative tolerance of one comparison. */
export interface Tolerance {
  readonly atol: number;
  readonly rtol: number;
}

/** Float64 machine epsilon. */
export const FLOAT64_EPS = 2 ** -52;

/**
 * The default finite-difference step: cbrt(float64 epsilon) ≈ 6.06e-6, which balances the
 * central difference's truncation error (∝ eps²) against rounding (∝ 1/eps).
 */
export const DEFAULT_EPS = Math.cbrt(FLOAT64_EPS);

/** The step for a function that computes in float32 whatever its inputs: cbrt(2⁻²³) ≈ 4.9e-3. */
export const FLOAT32_EPS_STEP = Math.cbrt(2 ** -23);

/** Analytical gradient computed in float64 vs float64 central differences. */
export const FLOAT64_TOLERANCE: Tolerance = { atol: 1e-7, rtol: 1e-5 };
/** Analytical gradient computed in float32 (its own rounding dominates) vs float64 differences. */
export const FLOAT32_TOLERANCE: Tolerance = { atol: 1e-5, rtol: 1e-3 };
/** Two exact float64 gradients (hand formula vs autodiff): only summation order may differ. */
export const EXACT_TOLERANCE: Tolerance = { atol: 1e-12, rtol: 1e-9 };

/** The text of the relative-error denominator, as printed in reports. */
export const DENOMINATOR = 'max(|a|, |b|, atol/rtol)';

/** |a − b| / max(|a|, |b|, atol/rtol); NaN or ∞ − ∞ gives Infinity (always a mismatch). */
export function relError(a: number, b: number, tol: Tolerance): number {
  const diff = Math.abs(a - b);
  if (Number.isNaN(diff)) return Infinity;
  const den = Math.max(Math.abs(a), Math.abs(b), tol.atol / tol.rtol);
  return den === 0 ? (diff === 0 ? 0 : Infinity) : diff / den;
}

/** Whether a and b agree under `tol` (see the module comment). */
export function agree(a: number, b: number, tol: Tolerance): boolean {
  return relError(a, b, tol) <= tol.rtol;
}

/**
 * The finite-difference rounding noise floor: f is known to about 64 ulps of |f|, and the
 * central difference divides that by 2·eps. Absolute tolerances are raised to this floor so a
 * loss summed over many samples (|f| large) does not raise false alarms.
 */
export function noiseFloor(f0: number, eps: number): number {
  return (64 * FLOAT64_EPS * Math.max(1, Math.abs(f0))) / eps;
}

/** `tol` with atol raised to at least `floor`. */
export function withFloor(tol: Tolerance, floor: number): Tolerance {
  return floor > tol.atol ? { atol: floor, rtol: tol.rtol } : tol;
}

/** max |v[i]| (0 for an empty array). */
export function maxAbs(v: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]!));
  return m;
}
