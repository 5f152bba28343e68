/** Seed 003: the ReLU/softmax backward (dL/dw_o, db_o, dw_h, db_h) verified, and the write-up's (1 − y) slip caught. */
import { printBugs, printChecks, runIfMain } from '../src/labs/example.js';
import type { Log } from '../src/labs/example.js';

/** Prints the three-way table for the code's formulas, then the derivation's slip as the checker reports it. */
export function main(log: Log = console.log): boolean {
  log('Seed 003 — x_h = relu(x w_h + b_h), p = softmax(x_h w_o + b_o), L = −Σ y log p (summed over the batch)\n');
  const ok = printChecks(['seed003-relu'], log);
  log('The derivation writes dL/dw_o = x_h (1 − y)ᵀ; the code\'s grad_ce uses p − y:');
  const caught = printBugs(['seed003-one-minus-y'], log);
  return ok && caught;
}

runIfMain(import.meta.url, () => main());
