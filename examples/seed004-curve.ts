/** Seed 004: the 1-6-7-2 logistic curve network's six Jacobians J_W3 … J_b1, verified three ways. */
import { printChecks, runIfMain } from '../src/labs/example.js';
import type { Log } from '../src/labs/example.js';

/** Prints the three-way table for J_W3, J_b3, J_W2, J_b2, J_W1, J_b1; true when all agree. */
export function main(log: Log = console.log): boolean {
  log('Seed 004 — a(n) = σ(W(n) a(n−1) + b(n)), cost C = ‖a3 − y‖² / N\n');
  return printChecks(['seed004-curve'], log);
}

runIfMain(import.meta.url, () => main());
