/** The bug hunt: the seeds' real slips and the typical ones, each planted in a hand gradient and expected to be caught. */

import type { Mat } from './matrix.js';
import { scale, transpose } from './matrix.js';
import type { LabProblem } from './problems.js';
import { CHECK_BATCH, seed000Problem, seed001Problem, seed002Problem, seed003Problem, seed004Problem } from './problems.js';
import type { SeedCheckReport } from './report.js';
import { runProblem } from './report.js';
import * as s4 from './seed004.js';

/** What a planted bug must produce in the report for it to count as caught. */
export interface BugExpectation {
  /** Parameters that must be flagged (and no others); empty for a false alarm that must not be raised. */
  params: string[];
  /** Parameters that must pass but carry a note matching the pattern (e.g. a kink, "not a bug"). */
  noted?: { param: string; diagnosis: RegExp }[];
  /** Must match the flagged parameter's diagnosis (case-insensitive); omitted when no pattern applies. */
  diagnosis?: RegExp;
  /** The worst element the report must point at, when the bug lives in one element. */
  element?: number[];
}

/** One planted mistake. */
export interface BugCase {
  id: string;
  seed: string;
  title: string;
  /** Why it is wrong, in one or two sentences. */
  explanation: string;
  expect: BugExpectation;
  problem(): LabProblem;
}

/** How the report fared against the expectation. */
export interface BugResult {
  id: string;
  seed: string;
  title: string;
  explanation: string;
  caught: boolean;
  /** Parameters the report flagged. */
  flagged: string[];
  /** Per expected parameter: its diagnosis and worst element as reported. */
  found: { param: string; diagnosis: string | undefined; element: number[] | undefined }[];
  /** Why a miss is a miss (empty when caught). */
  reasons: string[];
  report: SeedCheckReport;
}

function M(p: Record<string, Mat>, k: string): Mat {
  const m = p[k];
  if (m === undefined) throw new Error(`bugs: parameter '${k}' missing`);
  return m;
}

/** Wraps a correct problem's hand formula with a mutation of its result. */
function mutate(base: LabProblem, f: (g: Record<string, Mat>, p: Record<string, Mat>) => Record<string, Mat>): LabProblem {
  return { ...base, hand: (p) => f(base.hand(p), p) };
}

/** The hidden unit the kink case parks at z = 0. */
export const DEAD_UNIT = 5;

/** Seed 003's problem with hidden unit 5 dead at exactly 0 (zero weights and bias), so relu sits on its kink. */
function deadUnitProblem(): LabProblem {
  const base = seed003Problem();
  const w_h = M(base.params, 'w_h');
  const b_h = M(base.params, 'b_h');
  const w = Float64Array.from(w_h.data);
  for (let i = 0; i < w_h.rows; i++) w[i * w_h.cols + DEAD_UNIT] = 0;
  const b = Float64Array.from(b_h.data);
  b[DEAD_UNIT] = 0;
  return { ...base, params: { ...base.params, w_h: { ...w_h, data: w }, b_h: { ...b_h, data: b } } };
}

/** Element [3,5] of seed 000's dW1: where the single-element corruption is planted. */
export const CORRUPT_ELEMENT = [3, 5] as const;

/**
 * Every planted bug, with what the report must say about it.
 * @example
 * bugCases().map((b) => b.id);
 */
