/** The bug hunt: the seeds' real slips and the usual ones, planted in hand gradients; each must be caught and explained. */
import { printBugs, runIfMain } from '../src/labs/example.js';
import { bugCases } from '../src/labs/bugs.js';
import type { Log } from '../src/labs/example.js';

/** Runs the planted bugs (all by default) through verifyGradients and prints caught ✓ / missed ✗ with the diagnosis. */
export function main(log: Log = console.log, ids: readonly string[] = bugCases().map((b) => b.id)): boolean {
  log('Bug hunt — each planted mistake must be flagged with the right parameter (and element, and diagnosis)\n');
  const ok = printBugs(ids, log);
  log('');
  log(ok ? `all ${ids.length} cases as expected: planted bugs caught, false alarms cleared` : 'some cases did not go as expected (see ✗ above)');
  return ok;
}

runIfMain(import.meta.url, () => main());
