// The seed labs' hand formulas against the labs' own plain finite differences (no autodiff involved).
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { fdCheck, fdElement } from '../src/labs/fd.js';
import type { Mat } from '../src/labs/matrix.js';
import { map, mat } from '../src/labs/matrix.js';
import * as s0 from '../src/labs/seed000.js';
import * as s1 from '../src/labs/seed001.js';
import * as s2 from '../src/labs/seed002.js';
import * as s3 from '../src/labs/seed003.js';
import * as s4 from '../src/labs/seed004.js';

function checkAll(params: Record<string, Mat>, grads: Record<string, Mat>, f: () => number): void {
  for (const [name, p] of Object.entries(params)) {
    const g = grads[name];
    if (g === undefined) throw new Error(`no gradient for ${name}`);
    const r = fdCheck(name, f, p, g, { maxElements: 24 });
    expect(r.ok, `${name}: worst rel ${r.worst.relError} at ${r.worst.index} (hand ${r.worst.hand}, fd ${r.worst.numerical})`).toBe(true);
  }
}

describe('seed 000 scalar chain', () => {
  it('the product of factors equals the finite difference (property)', () => {
    const num = fc.double({ min: -3, max: 3, noNaN: true });
    fc.assert(fc.property(num, num, num, fc.double({ min: 0, max: 1, noNaN: true }), (w1, w2, x1, y) => {
      const r = s0.scalarChain({ w1, w2, x1, y });
      const f = r.factors;
      expect(r.dJ_dw1).toBe(f.dJ_dyhat * f.dyhat_dz2 * f.dz2_da1 * f.da1_dz1 * f.dz1_dw1);
      const w = mat(1, 1, [w1]);
      const fd = fdElement(() => s0.scalarChainLoss({ w1: w.data[0] as number, w2, x1, y }), w, 0);
      expect(Math.abs(fd - r.dJ_dw1)).toBeLessThan(1e-8 + 1e-6 * Math.abs(fd));
      expect(r.J).toBeCloseTo(s0.scalarChainLoss({ w1, w2, x1, y }), 14);
    }), { numRuns: 200 });
  });
});

describe('seed 000 column-major MLP', () => {
  it('backward matches finite differences', () => {
    const p = s0.makeParams(1, 784, 128, 10);
    const { X, Y } = s0.makeBatch(1, 8);
    const grads = s0.backward(X, Y, p, s0.forward(p, X));
    expect([grads.dW1.rows, grads.dW1.cols, grads.db1.rows, grads.db1.cols]).toEqual([128, 784, 128, 1]);
    checkAll({ W1: p.W1, b1: p.b1, W2: p.W2, b2: p.b2 }, { W1: grads.dW1, b1: grads.db1, W2: grads.dW2, b2: grads.db2 },
      () => s0.loss(s0.forward(p, X).A2, Y));
  });

  it('a flipped sign in a copy of dW2 is caught by the same check', () => {
    const p = s0.makeParams(2, 20, 6, 4);
    const { X, Y } = s0.makeBatch(2, 5, 20, 4);
    const grads = s0.backward(X, Y, p, s0.forward(p, X));
    const r = fdCheck('W2', () => s0.loss(s0.forward(p, X).A2, Y), p.W2, map(grads.dW2, (v) => -v));
    expect(r.ok).toBe(false);
    expect(r.worst.relError).toBeGreaterThan(1.5);
  });
});

describe('seed 001 row-major MLP', () => {
  it('backward matches finite differences, shapes are row-major', () => {
    const p = s1.makeParams(42);
    const { X, Y } = s1.makeBatch(3, 8);
    const g = s1.backward(X, p, s1.forward(p, X), Y);
    expect([g.W1.rows, g.W1.cols, g.b1.rows, g.b1.cols]).toEqual([784, 128, 1, 128]);
    checkAll({ ...p }, { ...g }, () => s1.loss(s1.forward(p, X).Yhat, Y));
  });

  it('replays the training loop: 7 batches of 128, 896 of 60 000 samples per epoch', () => {
    // i = 0, 128, …, 768 < 784, and X_train[768:896] still holds 128 rows.
    const v = s1.seed001LoopVisits();
    expect(v).toMatchObject({ loopBound: 784, fullSet: 60000, batches: 7, samplesVisited: 896 });
    expect(v.fractionVisited).toBeCloseTo(896 / 60000, 12);
    expect(s1.seed001LoopVisits(60000, 60000, 128).samplesVisited).toBe(60000);
  });
});

describe('seed 002 per-sample sigmoid net', () => {
  it('backward matches finite differences on the fixed forward', () => {
    const p = s2.makeParams(80085, { biasStd: 0.3 });
    const { a, y } = s2.makeSample(4);
    const g = s2.backward(a, y, p, s2.forward(p, a));
    checkAll({ ...p }, { ...g }, () => s2.loss(s2.forward(p, a).s, y));
  });

  it('with np.dot(a2, W3, b3) the loss ignores b3, yet the hand db3 is non-zero', () => {
    const p = s2.makeParams(80085, { biasStd: 0.3 });
    const { a, y } = s2.makeSample(4);
    const out = s2.forward(p, a, { buggy: true });
    const g = s2.backward(a, y, p, out);
    const f = (): number => s2.loss(s2.forward(p, a, { buggy: true }).s, y);
    for (let i = 0; i < 10; i++) expect(fdElement(f, p.b3, i)).toBe(0);
    expect(Math.max(...Array.from(g.b3.data, Math.abs))).toBeGreaterThan(1e-3);
    checkAll({ W1: p.W1, W3: p.W3 }, { W1: g.W1, W3: g.W3 }, f);
  });

  it('raw 0..255 pixels saturate the first sigmoid layer, scaled ones do not', () => {
    const p = s2.makeParams(80085);
    expect(s2.saturation(p, s2.makeSample(5, { raw: true }).a)).toBeGreaterThan(0.5);
    expect(s2.saturation(p, s2.makeSample(5).a)).toBeLessThan(0.05);
  });
});

describe('seed 003 relu/softmax net', () => {
  it('backward (the code with p − y) matches finite differences', () => {
    const p = s3.makeParams(7);
    const { x, target } = s3.makeBatch(7, 8);
    const g = s3.backward(x, target, p, s3.forward(p, x));
    checkAll({ ...p }, { ...g }, () => s3.loss(s3.forward(p, x).x_o, target));
  });

  it('the write-up’s (1 − y) for dL/dw_o disagrees with finite differences', () => {
    const p = s3.makeParams(7);
    const { x, target } = s3.makeBatch(7, 8);
    const g = s3.backwardAsWritten(x, target, p, s3.forward(p, x));
    const r = fdCheck('w_o', () => s3.loss(s3.forward(p, x).x_o, target), p.w_o, g.w_o);
    expect(r.ok).toBe(false);
  });
});

describe('seed 004 curve network', () => {
  it('J_W3 … J_b1 match finite differences on every element', () => {
    const p = s4.makeParams(0);
    const { x, y } = s4.curveData(50);
    const g = s4.jacobians(p, x, y);
    checkAll({ ...p }, { ...g }, () => s4.cost(p, x, y));
  });
});
