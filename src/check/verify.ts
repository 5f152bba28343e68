/**
 * `verifyGradients`: a hand-derived gradient against autodiff and against finite differences, for
 * every named parameter; says which of the three disagrees and diagnoses the usual slips.
 */
import { checkNumericOptions, checkReport } from './arguments.js';
import { show } from '../validate.js';
import { valueAndGrad } from '../engine/grad.js';
import { noGrad } from '../engine/mode.js';
import { Tensor } from '../tensor.js';
import { formatShape } from '../shape.js';
import { diagnose, kinkDiagnosis, mismatchIndices, type Diagnosis } from './diagnose.js';
import { elementName, fmt, unravel } from './indexing.js';
import { checkManualShape, matchKeys, readManual, type ManualArray, type ManualValue, type ShapeCheck } from './manual.js';
import { localFactors, withoutLogEpsilon, type LocalFactor } from './loss-graph.js';
import { checkElement, Probe } from './numeric.js';
import { float64Of, namedParams } from './params.js';
import { exactTolerance, planVerify, stepAt, type ThreeWayPlan, type ThreeWayTolerances } from './plan.js';
import { checkInput, type InputCheck, type StrategyOptions } from './strategy.js';
import { table } from './table.js';
import { agree, relError, type Tolerance } from './tolerance.js';

/** Arguments of {@link verifyGradients}. */
export interface VerifyOptions extends Partial<StrategyOptions>, ThreeWayTolerances {
  readonly params: Readonly<Record<string, Tensor>>;
  /** The scalar loss as a function of the parameters (built with tapegrad ops). */
  readonly loss: (params: Record<string, Tensor>) => Tensor;
  /**
   * The hand-derived gradient, one entry per parameter, keyed `W1`, `dW1`, `d_W1`, `J_W1` or
   * `grad_W1`; values are Tensors, typed arrays or nested arrays of the parameter's shape.
   */
  readonly manual: (params: Record<string, Tensor>) => Readonly<Record<string, ManualValue>>;
  /** The batch size m, so a factor m is diagnosed as "a missing 1/m". */
  readonly batchSize?: number;
  readonly seed?: string | number;
}

/** Which of the three gradients agree with each other. */
export interface Agreement {
  readonly manualVsAutodiff: boolean;
  readonly autodiffVsNumerical: boolean;
  readonly manualVsNumerical: boolean;
}

/** One comparison's numbers. */
export interface PairErrors {
  readonly compared: number;
  readonly mismatches: number;
  readonly maxAbsError: number;
  readonly maxRelError: number;
}

/** The verdict on one parameter. */
export interface ParamReport {
  readonly name: string;
  readonly ok: boolean;
  readonly shape: number[];
  /** The key the hand gradient came under (`dW1`), or null when missing. */
  readonly manualKey: string | null;
  /** The element shown: the worst disagreement (or the worst checked element when all agree). */
  readonly worst: { index: number[]; manual: number; autodiff: number; numerical: number };
  /** Which disagrees and why, e.g. "hand formula disagrees with autodiff and finite differences: …". */
  readonly diagnosis?: string;
  /** The named slip behind the diagnosis, when one was recognised. */
  readonly diagnosisKind?: Diagnosis['kind'] | 'shape' | 'unsummed' | 'missing' | 'backward' | 'log-epsilon';
  /** Hand formula vs autodiff, over every element. */
  readonly maxAbsError: number;
  readonly maxRelError: number;
  readonly agree: Agreement;
  readonly errors: { manualVsAutodiff: PairErrors; autodiffVsNumerical: PairErrors; manualVsNumerical: PairErrors };
  /** 'full': every element had finite differences; 'sampled': directions, samples, search. */
  readonly mode: 'full' | 'sampled';
  /** Elements at non-differentiable points (relu at 0): not errors. */
  readonly kinks: number;
  readonly tolerance: { exact: Tolerance; numerical: Tolerance };
}

/** What {@link verifyGradients} returns. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly params: ParamReport[];
  /** Problems not tied to one parameter (hand gradients that match no parameter). */
  readonly problems: string[];
  /** 'verifyGradients' or 'verifyJacobian'. */
  readonly title: string;
  /** Jacobian mode: the layout convention of the compared Jacobians. */
  readonly layout?: string;
  readonly eps: number;
  readonly evaluations: number;
  readonly seconds: number;
  /** The three-way table ({@link formatVerify}). */
  toString(): string;
}

