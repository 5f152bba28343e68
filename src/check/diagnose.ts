/**
 * Why a hand-derived gradient is wrong: each function looks at the hand value `manual` and the
 * reference `reference` (autodiff, row-major, of the parameter's `shape`) and names one usual
 * slip, or returns null. `diagnose` tries them in order, most specific first.
 */
import { show } from '../validate.js';
import { formatShape } from '../shape.js';
import { elementName, fmt, unravel } from './indexing.js';
import type { LocalFactor } from './loss-graph.js';
import { short } from './loss-graph.js';
import { agree, maxAbs, type Tolerance } from './tolerance.js';

/** The kinds of slip the checker can name. */
export type DiagnosisKind =
  | 'zero-manual' | 'zero-reference' | 'sign' | 'factor' | 'transpose' | 'row' | 'column'
  | 'broadcast' | 'kink' | 'generic';

/** A named slip and a one-line human explanation. */
export interface Diagnosis {
  readonly kind: DiagnosisKind;
  readonly message: string;
  /** 'factor' and 'sign': the least-squares ratio manual / reference. */
  readonly factor?: number;
  /** 'row' / 'column': which one. */
  readonly line?: number;
}

/** What the diagnoses need to know. */
export interface DiagnoseContext {
  /** The parameter's name, used in element names (`W1[3,5]`). */
  readonly name: string;
  readonly shape: readonly number[];
  readonly tol: Tolerance;
  /** When known, a factor equal to it (or its inverse) is called a missing (or extra) 1/m. */
  readonly batchSize?: number;
  /** Local derivatives on the loss's scalar paths (σ′ of each sigmoid): a factor equal to one is named. */
  readonly localFactors?: readonly LocalFactor[];
}

/** Flat indices where manual and reference disagree under `tol`. */
export function mismatchIndices(manual: Float64Array, reference: Float64Array, tol: Tolerance): number[] {
  const out: number[] = [];
  for (let i = 0; i < manual.length; i++) if (!agree(manual[i]!, reference[i]!, tol)) out.push(i);
  return out;
}

/** A hand gradient of all zeros (forgotten), or a nonzero one where autodiff is exactly zero. */
export function diagnoseZero(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  const m = maxAbs(manual);
  const r = maxAbs(reference);
  if (m === 0 && r > 0) {
    return { kind: 'zero-manual', message: `the hand gradient of ${ctx.name} is all zeros but the loss depends on ${ctx.name}: a parameter forgotten in the hand formula?` };
  }
  if (r === 0 && m > 0) {
    return {
      kind: 'zero-reference',
      message: `the loss does not depend on ${ctx.name} (its gradient is exactly zero), so the hand gradient is the gradient of nothing: ${ctx.name} never enters the forward pass (like seed 002's np.dot(a2, W3, b3), where b3 is numpy's out argument)?`,
    };
  }
  return null;
}

/** The closest integer n with x ≈ n (relative 1e-6), or null. */
function nearInteger(x: number): number | null {
  const n = Math.round(x);
  return n !== 0 && Math.abs(x - n) <= 1e-6 * Math.abs(x) ? n : null;
}

/** `×50`, `×1/50`, `×0.37`. */
export function factorName(c: number): string {
  const n = nearInteger(c);
  if (n !== null) return `×${n}`;
  const inv = nearInteger(1 / c);
  if (inv !== null) return inv < 0 ? `×−1/${-inv}` : `×1/${inv}`;
  return `×${fmt(c)}`;
}

function factorHint(c: number, batchSize: number | undefined): string {
  const a = Math.abs(c);
  const n = nearInteger(a);
  const inv = nearInteger(1 / a);
  if (batchSize !== undefined && batchSize > 1) {
    if (n === batchSize) return ` — a missing 1/m? (m = ${batchSize}, the batch size)`;
    if (inv === batchSize) return ` — divided by m twice? (m = ${batchSize}, the batch size)`;
  }
  if (n === 2) return ' — a missing ½ (the ½ of ½(ŷ−y)², or a factor 2 counted twice)?';
  if (inv === 2) return ' — a missing factor 2 (the derivative of a square)?';
  if (n !== null && n > 2) return ` — a missing 1/${n} (1/m, if ${n} is the batch size)?`;
  if (inv !== null && inv > 2) return ` — an extra 1/${inv} (divided by the batch size twice, if it is ${inv})?`;
  return '';
}

/**
 * The words for a factor c = hand / autodiff that equals a local derivative on the path or its
 * inverse: "leaves out σ′ = 0.1966, the derivative of the inner sigmoid"; null when none matches.
 */
