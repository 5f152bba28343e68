// verifyGradients end to end: each planted slip in a hand formula gets the right verdict and diagnosis.
import { describe, expect, it } from 'vitest';
import { greaterEqualMask, greaterMask, ones, oneHot, randn, tensor, type Tensor } from '../src/index.js';
import { defineOp, verifyGradients } from '../src/check/index.js';

const m = 8;
const X = randn([m, 5], { seed: 'x' });
const labels = Array.from({ length: m }, (_, i) => i % 3);
const Y = oneHot(labels, 3);
const params = () => ({
  W1: randn([5, 4], { seed: 'w1' }), b1: randn([4], { seed: 'b1' }),
  W2: randn([4, 3], { seed: 'w2' }), b2: randn([3], { seed: 'b2' }),
});
type P = Record<string, Tensor>;
const loss = (p: P) => X.matmul(p.W1!).add(p.b1!).tanh().matmul(p.W2!).add(p.b2!).softmaxCrossEntropy(labels);
/** The correct hand-derived backward of `loss`. */
const hand = (p: P) => {
  const h = X.matmul(p.W1!).add(p.b1!).tanh();
  const d2 = h.matmul(p.W2!).add(p.b2!).softmax().sub(Y).div(m);
  const d1 = d2.matmul(p.W2!.T).mul(ones([m, 4]).sub(h.mul(h)));
  return { dW1: X.T.matmul(d1), db1: d1.sum(0), dW2: h.T.matmul(d2), db2: d2.sum(0) };
};
const verify = (manual: (p: P) => Record<string, unknown>, extra = {}) =>
  verifyGradients({ params: params(), loss, manual: manual as (p: P) => Record<string, Tensor>, batchSize: m, ...extra });
const param = (r: ReturnType<typeof verify>, name: string) => r.params.find((p) => p.name === name)!;
/** `t` with element `flat` shifted by `d`. */
const shifted = (t: Tensor, flat: number, d: number) => {
  const v = t.data();
  v[flat] = v[flat]! + d;
  return tensor(v, { shape: [...t.shape] });
};