const EMPTY: PairErrors = { compared: 0, mismatches: 0, maxAbsError: 0, maxRelError: 0 };

function pairErrors(pairs: Iterable<[number, number]>, tol: Tolerance): PairErrors {
  let compared = 0, mismatches = 0, maxAbs = 0, maxRel = 0;
  for (const [a, b] of pairs) {
    compared++;
    const abs = Math.abs(a - b);
    maxAbs = Math.max(maxAbs, Number.isNaN(abs) ? Infinity : abs);
    const rel = relError(a, b, tol);
    maxRel = Math.max(maxRel, rel);
    if (rel > tol.rtol) mismatches++;
  }
  return { compared, mismatches, maxAbsError: maxAbs, maxRelError: maxRel };
}

function* zipAt(a: Float64Array, b: Float64Array, at?: Iterable<number>): Iterable<[number, number]> {
  if (at === undefined) {
    for (let i = 0; i < a.length; i++) yield [a[i]!, b[i]!];
  } else {
    for (const i of at) yield [a[i]!, b[i]!];
  }
}

function dotU(u: Float64Array, lo: number, v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i]! * v[lo + i]!;
  return s;
}

const VERDICT = {
  hand: 'hand formula disagrees with autodiff and finite differences',
  backward: "autodiff and finite differences disagree: the op's backward is wrong (the hand formula agrees with autodiff, so it repeats the mistake)",
  autodiff: "autodiff disagrees with the hand formula and finite differences: an op's backward is wrong",
  all: 'all three disagree',
} as const;

/** Everything known about one parameter before the verdict. */
export interface Evidence {
  name: string;
  shape: readonly number[];
  m: ManualArray | null;
  /** The hand values in the parameter's layout (null when missing or of another shape). */
  manual: Float64Array | null;
  /** The recognised shape slip, its values mapped back into the parameter's layout (for display). */
  shapeSlip: Pick<ShapeCheck, 'kind' | 'aligned' | 'confirmed'>;
  shapeMessage: string;
  autodiff: Float64Array;
  check: InputCheck;
  exact: Tolerance;
  numTol: Tolerance;
  /** What the loss's graph says, when the hand formula disagrees with autodiff (see {@link lossFacts}). */
  graph?: GraphFacts;
}

/** What the recorded loss graph says about one parameter's disagreement. */
export interface GraphFacts {
  /** The gradient of the loss without its log guards (`log(p + 1e-8)` read as `log(p)`), and their words. */
  readonly epsFree?: { readonly values: Float64Array; readonly phrase: string };
  readonly localFactors: readonly LocalFactor[];
}

/**
 * Records the loss once more on fresh leaves and reads its graph: the gradients without log guards
 * (one array per parameter, or none) and the scalar local derivatives. Only called when a hand
 * gradient disagrees with autodiff, so a passing check costs nothing extra.
 */
export function lossFacts(
  loss: (params: Record<string, Tensor>) => Tensor, record: (ts: Tensor[]) => Record<string, Tensor>, tensors: readonly Tensor[],
): { epsFree: Float64Array[] | null; phrase: string; localFactors: LocalFactor[] } {
  const leaves = tensors.map((t) => {
    const leaf = new Tensor(t.storage, t.shape);
    leaf.requiresGrad = true;
    leaf.name = t.name;
    return leaf;
  });
  const root = loss(record(leaves));
  if (!(root instanceof Tensor) || !root.requiresGrad || root.size !== 1) return { epsFree: null, phrase: '', localFactors: [] };
  const without = withoutLogEpsilon(root, leaves);
  const epsFree = without === null ? null : leaves.map((l) => {
    const g = without.grads.get(l);
    return g === undefined ? new Float64Array(l.size) : float64Of(g);
  });
  return { epsFree, phrase: without?.phrase ?? '', localFactors: localFactors(root) };
}

