/**
 * `gradcheck`: an analytical gradient (autodiff, or a user's backward) against float64 central
 * differences, element by element for small inputs and sampled plus searched for large ones.
 */
import { checkNumericOptions, checkReport } from './arguments.js';
import { show } from '../validate.js';
import { tensor } from '../creation.js';
import { valueAndGrad } from '../engine/grad.js';
import { noGrad } from '../engine/mode.js';
import { mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { Tensor } from '../tensor.js';
import { fillNormal, type Rng } from '../random.js';
import { formatShape } from '../shape.js';
import { elementName, fmt, unravel } from './indexing.js';
import { float64Of } from './params.js';
import { compareDirection, Probe, randomDirection, type DirectionStatus, type ElementResult } from './numeric.js';
import { jvp } from '../engine/jvp.js';
import { planGradcheck, stepAt, type GradcheckPlan } from './plan.js';
import { checkInput, type InputCheck, type StrategyOptions } from './strategy.js';
import { table } from './table.js';
import { DENOMINATOR, relError, type Tolerance } from './tolerance.js';

/** Inputs to check: positional (`f(...inputs)`) or named (`f(inputs)`). */
export type CheckInputs = readonly Tensor[] | Readonly<Record<string, Tensor>>;

/** Options of {@link gradcheck}. Unset tolerances default by precision (see the report). */
export interface GradcheckOptions extends Partial<StrategyOptions> {
  /** Finite-difference step (absolute). Default cbrt(2⁻⁵²) ≈ 6.06e-6. */
  eps?: number;
  /** Default 1e-7 (float64 analytical gradient) or 1e-5 (float32); raised to the noise floor of f. */
  atol?: number;
  /** Default 1e-5 (float64) or 1e-3 (float32). */
  rtol?: number;
  /** Seed of every random choice (directions, samples, output projections). Default 0. */
  seed?: string | number;
  /** Non-scalar outputs with at most this many elements are checked row by row (full Jacobian). Default 16. */
  jacobianLimit?: number;
  /** Check only these inputs (names, or positions for an array). Default: all. */
  wrt?: readonly (string | number)[];
  /**
   * Also check forward mode, like PyTorch's `check_forward_ad`: the JVP J·t of each checked input
   * against the same float64 central differences: along every element (t = eᵢ) for small inputs,
   * along `directions` random unit tangents for large ones. Reported in `forward`. Default false.
   */
  checkForwardAD?: boolean;
}

/** One checked element, with the output element it belongs to in full-Jacobian mode. */
export interface WorstElement {
  readonly index: number[];
  readonly analytical: number;
  readonly numerical: number;
  /** Full-Jacobian mode: the output element (row of the Jacobian). */
  readonly output?: number[];
}

/** The result for one input tensor. */
export interface GradcheckInputReport {
  readonly name: string;
  readonly shape: number[];
  readonly dtype: string;
  readonly ok: boolean;
  /** 'full': every element; 'sampled': random directions, largest and random elements, search. */
  readonly mode: 'full' | 'sampled';
  /** Elements compared with a central difference (per output row in full-Jacobian mode). */
  readonly checked: number;
  /** Elements that disagree (kinks excluded). */
  readonly mismatches: number;
  /** Elements at non-differentiable points (e.g. relu at 0): reported, not counted as errors. */
  readonly kinks: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly worst: WorstElement;
  /** The first few mismatching elements. */
  readonly mismatched: WorstElement[];
  /** The first few kinks. */
  readonly kinkElements: WorstElement[];
  /** Random-direction checks: uᵀ(analytical gradient) vs the directional finite difference. */
  readonly directional: { analytical: number; numerical: number; ok: boolean; status: DirectionStatus }[];
  /** Elements the group search found wrong after a failed directional check. */
  readonly located: number[][];
  /** Failed directions whose located elements are all kinks: not counted as a failure. */
  readonly directionsExplained: boolean;
  /** False when the search for wrong elements stopped at its limits (more may exist). */
  readonly searchComplete: boolean;
  /** The relative-error denominator (a = analytical, b = numerical). */
  readonly denominator: string;
  readonly tolerance: Tolerance;
}

/** What {@link gradcheck} returns. */
export interface GradcheckReport {
  readonly ok: boolean;
  readonly inputs: GradcheckInputReport[];
  /** How a non-scalar output was reduced: each row of the Jacobian, or vᵀJ for a seeded random v. */
  readonly output: { shape: number[]; mode: 'scalar' | 'jacobian' | 'projection' };
  readonly eps: number;
  /** The dtype the finite differences were computed in (float64 unless f forces float32). */
  readonly numericDType: string;
  /** Function evaluations spent on finite differences. */
  readonly evaluations: number;
  readonly seconds: number;
  /** With `checkForwardAD`: forward mode (JVPs) against finite differences, one report per checked input. */
  readonly forward?: GradcheckInputReport[];
  /** The readable table ({@link formatGradcheck}). */
  toString(): string;
}

interface Named {
  names: string[];
  tensors: Tensor[];
  call: (ts: readonly Tensor[]) => Tensor;
}

function nameInputs(f: (...args: never[]) => Tensor, inputs: CheckInputs): Named {
  if (Array.isArray(inputs)) {
    const tensors = [...(inputs as readonly Tensor[])];
    const names = tensors.map((t, i) => (t instanceof Tensor && t.name !== undefined ? t.name : `inputs[${i}]`));
    const g = f as unknown as (...ts: Tensor[]) => Tensor;
    return { names, tensors, call: (ts) => g(...ts) };
  }
  const names = Object.keys(inputs);
  const tensors = names.map((n) => (inputs as Record<string, Tensor>)[n]!);
  const g = f as unknown as (r: Record<string, Tensor>) => Tensor;
  return { names, tensors, call: (ts) => g(Object.fromEntries(names.map((n, i) => [n, ts[i]!]))) };
}

function checkTensor(fn: string, name: string, t: unknown): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`${fn}: input ${name} must be a Tensor, got ${typeof t}`);
  return t;
}