export function bugCases(): BugCase[] {
  return [
    {
      id: 'seed002-dot-out',
      seed: '002',
      title: 'np.dot(a2, W3, b3): the bias is numpy\'s `out` buffer, never added',
      explanation: 'Z3 = a2·W3 with b3 overwritten by the result, so the loss does not depend on b3: its true gradient is 0, while the hand db3 = s − y is not.',
      expect: { params: ['b3'], diagnosis: /not (affect|depend|used|reach)|unused|no effect|zero|nothing/i },
      problem: () => seed002Problem({ buggy: true }),
    },
    {
      id: 'missing-1/m',
      seed: '000',
      title: `dW2 = dZ2 · A1ᵀ without the 1/m (m = ${CHECK_BATCH})`,
      explanation: 'The loss averages over the batch, so every gradient carries 1/m; forgetting it scales dW2 by m.',
      expect: { params: ['W2'], diagnosis: new RegExp(`(×|x|factor( of)?|times)\\s*${CHECK_BATCH}\\b|1/m`, 'i') },
      problem: () => mutate(seed000Problem(), (g) => ({ ...g, W2: scale(M(g, 'W2'), CHECK_BATCH) })),
    },
    {
      id: 'divided-by-m-twice',
      seed: '001',
      title: `dW2 = A1ᵀ · dZ2 / m where dZ2 already holds the 1/m (m = ${CHECK_BATCH})`,
      explanation: 'Seed 001 folds 1/m into dZ2 = (Ŷ − Y)/m; dividing dW2 by m again shrinks it by m.',
      expect: { params: ['W2'], diagnosis: new RegExp(`×1/${CHECK_BATCH}\\b.*(twice|1/m)`, 'i') },
      problem: () => mutate(seed001Problem(), (g) => ({ ...g, W2: scale(M(g, 'W2'), 1 / CHECK_BATCH) })),
    },
    {
      id: 'bias-wrong-axis',
      seed: '000',
      title: 'db1 = np.sum(dZ1, axis=0) in the column-major layout (axis 1 meant)',
      explanation: 'With samples as columns the bias gradient sums over axis 1, giving [128,1]; axis 0 sums the hidden units instead and gives a [1,m] row.',
      expect: { params: ['b1'], diagnosis: /shape/i },
      problem: () => seed000Problem(CHECK_BATCH, { wrongBiasAxis: true }),
    },
    {
      id: 'transposed-dW',
      seed: '001',
      title: 'row-major dW1 written as dZ1ᵀ · X (column-major habit)',
      explanation: 'In the row-major layout W1 is [784,128], so dW1 = Xᵀ dZ1; dZ1ᵀ X is its transpose, [128,784].',
      expect: { params: ['W1'], diagnosis: /transpos/i },
      problem: () => mutate(seed001Problem(), (g) => ({ ...g, W1: transpose(M(g, 'W1')) })),
    },
    {
      id: 'sign-slip',
      seed: '004',
      title: 'J_W3 with 2(y − a3) instead of 2(a3 − y)',
      explanation: 'Differentiating (a3 − y)² gives 2(a3 − y); writing y − a3 flips the sign, and steepest descent would climb.',
      expect: { params: ['W3'], diagnosis: /sign/i },
      problem: () => seed004Problem((p, x, y) => {
        const g = s4.jacobians(p, x, y);
        return { ...g, W3: scale(g.W3, -1) };
      }),
    },
    {
      id: 'seed003-one-minus-y',
      seed: '003',
      title: 'dL/dw_o = x_hᵀ(1 − y), as the write-up has it, for x_hᵀ(p − y)',
      explanation: 'An algebra slip in the derivation: ∂L/∂z_o is p − y (as grad_ce computes), not 1 − y.',
      expect: { params: ['w_o'] },
      problem: () => seed003Problem({ asWritten: true }),
    },
    {
      id: 'seed001-tanh-prime',
      seed: '001',
      title: 'dZ1 = dA1 ⊙ (1 − A1), as the write-up\'s step (D) has it, for (1 − A1²)',
      explanation: 'tanh\' = 1 − tanh², so dZ1 = dA1 ⊙ (1 − A1²); the code has it right, the derivation drops the square.',
      expect: { params: ['W1', 'b1'] },
      problem: () => seed001Problem({ slip: 'tanh-prime' }),
    },
    {
      id: 'seed001-db2-unsummed',
      seed: '001',
      title: 'db2 = dZ2, as the write-up has it, without the sum over the batch',
      explanation: 'b2 is broadcast over the m rows, so its gradient sums dZ2 over them: [1,10], not dZ2\'s [m,10].',
      expect: { params: ['b2'], diagnosis: /shape|sum|broadcast/i },
      problem: () => seed001Problem({ slip: 'db2-unsummed' }),
    },
    {
      id: 'one-corrupted-element',
      seed: '000',
      title: `a single wrong element: dW1[${CORRUPT_ELEMENT.join(',')}] off by 1e-3`,
      explanation: 'An indexing slip that touches one entry of a 100 352-entry gradient; a random-direction check alone can miss where it is, the report must name it.',
      expect: { params: ['W1'], element: [...CORRUPT_ELEMENT], diagnosis: new RegExp(`W1\\[${CORRUPT_ELEMENT.join(',')}\\]`) },
      problem: () => mutate(seed000Problem(), (g) => {
        const W1 = M(g, 'W1');
        const data = Float64Array.from(W1.data);
        const k = CORRUPT_ELEMENT[0] * W1.cols + CORRUPT_ELEMENT[1];
        data[k] = (data[k] as number) + 1e-3;
        return { ...g, W1: { rows: W1.rows, cols: W1.cols, data } };
      }),
    },
    {
      id: 'relu-kink-not-a-bug',
      seed: '003',
      title: `a false alarm to avoid: hidden unit ${DEAD_UNIT} sits exactly on relu's kink (z_h = 0)`,
      explanation: 'At z = 0 relu has no derivative; the hand formula\'s 1(z > 0) and autodiff agree on 0, while a central difference straddles the kink and sees ½. That is not a bug and must not be flagged.',
      expect: {
        params: [],
        noted: [
          { param: 'b_h', diagnosis: new RegExp(`not a bug.*b_h\\[0,${DEAD_UNIT}\\]`) },
          { param: 'w_h', diagnosis: /kink/i },
        ],
      },
      problem: deadUnitProblem,
    },
  ];
}