/** The three-way verdict on one parameter (or Jacobian) from everything measured. */
export function judge(ev: Evidence, plan: Pick<ThreeWayPlan, 'batchSize'>): ParamReport {
  const { name, shape, manual, autodiff, check, exact, numTol } = ev;
  const numerical = new Map<number, number>();
  const kinkSet = new Set<number>();
  for (const e of check.elements) {
    numerical.set(e.flat, e.numerical);
    if (e.status === 'kink') kinkSet.add(e.flat);
  }
  const smooth = [...numerical.keys()].filter((k) => !kinkSet.has(k));
  const numArray = new Float64Array(autodiff.length).fill(NaN);
  for (const [k, v] of numerical) numArray[k] = v;

  const ma = manual === null ? EMPTY : pairErrors(zipAt(manual, autodiff), exact);
  const an = pairErrors(zipAt(autodiff, numArray, smooth), numTol);
  const mn = manual === null ? EMPTY : pairErrors(zipAt(manual, numArray, smooth), numTol);
  // Directions along which f has a kink at x ('nonsmooth') are inconclusive for every comparison.
  const judged = check.directional.filter((d) => d.status !== 'nonsmooth');
  const dirAN = check.kinkExplained || judged.every((d) => d.ok);
  const dirMNraw = manual === null || judged.every((d) => agree(dotU(d.u, d.lo, manual), d.numerical, numTol));
  // Hand and autodiff may pick different one-sided derivatives at a kink (relu'(0) = 1 or 0): both
  // are valid there, so disagreement confined to kinks is no disagreement.
  const maBad = manual === null ? [] : mismatchIndices(manual, autodiff, exact);
  const onlyAtKinks = maBad.length > 0 && maBad.every((k) => kinkSet.has(k));
  const agreement: Agreement = {
    manualVsAutodiff: manual !== null && (ma.mismatches === 0 || onlyAtKinks),
    autodiffVsNumerical: an.mismatches === 0 && dirAN,
    // Where kinks explain autodiff's failed direction, they explain a hand formula that agrees with autodiff too.
    manualVsNumerical: manual !== null && mn.mismatches === 0 && (dirMNraw || (check.kinkExplained && (ma.mismatches === 0 || onlyAtKinks))),
  };

  // A hand formula that is exact for the loss without its log guard (A2 − Y for log(A2 + 1e-8)) is
  // right, and said so; it must still match the guard-free gradient to the exact tolerance.
  const epsFree = ev.graph?.epsFree?.values;
  const epsExplained = manual !== null && !agreement.manualVsAutodiff && epsFree !== undefined
    && mismatchIndices(manual, epsFree, exact).every((k) => kinkSet.has(k));

  // The element to show: the worst hand-vs-autodiff disagreement, else the worst autodiff-vs-numerical
  // one, else the checked element with the largest hand-vs-numerical error.
  const score = (a: number, b: number, tol: Tolerance): number => (Number.isNaN(a - b) ? Infinity : relError(a, b, tol));
  let worstK = smooth[0] ?? 0;
  const pickMax = (candidates: Iterable<number>, f: (k: number) => number): void => {
    let best = -1;
    for (const k of candidates) {
      const s = f(k);
      if (s > best) { best = s; worstK = k; }
    }
  };
  if (manual !== null && !agreement.manualVsAutodiff) {
    pickMax(maBad.filter((k) => numerical.has(k)), (k) => score(manual[k]!, autodiff[k]!, exact));
  } else if (!agreement.autodiffVsNumerical) {
    pickMax(smooth, (k) => score(autodiff[k]!, numArray[k]!, numTol));
  } else {
    pickMax(smooth, (k) => score(manual?.[k] ?? autodiff[k]!, numArray[k]!, numTol));
  }
  const worst = {
    index: unravel(worstK, shape),
    manual: (manual ?? ev.shapeSlip.aligned)?.[worstK] ?? NaN,
    autodiff: autodiff[worstK]!,
    numerical: numArray[worstK]!,
  };

  let diagnosis: string | undefined;
  let kind: ParamReport['diagnosisKind'];
  const located = check.located.map((k) => elementName(name, unravel(k, shape)));
  const incomplete = check.searchComplete ? '' : '; the search stopped at its limits, more may remain';
  const where = (located.length > 0
    ? ` (the search located ${located.join(', ')}`
    : ` (worst ${elementName(name, worst.index)}: autodiff ${fmt(worst.autodiff)}, finite differences ${fmt(worst.numerical)}`) + `${incomplete})`;
  if (manual === null) {
    diagnosis = ev.shapeMessage;
    kind = ev.m === null ? 'missing' : ev.shapeSlip.kind ?? 'shape';
    if (!agreement.autodiffVsNumerical) diagnosis += `; also ${VERDICT.backward.split(':')[0]}${where}`;
  } else if (epsExplained) {
    kind = 'log-epsilon';
    diagnosis = `agrees with the gradient of the loss without ${ev.graph!.epsFree!.phrase}; your backward drops that term, which moves this gradient by ${fmt(Math.max(0, ...[...zipAt(manual, autodiff)].filter((_, k) => !kinkSet.has(k)).map(([h, g]) => relError(h, g, exact))))} relative (autodiff and finite differences keep it; the hand formula is right for the loss without it)`;
    if (kinkSet.size > 0) diagnosis += `; ${kinkDiagnosis(name, [...kinkSet], shape).message}`;
  } else if (!agreement.manualVsAutodiff) {
    // Against the guard-free gradient when there is one: a hand formula that drops the 1e-8 and has a
    // real slip too is then diagnosed by its slip alone.
    const reference = ev.graph?.epsFree?.values ?? autodiff;
    const d = diagnose(manual, reference, { name, shape, tol: exact, batchSize: plan.batchSize, localFactors: ev.graph?.localFactors ?? [] });
    kind = d?.kind;
    const verdict = agreement.autodiffVsNumerical ? VERDICT.hand : agreement.manualVsNumerical ? VERDICT.autodiff : VERDICT.all;
    if (verdict === VERDICT.autodiff) kind = 'backward';
    diagnosis = verdict === VERDICT.autodiff ? `${verdict}${where}`
      : verdict === VERDICT.all ? `${verdict}: hand vs autodiff: ${d?.message ?? 'they differ'}; autodiff vs finite differences${where}`
      : `${verdict}: ${d?.message ?? 'they differ'}`;
  } else if (!agreement.autodiffVsNumerical) {
    kind = 'backward';
    diagnosis = `${VERDICT.backward}${where}`;
  }
  if (kinkSet.size > 0 && diagnosis === undefined) {
    kind = 'kink';
    diagnosis = kinkDiagnosis(name, [...kinkSet], shape).message;
  }
  const inconclusive = check.directional.length - judged.length;
  if (inconclusive > 0) {
    const note = `${inconclusive} random direction(s) inconclusive: the loss is not differentiable at this point along them (a kink exactly at x, e.g. a relu unit whose input is 0); the element checks stand`;
    kind ??= 'kink';
    diagnosis = diagnosis === undefined ? note : `${diagnosis}; ${note}`;
  }
  if (ev.shapeMessage !== '' && manual !== null) diagnosis = diagnosis === undefined ? ev.shapeMessage : `${ev.shapeMessage}; ${diagnosis}`;
  const ok = epsExplained ? agreement.autodiffVsNumerical
    : agreement.manualVsAutodiff && agreement.autodiffVsNumerical && agreement.manualVsNumerical;
  const report: ParamReport = {
    name, ok, shape: [...shape], manualKey: ev.m?.key ?? null, worst,
    maxAbsError: manual === null ? Infinity : ma.maxAbsError,
    maxRelError: manual === null ? Infinity : ma.maxRelError,
    agree: agreement,
    errors: { manualVsAutodiff: ma, autodiffVsNumerical: an, manualVsNumerical: mn },
    mode: check.mode, kinks: kinkSet.size, tolerance: { exact, numerical: numTol },
    ...(diagnosis === undefined ? {} : { diagnosis }),
    ...(kind === undefined ? {} : { diagnosisKind: kind }),
  };
  return report;
}