function output(fn: string, y: unknown): Tensor {
  if (!(y instanceof Tensor)) throw new Error(`${fn}: f must return a Tensor, got ${typeof y}`);
  return y;
}

/** The rows (projections) a non-scalar output is checked along. */
function projections(y: Tensor, limit: number, rng: Rng): { mode: GradcheckReport['output']['mode']; rows: (Float64Array | null)[] } {
  if (y.size === 1) return { mode: 'scalar', rows: [null] };
  const round = y.dtype === 'float32' ? Math.fround : (v: number) => v;
  if (y.size <= limit) {
    return {
      mode: 'jacobian',
      rows: Array.from({ length: y.size }, (_, i) => {
        const v = new Float64Array(y.size);
        v[i] = 1;
        return v;
      }),
    };
  }
  const v = new Float64Array(y.size);
  fillNormal(v, rng, 0, 1);
  return { mode: 'projection', rows: [v.map(round)] };
}

/** Scalar function of the inputs seen by the checker: f itself, or ⟨v, f⟩. */
function project(call: Named['call'], v: Float64Array | null, like: Tensor): (ts: readonly Tensor[]) => Tensor {
  if (v === null) return call;
  const vt = tensor(like.dtype === 'float32' ? Float32Array.from(v) : v, { shape: [...like.shape] });
  return (ts) => sum(mul(call(ts), vt));
}

function dot(y: Tensor, v: Float64Array | null): number {
  if (v === null) return y.storage[0]!;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * y.storage[i]!;
  return s;
}

/** Per input: what was checked, merged over the output rows. */
interface Merged {
  checks: { row: number; check: InputCheck }[];
}

function toWorst(e: ElementResult, shape: readonly number[], row: number, outShape: readonly number[], jacobian: boolean): WorstElement {
  const base = { index: unravel(e.flat, shape), analytical: e.analytical, numerical: e.numerical };
  return jacobian ? { ...base, output: unravel(row, outShape) } : base;
}