function sameIndex(a: readonly number[] | undefined, b: readonly number[]): boolean {
  return a !== undefined && a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Runs one planted bug through verifyGradients and judges the report against the case's expectation:
 * exactly the expected parameters flagged, each with a matching diagnosis and (if given) worst element.
 * @example
 * const r = runBug(bugCases()[0]!); r.caught; // true when the report names b3
 */
export function runBug(c: BugCase): BugResult {
  const report = runProblem(c.id, c.title, c.problem());
  const flagged = report.rows.filter((r) => !r.verified).map((r) => r.param);
  const reasons: string[] = [];
  const found = c.expect.params.map((param) => {
    const row = report.rows.find((r) => r.param === param);
    return { param, diagnosis: row?.diagnosis, element: row?.worst?.index };
  });
  for (const f of found) {
    if (!flagged.includes(f.param)) reasons.push(`${f.param} not flagged`);
    if (c.expect.diagnosis !== undefined && !c.expect.diagnosis.test(f.diagnosis ?? '')) {
      reasons.push(`${f.param} diagnosis ${JSON.stringify(f.diagnosis ?? '')} does not match ${String(c.expect.diagnosis)}`);
    }
    if (c.expect.element !== undefined && !sameIndex(f.element, c.expect.element)) {
      reasons.push(`${f.param} worst element [${f.element?.join(',') ?? '—'}], expected [${c.expect.element.join(',')}]`);
    }
  }
  for (const n of c.expect.noted ?? []) {
    const row = report.rows.find((r) => r.param === n.param);
    found.push({ param: n.param, diagnosis: row?.diagnosis, element: row?.worst?.index });
    if (!n.diagnosis.test(row?.diagnosis ?? '')) {
      reasons.push(`${n.param} note ${JSON.stringify(row?.diagnosis ?? '')} does not match ${String(n.diagnosis)}`);
    }
  }
  const extra = flagged.filter((p) => !c.expect.params.includes(p));
  if (extra.length > 0) reasons.push(`also flagged: ${extra.join(', ')}`);
  if (c.expect.params.length > 0 && report.verify.ok) reasons.push('report says ok');
  if (c.expect.params.length === 0 && !report.ok) reasons.push('a correct formula was not accepted');
  return { id: c.id, seed: c.seed, title: c.title, explanation: c.explanation, caught: reasons.length === 0, flagged, found, reasons, report };
}

/**
 * Runs every planted bug.
 * @example
 * runBugHunt().every((r) => r.caught);
 */
export function runBugHunt(cases: BugCase[] = bugCases()): BugResult[] {
  return cases.map(runBug);
}

/**
 * One bug's verdict as printable lines: ✓ caught / ✗ missed, what was flagged and the diagnosis.
 * @example
 * console.log(formatBug(runBug(bugCases()[0]!)));
 */
export function formatBug(r: BugResult): string {
  const verdict = r.caught ? (r.flagged.length === 0 ? '✓ cleared' : '✓ caught') : '✗ missed';
  const lines = [`${verdict}  [seed ${r.seed}] ${r.title}`, `    why: ${r.explanation}`];
  for (const f of r.found) {
    const el = f.element === undefined ? '' : ` worst at ${f.param}${f.element.length > 0 ? `[${f.element.join(',')}]` : ''}`;
    const what = r.flagged.includes(f.param) ? 'flagged' : 'passed';
    lines.push(`    ${what} ${f.param}:${el} — ${f.diagnosis ?? '(no diagnosis)'}`);
  }
  for (const reason of r.reasons) lines.push(`    ! ${reason}`);
  return lines.join('\n');
}
