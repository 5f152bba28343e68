/**
 * Finite differences on a float64 buffer: one element, one direction, and the group search that
 * finds the few elements where an analytical gradient is wrong without visiting them all.
 */
import type { Rng } from '../random.js';
import { rademacher } from './rng.js';
import { agree, type Tolerance } from './tolerance.js';

/** One input's live float64 buffer and a way to evaluate the scalar function at its contents. */
export class Probe {
  /** How many times the function has been evaluated through this probe. */
  evaluations = 0;

  /**
   * @param x the buffer being perturbed (restored bit for bit after every difference)
   * @param fn the scalar function at the current contents of `x` (and of every other input)
   * @param f0 the function at the unperturbed point
   */
  constructor(
    readonly x: Float64Array,
    private readonly fn: () => number,
    readonly f0: number,
  ) {}

  evaluate(): number {
    this.evaluations++;
    return this.fn();
  }
}

/** A central difference and the two one-sided ones from the same evaluations. */
export interface Derivative {
  readonly numerical: number;
  readonly forward: number;
  readonly backward: number;
}

/** ∂f/∂x[k] by central differences with step `eps` (the step actually representable is used). */
export function partial(p: Probe, k: number, eps: number): Derivative {
  const x = p.x;
  const xk = x[k]!;
  const xp = xk + eps;
  const xm = xk - eps;
  x[k] = xp;
  const fp = p.evaluate();
  x[k] = xm;
  const fm = p.evaluate();
  x[k] = xk;
  return {
    numerical: (fp - fm) / (xp - xm),
    forward: (fp - p.f0) / (xp - xk),
    backward: (p.f0 - fm) / (xk - xm),
  };
}

/** uᵀ∇f for `u` supported on x[lo, hi) (u[i] belongs to x[lo + i]): central and one-sided differences. */
export function directional(p: Probe, lo: number, u: Float64Array, eps: number): Derivative {
  const x = p.x;
  const saved = x.slice(lo, lo + u.length);
  for (let i = 0; i < u.length; i++) x[lo + i] = saved[i]! + eps * u[i]!;
  const fp = p.evaluate();
  for (let i = 0; i < u.length; i++) x[lo + i] = saved[i]! - eps * u[i]!;
  const fm = p.evaluate();
  x.set(saved, lo);
  return { numerical: (fp - fm) / (2 * eps), forward: (fp - p.f0) / eps, backward: (p.f0 - fm) / eps };
}

/**
 * The one-sided slopes of the smaller step `d2` still jump apart as much as those of the step 16×
 * larger `d1`: f has a kink exactly at x along this line (a smooth f's jump shrinks with the step).
 */
function kinkAtPoint(d1: Derivative, d2: Derivative, tol: Tolerance): boolean {
  return !agree(d2.forward, d2.backward, tol) && Math.abs(d2.forward - d2.backward) > 0.5 * Math.abs(d1.forward - d1.backward);
}

/** How an element's analytical value compares with finite differences. */
export type ElementStatus = 'ok' | 'mismatch' | 'kink';

/** One element checked by finite differences. */
export interface ElementResult {
  readonly flat: number;
  readonly analytical: number;
  readonly numerical: number;
  /**
   * 'kink': the function is not differentiable (or sharply curved) within the step, e.g. relu at
   * 0: the difference changes with the step or its one-sided slopes jump, and the analytical value
   * is one of them. Not a bug, and not counted as a mismatch.
   */
  readonly status: ElementStatus;
}

/**
 * Checks element k. A mismatch is re-examined with 16× and 256× smaller steps to tell a kink from
 * a bug: a kink near x stops being straddled at some smaller step (the mismatch vanishes); a kink
 * exactly at x keeps a jump between the one-sided slopes that does not shrink with the step, and
 * the analytical value lies between them. At a smooth point neither happens: a wrong gradient
 * stays a mismatch at every step.
 */
export function checkElement(p: Probe, k: number, analytical: number, eps: number, tol: Tolerance): ElementResult {
  const d1 = partial(p, k, eps);
  const result = (status: ElementStatus): ElementResult => ({ flat: k, analytical, numerical: d1.numerical, status });
  if (agree(analytical, d1.numerical, tol)) return result('ok');
  let previous = d1;
  for (const shrink of [16, 256]) {
    const d = partial(p, k, eps / shrink);
    if (agree(analytical, d.numerical, tol)) return result('kink');
    const lo = Math.min(d.forward, d.backward);
    const hi = Math.max(d.forward, d.backward);
    const between = (lo <= analytical || agree(lo, analytical, tol)) && (analytical <= hi || agree(hi, analytical, tol));
    if (between && kinkAtPoint(previous, d, tol)) return result('kink');
    previous = d;
  }
  return result('mismatch');
}

/**
 * A directional check's outcome: 'ok', 'mismatch', or 'nonsmooth' when f has a kink exactly at x
 * along the direction (e.g. a dead relu unit whose input is exactly 0): a directional derivative
 * does not exist there, so the check is inconclusive rather than failed.
 */
export type DirectionStatus = 'ok' | 'mismatch' | 'nonsmooth';

