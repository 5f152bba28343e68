/** Plain central finite differences over Mat parameters: the labs' own, autodiff-free cross-check. */

import type { Mat } from './matrix.js';
import { makeRng } from './matrix.js';

/** One compared element. */
export interface FdPoint {
  index: number;
  hand: number;
  numerical: number;
  relError: number;
}

/** Result of checking one parameter on a sample of elements. */
export interface FdCheck {
  name: string;
  checked: number;
  worst: FdPoint;
  ok: boolean;
}

/**
 * Central-difference derivative of `f` with respect to element `index` of `param` (mutated, then restored).
 * @example
 * const w = mat(1, 1, [2]); fdElement(() => w.data[0]! ** 2, w, 0); // ≈ 4
 */
export function fdElement(f: () => number, param: Mat, index: number, h = 6e-6): number {
  const d = param.data;
  const old = d[index] as number;
  d[index] = old + h;
  const up = f();
  d[index] = old - h;
  const down = f();
  d[index] = old;
  return (up - down) / (2 * h);
}

/**
 * Compares a hand gradient to finite differences on every element (small params) or a seeded sample
 * of `maxElements` (large ones). An element passes when |hand − fd| ≤ atol + rtol·max(|hand|, |fd|);
 * the worst element is the one furthest over that bound, reported with its relative error.
 * @example
 * const w = mat(1, 1, [2]);
 * fdCheck('w', () => w.data[0]! ** 2, w, mat(1, 1, [4])).ok; // true
 */
export function fdCheck(
  name: string, f: () => number, param: Mat, hand: Mat,
  opts: { maxElements?: number; rtol?: number; atol?: number; seed?: number } = {},
): FdCheck {
  if (hand.rows !== param.rows || hand.cols !== param.cols) {
    throw new Error(`fdCheck: hand gradient for ${name} is [${hand.rows},${hand.cols}] but ${name} is [${param.rows},${param.cols}]`);
  }
  const n = param.data.length;
  const max = opts.maxElements ?? 64;
  const rtol = opts.rtol ?? 1e-5;
  const atol = opts.atol ?? 1e-9;
  const rng = makeRng(opts.seed ?? 0);
  const indices = n <= max ? Array.from({ length: n }, (_, i) => i) : Array.from({ length: max }, () => Math.floor(rng() * n));
  let worst: FdPoint = { index: -1, hand: 0, numerical: 0, relError: 0 };
  let worstExcess = -Infinity;
  for (const index of indices) {
    const numerical = fdElement(f, param, index);
    const h = hand.data[index] as number;
    const diff = Math.abs(h - numerical);
    const scale = Math.max(Math.abs(h), Math.abs(numerical));
    const excess = diff / (atol + rtol * scale);
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = { index, hand: h, numerical, relError: scale === 0 ? 0 : diff / scale };
    }
  }
  return { name, checked: indices.length, worst, ok: worstExcess <= 1 };
}