function summarize(
  name: string, t: Tensor, merged: Merged, tol: Tolerance, outShape: readonly number[], jacobian: boolean,
): GradcheckInputReport {
  let checked = 0, maxAbs = 0, maxRel = 0;
  let worst: WorstElement = { index: unravel(0, t.shape), analytical: 0, numerical: 0 };
  let worstRel = -1, worstAbs = -1;
  const mismatched: WorstElement[] = [];
  const kinkElements: WorstElement[] = [];
  let mismatches = 0, kinks = 0;
  const directional: GradcheckInputReport['directional'] = [];
  const located: number[][] = [];
  let mode: 'full' | 'sampled' = 'full';
  for (const { row, check } of merged.checks) {
    if (check.mode === 'sampled') mode = 'sampled';
    for (const d of check.directional) directional.push({ analytical: d.analytical, numerical: d.numerical, ok: d.ok, status: d.status });
    for (const k of check.located) located.push(unravel(k, t.shape));
    for (const e of check.elements) {
      checked++;
      const w = toWorst(e, t.shape, row, outShape, jacobian);
      if (e.status === 'kink') {
        kinks++;
        if (kinkElements.length < 10) kinkElements.push(w);
        continue;
      }
      if (e.status === 'mismatch') {
        mismatches++;
        if (mismatched.length < 10) mismatched.push(w);
      }
      const abs = Math.abs(e.analytical - e.numerical);
      const rel = relError(e.analytical, e.numerical, tol);
      maxAbs = Math.max(maxAbs, Number.isNaN(abs) ? Infinity : abs);
      maxRel = Math.max(maxRel, rel);
      // The worst element: the largest relative error, ties broken by the absolute error.
      if (rel > worstRel || (rel === worstRel && abs > worstAbs)) {
        worstRel = rel;
        worstAbs = abs;
        worst = w;
      }
    }
  }
  // 'nonsmooth' directions are inconclusive, not failures; mismatches explained by kinks neither.
  const directionsOk = merged.checks.every(({ check }) => check.kinkExplained || check.directional.every((d) => d.status !== 'mismatch'));
  const ok = mismatches === 0 && directionsOk;
  return {
    name, shape: [...t.shape], dtype: t.dtype, ok, mode, checked, mismatches, kinks,
    maxAbsError: maxAbs, maxRelError: maxRel, worst, mismatched, kinkElements, directional, located,
    directionsExplained: directional.some((d) => d.status === 'mismatch') && directionsOk,
    searchComplete: merged.checks.every(({ check }) => check.searchComplete),
    denominator: DENOMINATOR.replace('|a|, |b|', '|analytical|, |numerical|'), tolerance: tol,
  };
}

/**
 * Checks the gradient of `f` at `inputs` against central differences computed in float64.
 *
 * - Numerical side: every input is copied to float64 and f is re-run on the copies, so a function
 *   written for float32 inputs is differentiated numerically in float64 (float32 differences are
 *   the usual false alarm). Step `eps` defaults to cbrt(float64 epsilon) ≈ 6.06e-6.
 * - Analytical side: tapegrad's `valueAndGrad` on the original inputs, in their own dtype.
 * - Small inputs (≤ `fullLimit` = 64 elements): every element. Large ones: two random-direction
 *   checks (uᵀ∇f vs a directional difference, 2 evaluations each), the 8 largest and 16 random
 *   elements, and, if a direction fails, a bisection search that names the wrong elements.
 * - A non-scalar output with ≤ `jacobianLimit` (16) elements is checked row by row (the full
 *   Jacobian, `worst.output` names the row); a larger one through vᵀJ for a seeded normal v.
 * - Elements pass when |a − n| ≤ max(atol, rtol·max(|a|, |n|)); atol is raised to the rounding
 *   noise floor 64·ε·max(1, |f|)/eps. Kinks (relu at 0) are reported apart, not as errors.
 *
 * @example
 * const x = tensor([[0.5, -1.2], [2, 0.3]]);
 * const report = gradcheck((x: Tensor) => tanh(x).mul(x).sum(), [x]);
 * report.ok;                 // true
 * console.log(String(report)); // the table: input, shape, mode, errors, worst element
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options?: GradcheckOptions): GradcheckReport;
export function gradcheck(f: (inputs: Record<string, Tensor>) => Tensor, inputs: Readonly<Record<string, Tensor>>, options?: GradcheckOptions): GradcheckReport;
export function gradcheck(f: (...args: never[]) => Tensor, inputs: CheckInputs, options: GradcheckOptions = {}): GradcheckReport {
  return runGradcheck('gradcheck', f, inputs, options);
}

/**
 * gradcheck on behalf of the public function `fn` (gradcheck or checkOp): validates the inputs,
 * evaluates f once to learn its precision, resolves the options into a plan, and runs it.
 */
