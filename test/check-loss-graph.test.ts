import { describe, expect, it } from 'vitest';
import { log, matmul, randn, sigmoid, softmax, tensor, verifyGradients } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { gradientsOf } from '../src/engine/gradients.js';
import { replay } from '../src/engine/replay.js';
import { localFactors, logEpsilonNodes, withoutLogEpsilon } from '../src/check/loss-graph.js';

describe('gradientsOf: d(root)/d(any recorded tensor) in one pass', () => {
  it('gives intermediates and leaves without touching .grad', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(x);
    const loss = y.mul(3).sum();
    const g = gradientsOf(loss, [x, y]);
    expect(g.get(y)!.toArray()).toEqual([3, 3]);
    expect(g.get(x)!.toArray()).toEqual([6, 12]);
    expect(x.grad).toBeNull();
    loss.backward(); // the graph was retained
    expect(x.grad!.toArray()).toEqual([6, 12]);
  });
  it('refuses a non-scalar or untracked root by name', () => {
    expect(() => gradientsOf(tensor([1, 2]), [])).toThrow(/gradientsOf: the root does not require grad/);
    expect(() => gradientsOf(tensor([1, 2], { requiresGrad: true }).mul(2), [])).toThrow(/gradientsOf: the root must be a scalar, got shape \[2\]/);
  });
});

describe('replay and the log guard', () => {
  it('replays a graph with a node skipped', () => {
    const x = tensor([2, 4], { requiresGrad: true });
    const loss = log(x.add(1e-8)).sum();
    const { root } = replay(loss, (node, inputs) => (node.op === 'add' ? inputs[0] : undefined));
    expect(root.item()).toBe(Math.log(2) + Math.log(4));
    expect(loss.item()).not.toBe(root.item());
  });
  it('finds log(p + ε) and gives the gradient without ε exactly', () => {
    const p = tensor([0.2, 0.8], { requiresGrad: true });
    const loss = log(p.add(1e-8)).sum().neg();
    expect(logEpsilonNodes(loss).map((n) => n.value)).toEqual([1e-8]);
    const w = withoutLogEpsilon(loss, [p])!;
    expect(w.phrase).toBe('the 1e-8 in the log');
    expect(w.grads.get(p)!.toArray()).toEqual([-1 / 0.2, -1 / 0.8]);
    // A constant above 1e-3 is part of the model, not a guard.
    expect(withoutLogEpsilon(log(p.add(0.5)).sum(), [p])).toBeNull();
  });
});

describe('verifyGradients reads the loss graph when the hand formula disagrees', () => {
  const X = randn([5, 4], { seed: 1 });
  const Y = tensor([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]]);
  const loss = (p: Record<string, Tensor>): Tensor => log(softmax(matmul(X, p['W']!)).add(1e-8)).mul(Y).sum().neg().div(5);
  const hand = (p: Record<string, Tensor>): Tensor => X.T.matmul(softmax(matmul(X, p['W']!)).sub(Y)).div(5);
  const params = { W: randn([4, 3], { seed: 2 }) };

  it('explains A − Y against a loss with 1e-8 in the log instead of failing it', () => {
    const r = verifyGradients({ params, loss, manual: (p) => ({ W: hand(p) }) });
    expect(r.ok).toBe(true);
    expect(r.params[0]!.agree.manualVsAutodiff).toBe(false); // the tolerance was not loosened
    expect(r.params[0]!.diagnosisKind).toBe('log-epsilon');
    expect(r.params[0]!.diagnosis).toMatch(/^agrees with the gradient of the loss without the 1e-8 in the log; your backward drops that term/);
  });
  it('still fails a real slip on top of the dropped 1e-8, named by the slip', () => {
    const r = verifyGradients({ params, loss, manual: (p) => ({ W: hand(p).mul(5) }), batchSize: 5 });
    expect(r.ok).toBe(false);
    expect(r.params[0]!.diagnosis).toMatch(/×5 autodiff — a missing 1\/m\? \(m = 5/);
  });
  it('names a dropped σ′ in a scalar chain (seed 000: z1 = 1, σ′(1) = 0.1966)', () => {
    const x1 = 2, w2 = -1.5, y = 1;
    const chain = (p: Record<string, Tensor>): Tensor => sigmoid(sigmoid(p['w1']!.mul(x1)).mul(w2)).sub(y).pow(2).mul(0.5).sum();
    const dropped = (p: Record<string, Tensor>) => {
      const w1 = p['w1']!.item();
      const a1 = 1 / (1 + Math.exp(-w1 * x1));
      const yh = 1 / (1 + Math.exp(-w2 * a1));
      return { w1: [(yh - y) * yh * (1 - yh) * w2 * x1] }; // a1(1 − a1) left out
    };
    const r = verifyGradients({ params: { w1: tensor([0.5]) }, loss: chain, manual: dropped });
    expect(r.params[0]!.diagnosis).toMatch(/leaves out σ′ = 0\.1966, the derivative of the inner sigmoid \(hand ÷ autodiff = 5\.086\)/);
    const w = tensor([0.5], { requiresGrad: true });
    expect(localFactors(chain({ w1: w })).map((f) => f.text)).toEqual([
      'σ′ = 0.1966, the derivative of the inner sigmoid',
      // σ′(z2), z2 = −1.5·σ(1): python3 -c "import math;s=1/(1+math.exp(1.5/(1+math.exp(-1))));print(s*(1-s))" → 0.18768974
      'σ′ = 0.1877, the derivative of the outer sigmoid',
    ]);
  });
  it('names the factor with the tensors\' own names when they have them (σ′(z1) = a1(1 − a1))', () => {
    const w1 = tensor([0.5], { requiresGrad: true, name: 'w1' });
    const z1 = w1.mul(2);
    z1.name = 'z1';
    const a1 = sigmoid(z1);
    a1.name = 'a1';
    const h = a1.mul(-1.5).tanh();
    expect(localFactors(h.sum()).map((f) => f.text)).toEqual([
      'σ′(z1) = a1(1 − a1) = 0.1966, the derivative of the sigmoid',
      // python3 -c "import math;s=1/(1+math.exp(-1));t=math.tanh(-1.5*s);print(1-t*t)" → 0.36116742; unnamed input: bare symbol
      'tanh′ = 0.3612, the derivative of the tanh',
    ]);
  });
});