/**
 * Compares, for every named parameter, the hand-derived gradient `manual(params)` with autodiff
 * and with float64 central differences of `loss`, and says which of the three disagrees.
 *
 * Shapes are checked first (a transposed or missing hand gradient is named). Hand vs autodiff is
 * compared on every element with tight tolerances (both are exact computations); finite
 * differences cover every element of small parameters and, for large ones, random directions, the
 * largest, a random sample and the elements where hand and autodiff differ, plus a search when a
 * direction fails (see {@link gradcheck}). When the hand formula is wrong, the diagnosis names
 * the slip: a constant factor (×50 — a missing 1/m?), a sign flip, a transpose, an error confined
 * to one row or column or broadcast over rows, an all-zero hand gradient, a gradient of a
 * parameter the loss does not use, or "N of M elements differ, largest difference at W1[i,j]". Mismatches at
 * non-differentiable points (relu at 0) are named as such, not as bugs.
 *
 * @example
 * const params = { w: tensor([[0.5, -1], [2, 0.1]]), b: tensor([0.3, -0.2]) };
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * const report = verifyGradients({
 *   params,
 *   loss: (p) => x.matmul(p.w!).add(p.b!).tanh().sum(),
 *   manual: (p) => {
 *     const d = ones([3, 2]).sub(x.matmul(p.w!).add(p.b!).tanh().pow(2));
 *     return { dw: x.T.matmul(d), db: d.sum(0) };
 *   },
 * });
 * report.ok;                   // true
 * console.log(String(report)); // the three-way table
 */
