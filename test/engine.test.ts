/** Small exact tests of the engine's semantics (PyTorch's, which our users know). */
import { describe, expect, it } from 'vitest';
import {
  add, applyOp, backward, grad, matmul, mul, noGrad, ones, randn, sum, tanh, tensor, valueAndGrad, zeros, PRIMITIVES,
} from '../src/index.js';
import type { OpDef, Tensor } from '../src/index.js';
import { compareWithFiniteDifferences } from './helpers/finite-diff.js';

describe('accumulation and reuse', () => {
  it('.grad accumulates across backward calls and zeroGrad resets it to null', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    x.mul(3).sum().backward();
    x.mul(3).sum().backward();
    expect(x.grad!.toArray()).toEqual([6, 6]);
    const first = x.grad!;
    x.zeroGrad();
    expect(x.grad).toBeNull();
    expect(first.toArray()).toEqual([6, 6]); // the old gradient tensor is not mutated
  });

  it('a tensor used many times sums its gradients', () => {
    const x = tensor(3, { requiresGrad: true });
    const y = x.mul(x).add(x).add(x.mul(x).mul(x)); // x² + x + x³ → 2x + 1 + 3x²
    y.backward();
    expect(x.grad!.item()).toBe(2 * 3 + 1 + 27);
  });

  it('an input that does not reach the loss gets no gradient (null), grad() returns zeros for it', () => {
    const a = tensor([1, 2], { requiresGrad: true });
    const unused = tensor([5], { requiresGrad: true });
    a.sum().backward();
    expect(unused.grad).toBeNull();
    const gs = grad((p: Tensor, q: Tensor) => p.sum())(tensor([1, 2]), tensor([7, 8, 9]));
    expect(gs[1]!.toArray()).toEqual([0, 0, 0]);
  });

  it('inputs without requiresGrad get no .grad', () => {
    const w = tensor([2], { requiresGrad: true });
    const x = tensor([3]);
    w.mul(x).sum().backward();
    expect(x.grad).toBeNull();
    expect(w.grad!.toArray()).toEqual([3]);
  });
});

describe('graph lifetime', () => {
  it('a second backward through a freed graph throws a clear error', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = tanh(x).sum();
    y.backward();
    expect(() => y.backward()).toThrow(/second time.*retainGraph/);
  });

  it('retainGraph allows a second backward', () => {
    const x = tensor([1], { requiresGrad: true });
    const y = x.mul(x).sum();
    y.backward(undefined, { retainGraph: true });
    y.backward();
    expect(x.grad!.toArray()).toEqual([4]);
  });

  it('non-scalar backward needs an explicit gradient of the same shape', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = x.mul(2);
    expect(() => y.backward()).toThrow(/gradient argument is needed for a non-scalar output of shape \[2\]/);
    expect(() => y.backward(tensor([1, 1, 1]))).toThrow(/gradient has shape \[3\] but the output has shape \[2\]/);
    y.backward(tensor([1, 10]));
    expect(x.grad!.toArray()).toEqual([2, 20]);
  });

  it('backward on a tensor that does not require grad explains why', () => {
    expect(() => tensor([1]).sum().backward()).toThrow(/does not require grad/);
  });

  it('noGrad records nothing; detach cuts the tape', () => {
    const w = tensor([1, 2], { requiresGrad: true });
    const y = noGrad(() => w.mul(2));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const d = w.mul(2).detach();
    expect(d.requiresGrad).toBe(false);
    expect(d.tape().size).toBe(0);
  });

  it('100 000 chained ops go backward without overflowing the stack', () => {
    const x = tensor(1, { requiresGrad: true });
    let y: Tensor = x;
    for (let i = 0; i < 100_000; i++) y = y.add(1);
    y.backward();
    expect(x.grad!.item()).toBe(1);
  });

  it('tape() lists the ops in recording order as an Immutable List', () => {
    const x = tensor([[1, 2]], { requiresGrad: true });
    const w = tensor([[1], [1]], { requiresGrad: true });
    const loss = tanh(matmul(x, w)).sum();
    const t = loss.tape();
    expect(t.map((r) => r.op).toArray()).toEqual(['matmul', 'tanh', 'sum']);
    expect(t.get(0)!.inputs).toEqual([x, w]);
    expect(t.get(1)!.formulas).toEqual(['g · (1 − y²)']);
    const extended = t.push(t.get(0)!);
    expect(extended.size).toBe(4);
    expect(t.size).toBe(3); // immutable: push returned a new list
  });

  it('memory stays flat: 10 000 MLP steps leave parameters as leaves and each step a tape of the same length', () => {
    const W1 = randn([4, 8], { seed: 1, std: 0.5, requiresGrad: true });
    const W2 = randn([8, 3], { seed: 2, std: 0.5, requiresGrad: true });
    const X = randn([5, 4], { seed: 3 });
    const labels = [0, 1, 2, 1, 0];
    const lengths = new Set<number>();
    let reachable = 0;
    for (let step = 0; step < 10_000; step++) {
      const loss = matmul(tanh(matmul(X, W1)), W2).softmaxCrossEntropy(labels);
      loss.backward();
      lengths.add(loss.tape().size);
      noGrad(() => {
        for (const p of [W1, W2]) {
          const s = p.storage;
          const g = p.grad!.storage;
          for (let i = 0; i < s.length; i++) s[i] = s[i]! - 0.1 * g[i]!;
          p.zeroGrad();
        }
      });
      reachable = loss.tape().size;
    }
    expect([...lengths]).toEqual([4]);
    expect(reachable).toBe(4);
    expect(W1.node).toBeNull();
    expect(W1.tape().size).toBe(0);
  });
});