/** The outcome of one directional check of x[lo, hi). */
export interface DirectionalResult {
  readonly lo: number;
  /** The unit direction (random signs / √size) on x[lo, lo + u.length). */
  readonly u: Float64Array;
  readonly analytical: number;
  readonly numerical: number;
  readonly status: DirectionStatus;
  /** status === 'ok' */
  readonly ok: boolean;
}

/**
 * A random-sign unit direction on x[lo, hi), compared against uᵀ·analytical (2 evaluations). A
 * mismatch is retried with 16× and 256× smaller steps (2 evaluations each): agreement means a kink
 * lay within the larger step ('ok'); a jump between the one-sided slopes that persists at both
 * means a kink at x ('nonsmooth'); otherwise a real 'mismatch'. Without `refine`, any
 * disagreement at the first step is a 'mismatch'.
 */
export function checkDirection(
  p: Probe, analytical: Float64Array, lo: number, hi: number, eps: number, tol: Tolerance, rng: Rng, refine = true,
): DirectionalResult {
  const u = randomDirection(rng, hi - lo);
  let a = 0;
  for (let i = 0; i < u.length; i++) a += u[i]! * analytical[lo + i]!;
  return compareDirection(p, lo, u, a, eps, tol, refine);
}

/** A random-sign unit direction of length n (signs / √n). */
export function randomDirection(rng: Rng, n: number): Float64Array {
  const u = rademacher(rng, n);
  const scale = 1 / Math.sqrt(n);
  for (let i = 0; i < n; i++) u[i] = u[i]! * scale;
  return u;
}

/**
 * The analytical directional derivative `a` along `u` (on x[lo, lo + u.length)) against finite
 * differences, with the smaller-step retries of {@link checkDirection}. Forward mode's check uses
 * it directly: there `a` is a JVP along u.
 */
export function compareDirection(
  p: Probe, lo: number, u: Float64Array, a: number, eps: number, tol: Tolerance, refine = true,
): DirectionalResult {
  const d1 = directional(p, lo, u, eps);
  let status: DirectionStatus = 'ok';
  if (!agree(a, d1.numerical, tol)) {
    if (!refine) return { lo, u, analytical: a, numerical: d1.numerical, status: 'mismatch', ok: false };
    // Smaller steps until one agrees (a kink lay within the larger step), or the jump between the
    // one-sided slopes stops shrinking at every step (a kink at x), or it shrank: a real mismatch.
    status = 'nonsmooth';
    let previous = d1;
    for (const shrink of [16, 256]) {
      const d = directional(p, lo, u, eps / shrink);
      if (agree(a, d.numerical, tol)) {
        status = 'ok';
        break;
      }
      if (!kinkAtPoint(previous, d, tol)) status = 'mismatch';
      previous = d;
    }
  }
  return { lo, u, analytical: a, numerical: d1.numerical, status, ok: status === 'ok' };
}

/** Limits of the group search. */
export interface LocateOptions {
  /** Stop after this many wrong elements are found (kinks do not count)… */
  readonly maxFound: number;
  /** …or after this many function evaluations. */
  readonly maxEvaluations: number;
}

/** What the group search found. */
export interface LocateResult {
  /** Every isolated element, checked by {@link checkElement}: mismatches and kinks, in index order. */
  readonly elements: ElementResult[];
  /** The search ran to the end (no limit stopped it): nothing else fails a direction check. */
  readonly complete: boolean;
}

/**
 * Finds elements where `analytical` disagrees with the function, given that the whole buffer
 * failed a directional check. Depth-first bisection: each half gets a fresh random-sign direction
 * (2 evaluations, no smaller-step retries: they would double the cost); halves that fail are
 * split again, down to single elements, which are then checked element-wise (a step that crosses
 * a kink also fails a direction: such leaves come back as kinks and the search goes on, within
 * its limits). One wrong element among n costs about 4·log2(n) evaluations
 * (≈ 68 for a 784×128 weight). Fresh signs per test make cancellation between two wrong elements
 * in one block a coin flip, so a parent whose halves both pass is retried once with new signs.
 */
export function locate(
  p: Probe, analytical: Float64Array, eps: number, tol: Tolerance, rng: Rng, opts: LocateOptions,
): LocateResult {
  const elements: ElementResult[] = [];
  let found = 0;
  const stack: [number, number][] = [[0, p.x.length]];
  const stopAt = p.evaluations + opts.maxEvaluations;
  while (stack.length > 0 && found < opts.maxFound && p.evaluations < stopAt) {
    const [lo, hi] = stack.pop()!;
    if (hi - lo === 1) {
      const e = checkElement(p, lo, analytical[lo]!, eps, tol);
      if (e.status !== 'ok') elements.push(e);
      if (e.status === 'mismatch') found++;
      continue;
    }
    const mid = (lo + hi) >>> 1;
    let failing: [number, number][] = [];
    for (let attempt = 0; attempt < 2 && failing.length === 0; attempt++) {
      for (const [l, h] of [[lo, mid], [mid, hi]] as const) {
        if (!checkDirection(p, analytical, l, h, eps, tol, rng, false).ok) failing.push([l, h]);
      }
    }
    // Pushed right first so the left half is searched first: elements come out in index order.
    failing = failing.reverse();
    stack.push(...failing);
  }
  return { elements, complete: stack.length === 0 };
}
