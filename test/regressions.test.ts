/**
 * Regression tests of issue 10's "wrong today" list: each case gave a silent wrong answer (NaN, a
 * null gradient, zeros, stale gradients) before its fix.
 */
import { describe, expect, it } from 'vitest';
import {
  Adam, SGD, Tensor, broadcastTo, full, oneHot, rand, cast, exp, grad, isGradEnabled, matmul, noGrad, pow, randn, reshape, tanh, tensor, transpose, valueAndGrad,
} from '../src/index.js';
import { restoreParameters } from '../src/io/checkpoint.js';


/** d/da and d/de of Σ pow(a, e) by reverse mode. */
function powGrads(a: number[], e: number[], trackE = true): [number[], number[] | null] {
  const base = tensor(a, { requiresGrad: true });
  const exponent = tensor(e, { requiresGrad: trackE });
  pow(base, exponent).sum().backward();
  return [base.grad!.toArray() as number[], exponent.grad === null ? null : (exponent.grad.toArray() as number[])];
}

describe('pow with a tensor exponent at the edges (PyTorch values)', () => {
  it("the issue's repro: [0,0,4]^[0,1,0.5] gives base gradients [0, 1, 0.25]", () => {
    // torch.pow(torch.tensor([0.,0,4], requires_grad=True), torch.tensor([0.,1,0.5])).sum().backward() → [0, 1, 0.25]
    expect(powGrads([0, 0, 4], [0, 1, 0.5], false)[0]).toEqual([0, 1, 0.25]);
    expect(powGrads([0, 0, 4], [0, 1, 0.5], true)[0]).toEqual([0, 1, 0.25]);
  });

  it('base gradient e·a^(e−1): 0^0 → 0, 0^1 → 1, 0^2 → 0, 0^0.5 → ∞, 0^-1 → −∞', () => {
    const [ga] = powGrads([0, 0, 0, 0, 0], [0, 1, 2, 0.5, -1]);
    expect(ga).toEqual([0, 1, 0, Infinity, -Infinity]);
  });

  it('exponent gradient aᵉ·ln a: 0 where a = 0 and e ≥ 0 (its limit), −∞ for 0^−1, a^e ln a elsewhere', () => {
    const [, ge] = powGrads([0, 0, 0, 4, 0], [0, 1, 0.5, 0.5, -1]);
    expect(ge!.slice(0, 3)).toEqual([0, 0, 0]);
    expect(ge![3]).toBeCloseTo(2 * Math.log(4), 14);
    expect(ge![4]).toBe(-Infinity);
  });

  it('a negative base with an integer exponent: exact base gradient, NaN exponent gradient (ln of a negative, as PyTorch)', () => {
    const [ga, ge] = powGrads([-2, -2, -3], [2, 3, 0]);
    expect(ga.map((v) => v + 0)).toEqual([-4, 12, 0]); // 2·(−2), 3·(−2)², 0 (−0 normalised)
    expect(ge!.every(Number.isNaN)).toBe(true);
  });

  it('second order stays finite at 0^0 and is exact elsewhere', () => {
    const d2 = (a: number, e: number): number[] => {
      const [ga, ge] = grad((x: Tensor, y: Tensor) => {
        const [dx] = grad((u: Tensor, v: Tensor) => pow(u, v).sum(), 0)(x, y);
        return dx!.sum();
      })(tensor([a]), tensor([e]));
      return [ga!.item(), ge!.item()];
    };
    // d²(aᵉ)/da² = e(e−1)a^(e−2); d²(aᵉ)/da de = a^(e−1)(1 + e ln a)
    const [aa, ae] = d2(3, 2.5);
    expect(aa).toBeCloseTo(2.5 * 1.5 * 3 ** 0.5, 12);
    expect(ae).toBeCloseTo(3 ** 1.5 * (1 + 2.5 * Math.log(3)), 12);
    expect(d2(2, 0).map((v) => v + 0)).toEqual([0, 0.5]); // e = 0, a ≠ 0: the honest a^(−1) = 0.5 for the mixed term
    for (const v of d2(0, 0)) expect(Number.isFinite(v)).toBe(true);
    expect(d2(0, 2)[0]).toBe(2); // 2·1·0⁰
    expect(d2(0, 1)[0]).toBe(0); // a¹ is linear: 0, not 1·0·0⁻¹ = NaN
  });
});

