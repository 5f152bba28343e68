/** Seed 000: the scalar chain rule for dJ/dw1 and the column-major 784-128-10 MLP backward, each verified three ways. */
import { printChecks, runIfMain } from '../src/labs/example.js';
import type { Log } from '../src/labs/example.js';
import { scalarChainLines } from '../src/labs/explain.js';

/** Prints the worked chain rule and both three-way tables; returns true when everything agrees. */
export function main(log: Log = console.log): boolean {
  log('Seed 000 — scalar chain z1 = w1·x1, a1 = σ(z1), z2 = w2·a1, ŷ = σ(z2), J = ½(ŷ − y)²\n');
  for (const line of scalarChainLines()) log(line);
  log('');
  return printChecks(['seed000-scalar', 'seed000-mlp'], log);
}

runIfMain(import.meta.url, () => main());