export function runGradcheck(fn: string, f: (...args: never[]) => Tensor, inputs: CheckInputs, options: GradcheckOptions): GradcheckReport {
  const start = performance.now();
  if (typeof f !== 'function') throw new Error(`${fn}: f must be a function, got ${show(f)}`);
  checkNumericOptions(fn, options);
  const { names, tensors, call } = nameInputs(f, inputs);
  tensors.forEach((t, i) => checkTensor(fn, names[i]!, t));
  const y0 = output(fn, noGrad(() => call(tensors)));
  const copies = tensors.map((t) => float64Of(t));
  const copyTensors = copies.map((c, i) => tensor(c, { shape: [...tensors[i]!.shape], copy: false }));
  const yCopy = output(fn, noGrad(() => call(copyTensors)));
  const plan = planGradcheck(fn, options, names, {
    lowPrecision: y0.dtype === 'float32' || tensors.some((t) => t.dtype === 'float32'),
    numericDType: yCopy.dtype,
  });
  const { mode: outMode, rows } = projections(y0, plan.jacobianLimit, plan.rng);

  const merged: Merged[] = tensors.map(() => ({ checks: [] }));
  let evaluations = 0;
  let tol = plan.numerical;
  rows.forEach((v, row) => {
    const analytic = valueAndGrad((...ts: Tensor[]) => project(call, v, y0)(ts), plan.wrt)(...tensors).grads;
    const evaluate = (): number => dot(noGrad(() => call(copyTensors)), v);
    const f0 = evaluate();
    // float32 inside f limits the numerical side too: the plan's noise floor uses float32's epsilon.
    const step = stepAt(plan, f0);
    tol = step.tolerance;
    plan.wrt.forEach((i, j) => {
      const probe = new Probe(copies[i]!, evaluate, f0);
      const check = checkInput(probe, float64Of(analytic[j]!), step);
      merged[i]!.checks.push({ row, check });
      evaluations += probe.evaluations;
    });
  });

  const reports = plan.wrt.map((i) => summarize(names[i]!, tensors[i]!, merged[i]!, tol, y0.shape, outMode === 'jacobian'));
  let forward: GradcheckInputReport[] | undefined;
  if (plan.forwardAD) {
    const fwd = checkForward(plan, call, tensors, copies, copyTensors, rows);
    evaluations += fwd.evaluations;
    forward = plan.wrt.map((i) => summarize(names[i]!, tensors[i]!, fwd.merged[i]!, fwd.tol, y0.shape, outMode === 'jacobian'));
  }
  const report: GradcheckReport = {
    ok: reports.every((r) => r.ok) && (forward === undefined || forward.every((r) => r.ok)),
    inputs: reports,
    ...(forward === undefined ? {} : { forward }),
    output: { shape: [...y0.shape], mode: outMode },
    eps: plan.eps, numericDType: plan.numericDType, evaluations,
    seconds: (performance.now() - start) / 1000,
    toString: () => formatGradcheck(report),
  };
  return report;
}

/**
 * Forward mode against finite differences. Small inputs: the JVP along each basis tangent eᵢ is a
 * column of J, so one JVP per element serves every output row; it is checked element-wise as the
 * reverse side is. Large inputs: the JVP along `directions` random unit tangents per row, against
 * the directional difference along the same tangent.
 */
