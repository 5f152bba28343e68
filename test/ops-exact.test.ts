/** Exact small cases per op: values and gradients known in closed form. */
import { describe, expect, it } from 'vitest';
import {
  abs, div, exp, grad, log, logSoftmax, matmul, max, mean, mseLoss, oneHot, pow, rand, randn, relu, reshape,
  sigmoid, softmax, softmaxCrossEntropy, sqrt, sub, sum, tanh, tensor, transpose, where, full, manualSeed,
} from '../src/index.js';
import type { Tensor } from '../src/index.js';

const g1 = (f: (x: Tensor) => Tensor, x: number[]): number[] =>
  grad((t: Tensor) => f(t).sum())(tensor(x))[0]!.toArray() as number[];

describe('elementwise values and gradients', () => {
  it('add/sub/mul/div broadcast like numpy and sum gradients back', () => {
    const a = tensor([[1, 2, 3], [4, 5, 6]]);
    const b = tensor([10, 20, 30]);
    expect(a.add(b).toArray()).toEqual([[11, 22, 33], [14, 25, 36]]);
    expect(sub(a, tensor([[1], [2]])).toArray()).toEqual([[0, 1, 2], [2, 3, 4]]);
    const [ga, gb] = grad((x: Tensor, y: Tensor) => x.mul(y).sum())(a, b);
    expect(ga!.toArray()).toEqual([[10, 20, 30], [10, 20, 30]]);
    expect(gb!.toArray()).toEqual([5, 7, 9]);
    const [, gd] = grad((x: Tensor, y: Tensor) => div(x, y).sum())(tensor([1, 2]), tensor([2, 4]));
    expect(gd!.toArray()).toEqual([-1 / 4, -2 / 16]);
  });

  it('pow with a number and with a tensor exponent (both get gradients)', () => {
    expect(pow(tensor([2, 3]), 2).toArray()).toEqual([4, 9]);
    expect(g1((x) => x.pow(3), [2])).toEqual([12]);
    const [gb, ge] = grad((b: Tensor, e: Tensor) => pow(b, e).sum())(tensor([2]), tensor([3]));
    expect(gb!.item()).toBeCloseTo(12, 14);
    expect(ge!.item()).toBeCloseTo(8 * Math.log(2), 14);
    expect(g1((x) => x.pow(0), [0])).toEqual([0]); // not NaN
    expect(grad((e: Tensor) => pow(tensor([0]), e).sum())(tensor([2]))[0]!.toArray()).toEqual([0]); // 0^e ln 0 → 0
  });

  it('unary ops', () => {
    expect(exp(tensor([0, 1])).toArray()).toEqual([1, Math.E]);
    expect(log(tensor([1, Math.E])).toArray()).toEqual([0, 1]);
    expect(sqrt(tensor([9])).toArray()).toEqual([3]);
    expect(g1(sqrt, [4])).toEqual([0.25]);
    expect(g1(log, [4])).toEqual([0.25]);
    expect(abs(tensor([-2, 0, 3])).toArray()).toEqual([2, 0, 3]);
    expect(g1(abs, [-2, 0, 3])).toEqual([-1, 0, 1]);
    expect(relu(tensor([-1, 0, 2])).toArray()).toEqual([0, 0, 2]);
    expect(g1(relu, [-1, 0, 2])).toEqual([0, 0, 1]); // NOTE: relu'(0) = 0
    expect(g1(tanh, [0])).toEqual([1]);
    expect(g1(sigmoid, [0])).toEqual([0.25]);
    expect(tensor([1, -2]).neg().toArray()).toEqual([-1, 2]);
  });

  it('sigmoid, tanh, softmax, logSoftmax and softmaxCrossEntropy stay finite and exact at |x| = 1000', () => {
    expect(sigmoid(tensor([1000, -1000, 0])).toArray()).toEqual([1, 0, 0.5]);
    expect(tanh(tensor([1000, -1000])).toArray()).toEqual([1, -1]);
    expect(g1(sigmoid, [1000, -1000])).toEqual([0, 0]);
    expect(g1(tanh, [1000, -1000])).toEqual([0, 0]);
    expect(softmax(tensor([1000, 0, -1000])).toArray()).toEqual([1, 0, 0]);
    expect(logSoftmax(tensor([1000, 0])).toArray()).toEqual([0, -1000]);
    expect(softmaxCrossEntropy(tensor([[1000, -1000]]), [1]).item()).toBe(2000);
    expect(softmaxCrossEntropy(tensor([[1000, -1000]]), [0]).item()).toBe(0);
    const gz = grad((z: Tensor) => softmaxCrossEntropy(z, [1]))(tensor([[1000, -1000]]))[0]!;
    expect(gz.toArray()).toEqual([[1, -1]]);
  });

  it('where: the branch not taken gets zero gradient; a 0/0 inside it needs the double-where guard', () => {
    const x = tensor([0, 4]);
    const mask = tensor([0, 1]);
    // sqrt'(0) = 1/0: the unguarded branch's own VJP makes 0·∞ = NaN (as in JAX and PyTorch).
    const naive = grad((v: Tensor) => where(mask, sqrt(v), 0).sum())(x)[0]!;
    expect(naive.storage[0]).toBeNaN();
    const guarded = grad((v: Tensor) => where(mask, sqrt(where(mask, v, 1)), 0).sum())(x)[0]!;
    expect(guarded.toArray()).toEqual([0, 0.25]);
    expect(where(mask, sqrt(tensor([-1, 4])), 7).toArray()).toEqual([7, 2]); // no NaN in the result
  });
});

