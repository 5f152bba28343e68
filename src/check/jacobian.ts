/**
 * `verifyJacobian`: hand-written Jacobians of a vector output against autodiff and finite
 * differences. Layout convention (numerator layout, as JAX's jacobian and torch's
 * autograd.functional.jacobian): J_p has shape [...output.shape, ...p.shape] and
 * J_p[i..., j...] = ∂output[i...] / ∂p[j...]; for vectors, one row per output.
 */
import { checkNumericOptions } from './arguments.js';
import { show } from '../validate.js';
import { tensor } from '../creation.js';
import { valueAndGrad } from '../engine/grad.js';
import { noGrad } from '../engine/mode.js';
import { mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { Tensor } from '../tensor.js';
import { formatShape, shapeSize } from '../shape.js';
import { checkManualShape, matchKeys, readManual, type ManualArray, type ManualValue } from './manual.js';
import type { ElementResult } from './numeric.js';
import { float64Of, namedParams } from './params.js';
import { exactTolerance, numericalTolerance, planJacobian, type ThreeWayTolerances } from './plan.js';
import { agree, maxAbs } from './tolerance.js';
import { formatVerify, judge, type Evidence, type VerifyReport } from './verify.js';

/** The layout sentence every Jacobian report prints. */
export const JACOBIAN_LAYOUT =
  'numerator layout: J_p has shape [...output.shape, ...p.shape], J_p[i..., j...] = ∂output[i...]/∂p[j...] (one row per output element)';

/** Arguments of {@link verifyJacobian}. */
export interface VerifyJacobianOptions extends ThreeWayTolerances {
  readonly params: Readonly<Record<string, Tensor>>;
  /** The vector (or any-shaped) output as a function of the parameters. */
  readonly outputs: (params: Record<string, Tensor>) => Tensor;
  /** Hand-written Jacobians keyed `J_W1` (or `W1`, `dW1`), in numerator layout. */
  readonly manual: (params: Record<string, Tensor>) => Readonly<Record<string, ManualValue>>;
  /** Refuse Jacobians with more entries than this (default 2 000 000): use gradcheck's vᵀJ instead. */
  readonly maxEntries?: number;
}

/** M read in denominator layout [...p, ...out], re-laid in numerator layout [...out, ...p]. */
function fromDenominator(values: Float64Array, nOut: number, nP: number): Float64Array {
  const out = new Float64Array(nOut * nP);
  for (let i = 0; i < nOut; i++) for (let j = 0; j < nP; j++) out[i * nP + j] = values[j * nOut + i]!;
  return out;
}

/**
 * Compares hand-written Jacobians with autodiff (one backward pass per output element) and with
 * float64 central differences (two evaluations per parameter element, each giving a whole
 * column), every entry; the verdict and diagnoses are verifyGradients'. A hand Jacobian in
 * denominator layout ([...p.shape, ...output.shape]) is named as such. Kinks are not separated
 * from errors in this mode.
 *
 * @example
 * const x = tensor([0.5, -1, 2]);
 * const report = verifyJacobian({
 *   params: { w: tensor([0.3, 0.7, -0.2]) },
 *   outputs: (p) => p.w!.mul(x).tanh(),                      // shape [3]
 *   manual: (p) => {
 *     const d = ones([3]).sub(p.w!.mul(x).tanh().pow(2)).mul(x).toArray() as number[];
 *     return { J_w: d.map((di, i) => d.map((_, j) => (i === j ? di : 0))) }; // [3 outputs, 3 params]
 *   },
 * });
 * report.ok; // true
 */
export function verifyJacobian(options: VerifyJacobianOptions): VerifyReport {
  const start = performance.now();
  const fn = 'verifyJacobian';
  checkNumericOptions(fn, options);
  const { params, outputs, manual } = options;
  if (typeof outputs !== 'function') throw new Error(`${fn}: outputs must be a function, got ${show(outputs)}`);
  if (typeof manual !== 'function') throw new Error(`${fn}: manual must be a function, got ${show(manual)}`);
  const { names, tensors, record, copies, copyTensors, lowPrecision } = namedParams(fn, params);
  const call = (ts: readonly Tensor[]): Tensor => {
    const y = outputs(record(ts));
    if (!(y instanceof Tensor)) throw new Error(`${fn}: outputs must return a Tensor, got ${typeof y}`);
    return y;
  };
  const y0 = noGrad(() => call(tensors));
  const plan = planJacobian(fn, options, lowPrecision || y0.dtype === 'float32');
  const { eps } = plan;
  const outShape = [...y0.shape];
  const nOut = y0.size;
  const totalEntries = nOut * tensors.reduce((s, t) => s + t.size, 0);
  if (totalEntries > plan.maxEntries) {
    throw new Error(`${fn}: the Jacobians have ${totalEntries} entries (output ${formatShape(outShape)}); check vᵀJ with gradcheck instead`);
  }

  // Autodiff: row i is the gradient of output[i].
  const rowsAD = tensors.map((t) => new Float64Array(nOut * t.size));
  for (let i = 0; i < nOut; i++) {
    const e = new Float64Array(nOut);
    e[i] = 1;
    const ei = tensor(y0.dtype === 'float32' ? Float32Array.from(e) : e, { shape: outShape });
    const { grads } = valueAndGrad((...ts: Tensor[]) => sum(mul(call(ts), ei)))(...tensors);
    grads.forEach((g, p) => rowsAD[p]!.set(float64Of(g), i * tensors[p]!.size));
  }

  const hand = noGrad(() => manual({ ...params }));
  const { keyOf, extra } = matchKeys(names, hand);
  const problems = extra.map((k) => `manual Jacobian ${k} matches no parameter (parameters: ${names.join(', ')})`);

  const evaluate = (): Float64Array => Float64Array.from(noGrad(() => call(copyTensors)).storage);
  const yRef = evaluate();
  const numTol = numericalTolerance(plan, maxAbs(yRef));
  let evaluations = 1;

  const reports = names.map((name, p) => {
    const t = tensors[p]!;
    const nP = t.size;
    const jShape = [...outShape, ...t.shape];
    const jName = `J_${name}`;
    const a = rowsAD[p]!;
    // Numerical: each parameter element gives one column.
    const x = copies[p]!;
    const num = new Float64Array(nOut * nP);
    for (let k = 0; k < nP; k++) {
      const xk = x[k]!;
      x[k] = xk + eps;
      const yp = evaluate();
      x[k] = xk - eps;
      const ym = evaluate();
      x[k] = xk;
      const h = (xk + eps) - (xk - eps);
      for (let i = 0; i < nOut; i++) num[i * nP + k] = (yp[i]! - ym[i]!) / h;
    }
    evaluations += 2 * nP;
    const elements: ElementResult[] = Array.from(a, (v, f) => ({
      flat: f, analytical: v, numerical: num[f]!, status: agree(v, num[f]!, numTol) ? 'ok' : 'mismatch',
    }));
    const exact = exactTolerance(plan, a);
    const key = keyOf.get(name);
    const m: ManualArray | null = key === undefined ? null : readManual(fn, key, hand[key] as ManualValue);
    let values: Float64Array | null = null;
    let shapeSlip: Evidence['shapeSlip'] = {};
    let shapeMessage = '';
    if (m === null) {
      shapeMessage = `the hand Jacobian of ${name} is missing (expected a key J_${name})`;
    } else if (shapeSize(m.shape) === nOut * nP && formatShape(m.shape) === formatShape([...t.shape, ...outShape]) && formatShape(m.shape) !== formatShape(jShape)) {
      const aligned = fromDenominator(m.values, nOut, nP);
      const confirmed = aligned.every((v, f) => agree(v, a[f]!, exact));
      shapeSlip = { kind: 'transpose', aligned, confirmed };
      shapeMessage = `${m.key} has shape ${formatShape(m.shape)}, the denominator layout [...${name}.shape, ...output.shape]; tapegrad compares numerator layout ${formatShape(jShape)}`
        + (confirmed ? ': its values are the right Jacobian in the other layout — transpose it' : '');
    } else {
      const s = checkManualShape(jName, m, jShape, a, exact);
      shapeMessage = s.message;
      values = s.comparable ? m.values : null;
      shapeSlip = s;
    }
    return judge({
      name: jName, shape: jShape, m, manual: values, shapeSlip, shapeMessage,
      autodiff: a, check: { mode: 'full', elements, directional: [], located: [], kinkExplained: false, searchComplete: true }, exact, numTol,
    }, plan);
  });
  const report: VerifyReport = {
    ok: problems.length === 0 && reports.every((r) => r.ok),
    params: reports, problems, eps, evaluations, title: fn, layout: JACOBIAN_LAYOUT,
    seconds: (performance.now() - start) / 1000,
    toString: () => formatVerify(report),
  };
  return report;
}
