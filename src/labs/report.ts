/** Running one hand formula against autodiff and finite differences, and printing the three-way table. */

import { verifyGradients } from '../index.js';
import type { Tensor } from '../index.js';
import { autodiffGrads, fromTensors, maxRelDiff, toTensor, toTensors } from './bridge.js';
import type { LabProblem } from './problems.js';

/** What verifyGradients returns (its own type, whatever src/check names it). */
export type VerifyReport = ReturnType<typeof verifyGradients>;

/** Hand-vs-autodiff tolerance the seeds must meet (norm-wise relative). */
export const HAND_VS_AUTODIFF_TOL = 1e-9;

/** One parameter's line of the three-way table. */
export interface CheckRow {
  param: string;
  shape: number[];
  /** max|hand − autodiff| / max|autodiff| over the whole gradient. */
  handVsAutodiff: number;
  /** verifyGradients' verdict for this parameter (hand vs autodiff vs finite differences). */
  verified: boolean;
  worst: { index: number[]; manual: number; autodiff: number; numerical: number } | undefined;
  diagnosis: string | undefined;
}

/** A seed lab's check, ready to print or serialise. */
export interface SeedCheckReport {
  name: string;
  title: string;
  ok: boolean;
  maxHandVsAutodiff: number;
  rows: CheckRow[];
  notes: string[];
  seconds: number;
  verify: VerifyReport;
  toString(): string;
}

function fmt(x: number | undefined): string {
  if (x === undefined || Number.isNaN(x)) return '—';
  if (x === 0) return '0';
  const a = Math.abs(x);
  return a >= 1e-3 && a < 1e5 ? x.toPrecision(6) : x.toExponential(4);
}

function indexName(name: string, index: readonly number[]): string {
  return index.length === 0 ? name : `${name}[${index.join(',')}]`;
}

/**
 * Runs verifyGradients on a hand formula and measures hand vs autodiff on every element.
 * @example
 * const r = runProblem('demo', 'w²', { params: { w: mat(1, 1, [3]) },
 *   loss: (p) => p.w!.mul(p.w!).sum(), hand: (p) => ({ w: scale(p.w!, 2) }) });
 * r.ok; // true
 */
export function runProblem(name: string, title: string, problem: LabProblem, notes: string[] = []): SeedCheckReport {
  const start = performance.now();
  const tensors = toTensors(problem.params);
  const manual = (p: Record<string, Tensor>): Record<string, Tensor> => {
    const g = problem.hand(fromTensors(p));
    return Object.fromEntries(Object.entries(g).map(([k, m]) => [k, toTensor(m)]));
  };
  const verify = verifyGradients({
    params: tensors, loss: problem.loss, manual, ...(problem.batchSize === undefined ? {} : { batchSize: problem.batchSize }),
  });
  const ad = autodiffGrads(tensors, problem.loss);
  const hand = problem.hand(problem.params);
  const rows: CheckRow[] = verify.params.map((p) => {
    const h = hand[p.name];
    const a = ad[p.name];
    return {
      param: p.name,
      shape: [...p.shape],
      handVsAutodiff: h === undefined || a === undefined ? Infinity : maxRelDiff(h.data, a),
      verified: p.ok,
      worst: { index: [...p.worst.index], manual: p.worst.manual, autodiff: p.worst.autodiff, numerical: p.worst.numerical },
      diagnosis: p.diagnosis,
    };
  });
  const maxHandVsAutodiff = Math.max(0, ...rows.map((r) => r.handVsAutodiff));
  const ok = verify.ok && rows.length > 0 && maxHandVsAutodiff <= HAND_VS_AUTODIFF_TOL;
  const seconds = (performance.now() - start) / 1000;
  const report: SeedCheckReport = {
    name, title, ok, maxHandVsAutodiff, rows, notes: problem.data === undefined ? notes : [`data: ${problem.data}`, ...notes], seconds, verify,
    toString: () => formatReport(report),
  };
  return report;
}

/**
 * The three-way table: per parameter, its worst element by hand, by autodiff and by finite differences,
 * the norm-wise relative difference hand vs autodiff, and the verdict.
 * @example
 * console.log(formatReport(report));
 */
export function formatReport(r: SeedCheckReport): string {
  const head = ['param', 'shape', 'worst element', 'hand', 'autodiff', 'finite diff', '|hand−AD|/|AD|', ''];
  const body = r.rows.map((row) => [
    row.param,
    `[${row.shape.join(',')}]`,
    row.worst === undefined ? '—' : indexName(row.param, row.worst.index),
    fmt(row.worst?.manual),
    fmt(row.worst?.autodiff),
    fmt(row.worst?.numerical),
    fmt(row.handVsAutodiff),
    row.verified && row.handVsAutodiff <= HAND_VS_AUTODIFF_TOL ? '✓' : '✗',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? '').length)));
  const line = (cells: string[]): string => '  ' + cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const out = [`${r.ok ? '✓' : '✗'} ${r.name} — ${r.title}`, line(head), ...body.map(line)];
  for (const row of r.rows) if (row.diagnosis !== undefined && row.diagnosis !== '') out.push(`  ${row.param}: ${row.diagnosis}`);
  out.push(`  max relative difference hand vs autodiff: ${fmt(r.maxHandVsAutodiff)} (tolerance ${HAND_VS_AUTODIFF_TOL}) · ${r.seconds.toFixed(2)} s`);
  for (const n of r.notes) out.push(n.startsWith('data: ') ? `  ${n}` : `  note: ${n}`);
  return out.join('\n');
}
