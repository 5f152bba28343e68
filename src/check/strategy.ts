/**
 * Which elements of one input get finite differences: all of them when the input is small, and
 * otherwise a random-direction check, the largest and a random sample of elements, and a group
 * search for the wrong ones when the direction check fails.
 */
import { checkDirection, checkElement, locate, type DirectionalResult, type ElementResult, type Probe } from './numeric.js';
import type { StepPlan } from './plan.js';
import { sampleIndices } from './rng.js';

/** Knobs of the sampling strategy (all have defaults in {@link DEFAULT_STRATEGY}). */
export interface StrategyOptions {
  /** Inputs with at most this many elements are checked element by element (2 evaluations each). */
  readonly fullLimit: number;
  /** Random-direction checks per large input (2 evaluations each). */
  readonly directions: number;
  /** Elements with the largest |analytical| checked element-wise in a large input. */
  readonly largest: number;
  /** Uniformly sampled elements checked element-wise in a large input. */
  readonly samples: number;
  /** The group search stops after finding this many wrong elements… */
  readonly maxFound: number;
  /** …or after this many evaluations. */
  readonly searchEvaluations: number;
}

/** Defaults: element-wise up to 64 elements; else 2 directions, 8 largest + 16 random elements, search up to 4 wrong ones in 400 evaluations. */
export const DEFAULT_STRATEGY: StrategyOptions = {
  fullLimit: 64,
  directions: 2,
  largest: 8,
  samples: 16,
  maxFound: 4,
  searchEvaluations: 400,
};

/** What was checked in one input, and how. */
export interface InputCheck {
  readonly mode: 'full' | 'sampled';
  /** Element-wise results, in increasing flat index. */
  readonly elements: ElementResult[];
  /** Random-direction checks (sampled mode only). */
  readonly directional: DirectionalResult[];
  /** Flat indices the group search found wrong, kinks excluded (sampled mode only). */
  readonly located: number[];
  /**
   * A failed direction is explained by kinks: the search ran to the end and isolated only
   * non-differentiable points (a step along the direction crossed relu's kink), no wrong value.
   */
  readonly kinkExplained: boolean;
  /** False when the search hit its evaluation or found-count limit before finishing. */
  readonly searchComplete: boolean;
}

/** Flat indices of the k largest |v[i]|. */
export function largestIndices(v: Float64Array, k: number): number[] {
  if (k <= 0) return [];
  const order = Array.from({ length: v.length }, (_, i) => i);
  // A partial selection would be faster; a full sort of 10⁵ indices takes ~20 ms, fine here.
  order.sort((a, b) => Math.abs(v[b]!) - Math.abs(v[a]!));
  return order.slice(0, k);
}

/**
 * Checks `analytical` (the gradient of the probe's function w.r.t. its buffer) against finite
 * differences, element-wise on `suspects` too (e.g. where a hand formula disagrees).
 */
export function checkInput(p: Probe, analytical: Float64Array, step: StepPlan, suspects: readonly number[] = []): InputCheck {
  const { eps, tolerance: tol, rng, strategy: opts } = step;
  const n = p.x.length;
  const elementsAt = (indices: Iterable<number>): ElementResult[] =>
    [...new Set(indices)].sort((a, b) => a - b).map((k) => checkElement(p, k, analytical[k]!, eps, tol));
  if (n <= opts.fullLimit) {
    return { mode: 'full', elements: elementsAt(Array.from({ length: n }, (_, i) => i)), directional: [], located: [], kinkExplained: false, searchComplete: true };
  }
  const directional: DirectionalResult[] = [];
  for (let d = 0; d < opts.directions; d++) directional.push(checkDirection(p, analytical, 0, n, eps, tol, rng));
  const search = directional.every((r) => r.status !== 'mismatch')
    ? { elements: [], complete: true }
    : locate(p, analytical, eps, tol, rng, { maxFound: opts.maxFound, maxEvaluations: opts.searchEvaluations });
  const searched = new Set(search.elements.map((e) => e.flat));
  const picks = [...largestIndices(analytical, opts.largest), ...sampleIndices(rng, n, opts.samples), ...suspects]
    .filter((k) => !searched.has(k));
  const elements = [...elementsAt(picks), ...search.elements].sort((a, b) => a.flat - b.flat);
  const located = search.elements.filter((e) => e.status === 'mismatch').map((e) => e.flat);
  // Failed directions are explained when the finished search isolated only kinks.
  const kinkExplained = search.complete && located.length === 0 && search.elements.length > 0;
  return { mode: 'sampled', elements, directional, located, kinkExplained, searchComplete: search.complete };
}