describe('reductions', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  it('sum/mean/max over axes, negative axes and keepDims', () => {
    expect(sum(x).item()).toBe(21);
    expect(sum(x, 0).toArray()).toEqual([5, 7, 9]);
    expect(sum(x, -1, true).toArray()).toEqual([[6], [15]]);
    expect(sum(x, [0, 1]).shape).toEqual([]);
    expect(mean(x, 1).toArray()).toEqual([2, 5]);
    expect(max(x, 0).toArray()).toEqual([4, 5, 6]);
    expect(max(x).item()).toBe(6);
    expect(mean(x).item()).toBe(3.5);
  });

  it('gradients: sum broadcasts back, mean divides, max goes to the argmax and ties share', () => {
    expect(g1((t) => mean(t, 0), [1, 2])).toEqual([0.5, 0.5]);
    expect(grad((t: Tensor) => mean(t))(x)[0]!.toArray()).toEqual([[1 / 6, 1 / 6, 1 / 6], [1 / 6, 1 / 6, 1 / 6]]);
    expect(grad((t: Tensor) => max(t, 1).sum())(x)[0]!.toArray()).toEqual([[0, 0, 1], [0, 0, 1]]);
    expect(g1((t) => max(t), [3, 1, 3])).toEqual([0.5, 0, 0.5]);
  });

  it('max propagates NaN', () => {
    expect(max(tensor([1, NaN, 3])).item()).toBeNaN();
  });
});

describe('shapes', () => {
  it('reshape with -1, transpose default and explicit, .T', () => {
    expect(reshape(tensor([1, 2, 3, 4, 5, 6]), [-1, 2]).shape).toEqual([3, 2]);
    expect(tensor([[1, 2, 3]]).T.toArray()).toEqual([[1], [2], [3]]);
    const t3 = reshape(tensor([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23]), [2, 3, 4]);
    const p = transpose(t3, [1, 2, 0]);
    expect(p.shape).toEqual([3, 4, 2]);
    expect((p.toArray() as number[][][])[2]![1]![1]).toBe(12 + 2 * 4 + 1);
    expect(transpose(t3).shape).toEqual([4, 3, 2]);
  });

  it('0-d tensors', () => {
    const s = tensor(3, { requiresGrad: true });
    expect(s.shape).toEqual([]);
    expect(s.ndim).toBe(0);
    expect(s.toArray()).toBe(3);
    s.mul(s).backward();
    expect(s.grad!.item()).toBe(6);
  });
});

describe('matmul', () => {
  it('2-d and batched [...,m,k]@[k,n]', () => {
    expect(matmul(tensor([[1, 2], [3, 4]]), tensor([[5], [6]])).toArray()).toEqual([[17], [39]]);
    const a = reshape(tensor([1, 2, 3, 4, 5, 6, 7, 8]), [2, 2, 2]);
    const y = matmul(a, tensor([[1, 0], [0, 1]]));
    expect(y.toArray()).toEqual(a.toArray());
    const [ga, gb] = grad((p: Tensor, q: Tensor) => matmul(p, q).sum())(a, tensor([[1, 2], [3, 4]]));
    expect(ga!.toArray()).toEqual([[[3, 7], [3, 7]], [[3, 7], [3, 7]]]);
    expect(gb!.toArray()).toEqual([[16, 16], [20, 20]]);
  });
});