export function namedFactor(c: number, ctx: DiagnoseContext): string | null {
  const close = (a: number, b: number): boolean => Math.abs(a - b) <= 1e-6 * Math.abs(b);
  for (const f of ctx.localFactors ?? []) {
    const sign = (s: number): string => (s < 0 ? ' and flips the sign' : '');
    if (close(Math.abs(c), Math.abs(1 / f.value))) {
      return `your hand gradient of ${ctx.name} leaves out ${f.text}${sign(c * f.value)} (hand ÷ autodiff = ${short(c)})`;
    }
    if (close(Math.abs(c), Math.abs(f.value))) {
      return `your hand gradient of ${ctx.name} has ${f.text}, once too often${sign(c / f.value)} (hand ÷ autodiff = ${short(c)})`;
    }
  }
  return null;
}

/**
 * manual ≈ c · reference for one constant c ≠ 1 (least squares c = ⟨m, r⟩ / ⟨r, r⟩, accepted when
 * the residual is below 1e-6 of ‖manual‖, or 10·rtol for float32): a sign flip when c ≈ −1,
 * otherwise a named factor.
 */
export function diagnoseFactor(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  let mr = 0, rr = 0, mm = 0;
  for (let i = 0; i < manual.length; i++) {
    mr += manual[i]! * reference[i]!;
    rr += reference[i]! * reference[i]!;
    mm += manual[i]! * manual[i]!;
  }
  if (rr === 0 || mm === 0) return null;
  const c = mr / rr;
  let res = 0;
  for (let i = 0; i < manual.length; i++) res += (manual[i]! - c * reference[i]!) ** 2;
  const limit = Math.max(1e-6, 10 * ctx.tol.rtol);
  if (Math.sqrt(res / mm) > limit || Math.abs(c - 1) <= limit) return null;
  if (Math.abs(c + 1) <= limit) {
    return { kind: 'sign', factor: c, message: `sign flip: the hand gradient of ${ctx.name} is −1 × autodiff (e.g. (y − p) written where (p − y) is meant, or a descent step folded into the gradient)` };
  }
  const named = namedFactor(c, ctx);
  if (named !== null) return { kind: 'factor', factor: c, message: named };
  const sign = c < 0 ? ' and a sign flip' : '';
  return {
    kind: 'factor', factor: c,
    message: `off by a constant factor${sign}: the hand gradient of ${ctx.name} is ${factorName(c)} autodiff${factorHint(c, ctx.batchSize)}`,
  };
}

/**
 * The hand gradient holds the transposed matrix: its numbers, read as a [cols, rows] matrix and
 * transposed, equal the reference (covers a [cols, rows]-shaped hand gradient and a square one
 * holding Wᵀ). 2-d parameters only.
 */
export function diagnoseTranspose(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext, manualShape: readonly number[] = ctx.shape): Diagnosis | null {
  if (ctx.shape.length !== 2 || manual.length !== reference.length) return null;
  const [rows, cols] = ctx.shape as [number, number];
  if (rows === 1 || cols === 1) return null;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      if (!agree(manual[j * rows + i]!, reference[i * cols + j]!, ctx.tol)) return null;
    }
  }
  return {
    kind: 'transpose',
    message: `transposed: the hand gradient (shape ${formatShape(manualShape)}) is the transpose of the gradient of ${ctx.name} ${formatShape(ctx.shape)} (e.g. X·δᵀ where δ·Xᵀ is meant, or a column-major formula used for a row-major layout)`,
  };
}

/**
 * Every mismatch lies in one row, or one column, of a 2-d parameter (a bias or broadcast sum that
 * touched a single line); for a 1-d parameter, a single wrong element.
 */
export function diagnoseLine(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  const bad = mismatchIndices(manual, reference, ctx.tol);
  if (bad.length === 0) return null;
  // A [1, n] or [n, 1] parameter (a column-major bias) has a single line: treat it as 1-d.
  if (ctx.shape.length <= 1 || (ctx.shape.length === 2 && (ctx.shape[0] === 1 || ctx.shape[1] === 1))) {
    return bad.length === 1
      ? { kind: 'row', line: bad[0]!, message: `only ${elementName(ctx.name, unravel(bad[0]!, ctx.shape))} is wrong; every other element agrees` }
      : null;
  }
  if (ctx.shape.length !== 2) return null;
  const cols = ctx.shape[1]!;
  const rowsOf = new Set(bad.map((k) => Math.floor(k / cols)));
  const colsOf = new Set(bad.map((k) => k % cols));
  if (bad.length === 1) {
    const [i, j] = [Math.floor(bad[0]! / cols), bad[0]! % cols];
    return { kind: 'row', line: i, message: `only ${ctx.name}[${i},${j}] is wrong; every other element agrees` };
  }
  const count = `all ${bad.length} wrong elements`;
  if (rowsOf.size === 1) {
    const i = [...rowsOf][0]!;
    return { kind: 'row', line: i, message: `${count} lie in row ${i} of ${ctx.name} (${ctx.name}[${i},:]): a bias or broadcast sum that touched that row only?` };
  }
  if (colsOf.size === 1) {
    const j = [...colsOf][0]!;
    return { kind: 'column', line: j, message: `${count} lie in column ${j} of ${ctx.name} (${ctx.name}[:,${j}]): a bias or broadcast sum that touched that column only?` };
  }
  return null;
}

