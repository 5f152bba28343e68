/**
 * The registry-driven gradient test: every primitive op, first and second order, against central
 * finite differences in float64, over random shapes (broadcasting included) and values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad, mul, PRIMITIVES, sum } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { compareWithFiniteDifferences, projection } from './helpers/finite-diff.js';
import { OP_SPECS } from './helpers/op-specs.js';
import type { OpSpec } from './helpers/op-specs.js';

const DEFAULT = { atol: 1e-6, rtol: 1e-5, eps: 1e-6 };

/** The op's output projected to a scalar with fixed weights, so every output element matters. */
function scalarOf(apply: (...xs: Tensor[]) => Tensor, salt: number) {
  return (...xs: Tensor[]): Tensor => {
    const y = apply(...xs);
    return sum(mul(y, projection(y.shape, salt)));
  };
}

describe('every primitive op is gradient-checked', () => {
  for (const [name, specAny] of Object.entries(OP_SPECS)) {
    const spec = specAny as OpSpec;
    it(`${name}: registered`, () => {
      expect(PRIMITIVES).toHaveProperty(name);
    });
    if (spec.differentiable === false) {
      it(`${name}: is never recorded (piecewise constant)`, () => {
        fc.assert(fc.property(spec.cases, (c) => {
          const inputs = c.inputs.map((x) => { const t = x.detach(); t.requiresGrad = true; return t; });
          expect(c.apply(...inputs).requiresGrad).toBe(false);
        }), { numRuns: 10 });
      });
      continue;
    }
    it(`${name}: first derivatives match finite differences`, () => {
      fc.assert(fc.property(spec.cases, (c) => {
        const bad = compareWithFiniteDifferences(scalarOf(c.apply, 1), c.inputs, spec.tolerance ?? DEFAULT);
        expect(bad, c.label).toEqual([]);
      }), { numRuns: 30 });
    });
    it(`${name}: second derivatives (the recorded backward) match finite differences`, () => {
      fc.assert(fc.property(spec.cases, (c) => {
        // h(x) = Σ v ⊙ ∇f(x): its gradient is the Hessian-vector product, built from each VJP's VJP.
        const f = scalarOf(c.apply, 1);
        const h = (...xs: Tensor[]): Tensor => {
          const gs = grad(f)(...xs);
          return gs.reduce<Tensor>((acc, g, k) => acc.add(sum(mul(g, projection(g.shape, 7 + k)))), sum(mul(xs[0]!, 0)));
        };
        const bad = compareWithFiniteDifferences(h, c.inputs, spec.tolerance ?? { atol: 1e-5, rtol: 1e-4, eps: 1e-5 });
        expect(bad, c.label).toEqual([]);
      }), { numRuns: 15 });
    });
  }
});
