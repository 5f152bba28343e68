// The @example of every public function in src/check, run as written.
import { describe, expect, it } from 'vitest';
import { ones, tanh, tensor, type Tensor } from '../src/index.js';
import { checkOp, defineOp, diagnose, EXACT_TOLERANCE, formatGradcheck, formatVerify, gradcheck, verifyGradients, verifyJacobian } from '../src/check/index.js';

describe('TSDoc examples', () => {
  it('gradcheck / formatGradcheck', () => {
    const x = tensor([[0.5, -1.2], [2, 0.3]]);
    const report = gradcheck((x: Tensor) => tanh(x).mul(x).sum(), [x]);
    expect(report.ok).toBe(true);
    expect(formatGradcheck(report)).toBe(String(report));
  });

  it('verifyGradients / formatVerify', () => {
    const params = { w: tensor([[0.5, -1], [2, 0.1]]), b: tensor([0.3, -0.2]) };
    const x = tensor([[1, 2], [3, 4], [5, 6]]);
    const report = verifyGradients({
      params,
      loss: (p) => x.matmul(p.w!).add(p.b!).tanh().sum(),
      manual: (p) => {
        const d = ones([3, 2]).sub(x.matmul(p.w!).add(p.b!).tanh().pow(2));
        return { dw: x.T.matmul(d), db: d.sum(0) };
      },
    });
    expect(report.ok).toBe(true);
    expect(formatVerify(report)).toContain('all 2 hand gradients agree');
  });

  it('defineOp / checkOp', () => {
    const cube = defineOp({
      name: 'cube',
      forward: (x) => x.mul(x).mul(x),
      backward: (g, { inputs: [x] }) => [g.mul(x!.mul(x!).mul(3))],
      formulas: ['g · 3x²'],
    });
    const x = tensor([1, 2], { requiresGrad: true });
    cube(x).sum().backward();
    expect(x.grad?.toArray()).toEqual([3, 12]);
    expect(checkOp(cube, [tensor([0.5, -1.5])]).ok).toBe(true);
  });

  it('verifyJacobian', () => {
    const x = tensor([0.5, -1, 2]);
    const report = verifyJacobian({
      params: { w: tensor([0.3, 0.7, -0.2]) },
      outputs: (p) => p.w!.mul(x).tanh(),
      manual: (p) => {
        const d = ones([3]).sub(p.w!.mul(x).tanh().pow(2)).mul(x).toArray() as number[];
        return { J_w: d.map((di, i) => d.map((_, j) => (i === j ? di : 0))) };
      },
    });
    expect(report.ok).toBe(true);
  });

  it('diagnose', () => {
    const autodiff = new Float64Array([0.1, -0.2, 0.3, 0.05]);
    const hand = autodiff.map((v) => v * 32);
    const d = diagnose(hand, autodiff, { name: 'W', shape: [2, 2], tol: EXACT_TOLERANCE, batchSize: 32 });
    expect(d?.message).toContain('×32 autodiff — a missing 1/m?');
  });
});