/**
 * The difference manual − reference is the same row repeated in every row (or the same column in
 * every column), nonzero: a term broadcast across the batch (a bias, or a sum over the wrong axis)
 * was added or dropped.
 */
export function diagnoseBroadcast(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  if (ctx.shape.length !== 2) return null;
  const [rows, cols] = ctx.shape as [number, number];
  const d = (i: number, j: number): number => manual[i * cols + j]! - reference[i * cols + j]!;
  const same = (along: 'rows' | 'cols'): boolean => {
    let nonzero = false;
    for (let i = 0; i < rows; i++) {
      for (let j = 0; j < cols; j++) {
        const base = along === 'rows' ? d(0, j) : d(i, 0);
        if (!agree(d(i, j), base, ctx.tol)) return false;
        if (!agree(manual[i * cols + j]!, reference[i * cols + j]!, ctx.tol)) nonzero = true;
      }
    }
    return nonzero;
  };
  if (rows > 1 && same('rows')) {
    return { kind: 'broadcast', message: `the error is the same in every row of ${ctx.name}: a term broadcast over rows (a bias, or a sum over the wrong axis) was added or dropped` };
  }
  if (cols > 1 && same('cols')) {
    return { kind: 'broadcast', message: `the error is the same in every column of ${ctx.name}: a term broadcast over columns (a bias, or a sum over the wrong axis) was added or dropped` };
  }
  return null;
}

/** "N of M elements differ, largest difference at W1[i,j] (hand h vs autodiff a)": by absolute difference over every element (the report's worst column is by relative error among the checked ones). */
export function diagnoseGeneric(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  const bad = mismatchIndices(manual, reference, ctx.tol);
  if (bad.length === 0) return null;
  let worst = bad[0]!;
  for (const k of bad) if (Math.abs(manual[k]! - reference[k]!) > Math.abs(manual[worst]! - reference[worst]!)) worst = k;
  return {
    kind: 'generic',
    message: `${bad.length} of ${manual.length} elements differ, largest difference at ${elementName(ctx.name, unravel(worst, ctx.shape))} (hand ${fmt(manual[worst]!)} vs autodiff ${fmt(reference[worst]!)})`,
  };
}

/**
 * The first diagnosis that applies, most specific first (zero, factor or sign, transpose, one
 * row or column, broadcast, generic); null when manual agrees with reference.
 * @example
 * const autodiff = new Float64Array([0.1, -0.2, 0.3, 0.05]);
 * diagnose(autodiff.map((v) => v * 32), autodiff, { name: 'W', shape: [2, 2], tol: EXACT_TOLERANCE, batchSize: 32 })
 *   ?.message; // '… is ×32 autodiff — a missing 1/m? (m = 32, the batch size)'
 */
export function diagnose(manual: Float64Array, reference: Float64Array, ctx: DiagnoseContext): Diagnosis | null {
  if (!(manual instanceof Float64Array) || !(reference instanceof Float64Array)) {
    throw new Error(`diagnose: manual and reference must be Float64Arrays, got ${show(manual)} and ${show(reference)}`);
  }
  if (manual.length !== reference.length) {
    throw new Error(`diagnose: manual has ${manual.length} values but reference has ${reference.length}`);
  }
  const t = (ctx as Partial<DiagnoseContext> | null)?.tol;
  if (t === undefined || typeof t.atol !== 'number' || typeof t.rtol !== 'number') {
    throw new Error(`diagnose: ctx.tol must be a tolerance { atol, rtol }, got ${show(t)}`);
  }
  if (mismatchIndices(manual, reference, ctx.tol).length === 0) return null;
  return diagnoseZero(manual, reference, ctx)
    ?? diagnoseFactor(manual, reference, ctx)
    ?? diagnoseTranspose(manual, reference, ctx)
    ?? diagnoseLine(manual, reference, ctx)
    ?? diagnoseBroadcast(manual, reference, ctx)
    ?? diagnoseGeneric(manual, reference, ctx);
}

/** The 'kink' diagnosis for mismatches that finite differences showed to be non-differentiable points. */
export function kinkDiagnosis(name: string, kinks: readonly number[], shape: readonly number[]): Diagnosis {
  const where = kinks.slice(0, 3).map((k) => elementName(name, unravel(k, shape))).join(', ');
  return {
    kind: 'kink',
    message: `non-differentiable point, not a bug: at ${where}${kinks.length > 3 ? ', …' : ''} the finite difference depends on the step (a kink such as relu at 0 lies within it) and autodiff returns a valid one-sided derivative`,
  };
}
