/**
 * The registry-driven gradient test: every primitive op, first and second order, against central
 * finite differences in float64, over random shapes (broadcasting included) and values; and its
 * forward mode (jvp rule, and the transpose fallback) against finite differences, reverse mode and
 * itself, second order included.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { grad, hvp, jvp, mul, PRIMITIVES, sum, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { compareWithFiniteDifferences, differences, directionalDifference, projection } from './helpers/finite-diff.js';
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

/** A seeded normal-ish tensor of `shape` (a random tangent or cotangent). */
function randomLike(shape: readonly number[], seed: string): Tensor {
  const rng = seedrandom(seed);
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(Float64Array.from({ length: size }, () => rng() + rng() + rng() - 1.5), { shape: [...shape] });
}

const dot = (a: Tensor, b: Tensor): number => { let s = 0; for (let i = 0; i < a.size; i++) s += a.storage[i]! * b.storage[i]!; return s; };
const dots = (as: readonly Tensor[], bs: readonly Tensor[]): number => as.reduce((s, a, k) => s + dot(a, bs[k]!), 0);
const close = (a: number, b: number, scale: number, rtol = 1e-9): boolean => Math.abs(a - b) <= rtol * Math.max(1, scale);

/** Runs `fn` with the op's own jvp rule removed, so forward mode takes the transpose fallback. */
function withoutRule<T>(name: string, fn: () => T): T {
  const def = (PRIMITIVES as Record<string, { jvp?: unknown }>)[name]!;
  const rule = def.jvp;
  delete def.jvp;
  try {
    return fn();
  } finally {
    def.jvp = rule;
  }
}

describe('every primitive op has a checked forward mode', () => {
  for (const [name, specAny] of Object.entries(OP_SPECS)) {
    const spec = specAny as OpSpec;
    const tangentsOf = (c: { inputs: Tensor[]; label: string }, salt: string): Tensor[] =>
      c.inputs.map((x, k) => randomLike(x.shape, `${c.label} ${salt} ${k}`));
    if (spec.differentiable === false) {
      it(`${name}: piecewise constant, so its tangent is zero`, () => {
        fc.assert(fc.property(spec.cases, (c) => {
          const { tangent } = jvp(c.apply, c.inputs, tangentsOf(c, 't'));
          expect([...tangent.storage].every((v) => v === 0), c.label).toBe(true);
        }), { numRuns: 10 });
      });
      continue;
    }
    it(`${name}: ${spec.jvp === 'fallback' ? 'uses the transpose fallback (no rule)' : 'has its own jvp rule'}`, () => {
      const def = (PRIMITIVES as Record<string, { jvp?: unknown }>)[name]!;
      expect(typeof def.jvp).toBe(spec.jvp === 'fallback' ? 'undefined' : 'function');
    });
    it(`${name}: jvp matches central finite differences along a random tangent`, () => {
      const tol = spec.tolerance ?? DEFAULT;
      fc.assert(fc.property(spec.cases, (c) => {
        const ts = tangentsOf(c, 't');
        const { value, tangent } = jvp(c.apply, c.inputs, ts);
        expect(value.toArray(), c.label).toEqual(c.apply(...c.inputs).toArray());
        expect(tangent.shape, c.label).toEqual(value.shape);
        expect(differences(tangent.storage, directionalDifference(c.apply, c.inputs, ts, tol.eps), tol), c.label).toEqual([]);
      }), { numRuns: 30 });
    });
    it(`${name}: jvp agrees with reverse mode, ⟨J·t, u⟩ = ⟨t, Jᵀ·u⟩`, () => {
      const rtol = spec.tolerance?.rtol ?? 1e-9;
      fc.assert(fc.property(spec.cases, (c) => {
        const ts = tangentsOf(c, 't');
        const { value, tangent } = jvp(c.apply, c.inputs, ts);
        const u = randomLike(value.shape, `${c.label} u`);
        const vjps = grad((...xs: Tensor[]) => sum(mul(c.apply(...xs), u)))(...c.inputs);
        const forward = dot(tangent, u);
        const reverse = dots(ts, vjps);
        expect(close(forward, reverse, Math.abs(reverse), rtol), `${c.label}: ${forward} vs ${reverse}`).toBe(true);
      }), { numRuns: 20 });
    });
    it(`${name}: the transpose-of-VJP fallback equals the rule`, () => {
      fc.assert(fc.property(spec.cases, (c) => {
        const ts = tangentsOf(c, 't');
        const rule = jvp(c.apply, c.inputs, ts).tangent;
        const fallback = withoutRule(name, () => jvp(c.apply, c.inputs, ts).tangent);
        expect(differences(fallback.storage, rule.storage, { atol: 1e-12, rtol: 1e-9 }), c.label).toEqual([]);
      }), { numRuns: 15 });
    });
    it(`${name}: second order — nested jvp, hvp (reverse over forward) and forward over reverse equal reverse over reverse`, () => {
      fc.assert(fc.property(spec.cases, (c) => {
        const f = scalarOf(c.apply, 1);
        const ts = tangentsOf(c, 't');
        const ss = tangentsOf(c, 's');
        // sᵀ·H·t four ways.
        const rr = dots(ss, grad((...xs: Tensor[]) => grad(f)(...xs).reduce<Tensor>((acc, g, k) => acc.add(sum(mul(g, ts[k]!))), sum(mul(xs[0]!, 0))))(...c.inputs));
        const ff = jvp((...xs: Tensor[]) => jvp(f, xs, ts).tangent, c.inputs, ss).tangent.item();
        const rf = dots(ss, hvp(f, c.inputs, ts));
        const fr = dots(ts, jvp((...xs: Tensor[]) => grad(f)(...xs), c.inputs, ss).tangents);
        const scale = Math.abs(rr);
        for (const [how, v] of [['jvp of jvp', ff], ['hvp', rf], ['jvp of grad', fr]] as const) {
          expect(close(v, rr, scale, spec.tolerance?.rtol ?? 1e-8), `${c.label}: ${how} ${v} vs grad of grad ${rr}`).toBe(true);
        }
      }), { numRuns: 10 });
    });
  }
});