describe('verifyGradients', () => {
  it('all three agree on a correct hand formula, and the table shows them', () => {
    const r = verify(hand);
    expect(r.ok).toBe(true);
    for (const p of r.params) {
      expect(p.agree).toEqual({ manualVsAutodiff: true, autodiffVsNumerical: true, manualVsNumerical: true });
      expect(p.maxRelError).toBeLessThan(1e-12);
      expect(p.diagnosis).toBeUndefined();
    }
    const text = String(r);
    expect(text).toContain('all 4 hand gradients agree');
    expect(text).toMatch(/hand\s+autodiff\s+finite diff\s+hand=AD\s+AD=FD\s+hand=FD/);
  });

  it('accepts nested arrays and plain parameter-name keys', () => {
    const r = verify((p) => {
      const g = hand(p);
      return { W1: g.dW1.toArray(), b1: g.db1.toArray(), W2: g.dW2, b2: g.db2.data() };
    });
    expect(r.ok).toBe(true);
    expect(r.params.map((p) => p.manualKey)).toEqual(['W1', 'b1', 'W2', 'b2']);
  });

  it('missing 1/m: "×8 — a missing 1/m?"', () => {
    const r = verify((p) => ({ ...hand(p), dW1: hand(p).dW1.mul(m) }));
    const w1 = param(r, 'W1');
    expect(r.ok).toBe(false);
    expect(w1.agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: true, manualVsNumerical: false });
    expect(w1.diagnosisKind).toBe('factor');
    expect(w1.diagnosis).toContain('hand formula disagrees with autodiff and finite differences');
    expect(w1.diagnosis).toContain('×8 autodiff — a missing 1/m? (m = 8, the batch size)');
    expect(String(r)).toMatch(/FAIL W1 \(worst W1\[\d,\d\]\): hand formula disagrees/);
  });

  it('sign flip', () => {
    const r = verify((p) => ({ ...hand(p), db2: hand(p).db2.neg() }));
    expect(param(r, 'b2').diagnosisKind).toBe('sign');
    expect(param(r, 'b2').diagnosis).toContain('sign flip');
  });

  it('transposed shape: named before any comparison', () => {
    const r = verify((p) => ({ ...hand(p), dW2: hand(p).dW2.T }));
    const w2 = param(r, 'W2');
    expect(w2.ok).toBe(false);
    expect(w2.diagnosisKind).toBe('transpose');
    expect(w2.diagnosis).toContain('dW2 has shape [3,4] but W2 is [4,3]: transposed?');
    expect(w2.worst.manual).toBeCloseTo(w2.worst.autodiff, 12); // shown transposed back
    const plain = verify((p) => ({ ...hand(p), dW2: undefined, W2: hand(p).dW2.T }));
    expect(param(plain, 'W2').diagnosis).toContain('the hand gradient of W2 has shape [3,4] but W2 is [4,3]: transposed?');
    expect(plain.problems).toEqual([]); // dW2: undefined counts as absent
  });

  it('transposed values in a square parameter', () => {
    const sq = { W: randn([3, 3], { seed: 'sq' }) };
    const x = randn([4, 3], { seed: 'sx' });
    const r = verifyGradients({
      params: sq,
      loss: (p) => x.matmul(p.W!).tanh().sum(),
      manual: (p) => {
        const d = ones([4, 3]).sub(x.matmul(p.W!).tanh().pow(2));
        return { dW: d.T.matmul(x) }; // (Xᵀ d)ᵀ
      },
    });
    expect(r.params[0]!.diagnosisKind).toBe('transpose');
  });

  it('wrong shape, missing and extra keys are named', () => {
    const r = verify((p) => {
      const { dW1, db1, dW2 } = hand(p);
      return { dW1, db1: db1.reshape([2, 2]), dW2, dW3: dW2 };
    });
    expect(param(r, 'b1').diagnosis).toContain('db1 has shape [2,2] but b1 is [4]');
    expect(param(r, 'b2').diagnosisKind).toBe('missing');
    expect(param(r, 'b2').diagnosis).toContain('the hand gradient of b2 is missing');
    expect(r.problems).toEqual(['manual gradient dW3 matches no parameter (parameters: W1, b1, W2, b2)']);
    expect(String(r)).toContain('FAIL manual gradient dW3 matches no parameter');
  });

  it('a bias gradient not summed over the batch is named, and confirmed', () => {
    const r = verify((p) => {
      const h = X.matmul(p.W1!).add(p.b1!).tanh();
      const d2 = h.matmul(p.W2!).add(p.b2!).softmax().sub(Y).div(m);
      return { ...hand(p), db2: d2 }; // [8,3] per-sample rows, never summed
    });
    const b2 = param(r, 'b2');
    expect(b2.diagnosisKind).toBe('unsummed');
    expect(b2.diagnosis).toContain('db2 has shape [8,3] but b2 is [3]: not summed over axis 0 (the batch)? Its sum over axis 0 equals the gradient');
    expect(b2.worst.manual).toBeCloseTo(b2.worst.autodiff, 12);
  });

  it('an error confined to one row is named with its row', () => {
    const r = verify((p) => {
      const g = hand(p);
      const v = g.dW1.data();
      for (let j = 0; j < 4; j++) v[3 * 4 + j] = v[3 * 4 + j]! * 1.7 + 0.01;
      return { ...g, dW1: tensor(v, { shape: [5, 4] }) };
    });
    expect(param(r, 'W1')).toMatchObject({ diagnosisKind: 'row' });
    expect(param(r, 'W1').diagnosis).toContain('row 3 of W1');
    expect(param(r, 'W1').worst.index[0]).toBe(3);
  });

  it('an error broadcast over every row (a bias term added to each row)', () => {
    const r = verify((p) => {
      const g = hand(p);
      return { ...g, dW1: g.dW1.add(g.db1) };
    });
    expect(param(r, 'W1').diagnosisKind).toBe('broadcast');
    expect(param(r, 'W1').diagnosis).toContain('same in every row');
  });

  it('a forgotten parameter: all-zero hand gradient', () => {
    const r = verify((p) => ({ ...hand(p), db1: [0, 0, 0, 0] }));
    expect(param(r, 'b1').diagnosisKind).toBe('zero-manual');
  });

  it("a gradient of nothing: seed 002's bias that never enters the forward pass", () => {
    const r = verifyGradients({
      params: { ...params(), b3: tensor([0.1, 0.2, 0.3]) },
      loss, // b3 unused, like np.dot(a2, W3, b3)
      manual: (p) => ({ ...hand(p), db3: hand(p).db2 }),
    });
    const b3 = param(r, 'b3');
    expect(b3.agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: true, manualVsNumerical: false });
    expect(b3.diagnosisKind).toBe('zero-reference');
    expect(b3.diagnosis).toContain('gradient of nothing');
  });

  it('generic: N of M elements differ, worst element named', () => {
    const r = verify((p) => {
      const g = hand(p);
      return { ...g, dW1: shifted(shifted(g.dW1, 1, 0.3), 14, -0.05) };
    });
    expect(param(r, 'W1').diagnosisKind).toBe('generic');
    expect(param(r, 'W1').diagnosis).toContain('2 of 20 elements differ, largest difference at W1[0,1]');
    expect(param(r, 'W1').worst.index).toEqual([0, 1]);
  });

  it('a wrong op backward: autodiff is the odd one out', () => {
    const badTanh = defineOp({
      name: 'badTanh', forward: (x) => x.tanh(),
      backward: (g, { output: y }) => [g.mul(ones([...y.shape]).sub(y))], // should be 1 − y²
    });
    const lossBad = (p: P) => badTanh(X.matmul(p.W1!).add(p.b1!)).matmul(p.W2!).add(p.b2!).softmaxCrossEntropy(labels);
    const r = verifyGradients({ params: params(), loss: lossBad, manual: hand });
    const w1 = param(r, 'W1');
    expect(w1.agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: false, manualVsNumerical: true });
    expect(w1.diagnosisKind).toBe('backward');
    expect(w1.diagnosis).toContain("autodiff disagrees with the hand formula and finite differences: an op's backward is wrong");
    expect(param(r, 'W2').ok).toBe(true); // W2's gradient does not pass through the tanh backward
    // A hand formula that repeats the op's mistake agrees with autodiff; finite differences still object.
    const same = verifyGradients({ params: params(), loss: lossBad, manual: (p) => {
      const h = X.matmul(p.W1!).add(p.b1!).tanh();
      const d2 = h.matmul(p.W2!).add(p.b2!).softmax().sub(Y).div(m);
      const d1 = d2.matmul(p.W2!.T).mul(ones([m, 4]).sub(h));
      return { dW1: X.T.matmul(d1), db1: d1.sum(0), dW2: h.T.matmul(d2), db2: d2.sum(0) };
    } });
    expect(param(same, 'W1').diagnosis).toContain("autodiff and finite differences disagree: the op's backward is wrong");
    // A hand formula with its own slip on top of the wrong op: all three disagree.
    const all = verifyGradients({ params: params(), loss: lossBad, manual: (p) => ({ ...hand(p), dW1: hand(p).dW1.mul(3) }) });
    expect(param(all, 'W1').agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: false, manualVsNumerical: false });
    expect(param(all, 'W1').diagnosis).toMatch(/^all three disagree: hand vs autodiff: .*; autodiff vs finite differences \(worst W1\[/);
  });

  it("relu's kink is a non-differentiable point, not a bug", () => {
    const x = tensor([[1, -1], [0.5, 2]]);
    const r = verifyGradients({
      params: { W: tensor([[0.5, 1], [0.5, -1]]) }, // x[0]·W[:,0] = 0 exactly: relu at its kink
      loss: (p) => x.matmul(p.W!).relu().sum(),
      manual: (p) => ({ dW: x.T.matmul(greaterMask(x.matmul(p.W!), 0)) }),
    });
    const w = r.params[0]!;
    expect(w.kinks).toBeGreaterThan(0);
    expect(w.ok).toBe(true);
    expect(w.diagnosisKind).toBe('kink');
    expect(w.diagnosis).toContain('non-differentiable point, not a bug');
  });

  it("a hand formula taking relu'(0) = 1 where autodiff takes 0 is not a bug", () => {
    const x = tensor([[1, -1], [0.5, 2]]);
    const r = verifyGradients({
      params: { W: tensor([[0.5, 1], [0.5, -1]]) },
      loss: (p) => x.matmul(p.W!).relu().sum(),
      manual: (p) => ({ dW: x.T.matmul(greaterEqualMask(x.matmul(p.W!), 0)) }),
    });
    const w = r.params[0]!;
    expect(w.errors.manualVsAutodiff.mismatches).toBeGreaterThan(0);
    expect(w.agree.manualVsAutodiff).toBe(true);
    expect(w.ok).toBe(true);
    expect(w.diagnosisKind).toBe('kink');
  });

  it('a dead relu unit (input exactly 0 everywhere) is not a false alarm in a sampled check', () => {
    const x = randn([6, 20], { seed: 'dx' });
    const c = randn([6, 8], { seed: 'dc' });
    const w = randn([20, 8], { seed: 'dw' }).data();
    for (let i = 0; i < 20; i++) w[i * 8 + 3] = 0; // unit 3 is dead: x·W[:,3] = 0 exactly
    const r = verifyGradients({
      params: { W: tensor(w, { shape: [20, 8] }) },
      loss: (p) => x.matmul(p.W!).relu().mul(c).sum(),
      manual: (p) => ({ dW: x.T.matmul(greaterMask(x.matmul(p.W!), 0).mul(c)) }),
    });
    const p = r.params[0]!;
    expect(p.mode).toBe('sampled');
    expect(p.ok).toBe(true);
    expect(p.diagnosis).toContain('inconclusive');
    // …and a real slip in the same network is still caught by the element checks.
    const bad = verifyGradients({
      params: { W: tensor(w, { shape: [20, 8] }) },
      loss: (p) => x.matmul(p.W!).relu().mul(c).sum(),
      manual: (p) => ({ dW: shifted(x.T.matmul(greaterMask(x.matmul(p.W!), 0).mul(c)), 17, 0.5) }),
    });
    expect(bad.params[0]!.diagnosis).toContain('only W[2,1] is wrong');
  });

  it('large parameter: sampled finite differences still cover the wrong element', () => {
    const x = randn([6, 300], { seed: 'lx' });
    const r = verifyGradients({
      params: { W: randn([300, 20], { seed: 'lw', std: 0.1 }) },
      loss: (p) => x.matmul(p.W!).tanh().sum(),
      manual: (p) => {
        const d = ones([6, 20]).sub(x.matmul(p.W!).tanh().pow(2));
        return { dW: shifted(x.T.matmul(d), 123 * 20 + 4, 0.01) };
      },
    });
    const w = r.params[0]!;
    expect(w.mode).toBe('sampled');
    expect(w.agree).toEqual({ manualVsAutodiff: false, autodiffVsNumerical: true, manualVsNumerical: false });
    expect(w.diagnosis).toContain('only W[123,4] is wrong');
    expect(w.worst.index).toEqual([123, 4]);
    expect(w.worst.numerical).toBeCloseTo(w.worst.autodiff, 8);
    expect(r.evaluations).toBeLessThan(100);
  });

  it('throws a clear error for a non-scalar loss', () => {
    expect(() => verifyGradients({ params: params(), loss: (p) => p.W1!.tanh(), manual: hand }))
      .toThrow('verifyGradients: loss must return a scalar Tensor, got shape [5,4]');
  });
});