describe('losses', () => {
  it('softmaxCrossEntropy: index and one-hot targets agree; mean vs sum', () => {
    const z = tensor([[1, 2, 3], [1, 1, 1]]);
    const byIndex = softmaxCrossEntropy(z, [2, 0]);
    const byOneHot = softmaxCrossEntropy(z, oneHot([2, 0], 3));
    const expected = ((Math.log(Math.exp(1) + Math.exp(2) + Math.exp(3)) - 3) + Math.log(3)) / 2;
    expect(byIndex.item()).toBeCloseTo(expected, 14);
    expect(byOneHot.item()).toBeCloseTo(expected, 14);
    expect(softmaxCrossEntropy(z, Int32Array.from([2, 0]), { reduction: 'sum' }).item()).toBeCloseTo(2 * expected, 14);
    // the fused gradient equals (softmax − onehot)/rows
    const g = grad((t: Tensor) => softmaxCrossEntropy(t, [2, 0]))(z)[0]!;
    const p = softmax(z).toArray() as number[][];
    expect(g.toArray()).toEqual([
      [p[0]![0]! / 2, p[0]![1]! / 2, (p[0]![2]! - 1) / 2].map((v) => expect.closeTo(v, 15)),
      [(p[1]![0]! - 1) / 2, p[1]![1]! / 2, p[1]![2]! / 2].map((v) => expect.closeTo(v, 15)),
    ]);
  });

  it('the fused softmaxCrossEntropy equals the composite −Σ t·logSoftmax(z)/rows, first and second order', () => {
    const z = randn([3, 4], { seed: 5 });
    const t = oneHot([1, 3, 0], 4);
    const fused = (v: Tensor) => softmaxCrossEntropy(v, t);
    const composite = (v: Tensor) => t.mul(logSoftmax(v)).sum().neg().div(3);
    expect(fused(z).item()).toBeCloseTo(composite(z).item(), 14);
    const h = (f: (v: Tensor) => Tensor) => grad((v: Tensor) => grad(f)(v)[0]!.mul(randn([3, 4], { seed: 9 })).sum())(z)[0]!;
    const a = h(fused).storage, b = h(composite).storage;
    for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(b[i]!, 12);
  });

  it('mseLoss averages squared error over all elements', () => {
    expect(mseLoss(tensor([[1, 2], [3, 4]]), tensor([[1, 2], [3, 6]])).item()).toBe(1);
    expect(mseLoss(tensor([1, 3]), tensor([0, 0]), { reduction: 'sum' }).item()).toBe(10);
    expect(g1((p) => mseLoss(p, tensor([0, 0])), [1, 3])).toEqual([1, 3]);
  });
});

describe('creation', () => {
  it('random tensors are reproducible by seed', () => {
    expect(randn([5], { seed: 7 }).toArray()).toEqual(randn([5], { seed: 7 }).toArray());
    expect(randn([5], { seed: 7 }).toArray()).not.toEqual(randn([5], { seed: 8 }).toArray());
    manualSeed(3);
    const a = rand([4]).toArray();
    manualSeed(3);
    expect(rand([4]).toArray()).toEqual(a);
    const r = rand([1000], { seed: 1, low: -2, high: 2 }).storage;
    expect(Math.min(...r)).toBeGreaterThanOrEqual(-2);
    expect(Math.max(...r)).toBeLessThan(2);
    const n = Array.from(randn([20000], { seed: 2, mean: 1, std: 0.5 }).storage);
    const m = n.reduce((p, v) => p + v, 0) / n.length;
    const sd = Math.sqrt(n.reduce((p, v) => p + (v - m) ** 2, 0) / n.length);
    expect(m).toBeCloseTo(1, 1);
    expect(sd).toBeCloseTo(0.5, 1);
  });

  it('full/oneHot/typed arrays/data() is a copy', () => {
    expect(full([2], 3).toArray()).toEqual([3, 3]);
    expect(oneHot(tensor([1, 0]), 2).toArray()).toEqual([[0, 1], [1, 0]]);
    const t = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
    const d = t.data();
    d[0] = 99;
    expect(t.toArray()).toEqual([[1, 2], [3, 4]]);
    expect(tensor(new Float32Array([1, 2])).dtype).toBe('float32');
  });
});
