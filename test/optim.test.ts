/** Tests for SGD, momentum and Adam: exact single steps, closed forms, state save/restore. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Tensor } from '../src/tensor.js';
import { Adam, SGD } from '../src/optim/index.js';

function param(values: number[], dtype: 'float64' | 'float32' = 'float64'): Tensor {
  const t = new Tensor(dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values), [values.length]);
  t.requiresGrad = true;
  return t;
}

function setGrad(p: Tensor, values: number[]): void {
  p.grad = new Tensor(Float64Array.from(values), [values.length]);
}

describe('SGD', () => {
  it('takes one exact step w − ηg and skips parameters without a gradient', () => {
    const w = param([1, -2, 3]);
    const b = param([5]);
    const opt = new SGD([['w', w], ['b', b]], { lr: 0.5 });
    setGrad(w, [0.2, 0.4, -1]);
    opt.step();
    expect([...w.storage]).toEqual([1 - 0.5 * 0.2, -2 - 0.5 * 0.4, 3 + 0.5]);
    expect([...b.storage]).toEqual([5]);
    opt.zeroGrad();
    expect(w.grad).toBeNull();
  });

  it('updates float32 storage in place (same buffer)', () => {
    const w = param([1, 2], 'float32');
    const buf = w.storage;
    setGrad(w, [1, 1]);
    new SGD([w], { lr: 0.25 }).step();
    expect(w.storage).toBe(buf);
    expect([...w.storage]).toEqual([0.75, 1.75]);
  });

  it('momentum follows seed 003: v ← γv + ηg, w ← w − v (two steps by hand)', () => {
    const w = param([1]);
    const opt = new SGD([w], { lr: 0.1, momentum: 0.9 });
    setGrad(w, [2]);
    opt.step(); // v = 0.2, w = 0.8
    expect(w.storage[0]).toBeCloseTo(0.8, 15);
    setGrad(w, [-1]);
    opt.step(); // v = 0.9·0.2 − 0.1 = 0.08, w = 0.72
    expect(w.storage[0]).toBeCloseTo(0.72, 15);
  });

  it('momentum matches the closed form on a quadratic ½aw²', () => {
    fc.assert(fc.property(
      fc.double({ min: 0.5, max: 2, noNaN: true }), fc.double({ min: 0.01, max: 0.15, noNaN: true }),
      fc.double({ min: -3, max: 3, noNaN: true }),
      (a, gamma, w0) => {
        const eta = 0.1;
        // w_{t+1} = (1 − ηa + γ) w_t − γ w_{t−1}: roots of λ² − (1 − ηa + γ)λ + γ (real for these ranges).
        const tr = 1 - eta * a + gamma;
        const disc = Math.sqrt(tr * tr - 4 * gamma);
        const l1 = (tr + disc) / 2;
        const l2 = (tr - disc) / 2;
        const w1 = (1 - eta * a) * w0;
        const c1 = (w1 - l2 * w0) / (l1 - l2);
        const c2 = w0 - c1;
        const w = param([w0]);
        const opt = new SGD([w], { lr: eta, momentum: gamma });
        for (let t = 1; t <= 30; t++) {
          setGrad(w, [a * w.storage[0]!]);
          opt.step();
          expect(w.storage[0]).toBeCloseTo(c1 * l1 ** t + c2 * l2 ** t, 10);
        }
      },
    ), { numRuns: 30 });
  });

  it('rejects bad hyperparameters and parameters without requiresGrad', () => {
    expect(() => new SGD([param([1])], { lr: -1 })).toThrow(/SGD: lr must be/);
    expect(() => new SGD([param([1])], { lr: 0.1, momentum: 1.5 })).toThrow(/SGD: momentum/);
    const plain = new Tensor(Float64Array.of(1), [1]);
    expect(() => new SGD([['x', plain]], { lr: 0.1 })).toThrow(/parameter 'x' does not require grad/);
  });
});

describe('Adam', () => {
  it('takes two exact steps by hand', () => {
    const w = param([1]);
    const opt = new Adam([w], { lr: 0.1, beta1: 0.9, beta2: 0.999, eps: 1e-8 });
    setGrad(w, [2]);
    opt.step(); // m̂ = 2, v̂ = 4 → w = 1 − 0.1·2/(2 + 1e-8)
    expect(w.storage[0]).toBeCloseTo(1 - (0.1 * 2) / (2 + 1e-8), 15);
    setGrad(w, [-1]);
    opt.step();
    const m = 0.9 * 0.2 + 0.1 * -1;
    const v = 0.999 * 0.004 + 0.001 * 1;
    const expected = 1 - (0.1 * 2) / (2 + 1e-8) - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(w.storage[0]).toBeCloseTo(expected, 14);
  });

  it('moves by exactly η·c/(|c|+ε) per step under a constant gradient (closed form)', () => {
    fc.assert(fc.property(fc.double({ min: -5, max: 5, noNaN: true }).filter((c) => Math.abs(c) > 1e-3), (c) => {
      const w = param([0]);
      const opt = new Adam([w], { lr: 0.01 });
      for (let t = 1; t <= 50; t++) {
        setGrad(w, [c]);
        opt.step();
      }
      expect(w.storage[0]).toBeCloseTo((-50 * 0.01 * c) / (Math.abs(c) + 1e-8), 10);
    }), { numRuns: 20 });
  });

  it('state round-trips: a restored optimizer continues bit-identically', () => {
    const grads = [[1, -2], [0.5, 0.5], [-3, 1], [2, 2]];
    const run = (split: boolean): number[] => {
      const w = param([0.3, -0.7]);
      let opt = new Adam([['w', w]], { lr: 0.05 });
      grads.forEach((g, i) => {
        if (split && i === 2) {
          const state = opt.stateDict();
          opt = new Adam([['w', w]], { lr: 0.05 });
          opt.loadStateDict(state);
        }
        setGrad(w, g);
        opt.step();
      });
      return [...w.storage];
    };
    expect(run(true)).toEqual(run(false));
  });

  it('rejects a state of another kind or with wrong sizes', () => {
    const w = param([1, 2]);
    const adam = new Adam([['w', w]]);
    const sgd = new SGD([['w', w]], { lr: 0.1, momentum: 0.5 });
    expect(() => adam.loadStateDict(sgd.stateDict())).toThrow(/state is for optimizer 'SGD\+momentum', not 'Adam'/);
    const bad = new Adam([['w', param([1, 2, 3])]]).stateDict();
    expect(() => adam.loadStateDict(bad)).toThrow(/buffer 'm' of 'w' has 3 values, parameter has 2/);
  });
});
