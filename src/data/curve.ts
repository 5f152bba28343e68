/** The seed 004 curve-drawing dataset: one input t in [0, 1), two outputs, the point of a closed 2-D curve. */

/** Which curve to draw. `heart` is what seed 004's helper module `training_data()` generates. */
export type CurveTarget = 'heart' | 'lissajous';

/** Inputs `x` as `[1, n]` and targets `y` as `[2, n]`, column-major like the seed (one sample per column). */
export interface CurveData {
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly n: number;
}

/**
 * Generates the curve dataset.
 *
 * - `heart` (default): x_i = i/n, y = ((16 sin³ 2πx, 13 cos 2πx − 5 cos 4πx − 2 cos 6πx − cos 8πx)/20 + 1)/2,
 *   the target of the seed's `training_data(N=100)` helper (published copies of its BackpropModule).
 * - `lissajous`: x_i = i/(n−1), y = (0.5 + 0.35 sin 2πx, 0.5 + 0.35 sin 4πx), a simpler figure-eight.
 *
 * The data are deterministic; the randomness of seed 004 lives in the init and the gradient noise.
 *
 * @example
 * ```ts
 * const { x, y, n } = curveDataset(); // n = 100, y[0 * n + i] and y[1 * n + i] are point i
 * ```
 */
export function curveDataset(options: { n?: number; target?: CurveTarget } = {}): CurveData {
  const { n = 100, target = 'heart' } = options;
  if (!Number.isInteger(n) || n < 2) throw new Error(`curveDataset: n must be an integer ≥ 2, got ${n}`);
  if (target !== 'heart' && target !== 'lissajous') {
    throw new Error(`curveDataset: unknown target ${JSON.stringify(target)} (expected 'heart' or 'lissajous')`);
  }
  const x = new Float64Array(n);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    if (target === 'heart') {
      const t = i / n;
      const a = 2 * Math.PI * t;
      x[i] = t;
      y[i] = ((16 * Math.sin(a) ** 3) / 20 + 1) / 2;
      y[n + i] = ((13 * Math.cos(a) - 5 * Math.cos(2 * a) - 2 * Math.cos(3 * a) - Math.cos(4 * a)) / 20 + 1) / 2;
    } else {
      const t = i / (n - 1);
      x[i] = t;
      y[i] = 0.5 + 0.35 * Math.sin(2 * Math.PI * t);
      y[n + i] = 0.5 + 0.35 * Math.sin(4 * Math.PI * t);
    }
  }
  return { x, y, n };
}