describe('backward() on a leaf, or on an op that hands back its input, sets .grad', () => {
  it('tensor(3).backward() gives grad 1 (PyTorch)', () => {
    const x = tensor(3, { requiresGrad: true });
    x.backward();
    expect(x.grad!.item()).toBe(1);
    x.backward();
    expect(x.grad!.item()).toBe(2); // accumulates like any other gradient
  });

  const identities: [string, (x: Tensor) => Tensor, number[] | number[][]][] = [
    ['same-shape reshape', (x) => reshape(x, [2, 2]), [[1, 2], [3, 4]]],
    ['.T of a 1-d tensor', (x) => x.T, [1, 2, 3]],
    ['identity transpose', (x) => transpose(x, [0, 1]), [[1, 2], [3, 4]]],
    ['same-dtype cast', (x) => cast(x, 'float64'), [1, 2]],
    ['broadcastTo the same shape', (x) => broadcastTo(x, [2]), [1, 2]],
  ];
  for (const [label, op, values] of identities) {
    it(`${label}, with a gradient argument`, () => {
      const x = tensor(values, { requiresGrad: true });
      const seed = tensor(values).mul(10);
      op(x).backward(seed);
      expect(x.grad!.toArray()).toEqual(seed.toArray());
    });
  }

  it('grad of the identity is 1, not zeros', () => {
    expect(grad((x: Tensor) => x)(tensor(5))[0]!.item()).toBe(1);
    expect(grad((x: Tensor) => reshape(x, []))(tensor([5]))[0]!.toArray()).toEqual([1]);
  });

  it('a leaf seed does not carry the graph of a tracked gradient argument', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const g = tensor([3, 4], { requiresGrad: true });
    x.backward(g.mul(1));
    expect(x.grad!.requiresGrad).toBe(false);
    expect(x.grad!.toArray()).toEqual([3, 4]);
  });
});

describe('grad(f) inside noGrad computes the gradient (a function transform, as torch.func.grad and JAX)', () => {
  const square = (x: Tensor): Tensor => x.mul(x).sum();

  it('gives the gradient, untracked, and leaves noGrad on around it', () => {
    const [g] = noGrad(() => grad(square)(tensor([3, -1])));
    expect(g!.toArray()).toEqual([6, -2]);
    expect(g!.requiresGrad).toBe(false);
    const { value } = noGrad(() => valueAndGrad(square)(tensor([3])));
    expect(value.item()).toBe(9);
    expect(noGrad(() => { grad(square)(tensor([1])); return isGradEnabled(); })).toBe(false);
  });

  it('a tracked argument inside noGrad: same gradient, and its .grad is untouched', () => {
    const w = tensor([2], { requiresGrad: true });
    expect(noGrad(() => grad(square)(w))[0]!.toArray()).toEqual([4]);
    expect(w.grad).toBeNull();
  });

  it('second derivatives inside noGrad', () => {
    const d2 = noGrad(() => grad((x: Tensor) => grad((y: Tensor) => y.pow(3).sum())(x)[0]!.sum())(tensor([2])));
    expect(d2[0]!.item()).toBe(12);
  });

  it('noGrad still stops gradients: inside f, and around an inner grad seen from an outer one', () => {
    const [g] = grad((x: Tensor) => noGrad(() => x.mul(5)).add(x).sum())(tensor([1]));
    expect(g!.item()).toBe(1);
    // The inner gradient 2x is computed, but as a constant of the outer transform: d/dx of it is 0.
    const [outer] = grad((x: Tensor) => noGrad(() => grad(square)(x))[0]!.mul(x).sum())(tensor([3]));
    expect(outer!.item()).toBe(6); // d/dx (c·x) with c = 2·3
  });
});