function checkForward(
  plan: GradcheckPlan, call: Named['call'], tensors: readonly Tensor[], copies: readonly Float64Array[],
  copyTensors: readonly Tensor[], rows: readonly (Float64Array | null)[],
): { merged: Merged[]; tol: Tolerance; evaluations: number } {
  const merged: Merged[] = tensors.map(() => ({ checks: [] }));
  const zeros = tensors.map((t) => new Tensor(t.dtype === 'float32' ? new Float32Array(t.size) : new Float64Array(t.size), t.shape));
  const jvpAlong = (i: number, u: Float64Array): Float64Array => {
    const ti = tensor(tensors[i]!.dtype === 'float32' ? Float32Array.from(u) : Float64Array.from(u), { shape: [...tensors[i]!.shape] });
    const { tangent } = jvp((...xs: Tensor[]) => call(xs), tensors, zeros.map((z, j) => (j === i ? ti : z)));
    return float64Of(tangent);
  };
  let evaluations = 0;
  let tol = plan.numerical;
  for (const i of plan.wrt) {
    const n = tensors[i]!.size;
    const full = n <= plan.strategy.fullLimit;
    // Small: the columns J·eₖ, shared by every row.
    const columns = full ? Array.from({ length: n }, (_, k) => { const e = new Float64Array(n); e[k] = 1; return jvpAlong(i, e); }) : [];
    rows.forEach((v, row) => {
      const evaluate = (): number => dot(noGrad(() => call(copyTensors)), v);
      const f0 = evaluate();
      const step = stepAt(plan, f0);
      tol = step.tolerance;
      const probe = new Probe(copies[i]!, evaluate, f0);
      let check: InputCheck;
      if (full) {
        check = checkInput(probe, Float64Array.from(columns, (c) => project1(c, v)), step);
      } else {
        const directionalResults = Array.from({ length: plan.strategy.directions }, () => {
          const u = randomDirection(plan.rng, n);
          return compareDirection(probe, 0, u, project1(jvpAlong(i, u), v), plan.eps, step.tolerance);
        });
        check = { mode: 'sampled', elements: [], directional: directionalResults, located: [], kinkExplained: false, searchComplete: true };
      }
      merged[i]!.checks.push({ row, check });
      evaluations += probe.evaluations;
    });
  }
  return { merged, tol, evaluations };
}

/** ⟨v, c⟩, or c's only element for a scalar output. */
function project1(c: Float64Array, v: Float64Array | null): number {
  if (v === null) return c[0]!;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]! * c[i]!;
  return s;
}

function cellName(r: GradcheckInputReport, w: WorstElement): string {
  const el = elementName(r.name, w.index);
  return w.output === undefined ? el : `∂out[${w.output.join(',')}]/∂${el}`;
}

/**
 * The readable table of a gradcheck report (what `String(report)` prints): a header with the
 * verdict, step and tolerances, one row per input, then the failing directions, the located and
 * mismatching elements (`W2[3,5]`), and kinks.
 * @example
 * console.log(formatGradcheck(gradcheck((x: Tensor) => x.tanh().sum(), [tensor([0.1, 2])])));
 */
