/** Printable explanations for the seed examples: the scalar chain factor by factor, and the tape that autodiff walked. */

import { tape } from '../index.js';
import { toTensors } from './bridge.js';
import { fdElement } from './fd.js';
import { mat } from './matrix.js';
import { scalarChainProblem, SCALAR_CHAIN } from './problems.js';
import { scalarChain, scalarChainLoss } from './seed000.js';

/**
 * Seed 000's chain rule laid out: each factor with its value, their product, then autodiff's tape
 * (each op and its VJP formula) and a central finite difference, so the three can be compared by eye.
 * @example
 * scalarChainLines().forEach((l) => console.log(l));
 */
export function scalarChainLines(): string[] {
  const { w1, w2, x1, y } = SCALAR_CHAIN;
  const r = scalarChain(SCALAR_CHAIN);
  const f = r.factors;
  const lines = [
    `z1 = w1·x1 = ${r.z1.toFixed(6)}   a1 = σ(z1) = ${r.a1.toFixed(6)}   z2 = w2·a1 = ${r.z2.toFixed(6)}   ŷ = σ(z2) = ${r.yhat.toFixed(6)}   J = ½(ŷ−y)² = ${r.J.toExponential(6)}`,
    '',
    'dJ/dw1 = ∂J/∂ŷ · ∂ŷ/∂z2 · ∂z2/∂a1 · ∂a1/∂z1 · ∂z1/∂w1',
    `  ∂J/∂ŷ   = ŷ − y      = ${f.dJ_dyhat.toFixed(10)}`,
    `  ∂ŷ/∂z2  = ŷ(1 − ŷ)   = ${f.dyhat_dz2.toFixed(10)}`,
    `  ∂z2/∂a1 = w2         = ${f.dz2_da1}`,
    `  ∂a1/∂z1 = a1(1 − a1) = ${f.da1_dz1.toFixed(10)}`,
    `  ∂z1/∂w1 = x1         = ${f.dz1_dw1}`,
    `  product             = ${r.dJ_dw1.toExponential(12)}`,
  ];
  const problem = scalarChainProblem();
  const params = toTensors(problem.params);
  const loss = problem.loss(params);
  lines.push('', 'the tape autodiff walks backwards (g is the incoming gradient):');
  // The seed's names for each recorded step, in recording order (w1 is a [1,1] tensor, hence the final sum).
  const names = ['z1 = w1·x1', 'a1 = σ(z1)', 'z2 = w2·a1', 'ŷ = σ(z2)', 'ŷ − y', '(ŷ − y)²', 'J = ½(ŷ − y)²', 'J as a scalar'];
  tape(loss).forEach((rec, i) => {
    const formulas = rec.formulas.map((s, k) => `∂in${k}: ${s}`).join('   ');
    lines.push(`  #${rec.index} ${rec.op.padEnd(8)} ${(names[i] ?? '').padEnd(14)} ${formulas}`);
  });
  loss.backward();
  const autodiff = params.w1?.grad?.item() ?? NaN;
  const w = mat(1, 1, [w1]);
  const numerical = fdElement(() => scalarChainLoss({ w1: w.data[0] as number, w2, x1, y }), w, 0);
  lines.push(
    '',
    `  product of factors  ${r.dJ_dw1.toExponential(12)}`,
    `  autodiff            ${autodiff.toExponential(12)}`,
    `  finite differences  ${numerical.toExponential(12)}`,
  );
  return lines;
}