describe('a version counter: a saved tensor changed in place makes backward throw (PyTorch\'s error)', () => {
  const setup = () => {
    const W1 = randn([3, 4], { seed: 1, requiresGrad: true, name: 'W1' });
    const X = randn([2, 3], { seed: 2 });
    const loss = tanh(matmul(X, W1)).sum();
    return { W1, X, loss };
  };

  it('an optimizer step, then a second backward with retainGraph, names the tensor, versions and op', () => {
    const { W1, loss } = setup();
    loss.backward(undefined, { retainGraph: true });
    new SGD([W1], { lr: 0.1 }).step();
    expect(W1.version).toBe(1);
    expect(() => loss.backward()).toThrow(
      /^backward: one of the tensors needed for gradient computation has been modified by an inplace operation: W1 is at version 1; expected version 0 \(saved by matmul\)/,
    );
  });

  it('the expected version is the one the op saw: two steps, forward, a third step', () => {
    const { W1, X } = setup();
    W1.grad = tensor(new Float64Array(12), { shape: [3, 4] });
    const opt = new Adam([W1]);
    opt.step();
    opt.step();
    const loss = matmul(X, W1).sum();
    opt.step();
    expect(() => loss.backward()).toThrow(/W1 is at version 3; expected version 2 \(saved by matmul\)/);
  });

  it('a forward after the step is fine (the usual loop), and gradients are right', () => {
    const { W1, X } = setup();
    const opt = new SGD([W1], { lr: 0.1 });
    for (let i = 0; i < 3; i++) {
      opt.zeroGrad();
      matmul(X, W1).sum().backward();
      opt.step();
    }
    expect(W1.version).toBe(3);
    const colSums = X.sum(0).toArray() as number[]; // d/dW1[i][j] of Σ X·W1 is Σ_r X[r][i]
    (W1.grad!.toArray() as number[][]).forEach((row, i) => row.forEach((v) => expect(v).toBeCloseTo(colSums[i]!, 14)));
  });

  it('views share the version: a reshape, detach or grad() argument of the changed tensor', () => {
    const w = tensor([1, 2, 3, 4], { requiresGrad: true, name: 'w' });
    const viaView = reshape(w, [2, 2]).mul(2).sum();
    const viaDetach = w.detach().mul(w).sum();
    w.storage[0] = 9;
    w.markModified();
    // The first record met is mul's, whose input is the (unnamed) view.
    expect(() => viaView.backward()).toThrow(/\[2,2\] \(input 0 of mul\) is at version 1; expected version 0 \(saved by mul\)/);
    expect(() => viaDetach.backward()).toThrow(/version 1; expected version 0 \(saved by mul\)/);
    // Marking the view marks the base.
    const v = reshape(w, [2, 2]);
    v.markModified();
    expect(w.version).toBe(2);
  });

  it('an unnamed tensor, and a changed output that the VJP reads (exp saves y), are named by position', () => {
    const x = tensor([1, 2], { requiresGrad: true });
    const y = exp(x);
    y.markModified();
    expect(() => y.backward(tensor([1, 1]))).toThrow(/an unnamed float64 tensor \[2\] \(the output of exp\) is at version 1; expected version 0 \(saved by exp\)/);
    const z = tensor([3], { requiresGrad: true });
    const l2 = z.mul(z).sum();
    z.markModified();
    expect(() => l2.backward()).toThrow(/an unnamed float64 tensor \[1\] \(input 0 of mul\)/);
  });

  it('grad() checks too, and says grad:', () => {
    const w = tensor([2], { requiresGrad: true, name: 'w' });
    expect(() => grad((x: Tensor) => {
      const y = x.mul(w).sum();
      w.markModified();
      return y;
    })(tensor([1]))).toThrow(/^grad: one of the tensors .* w is at version 1; expected version 0 \(saved by mul\)/);
  });

  it('loading a checkpoint into a parameter bumps its version', () => {
    const w = tensor([1, 2], { requiresGrad: true, name: 'w' });
    const loss = w.mul(w).sum();
    const params = new Map([['w', { shape: [2], dtype: 'float64' as const, values: new Float64Array([5, 6]) }]]);
    restoreParameters([['w', w]], { params, meta: {} } as never);
    expect(w.toArray()).toEqual([5, 6]);
    expect(() => loss.backward()).toThrow(/w is at version 1; expected version 0/);
  });
});

describe('validation that used to give broken tensors or NaN without a word', () => {
  it('oneHot of an n-d or 0-d index tensor keeps its shape and adds the class axis', () => {
    const t = oneHot(tensor([[0, 2], [1, 0]]), 3);
    expect(t.shape).toEqual([2, 2, 3]);
    expect(t.toArray()).toEqual([[[1, 0, 0], [0, 0, 1]], [[0, 1, 0], [1, 0, 0]]]);
    expect(oneHot(tensor(1), 2).shape).toEqual([2]);
    expect(oneHot(tensor(1), 2).toArray()).toEqual([0, 1]);
    expect(oneHot([1, 0], 2).shape).toEqual([2, 2]); // lists stay [n, C]
  });

  it('broadcastTo, new Tensor, full, randn and rand refuse what they used to accept', () => {
    expect(() => broadcastTo(tensor([1, 2]), [1.5, 2])).toThrow(/^broadcastTo: invalid shape \[1\.5,2\]/);
    expect(() => broadcastTo(tensor([1, 2]), [-1, 2])).toThrow(/^broadcastTo: invalid shape \[-1,2\]/);
    expect(() => new Tensor(new Float64Array(3), [2, 2])).toThrow(/^Tensor: shape \[2,2\] needs 4 values but the storage has 3/);
    expect(() => full([2], 'x' as never)).toThrow(/^full: value must be a number, got "x"/);
    expect(() => randn([2], { mean: NaN })).toThrow(/^randn: mean must be a finite number, got NaN/);
    expect(() => rand([2], { high: Infinity })).toThrow(/^rand: high must be a finite number, got Infinity/);
    expect(full([2], NaN).toArray()).toEqual([NaN, NaN]); // a NaN fill is asked for, so allowed (numpy too)
  });
});
