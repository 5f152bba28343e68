/** Stochastic gradient descent, plain or with seed 003's momentum (v ← γv + ηg, w ← w − v). */
import { expectOptions } from '../validate.js';
import type { FloatArray } from '../dtype.js';
import { updateKernels } from '../kernels/update.js';
import { checkHyper, Optimizer, type ParamsInput } from './optimizer.js';

/** Options of {@link SGD}. */
export interface SGDOptions {
  /** Learning rate η. */
  lr: number;
  /** Momentum γ (0 = plain SGD). */
  momentum?: number;
}

/**
 * SGD: `w ← w − η g`; with momentum γ > 0, the seed 003 form `v ← γ v + η g; w ← w − v`
 * (equal to PyTorch's `v ← γ v + g; w ← w − η v` while η is constant).
 *
 * @example
 * ```ts
 * const opt = new SGD(model.namedParameters(), { lr: 0.1, momentum: 0.9 });
 * loss.backward(); opt.step(); opt.zeroGrad();
 * ```
 */
export class SGD extends Optimizer {
  readonly lr: number;
  readonly momentum: number;

  constructor(params: ParamsInput, options: SGDOptions) {
    if (options === undefined) throw new Error('SGD: options { lr, momentum? } are required (lr has no default)');
    expectOptions('SGD', options, ['lr', 'momentum']);
    const momentum = checkHyper('SGD', 'momentum', options.momentum ?? 0, 0, 1);
    super(momentum > 0 ? 'SGD+momentum' : 'SGD', params, momentum > 0 ? ['velocity'] : []);
    this.lr = checkHyper('SGD', 'lr', options.lr, 0, Infinity, true);
    this.momentum = momentum;
  }

  get hyper(): Record<string, number> {
    return { lr: this.lr, momentum: this.momentum };
  }

  protected update(w: FloatArray, g: FloatArray, state: Record<string, Float64Array>): void {
    // The loops live in src/kernels/update.ts (a native backend may replace them, bit for bit).
    if (this.momentum === 0) updateKernels().sgd(w, g, this.lr);
    else updateKernels().momentum(w, g, state.velocity!, this.lr, this.momentum);
  }
}
