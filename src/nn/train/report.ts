/** Writes a run's metrics (JSON, CSV) and plots (SVG) to its output folder. */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../../io/atomic.js';
import { linePlot, type Series } from '../../plot/svg.js';

/**
 * Rows of numbers (or null for "not measured") as CSV with a header line.
 * @example
 * ```ts
 * toCsv([{ epoch: 1, loss: 0.5 }]); // 'epoch,loss\n1,0.5\n'
 * ```
 */
export function toCsv(rows: readonly Record<string, number | string | null | undefined>[]): string {
  if (rows.length === 0) return '';
  const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
  return [cols.join(','), ...rows.map((r) => cols.map((c) => cell(r[c])).join(','))].join('\n') + '\n';
}

/**
 * Writes `metrics.json`, `metrics.csv` and the given SVG plots into `dir` (created if needed), each atomically.
 * @example
 * ```ts
 * writeRunFiles('runs/x', { task: 'mnist', history }, history, { 'loss.svg': svg });
 * ```
 */
export function writeRunFiles(
  dir: string, summary: unknown, rows: readonly Record<string, number | string | null | undefined>[], plots: Record<string, string>,
): void {
  mkdirSync(dir, { recursive: true });
  writeFileAtomic(join(dir, 'metrics.json'), JSON.stringify(summary, null, 2) + '\n');
  writeFileAtomic(join(dir, 'metrics.csv'), toCsv(rows));
  for (const [name, svg] of Object.entries(plots)) writeFileAtomic(join(dir, name), svg);
}

/**
 * One plot line per named metric present in the history (missing values are skipped).
 * @example
 * ```ts
 * metricSeries(history, 'epoch', [['trainLoss', 'train'], ['testLoss', 'test']]);
 * ```
 */
export function metricSeries(
  history: readonly Record<string, number | null | undefined>[], x: string, metrics: readonly [string, string][],
): Series[] {
  const out: Series[] = [];
  metrics.forEach(([key, label], i) => {
    if (!history.some((h) => typeof h[key] === 'number')) return;
    out.push({
      label,
      x: history.map((h) => h[x] as number),
      y: history.map((h) => (typeof h[key] === 'number' ? (h[key] as number) : NaN)),
      markers: history.length <= 30,
      dashed: i > 0,
    });
  });
  return out;
}

export { linePlot };
