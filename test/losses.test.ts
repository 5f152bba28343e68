/**
 * softmaxCrossEntropy's weights / labelSmoothing / reduction 'none', mseLoss's reductions and
 * binaryCrossEntropyWithLogits, against PyTorch's documented formulas computed in numpy (the command
 * above each number), plus finite-difference gradient checks of these composites.
 */
import { describe, expect, it } from 'vitest';
import { binaryCrossEntropyWithLogits, grad, mseLoss, randn, softmax, softmaxCrossEntropy, sum, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import { compareWithFiniteDifferences } from './helpers/finite-diff.js';

function close(actual: Tensor, expected: number[], tol = 1e-14): void {
  const a = Array.from(actual.storage);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}

// python3 -c "
// import numpy as np
// def lsm(z): m=z.max(-1,keepdims=True); return z-m-np.log(np.exp(z-m).sum(-1,keepdims=True))
// z=np.array([[1.,2.,0.5],[0.,-1.,3.],[2.,2.,2.]]); y=[1,2,0]; C=3; lp=lsm(z); t=np.eye(C)[y]
// rows=-(t*lp).sum(-1); print(rows.tolist()); w=np.array([0.5,2.,1.]); print((rows*w).sum()/3, (rows*w).sum())
// e=0.1; ts=t*(1-e)+e/C; print((-(ts*lp).sum(-1)).mean())"
const z = tensor([[1, 2, 0.5], [0, -1, 3], [2, 2, 2]]);
const labels = [1, 2, 0];

describe('softmaxCrossEntropy options', () => {
  it("reduction 'none' gives one loss per row", () => {
    const rows = softmaxCrossEntropy(z, labels, { reduction: 'none' });
    expect(rows.shape).toEqual([3]);
    close(rows, [0.4643687841079449, 0.06588390375742911, 1.0986122886681098]);
  });
  it("per-sample weights: 'mean' divides by the number of rows, 'sum' adds", () => {
    close(softmaxCrossEntropy(z, labels, { weights: [0.5, 2, 1] }), [0.48752149607898015]);
    close(softmaxCrossEntropy(z, labels, { weights: tensor([0.5, 2, 1]), reduction: 'sum' }), [1.4625644882369404]);
    close(softmaxCrossEntropy(z, labels, { weights: [0.5, 2, 1], reduction: 'none' }), [0.5 * 0.4643687841079449, 2 * 0.06588390375742911, 1.0986122886681098]);
  });
  it('labelSmoothing mixes in the uniform distribution, as in PyTorch', () => {
    close(softmaxCrossEntropy(z, labels, { labelSmoothing: 0.1 }), [0.6485105477333836]);
    // The same through a probability target, and 0 smoothing is the plain loss.
    const oneHotT = tensor([[0, 1, 0], [0, 0, 1], [1, 0, 0]]);
    close(softmaxCrossEntropy(z, oneHotT, { labelSmoothing: 0.1 }), [0.6485105477333836]);
    expect(softmaxCrossEntropy(z, labels, { labelSmoothing: 0 }).item()).toBe(softmaxCrossEntropy(z, labels).item());
  });
  it('the class axis can be any axis with per-row outputs', () => {
    const rows = softmaxCrossEntropy(z.T, labels, { axis: 0, reduction: 'none' });
    close(rows, [0.4643687841079449, 0.06588390375742911, 1.0986122886681098]);
  });
  it('gradients of the composite paths match finite differences (logits and distribution targets)', () => {
    const t = softmax(randn([3, 4], { seed: 2 })).detach();
    const w = tensor([0.3, 1, 2]);
    const variants: ((a: Tensor, b: Tensor) => Tensor)[] = [
      (a, b) => softmaxCrossEntropy(a, b, { reduction: 'none' }).mul(tensor([1, -2, 0.5])).sum(),
      (a, b) => softmaxCrossEntropy(a, b, { weights: w }),
      (a, b) => softmaxCrossEntropy(a, b, { weights: w, labelSmoothing: 0.2, reduction: 'sum' }),
      (a, b) => softmaxCrossEntropy(a, b, { labelSmoothing: 0.3 }),
    ];
    for (const f of variants) expect(compareWithFiniteDifferences(f, [randn([3, 4], { seed: 1 }), t])).toEqual([]);
    // Second order through the per-row primitive: Σ v ⊙ ∇f.
    const v = randn([3, 3], { seed: 5 });
    const h = (a: Tensor): Tensor => sum(grad((x: Tensor) => softmaxCrossEntropy(x, labels, { weights: w }))(a)[0]!.mul(v));
    expect(compareWithFiniteDifferences(h, [randn([3, 3], { seed: 3 })], { atol: 1e-5, rtol: 1e-4, eps: 1e-5 })).toEqual([]);
  });
  it('bad options name the op and the value', () => {
    expect(() => softmaxCrossEntropy(z, labels, { reduction: 'avg' as never })).toThrow(`softmaxCrossEntropy: unknown reduction "avg" (expected 'mean', 'sum' or 'none')`);
    expect(() => softmaxCrossEntropy(z, labels, { labelSmoothing: 1.5 })).toThrow('softmaxCrossEntropy: labelSmoothing must be a number in [0, 1], got 1.5');
    expect(() => softmaxCrossEntropy(z, labels, { weights: [1, 2] })).toThrow('softmaxCrossEntropy: weights of shape [2] do not fit: expected one per row, [3]');
    expect(() => softmaxCrossEntropy(z, labels, { weights: 'x' as never })).toThrow(/softmaxCrossEntropy: weights must be a Tensor or a number\[\]/);
  });
});

describe('mseLoss reductions', () => {
  it("'none' is element-wise, 'sum' adds, 'mean' averages", () => {
    const p = tensor([1, 2, 4]), t = tensor([1, 4, 1]);
    expect(mseLoss(p, t, { reduction: 'none' }).toArray()).toEqual([0, 4, 9]);
    expect(mseLoss(p, t, { reduction: 'sum' }).item()).toBe(13);
    expect(mseLoss(p, t).item()).toBe(13 / 3);
    expect(() => mseLoss(p, t, { reduction: 'max' as never })).toThrow(`mseLoss: unknown reduction "max" (expected 'mean', 'sum' or 'none')`);
  });
});

describe('binaryCrossEntropyWithLogits', () => {
  // python3 -c "
  // import numpy as np; sp=lambda v: np.logaddexp(0,v)
  // x=np.array([[-1000.,0.],[2.,-3.],[1000.,0.5]]); y=np.array([[0.,1.],[1.,0.],[1.,0.3]]); p=np.array([2.,0.5])
  // l=p*y*sp(-x)+(1-y)*sp(x); print(l.tolist(), l.mean(), l.sum()); print((y*sp(-x)+(1-y)*sp(x)).mean())"
  const x = tensor([[-1000, 0], [2, -3], [1000, 0.5]]);
  const y = tensor([[0, 1], [1, 0], [1, 0.3]]);
  it('values (PyTorch formula), stable at |x| = 1000, with posWeight per class', () => {
    close(binaryCrossEntropyWithLogits(x, y), [0.2821232545594611]);
    const opts = { posWeight: tensor([2, 0.5]) };
    close(binaryCrossEntropyWithLogits(x, y, { ...opts, reduction: 'none' }), [0.0, 0.34657359027997264, 0.253856022085945, 0.04858735157374206, 0.0, 0.7529654365530907]);
    close(binaryCrossEntropyWithLogits(x, y, opts), [0.2336637334154584]);
    close(x.binaryCrossEntropyWithLogits(y, { ...opts, reduction: 'sum' }), [1.4019824004927504]);
    close(binaryCrossEntropyWithLogits(x, y, { weight: 2, reduction: 'sum' }), [2 * 6 * 0.2821232545594611], 1e-13);
  });
  it('gradient σ(x) − y (scaled) is finite everywhere and matches finite differences', () => {
    const [g] = grad((l: Tensor) => binaryCrossEntropyWithLogits(l, y, { reduction: 'sum' }))(x);
    close(g!, [0, -0.5, 1 / (1 + Math.exp(-2)) - 1, 1 / (1 + Math.exp(3)), 0, 1 / (1 + Math.exp(-0.5)) - 0.3], 1e-15);
    const f = (l: Tensor, t: Tensor): Tensor => binaryCrossEntropyWithLogits(l, t, { posWeight: tensor([2, 0.5]), weight: tensor([[1], [2], [0.5]]) });
    expect(compareWithFiniteDifferences(f, [randn([3, 2], { seed: 1 }), tensor([[0.2, 1], [0, 0.7], [1, 0.3]])])).toEqual([]);
  });
  it('bad input names the op', () => {
    expect(() => binaryCrossEntropyWithLogits(x, tensor([1, 0]))).toThrow('binaryCrossEntropyWithLogits: logits [3,2] and targets [2] differ in shape');
    expect(() => binaryCrossEntropyWithLogits(x, y, { reduction: 'avg' as never })).toThrow(/binaryCrossEntropyWithLogits: unknown reduction "avg"/);
    expect(() => binaryCrossEntropyWithLogits(x, y, { posWeight: [1, 2] as never })).toThrow('binaryCrossEntropyWithLogits: posWeight must be a number or a Tensor, got object');
    expect(() => binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([[[1]], [[2]]]) })).toThrow(/broadcast the loss to \[2,3,2\]/);
  });
});