export function verifyGradients(options: VerifyOptions): VerifyReport {
  const start = performance.now();
  const fn = 'verifyGradients';
  checkNumericOptions(fn, options);
  const { params, loss, manual } = options;
  if (typeof loss !== 'function') throw new Error(`${fn}: loss must be a function, got ${show(loss)}`);
  if (typeof manual !== 'function') throw new Error(`${fn}: manual must be a function, got ${show(manual)}`);
  const { names, tensors, record, copies, copyTensors, lowPrecision } = namedParams(fn, params);
  const plan = planVerify(fn, options, lowPrecision);

  const { grads } = valueAndGrad((...ts: Tensor[]) => scalar(fn, loss(record(ts))))(...tensors);
  const autodiff = grads.map((g) => float64Of(g));
  const hand = noGrad(() => manual({ ...params }));
  if (hand === null || typeof hand !== 'object') throw new Error(`${fn}: manual must return a Record of gradients`);
  const { keyOf, extra } = matchKeys(names, hand);
  const problems = extra.map((k) => `manual gradient ${k} matches no parameter (parameters: ${names.join(', ')})`);

  const copyRecord = record(copyTensors);
  const evaluate = (): number => scalar(fn, noGrad(() => loss(copyRecord))).storage[0]!;
  const f0 = evaluate();
  const step = stepAt(plan, f0);
  const numTol = step.tolerance;

  let evaluations = 1;
  let facts: ReturnType<typeof lossFacts> | undefined;
  const graphFacts = (i: number): GraphFacts => {
    facts ??= lossFacts(loss, record, tensors);
    const values = facts.epsFree?.[i];
    return { localFactors: facts.localFactors, ...(values === undefined ? {} : { epsFree: { values, phrase: facts.phrase } }) };
  };
  const reports = names.map((name, i) => {
    const t = tensors[i]!;
    const a = autodiff[i]!;
    const exact = exactTolerance(plan, a);
    const key = keyOf.get(name);
    const m = key === undefined ? null : readManual(fn, key, hand[key] as ManualValue);
    let values: Float64Array | null = null;
    let shapeMessage = '';
    let shapeSlip: Evidence['shapeSlip'] = {};
    if (m === null) {
      shapeMessage = `the hand gradient of ${name} is missing (expected a key ${name} or d${name}${extra.length > 0 ? `; unmatched: ${extra.join(', ')}` : ''})`;
    } else {
      const s = checkManualShape(name, m, t.shape, a, exact);
      shapeMessage = s.message;
      values = s.comparable ? m.values : null;
      shapeSlip = s;
    }
    const suspects = values === null ? [] : topMismatches(values, a, exact, 8);
    const probe = new Probe(copies[i]!, evaluate, f0);
    const graph = suspects.length > 0 ? graphFacts(i) : undefined;
    // Where autodiff agrees with finite differences but the hand value does not, the point may be
    // a kink (np.maximum(z, 0) at z = 0 gives ½; the hand 1(z > 0) gives 0): both are one-sided
    // slopes there, so the hand value is tested the same way and, if it is one, is no bug.
    const reconsider = values === null ? new Set<number>()
      : new Set(mismatchIndices(values, graph?.epsFree?.values ?? a, exact).slice(0, 64));
    const checked = checkInput(probe, a, step, [...new Set([...suspects, ...reconsider])]);
    const check = values === null ? checked : {
      ...checked,
      elements: checked.elements.map((e) => (e.status === 'ok' && reconsider.has(e.flat)
        && checkElement(probe, e.flat, values[e.flat]!, step.eps, numTol).status === 'kink' ? { ...e, status: 'kink' as const } : e)),
    };
    evaluations += probe.evaluations;
    return judge({ name, shape: t.shape, m, manual: values, shapeSlip, shapeMessage, autodiff: a, check, exact, numTol, ...(graph === undefined ? {} : { graph }) }, plan);
  });
  const report: VerifyReport = {
    ok: problems.length === 0 && reports.every((r) => r.ok),
    params: reports, problems, eps: plan.eps, evaluations, title: fn,
    seconds: (performance.now() - start) / 1000,
    toString: () => formatVerify(report),
  };
  return report;
}