describe('grad and valueAndGrad', () => {
  it('grad gives one gradient per argument and leaves .grad untouched', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = tensor([3, 4]);
    const [gx, gy] = grad((a: Tensor, b: Tensor) => a.mul(b).sum())(x, y);
    expect(gx!.toArray()).toEqual([3, 4]);
    expect(gy!.toArray()).toEqual([1, 2]);
    expect(x.grad).toBeNull();
  });

  it('argnums picks arguments', () => {
    const gs = grad((a: Tensor, b: Tensor) => a.mul(b).sum(), 1)(tensor([2]), tensor([5]));
    expect(gs.length).toBe(1);
    expect(gs[0]!.toArray()).toEqual([2]);
    expect(() => grad((a: Tensor) => a.sum(), 3)(tensor([1]))).toThrow(/argnum 3 is out of range for 1 arguments/);
  });

  it('valueAndGrad returns the value too; f must return a scalar', () => {
    const { value, grads } = valueAndGrad((a: Tensor) => a.mul(a).sum())(tensor([3]));
    expect(value.item()).toBe(9);
    expect(grads[0]!.toArray()).toEqual([6]);
    expect(() => grad((a: Tensor) => a.mul(2))(tensor([1, 2]))).toThrow(/scalar Tensor, got shape \[2\]/);
  });

  it('nested grad gives second and third derivatives', () => {
    const cube = (x: Tensor) => x.pow(3).sum();
    const d1 = (x: Tensor) => grad(cube)(x)[0]!.sum();
    const d2 = (x: Tensor) => grad(d1)(x)[0]!.sum();
    expect(grad(d1)(tensor([2]))[0]!.item()).toBeCloseTo(12, 12); // 6x
    expect(grad(d2)(tensor([2]))[0]!.item()).toBeCloseTo(6, 12);
  });

  it('backward with createGraph gives differentiable gradients', () => {
    const x = tensor([0.3, -0.7], { requiresGrad: true });
    const y = tanh(x).sum();
    y.backward(undefined, { createGraph: true });
    const g = x.grad!;
    expect(g.requiresGrad).toBe(true);
    x.zeroGrad();
    g.sum().backward();
    const t = [Math.tanh(0.3), Math.tanh(-0.7)];
    expect(x.grad!.toArray()).toEqual(t.map((v) => -2 * v * (1 - v * v)).map((v) => expect.closeTo(v, 14)));
  });
});

