/** Seed 002: the per-sample 784-32-32-10 sigmoid backward verified, and its two bugs shown (b3 as numpy's `out`, raw pixels). */
import { printBugs, printChecks, runIfMain } from '../src/labs/example.js';
import type { Log } from '../src/labs/example.js';
import { seed002Saturation } from '../src/labs/checks.js';

/** Prints the fixed network's table, the b3 bug as the checker reports it, and the saturation numbers. */
export function main(log: Log = console.log): boolean {
  log('Seed 002 — one sample: a1 = σ(a W1 + b1), a2 = σ(a1 W2 + b2), s = softmax(a2 W3 + b3), L = −Σ y log s\n');
  const ok = printChecks(['seed002-sample'], log);
  log('The seed\'s forward wrote Z3 = np.dot(a2, W3, b3): the third argument of np.dot is `out`, so b3 is');
  log('overwritten with a2·W3 and never added. Checking its hand backward against that forward:');
  const caught = printBugs(['seed002-dot-out'], log);
  const s = seed002Saturation();
  log('');
  log(`Pixels not divided by 255: share of first-layer sigmoids with σ'(z) < 1e-3 (almost no gradient), ${s.source}`);
  log(`  raw 0–255 input: ${(100 * s.raw).toFixed(1)} %   scaled 0–1 input: ${(100 * s.scaled).toFixed(1)} %`);
  return ok && caught;
}

runIfMain(import.meta.url, () => main());
