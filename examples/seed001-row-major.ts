/** Seed 001: the row-major 784-128-10 MLP backward verified three ways, and its training loop that skips most of the data. */
import { printChecks, runIfMain } from '../src/labs/example.js';
import type { Log } from '../src/labs/example.js';
import { seed001LoopVisits } from '../src/labs/seed001.js';

/** Prints the three-way table and what the seed's loop really visits; true when the backward agrees. */
export function main(log: Log = console.log): boolean {
  log('Seed 001 — Z1 = X W1 + b1 (X is [m,784]), tanh, softmax, mean cross-entropy\n');
  const ok = printChecks(['seed001-mlp'], log);
  const v = seed001LoopVisits();
  log('The training loop: for i in range(0, X_train.shape[1], batch_size)');
  log(`  X_train.shape = (${v.fullSet}, ${v.loopBound}), so shape[1] = ${v.loopBound} counts features, not samples`);
  log(`  per epoch: ${v.batches} batches of 128 → ${v.samplesVisited} samples visited of ${v.fullSet} (${(100 * v.fractionVisited).toFixed(2)} %)`);
  const fixed = seed001LoopVisits(v.fullSet, v.fullSet);
  log(`  with range(0, X_train.shape[0], batch_size): ${fixed.batches} batches → ${fixed.samplesVisited} samples (100 %)`);
  return ok;
}

runIfMain(import.meta.url, () => main());
