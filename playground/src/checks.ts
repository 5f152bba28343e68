/**
 * The checks the page shows beside the graph: autodiff vs float64 central differences per parameter, and a
 * hand-derived gradient vs both, in the report shape of API.md's verifyGradients (so the graph overlay can read it).
 */
import { Tensor, noGrad, tensor, valueAndGrad } from '../../src/index.js';

/** Tolerances: agreement when |a − b| ≤ atol + rtol·max(|a|, |b|). */
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

/** One parameter's verdict, as API.md's verifyGradients reports it. */
export interface VerifyEntry {
  readonly name: string;
  readonly ok: boolean;
  readonly shape: readonly number[];
  readonly worst: { index: number[]; manual: number; autodiff: number; numerical: number };
  readonly diagnosis?: string;
}

/** verifyGradients' report shape. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly params: readonly VerifyEntry[];
  toString(): string;
}

type LossFn = (params: Record<string, Tensor>) => Tensor;

const agree = (a: number, b: number, t: Tolerances): boolean => Math.abs(a - b) <= t.atol + t.rtol * Math.max(Math.abs(a), Math.abs(b));

function unravel(flat: number, shape: readonly number[]): number[] {
  const index: number[] = [];
  for (let d = shape.length - 1; d >= 0; d--) {
    const n = shape[d]!;
    index.unshift(flat % n);
    flat = Math.floor(flat / n);
  }
  return index;
}

/**
 * An element's name in the reports: `W[1,0]`, or just `w` for a scalar.
 * @example
 * elementLabel('W', [1, 0]); // 'W[1,0]'
 */
export function elementLabel(name: string, index: readonly number[]): string {
  return index.length === 0 ? name : `${name}[${index.join(',')}]`;
}

/** The autodiff gradient of every parameter, from a fresh forward pass. */
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
export function numericalGradients(loss: LossFn, params: Record<string, Tensor>, eps = DEFAULTS.eps): Record<string, Float64Array> {
  const out: Record<string, Float64Array> = {};
  noGrad(() => {
    for (const name of Object.keys(params)) {
      const p = params[name]!;
      const base = Float64Array.from(p.data());
      const g = new Float64Array(base.length);
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
 * Autodiff vs central differences for every parameter.
 * @example
 * compareWithFiniteDifferences((p) => p.w!.mul(p.w!), { w: tensor(3, { requiresGrad: true }) })[0]!.ok; // true
 */
export function compareWithFiniteDifferences(loss: LossFn, params: Record<string, Tensor>, tol: Tolerances = DEFAULTS): ParamComparison[] {
  const auto = autodiffGradients(loss, params);
  const num = numericalGradients(loss, params, tol.eps);
  return Object.keys(params).map((name) => {
    const a = auto[name]!;
    const n = num[name]!;
    let maxAbsError = 0;
    let ok = true;
    a.forEach((x, k) => {
      maxAbsError = Math.max(maxAbsError, Math.abs(x - n[k]!));
      if (!agree(x, n[k]!, tol)) ok = false;
    });
    return { name, shape: params[name]!.shape, autodiff: a, numerical: n, ok, maxAbsError };
  });
}

function diagnose(manual: Float64Array, reference: Float64Array, shape: readonly number[], tol: Tolerances): string | undefined {
  if (manual.every((x) => x === 0) && reference.some((x) => x !== 0)) return 'the hand gradient is all zeros';
  let dot = 0;
  let norm = 0;
  reference.forEach((r, k) => {
    dot += r * manual[k]!;
    norm += r * r;
  });
  // Any wrong scalar is "a multiple" of the right one: only a whole tensor off by one factor says something.
  if (norm > 0 && manual.length > 1) {
    const c = dot / norm;
    if (Math.abs(c - 1) > 1e-6 && manual.every((m, k) => agree(m, c * reference[k]!, tol))) {
      const nice = [-1, 2, 0.5, -2, -0.5, 1 / 3, 3].find((f) => Math.abs(c - f) < 1e-6);
      return `the hand gradient is ${nice ?? c.toPrecision(4)} × the true one (a missing or extra constant factor or sign?)`;
    }
  }
  if (shape.length === 2 && shape[0] === shape[1]) {
    const n = shape[0]!;
    if (manual.every((m, k) => agree(m, reference[(k % n) * n + Math.floor(k / n)]!, tol))) return 'the hand gradient is transposed';
  }
  return undefined;
}

/**
 * A hand-derived gradient against autodiff and finite differences (API.md's verifyGradients, local to the page):
 * a parameter passes when its hand gradient agrees with autodiff and autodiff agrees with finite differences.
 * @example
 * const r = verifyHandGradient((p) => p.w!.mul(p.w!), { w: tensor(3, { requiresGrad: true }) }, () => ({ w: tensor(5) }));
 * r.ok; // false: d(w²)/dw at 3 is 6
 */
export function verifyHandGradient(
  loss: LossFn, params: Record<string, Tensor>, manual: (params: Record<string, Tensor>) => Record<string, Tensor>,
  tol: Tolerances = DEFAULTS,
): VerifyReport {
  const comparisons = compareWithFiniteDifferences(loss, params, tol);
  const hand = manual(params);
  const entries: VerifyEntry[] = [];
  for (const c of comparisons) {
    const given = hand[c.name];
    if (given === undefined) continue;
    const m = Float64Array.from(given.data());
    let worstK = 0;
    let worstErr = -1;
    let ok = c.ok;
    m.forEach((x, k) => {
      const err = Math.abs(x - c.autodiff[k]!);
      if (err > worstErr) {
        worstErr = err;
        worstK = k;
      }
      if (!agree(x, c.autodiff[k]!, tol)) ok = false;
    });
    const worst = { index: unravel(worstK, c.shape), manual: m[worstK]!, autodiff: c.autodiff[worstK]!, numerical: c.numerical[worstK]! };
    const diagnosis = ok ? undefined : c.ok ? diagnose(m, c.autodiff, c.shape, tol) : 'autodiff and finite differences disagree here';
    entries.push(diagnosis === undefined ? { name: c.name, ok, shape: c.shape, worst } : { name: c.name, ok, shape: c.shape, worst, diagnosis });
  }
  const ok = entries.length > 0 && entries.every((e) => e.ok);
  return {
    ok,
    params: entries,
    toString: () => entries.map((e) => {
      const w = elementLabel(e.name, e.worst.index);
      const line = `${e.ok ? 'ok  ' : 'FAIL'} d${e.name}: worst ${w} hand ${e.worst.manual.toPrecision(8)}, ` +
        `autodiff ${e.worst.autodiff.toPrecision(8)}, numerical ${e.worst.numerical.toPrecision(8)}`;
      return e.diagnosis ? `${line} — ${e.diagnosis}` : line;
    }).join('\n'),
  };
}