export function formatGradcheck(report: GradcheckReport): string {
  checkReport('formatGradcheck', report, 'inputs');
  const bad = report.inputs.filter((r) => !r.ok);
  const badForward = (report.forward ?? []).filter((r) => !r.ok);
  const tolText = bad[0] ?? report.inputs[0];
  const failed = [...bad.map((r) => r.name), ...badForward.map((r) => `${r.name} (forward mode)`)];
  const head = report.ok
    ? `gradcheck passed: ${report.inputs.length} input(s) agree with ${report.numericDType} central differences${report.forward === undefined ? '' : ', reverse and forward mode'}`
    : `gradcheck FAILED: ${failed.join(', ')} disagree${failed.length === 1 ? 's' : ''} with ${report.numericDType} central differences`;
  const outText = report.output.mode === 'scalar' ? 'scalar output'
    : report.output.mode === 'jacobian' ? `output ${formatShape(report.output.shape)}: every Jacobian row checked`
    : `output ${formatShape(report.output.shape)}: vᵀJ checked for a seeded random v`;
  const lines = [
    `${head} (eps ${fmt(report.eps)}, ${outText}, ${report.evaluations} evaluations, ${report.seconds.toFixed(2)} s)`,
    tolText === undefined ? '' : `an element passes when |a − n| ≤ max(atol, rtol·max(|a|, |n|)), atol ${fmt(tolText.tolerance.atol)}, rtol ${fmt(tolText.tolerance.rtol)}; rel err = |a − n| / ${tolText.denominator}`,
    ...(report.inputs.some((r) => r.dtype === 'float32') && report.numericDType === 'float64'
      ? ['float32 inputs: finite differences ran on float64 copies of them; the analytical gradient stays float32, hence float32 tolerances']
      : []),
    ...(report.numericDType === 'float32'
      ? ['f computes in float32 even on float64 inputs: finite differences are limited by float32 rounding (step and noise floor enlarged)']
      : []),
    '',
    inputTable(report.inputs),
    ...inputDetails(report.inputs, '', 'uᵀ∇'),
  ];
  if (report.forward !== undefined) {
    lines.push('', 'forward mode (checkForwardAD): the JVP J·t against the same finite differences, t along each element (small inputs) or random unit directions', '');
    lines.push(inputTable(report.forward), ...inputDetails(report.forward, ' (forward mode)', 'vᵀJ·u'));
  }
  return lines.join('\n');
}

/** One row per input: what was checked and the worst element. */
function inputTable(reports: readonly GradcheckInputReport[]): string {
  return table(
    ['input', 'shape', 'mode', 'checked', 'bad', 'kinks', 'max abs err', 'max rel err', 'worst', 'analytical', 'numerical', ''],
    reports.map((r) => [
      r.name, formatShape(r.shape), r.mode, String(r.checked), String(r.mismatches), String(r.kinks),
      fmt(r.maxAbsError), fmt(r.maxRelError), cellName(r, r.worst), fmt(r.worst.analytical), fmt(r.worst.numerical),
      r.ok ? 'ok' : 'FAIL',
    ]),
  );
}

/** The failing directions, located and mismatching elements, and kinks of each input. */
function inputDetails(reports: readonly GradcheckInputReport[], tag: string, analytic: string): string[] {
  const lines: string[] = [];
  for (const r of reports) {
    const name = `${r.name}${tag}`;
    for (const d of r.directional.filter((x) => x.status === 'mismatch')) {
      const why = r.directionsExplained ? ' (explained: the step crossed a kink, see below)' : '';
      lines.push(`${name}: random-direction check failed${why}: ${analytic} ${fmt(d.analytical)} vs finite difference ${fmt(d.numerical)}`);
    }
    const inconclusive = r.directional.filter((x) => x.status === 'nonsmooth').length;
    if (inconclusive > 0) {
      lines.push(`${name}: ${inconclusive} random direction(s) inconclusive: f is not differentiable at this point along them (a kink exactly at x, e.g. a relu unit whose input is 0); the element checks stand`);
    }
    if (r.located.length > 0) lines.push(`${name}: the search located ${r.located.map((i) => elementName(r.name, i)).join(', ')}`);
    if (!r.searchComplete) {
      lines.push(`${name}: the search stopped at its limits (maxFound, searchEvaluations) before isolating every failing block: more wrong elements (or kinks crossed by a large eps) may remain`);
    }
    for (const w of r.mismatched) {
      lines.push(`${name}: ${cellName(r, w)} analytical ${fmt(w.analytical)} vs numerical ${fmt(w.numerical)}`);
    }
    if (r.kinks > 0) {
      lines.push(`${name}: ${r.kinks} element(s) at a non-differentiable point (e.g. relu at 0), not counted as errors: ${r.kinkElements.slice(0, 3).map((w) => cellName(r, w)).join(', ')}`);
    }
  }
  return lines;
}