describe('second derivatives where TensorFlow.js fails today', () => {
  const second = (f: (x: Tensor) => Tensor, at: number): number =>
    grad((x: Tensor) => grad((y: Tensor) => f(y).sum())(x)[0]!.sum())(tensor([at]))[0]!.item();
  it('d²/dx² tanh = −2 tanh (1 − tanh²)', () => {
    for (const x of [-2, -0.5, 0, 0.7, 3]) {
      const t = Math.tanh(x);
      expect(second((v) => v.tanh(), x)).toBeCloseTo(-2 * t * (1 - t * t), 14);
    }
  });
  it('d²/dx² sigmoid = s(1 − s)(1 − 2s)', () => {
    for (const x of [-2, 0, 0.7, 3]) {
      const s = 1 / (1 + Math.exp(-x));
      expect(second((v) => v.sigmoid(), x)).toBeCloseTo(s * (1 - s) * (1 - 2 * s), 14);
    }
  });
  it('d²/dx² exp = exp', () => {
    expect(second((v) => v.exp(), 1.3)).toBeCloseTo(Math.exp(1.3), 12);
  });
  it('d²/dx² x^e = e(e−1)x^(e−2), and ∂²/∂e² x^e = x^e ln²x', () => {
    expect(second((v) => v.pow(3.5), 1.7)).toBeCloseTo(3.5 * 2.5 * 1.7 ** 1.5, 12);
    expect(second((e) => tensor(1.7).pow(e), 3.5)).toBeCloseTo(1.7 ** 3.5 * Math.log(1.7) ** 2, 12);
  });
});

describe('the engine checks every VJP', () => {
  const brokenShape: OpDef<undefined> = {
    name: 'broken', formulas: ['g'],
    forward: ([x]) => x!.mul(2),
    vjp: (_ctx, g) => [g.sum()],
  };
  const brokenCount: OpDef<undefined> = { ...brokenShape, vjp: () => [] };
  it('names the op and input when a VJP returns the wrong shape or count', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    expect(() => applyOp(brokenShape, [x], undefined).sum().backward()).toThrow(
      /backward of 'broken' returned a gradient of shape \[\] for input 0, which has shape \[2\]/,
    );
    expect(() => applyOp(brokenCount, [x], undefined).sum().backward()).toThrow(/backward of 'broken' returned 0 gradients for 1 inputs/);
  });

  it('a deliberately wrong backward rule is caught by the finite-difference comparison the op tests use', () => {
    const tanhDef = PRIMITIVES.tanh;
    const wrongTanh: OpDef<undefined> = { ...tanhDef, name: 'wrongTanh', vjp: (ctx, g) => [mul(g, ctx.output)] };
    const x = tensor([0.3, -1.2, 2]);
    const good = compareWithFiniteDifferences((v) => applyOp(tanhDef, [v], undefined).sum(), [x]);
    const bad = compareWithFiniteDifferences((v) => applyOp(wrongTanh, [v], undefined).sum(), [x]);
    expect(good).toEqual([]);
    expect(bad.map((m) => m.index)).toEqual([0, 1, 2]);
  });
});

describe('dtypes', () => {
  it('float64 by default, float32 opt-in, mixed gives float64 and gradients keep each input\'s dtype', () => {
    const a = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    const b = tensor([3, 4], { requiresGrad: true });
    expect(b.dtype).toBe('float64');
    const y = add(a, b);
    expect(y.dtype).toBe('float64');
    y.sum().backward();
    expect(a.grad!.dtype).toBe('float32');
    expect(b.grad!.dtype).toBe('float64');
    expect(add(a, 1).dtype).toBe('float32');
  });

  it('float32 storage rounds', () => {
    const t = tensor([0.1], { dtype: 'float32' });
    expect(t.storage).toBeInstanceOf(Float32Array);
    expect(t.item()).toBe(Math.fround(0.1));
  });

  it('zeros/ones of every dtype', () => {
    expect(zeros([2], { dtype: 'float32' }).dtype).toBe('float32');
    expect(sum(ones([2, 3])).item()).toBe(6);
  });

  it('backward() accepts a gradient seed of the other dtype', () => {
    const x = tensor([1, 2], { dtype: 'float32', requiresGrad: true });
    backward(x.mul(2), tensor([1, 1]));
    expect(x.grad!.toArray()).toEqual([2, 2]);
  });
});
