/** Tests for nn: init statistics, seeded reproducibility, layouts, parameter naming, gradients flowing. */
import { describe, expect, it } from 'vitest';
import seedrandom from 'seedrandom';
import { tensor } from '../src/index.js';
import { Activation, Linear, MLP, parseInit, initWeight, initBias, Sequential, Tanh } from '../src/nn/index.js';
import type { InitScheme } from '../src/nn/index.js';

function stats(a: ArrayLike<number>): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (let i = 0; i < a.length; i++) { s += a[i]!; s2 += a[i]! * a[i]!; m = Math.max(m, Math.abs(a[i]!)); }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean), maxAbs: m };
}

describe('init schemes', () => {
  const fanIn = 400;
  const fanOut = 100;
  const cases: [string, number][] = [
    ['normal:0.3', 0.3],
    ['fanin', 1 / Math.sqrt(fanIn)],
    ['randn/2', 0.5],
    ['xavier', Math.sqrt(2 / (fanIn + fanOut))], // U(−a, a) has std a/√3 = √(2/(in+out))
    ['xavier-normal', Math.sqrt(2 / (fanIn + fanOut))],
    ['he', Math.sqrt(2 / fanIn)],
    ['uniform:0.1', 0.1 / Math.sqrt(3)],
  ];
  for (const [spec, std] of cases) {
    it(`${spec}: mean ≈ 0, std ≈ ${std.toFixed(4)} over 40 000 draws`, () => {
      const w = new Float64Array(fanIn * fanOut);
      initWeight(w, fanIn, fanOut, parseInit(spec), seedrandom('stats'));
      const s = stats(w);
      // Standard error of the std estimate is about std/√(2n) ≈ 0.35 %; allow 3 %.
      expect(Math.abs(s.mean)).toBeLessThan(0.03 * std);
      expect(s.std / std).toBeGreaterThan(0.97);
      expect(s.std / std).toBeLessThan(1.03);
    });
  }

  it('uniform schemes stay within their bound; biases are zero except for randn/2', () => {
    const w = new Float64Array(10000);
    initWeight(w, 30, 70, { kind: 'xavier' }, seedrandom('u'));
    expect(stats(w).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / 100));
    const b = new Float64Array(5000).fill(9);
    initBias(b, { kind: 'he' }, seedrandom('b'));
    expect(stats(b).maxAbs).toBe(0);
    initBias(b, { kind: 'randn2' } as InitScheme, seedrandom('b'));
    expect(stats(b).std).toBeGreaterThan(0.45);
  });

  it('parses names and rejects bad ones', () => {
    expect(parseInit('normal:0.3')).toEqual({ kind: 'normal', std: 0.3 });
    expect(parseInit('glorot')).toEqual({ kind: 'xavier' });
    expect(() => parseInit('normal')).toThrow(/needs a positive number/);
    expect(() => parseInit('zeros')).toThrow(/unknown init 'zeros'/);
  });
});

describe('Linear', () => {
  it('row layout computes x W + b with W [in, out]', () => {
    const l = new Linear(3, 2, { layout: 'row', seed: 1 });
    expect(l.weight.shape).toEqual([3, 2]);
    expect(l.bias!.shape).toEqual([2]);
    l.weight.storage.set([1, 2, 3, 4, 5, 6]);
    l.bias!.storage.set([0.5, -0.5]);
    expect(l.forward(tensor([[1, 0, 1]])).toArray()).toEqual([[6.5, 7.5]]);
  });

  it('col layout computes W x + b with W [out, in] and x [in, m]', () => {
    const l = new Linear(3, 2, { layout: 'col', seed: 1 });
    expect(l.weight.shape).toEqual([2, 3]);
    expect(l.bias!.shape).toEqual([2, 1]);
    l.weight.storage.set([1, 2, 3, 4, 5, 6]);
    l.bias!.storage.set([0.5, -0.5]);
    expect(l.forward(tensor([[1, 2], [0, 0], [1, 0]])).toArray()).toEqual([[4.5, 2.5], [9.5, 7.5]]);
  });

  it('gradients reach weight and bias', () => {
    const l = new Linear(2, 2, { seed: 3 });
    l.forward(tensor([[1, 2], [3, 4]])).sum().backward();
    expect(l.weight.grad!.toArray()).toEqual([[4, 4], [6, 6]]);
    expect(l.bias!.grad!.toArray()).toEqual([2, 2]);
    l.zeroGrad();
    expect(l.weight.grad).toBeNull();
  });

  it('rejects bad sizes and layouts', () => {
    expect(() => new Linear(0, 2)).toThrow(/Linear: inFeatures must be a positive integer, got 0/);
    expect(() => new Linear(2, 2, { layout: 'diag' as never })).toThrow(/layout must be 'row' or 'col'/);
    expect(() => new Activation('swish')).toThrow(/unknown activation 'swish'/);
  });
});

describe('MLP and Sequential', () => {
  it('names parameters by layer index, seeded reproducibly, float32 on request', () => {
    const a = new MLP({ sizes: [4, 3, 2], activation: 'tanh', init: 'normal:0.3', seed: 7, dtype: 'float32' });
    const b = new MLP({ sizes: [4, 3, 2], activation: 'tanh', init: 'normal:0.3', seed: 7, dtype: 'float32' });
    const c = new MLP({ sizes: [4, 3, 2], activation: 'tanh', init: 'normal:0.3', seed: 8, dtype: 'float32' });
    expect(a.namedParameters().map(([n, p]) => `${n}:${p.shape.join('x')}`)).toEqual(['0.weight:4x3', '0.bias:3', '2.weight:3x2', '2.bias:2']);
    expect(a.parameters()[0]!.storage).toBeInstanceOf(Float32Array);
    expect(a.parameters()[0]!.storage).toEqual(b.parameters()[0]!.storage);
    expect(a.parameters()[0]!.storage).not.toEqual(c.parameters()[0]!.storage);
    expect(String(a)).toBe('Linear(4→3, row, normal:0.3) → tanh → Linear(3→2, row, normal:0.3)');
  });

  it('can drop the output bias (seed 002)', () => {
    const m = new MLP({ sizes: [4, 3, 3, 2], activation: 'sigmoid', outputBias: false, seed: 1 });
    expect(m.namedParameters().map(([n]) => n)).toEqual(['0.weight', '0.bias', '2.weight', '2.bias', '4.weight']);
  });

  it('forward equals the composition of its layers; output activation applies', () => {
    const l1 = new Linear(2, 3, { seed: 1 });
    const l2 = new Linear(3, 1, { seed: 2 });
    const net = new Sequential(l1, Tanh(), l2);
    const x = tensor([[0.5, -1]]);
    expect(net.forward(x).toArray()).toEqual(l2.forward(l1.forward(x).tanh()).toArray());
    const sig = new MLP({ sizes: [1, 6, 7, 2], activation: 'sigmoid', outputActivation: 'sigmoid', layout: 'col', init: 'randn/2', seed: 4 });
    const y = sig.forward(tensor([[0, 0.5, 1]])).data();
    expect(y.length).toBe(6);
    for (const v of y) expect(v > 0 && v < 1).toBe(true);
    expect(sig.parameters()[1]!.storage.some((v) => v !== 0)).toBe(true); // randn/2 draws biases too
  });
});
