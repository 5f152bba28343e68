/** Entry checks of the checking functions: option values and report arguments, with errors in the caller's name. */
import { expectFinite, show } from '../validate.js';

/** eps, atol, rtol (and the exact ones) must be finite non-negative numbers when given; batchSize a positive integer. */
export function checkNumericOptions(fn: string, options: unknown): void {
  if (options === null || typeof options !== 'object') throw new Error(`${fn}: options must be an object, got ${show(options)}`);
  const o = options as Record<string, unknown>;
  for (const key of ['eps', 'atol', 'rtol', 'exactAtol', 'exactRtol']) {
    if (o[key] !== undefined) expectFinite(fn, key, o[key], 0);
  }
  if (o['batchSize'] !== undefined && !(Number.isInteger(o['batchSize']) && (o['batchSize'] as number) > 0)) {
    throw new Error(`${fn}: batchSize must be a positive integer, got ${show(o['batchSize'])}`);
  }
}

/** A report argument must be an object holding the list `key` (a formatter's input). */
export function checkReport(fn: string, report: unknown, key: string): void {
  if (report === null || typeof report !== 'object' || !Array.isArray((report as Record<string, unknown>)[key])) {
    throw new Error(`${fn}: expected a report with a '${key}' list, got ${show(report)}`);
  }
}