function scalar(fn: string, y: unknown): Tensor {
  if (!(y instanceof Tensor) || y.size !== 1) {
    throw new Error(`${fn}: loss must return a scalar Tensor, got ${y instanceof Tensor ? `shape ${formatShape(y.shape)}` : typeof y}`);
  }
  return y;
}

/** The k elements where hand and autodiff disagree most (they get finite differences too). */
function topMismatches(m: Float64Array, a: Float64Array, tol: Tolerance, k: number): number[] {
  const bad = mismatchIndices(m, a, tol);
  bad.sort((i, j) => Math.abs(m[j]! - a[j]!) - Math.abs(m[i]! - a[i]!));
  return bad.slice(0, k);
}

const mark = (b: boolean): string => (b ? '✓' : '✗');

/**
 * The three-way table of a verifyGradients (or verifyJacobian) report: per parameter its worst
 * element by hand, autodiff and finite differences and the three pairwise verdicts; then one
 * line per failing parameter with its worst element and diagnosis, and the tolerances.
 * @example
 * console.log(formatVerify(verifyGradients({ params, loss, manual })));
 */
export function formatVerify(report: VerifyReport): string {
  checkReport('formatVerify', report, 'params');
  const bad = report.params.filter((p) => !p.ok);
  const head = report.ok
    ? `${report.title}: ${report.params.length === 1 ? 'the hand gradient agrees' : `all ${report.params.length} hand gradients agree`} with autodiff and finite differences`
    : `${report.title} FAILED: ${bad.map((p) => p.name).join(', ') || 'see problems below'}`;
  const lines = [
    `${head} (eps ${fmt(report.eps)}, ${report.evaluations} evaluations, ${report.seconds.toFixed(2)} s)`,
    '',
    table(
      ['param', 'shape', 'mode', 'worst', 'hand', 'autodiff', 'finite diff', 'hand=AD', 'AD=FD', 'hand=FD', 'max rel hand−AD', ''],
      report.params.map((p) => [
        p.name, formatShape(p.shape), p.mode, elementName(p.name, p.worst.index),
        fmt(p.worst.manual), fmt(p.worst.autodiff), fmt(p.worst.numerical),
        mark(p.agree.manualVsAutodiff), mark(p.agree.autodiffVsNumerical), mark(p.agree.manualVsNumerical),
        fmt(p.maxRelError), p.ok ? 'ok' : 'FAIL',
      ]),
    ),
  ];
  for (const p of report.params) {
    if (p.diagnosis !== undefined) lines.push(`${p.ok ? 'note' : 'FAIL'} ${p.name} (worst ${elementName(p.name, p.worst.index)}): ${p.diagnosis}`);
  }
  for (const problem of report.problems) lines.push(`FAIL ${problem}`);
  if (report.layout !== undefined) lines.push(`layout: ${report.layout}`);
  const t = report.params[0]?.tolerance;
  if (t !== undefined) {
    lines.push(`hand vs autodiff: rtol ${fmt(t.exact.rtol)}, atol ${fmt(t.exact.atol)}; vs finite differences: rtol ${fmt(t.numerical.rtol)}, atol ${fmt(t.numerical.atol)}; rel err = |a − b| / max(|a|, |b|, atol/rtol)`);
  }
  return lines.join('\n');
}
