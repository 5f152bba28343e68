/**
 * The optimizers' in-place parameter updates (SGD, momentum, Adam) on raw buffers: the TypeScript
 * reference, and the one switch point where a faster backend (the native addon today, wasm later)
 * installs its own. Every faster kernel must give the same bits as the reference (tests check it).
 */
import type { FloatArray } from '../dtype.js';

/** The update kernels. `w` is written in place; `v`/`m` (float64 state) too. */
export interface UpdateKernels {
  /** w ← w − lr·g */
  sgd(w: FloatArray, g: FloatArray, lr: number): void;
  /** v ← mom·v + lr·g; w ← w − v (seed 003's momentum) */
  momentum(w: FloatArray, g: FloatArray, v: Float64Array, lr: number, mom: number): void;
  /**
   * m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²; w ← w − lr·(m/c1) / (√(v/c2) + ε),
   * with the bias corrections c1 = 1 − β₁ᵗ, c2 = 1 − β₂ᵗ computed by the caller.
   */
  adam(w: FloatArray, g: FloatArray, m: Float64Array, v: Float64Array,
    lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number): void;
}

/**
 * The reference loops. Each step is one IEEE double operation in a fixed order, and a float32
 * parameter is rounded once, on the store: the native kernels replicate exactly this.
 *
 * @example
 * ```ts
 * const w = Float64Array.of(1, 2);
 * referenceUpdates.sgd(w, Float64Array.of(10, 20), 0.1); // w is now [0, 0]
 * ```
 */
export const referenceUpdates: UpdateKernels = {
  sgd(w, g, lr) {
    for (let i = 0; i < w.length; i++) w[i] = w[i]! - lr * g[i]!;
  },
  momentum(w, g, v, lr, mom) {
    for (let i = 0; i < w.length; i++) {
      const vi = mom * v[i]! + lr * g[i]!;
      v[i] = vi;
      w[i] = w[i]! - vi;
    }
  },
  adam(w, g, m, v, lr, beta1, beta2, eps, c1, c2) {
    for (let i = 0; i < w.length; i++) {
      const gi = g[i]!;
      const mi = beta1 * m[i]! + (1 - beta1) * gi;
      const vi = beta2 * v[i]! + (1 - beta2) * gi * gi;
      m[i] = mi;
      v[i] = vi;
      w[i] = w[i]! - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps);
    }
  },
};

let active: UpdateKernels = referenceUpdates;

/** The update kernels in use (the reference until a backend installs faster ones). */
export function updateKernels(): UpdateKernels {
  return active;
}

/** Installs update kernels (for example the native ones); returns the previous set. */
export function setUpdateKernels(kernels: UpdateKernels): UpdateKernels {
  const previous = active;
  active = kernels;
  return previous;
}
