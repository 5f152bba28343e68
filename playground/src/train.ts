/** Steepest descent on the page's parameters, in slices short enough that the page keeps responding. */
import { Tensor, valueAndGrad } from '../../src/index.js';

type LossFn = (params: Record<string, Tensor>) => Tensor;

/** A descent that can be advanced a few iterations at a time. */
export interface Descent {
  /** Runs iterations until `budgetMs` has passed or `max` iterations ran; returns the losses seen. */
  advance(budgetMs: number, max: number): number[];
}

/**
 * Steepest descent p ← p − rate·∂loss/∂p, updating each parameter leaf's storage in place (outside any recording).
 * @example
 * const w = tensor(3, { requiresGrad: true });
 * steepestDescent((p) => p.w!.mul(p.w!), { w }, 0.25).advance(50, 1); // [9]; w is now 1.5
 */
export function steepestDescent(loss: LossFn, params: Record<string, Tensor>, rate: number): Descent {
  if (!Number.isFinite(rate) || rate <= 0) throw new Error(`train: rate must be a positive number, got ${rate}`);
  const names = Object.keys(params);
  if (names.length === 0) throw new Error('train: there are no parameters to train (every value is data)');
  const leaves = names.map((n) => params[n]!);
  const f = valueAndGrad((...ts: Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, ts[i]!]))));
  return {
    advance(budgetMs, max) {
      const start = performance.now();
      const losses: number[] = [];
      while (losses.length < max && (losses.length === 0 || performance.now() - start < budgetMs)) {
        const { value, grads } = f(...leaves);
        const v = value.item();
        if (!Number.isFinite(v)) throw new Error(`train: the loss became ${v} after ${losses.length} iterations; lower the rate`);
        losses.push(v);
        leaves.forEach((p, i) => {
          const g = grads[i]!.data();
          const s = p.storage;
          for (let k = 0; k < s.length; k++) s[k] = s[k]! - rate * g[k]!;
          p.markModified();
        });
      }
      return losses;
    },
  };
}
