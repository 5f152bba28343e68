/**
 * The checks the page shows beside the graph: tapegrad's gradcheck (autodiff vs float64 central differences) with
 * the per-element differences for the table, and tapegrad's verifyGradients for a hand-derived gradient.
 */
import { Tensor, noGrad, tensor, valueAndGrad } from '../../src/index.js';
import { gradcheck, verifyGradients, type VerifyReport } from '../../src/check/index.js';

export type { VerifyReport } from '../../src/check/index.js';

/** The finite-difference step (and the tolerances gradcheck would use by default in float64). */
export interface Tolerances {
  eps: number;
  atol: number;
  rtol: number;
}

export const DEFAULTS: Tolerances = { eps: 1e-6, atol: 1e-7, rtol: 1e-5 };

/** Autodiff and finite differences for one parameter, element by element (row-major). */
export interface ParamComparison {
  readonly name: string;
  readonly shape: readonly number[];
  readonly autodiff: Float64Array;
  readonly numerical: Float64Array;
  readonly ok: boolean;
  readonly maxAbsError: number;
}

/** Parameters with more elements than this get no per-element finite differences in the table. */
export const TABLE_LIMIT = 400;

type LossFn = (params: Record<string, Tensor>) => Tensor;




/**
 * The autodiff gradient of every parameter, from a fresh forward pass (leaves' `.grad` untouched).
 * @example
 * autodiffGradients((p) => p.w!.mul(p.w!), { w: tensor(3, { requiresGrad: true }) }).w![0]; // 6
 */
export function autodiffGradients(loss: LossFn, params: Record<string, Tensor>): Record<string, Float64Array> {
  const names = Object.keys(params);
  const f = (...ts: Tensor[]): Tensor => loss(Object.fromEntries(names.map((n, i) => [n, ts[i]!])));
  const { grads } = valueAndGrad(f)(...names.map((n) => params[n]!));
  return Object.fromEntries(names.map((n, i) => [n, Float64Array.from(grads[i]!.data())]));
}

/**
 * Central differences (f(p + ε) − f(p − ε)) / 2ε in float64, one element at a time, for every parameter.
 * @example
 * const w = tensor(3, { requiresGrad: true });
 * numericalGradients((p) => p.w!.mul(p.w!), { w }).w![0]; // ≈ 6
 */
export function numericalGradients(
  loss: LossFn, params: Record<string, Tensor>, eps = DEFAULTS.eps, limit = TABLE_LIMIT,
): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  noGrad(() => {
    for (const name of Object.keys(params)) {
      const p = params[name]!;
      const base = Float64Array.from(p.data());
      const g = new Float64Array(base.length);
      if (base.length > limit) {
        // Two forward passes per element would stall the page; gradcheck samples big tensors for the verdict.
        out[name] = g.fill(NaN);
        continue;
      }
      for (let k = 0; k < base.length; k++) {
        const at = (delta: number): number => {
          const moved = Float64Array.from(base);
          moved[k] = base[k]! + delta;
          return loss({ ...params, [name]: tensor(moved, { shape: [...p.shape] }) }).item();
        };
        g[k] = (at(eps) - at(-eps)) / (2 * eps);
      }
      out[name] = g;
    }
  });
  return out;
}

/**
 * Autodiff vs central differences for every parameter: the verdict and max error are gradcheck's; the
 * per-element numbers (for the table) are plain central differences.
 * @example
 * compareWithFiniteDifferences((p) => p.w!.mul(p.w!), { w: tensor(3, { requiresGrad: true }) })[0]!.ok; // true
 */
export function compareWithFiniteDifferences(loss: LossFn, params: Record<string, Tensor>, tol: Tolerances = DEFAULTS): ParamComparison[] {
  const auto = autodiffGradients(loss, params);
  const num = numericalGradients(loss, params, tol.eps);
  const report = gradcheck(loss, params);
  return Object.keys(params).map((name) => {
    const entry = report.inputs.find((e) => e.name === name);
    return {
      name, shape: params[name]!.shape, autodiff: auto[name]!, numerical: num[name]!,
      ok: entry?.ok ?? false, maxAbsError: entry?.maxAbsError ?? NaN,
    };
  });
}

/**
 * A hand-derived gradient against autodiff and finite differences: tapegrad's verifyGradients.
 * @example
 * const r = verifyHandGradient((p) => p.w!.mul(p.w!), { w: tensor(3, { requiresGrad: true }) }, () => ({ w: tensor(5) }));
 * r.ok; // false: d(w²)/dw at 3 is 6
 */
export function verifyHandGradient(
  loss: LossFn, params: Record<string, Tensor>, manual: (params: Record<string, Tensor>) => Record<string, Tensor>,
): VerifyReport {
  return verifyGradients({ params, loss, manual });
}
