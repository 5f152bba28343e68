/** explain(): chain-rule factors equal seed 000's hand derivation and autodiff; sums over paths; tensor walk-through. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { grad, randn, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { explain } from '../src/explain/index.js';

const sigma = (z: number): number => 1 / (1 + Math.exp(-z));

function seed000(w1v: number, w2v: number, x1v: number, yv: number) {
  const w1 = tensor(w1v, { requiresGrad: true, name: 'w1' });
  const w2 = tensor(w2v, { requiresGrad: true, name: 'w2' });
  const x1 = tensor(x1v, { name: 'x1' });
  const y = tensor(yv, { name: 'y' });
  const z1 = w1.mul(x1);
  z1.name = 'z1';
  const a1 = z1.sigmoid();
  a1.name = 'a1';
  const z2 = w2.mul(a1);
  z2.name = 'z2';
  const yhat = z2.sigmoid();
  yhat.name = 'ŷ';
  const J = yhat.sub(y).pow(2).mul(0.5);
  J.name = 'J';
  return { J, w1, w2 };
}

const loss000 = (x1: number, y: number) => (w1: Tensor, w2: Tensor) =>
  w2.mul(w1.mul(x1).sigmoid()).sigmoid().sub(y).pow(2).mul(0.5);

describe('explain on seed 000', () => {
  it('multiplies the factors to the autodiff dJ/dw1 and to the seed\'s (ŷ−y)·ŷ(1−ŷ)·w2·a1(1−a1)·x1', () => {
    const { J, w1 } = seed000(0.8, -1.5, 1.7, 1);
    const e = explain(J, w1);
    expect(e.mode).toBe('scalar');
    expect(e.pathCount).toBe(1);
    const path = e.paths[0]!;
    const product = path.factors.reduce((p, f) => p * f.value, 1);
    const autodiff = grad(loss000(1.7, 1))(tensor(0.8), tensor(-1.5))[0]!.item();
    expect(product).toBeCloseTo(autodiff, 14);
    expect(e.autodiff!).toBeCloseTo(autodiff, 14);
    expect(e.agrees).toBe(true);
    const a1 = sigma(0.8 * 1.7), yhat = sigma(-1.5 * a1);
    const seedProduct = (yhat - 1) * yhat * (1 - yhat) * -1.5 * a1 * (1 - a1) * 1.7;
    expect(product).toBeCloseTo(seedProduct, 14);
    // The seed's named factors appear with their values.
    const bySymbol = new Map(path.factors.map((f) => [f.symbol, f.value]));
    expect(bySymbol.get('∂ŷ/∂z2')).toBeCloseTo(yhat * (1 - yhat), 14);
    expect(bySymbol.get('∂z2/∂a1')).toBe(-1.5);
    expect(bySymbol.get('∂a1/∂z1')).toBeCloseTo(a1 * (1 - a1), 14);
    expect(bySymbol.get('∂z1/∂w1')).toBe(1.7);
    expect(path.factors.find((f) => f.symbol === '∂ŷ/∂z2')!.formula).toBe('y · (1 − y)');
    // Grouped between the named tensors: exactly the seed's five factors.
    expect(path.grouped.map((g) => g.symbol)).toEqual(['∂J/∂ŷ', '∂ŷ/∂z2', '∂z2/∂a1', '∂a1/∂z1', '∂z1/∂w1']);
    const seedFactors = [yhat - 1, yhat * (1 - yhat), -1.5, a1 * (1 - a1), 1.7];
    path.grouped.forEach((g, i) => expect(g.value).toBeCloseTo(seedFactors[i]!, 14));
    expect(path.grouped[0]!.factors).toBe(3);
    const text = e.toString();
    expect(text).toContain('between named tensors: ∂J/∂ŷ · ∂ŷ/∂z2');
    expect(text).toContain('dJ/dw1');
    expect(text).toContain('✓ agrees');
  });

  it('property: dJ/dw2 by the chain rule equals autodiff for random inputs', () => {
    const num = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(fc.property(num, num, num, fc.double({ min: 0, max: 1, noNaN: true }), (w1v, w2v, x1v, yv) => {
      const { J, w2 } = seed000(w1v, w2v, x1v, yv);
      const e = explain(J, w2);
      const autodiff = grad(loss000(x1v, yv))(tensor(w1v), tensor(w2v))[1]!.item();
      expect(Math.abs(e.sum! - autodiff)).toBeLessThanOrEqual(1e-12 + 1e-9 * Math.abs(autodiff));
      expect(e.agrees).toBe(true);
    }), { numRuns: 50 });
  });
});

describe('explain: several paths', () => {
  it('sums over every path (x used twice in x·x and once in exp)', () => {
    const x = tensor(0.3, { requiresGrad: true, name: 'x' });
    const e = explain(x.mul(x).add(x.exp()), x);
    expect(e.pathCount).toBe(3);
    expect(e.paths.map((p) => p.product)).toEqual([0.3, 0.3, Math.exp(0.3)]);
    expect(e.sum!).toBeCloseTo(2 * 0.3 + Math.exp(0.3), 14);
    expect(e.agrees).toBe(true);
  });

  it('counts paths without listing them all when there are too many', () => {
    const x = tensor(1.1, { requiresGrad: true, name: 'x' });
    let h = x;
    for (let i = 0; i < 12; i++) h = h.add(h.mul(0.5)); // 2 paths per step: 2^12
    const e = explain(h, x, { maxPaths: 5 });
    expect(e.pathCount).toBe(4096);
    expect(e.paths.length).toBe(5);
    expect(e.sum!).toBeCloseTo(1.5 ** 12, 9);
    expect(e.agrees).toBe(true);
    expect(e.toString()).toContain('4091 more paths');
  });
});

describe('explain on deep graphs', () => {
  it('walks a 4000-op scalar chain without recursion limits', () => {
    const x = tensor(0.3, { requiresGrad: true, name: 'x' });
    let h = x;
    for (let i = 0; i < 2000; i++) h = h.mul(0.99).tanh();
    const e = explain(h, x);
    expect(e.pathCount).toBe(1);
    expect(e.paths[0]!.factors).toHaveLength(4000);
    expect(e.agrees).toBe(true);
  });
});

describe('explain on tensor graphs', () => {
  it('walks the backward pass: op, incoming shape, formula, outgoing shapes', () => {
    const W = randn([3, 2], { seed: 1, requiresGrad: true });
    W.name = 'W';
    const X = randn([4, 3], { seed: 2 });
    X.name = 'X';
    const L = X.matmul(W).tanh().sum();
    const e = explain(L, W);
    expect(e.mode).toBe('tensor');
    expect(e.steps.map((s) => s.op)).toEqual(['sum', 'tanh', 'matmul']);
    expect(e.steps[1]!.incomingShape).toEqual([4, 2]);
    expect(e.steps[1]!.inputs[0]!.formula).toBe('g · (1 − y²)');
    const mm = e.steps[2]!;
    expect(mm.inputs.map((i) => [i.name, i.shape, i.flows])).toEqual([['X', [4, 3], false], ['W', [3, 2], true]]);
    expect(e.steps[0]!.incomingNorm).toBe(1);
    expect(e.toString()).toContain('step 3: matmul');
  });

  it('names the problem when the graph was freed or wrt is unrelated', () => {
    const x = tensor(0.5, { requiresGrad: true, name: 'x' });
    const y = x.sigmoid().mul(3);
    y.backward();
    expect(() => explain(y, x)).toThrow(/freed/);
    const z = tensor(1, { requiresGrad: true, name: 'z' });
    expect(() => explain(x.exp(), z)).toThrow(/does not depend on 'z'/);
  });
});
