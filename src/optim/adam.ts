/** Adam (Kingma & Ba 2015) with bias-corrected first and second moments. */
import { expectOptions } from '../validate.js';
import type { FloatArray } from '../dtype.js';
import { updateKernels } from '../kernels/update.js';
import { checkHyper, Optimizer, type ParamsInput } from './optimizer.js';

/** Options of {@link Adam} (defaults lr 0.001, β₁ 0.9, β₂ 0.999, ε 1e-8). */
export interface AdamOptions {
  /** Learning rate. */
  lr?: number;
  /** Decay of the first-moment estimate. */
  beta1?: number;
  /** Decay of the second-moment estimate. */
  beta2?: number;
  /** Added to the denominator for stability. */
  eps?: number;
}

/**
 * Adam: `m ← β₁m + (1−β₁)g`, `v ← β₂v + (1−β₂)g²`, `w ← w − η m̂ / (√v̂ + ε)` with
 * `m̂ = m / (1−β₁ᵗ)`, `v̂ = v / (1−β₂ᵗ)`.
 *
 * @example
 * ```ts
 * const opt = new Adam(model.namedParameters(), { lr: 1e-3 });
 * ```
 */
export class Adam extends Optimizer {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;

  constructor(params: ParamsInput, options: AdamOptions = {}) {
    expectOptions('Adam', options, ['lr', 'beta1', 'beta2', 'eps']);
    super('Adam', params, ['m', 'v']);
    this.lr = checkHyper('Adam', 'lr', options.lr ?? 1e-3, 0, Infinity, true);
    this.beta1 = checkHyper('Adam', 'beta1', options.beta1 ?? 0.9, 0, 1);
    this.beta2 = checkHyper('Adam', 'beta2', options.beta2 ?? 0.999, 0, 1);
    this.eps = checkHyper('Adam', 'eps', options.eps ?? 1e-8, 0);
    if (this.beta1 === 1 || this.beta2 === 1) throw new Error('Adam: beta1 and beta2 must be < 1 (bias correction divides by 1 − βᵗ)');
  }

  get hyper(): Record<string, number> {
    return { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps };
  }

  protected update(w: FloatArray, g: FloatArray, state: Record<string, Float64Array>): void {
    const { lr, beta1, beta2, eps } = this;
    // The loop lives in src/kernels/update.ts (a native backend may replace it, bit for bit).
    updateKernels().adam(w, g, state.m!, state.v!, lr, beta1, beta2, eps, 1 - beta1 ** this.steps, 1 - beta2 ** this.steps);
  }
}
