// The check plan: every entry point resolves its options once, with defaults by precision, and
// bad options are errors naming the public function.
import { describe, expect, it } from 'vitest';
import { tensor, type Tensor } from '../src/index.js';
import { checkOp, defineOp, gradcheck, verifyGradients, verifyJacobian } from '../src/check/index.js';
import { exactTolerance, numericalTolerance, planGradcheck, planJacobian, planVerify } from '../src/check/plan.js';
import { DEFAULT_STRATEGY } from '../src/check/strategy.js';
import { DEFAULT_EPS, FLOAT32_EPS_STEP, FLOAT32_TOLERANCE, FLOAT64_TOLERANCE } from '../src/check/tolerance.js';

const f64 = { lowPrecision: false, numericDType: 'float64' } as const;

describe('planGradcheck', () => {
  it('resolves defaults by precision, once', () => {
    const p = planGradcheck('gradcheck', {}, ['a', 'b'], f64);
    expect(p).toMatchObject({ fn: 'gradcheck', eps: DEFAULT_EPS, numerical: FLOAT64_TOLERANCE, noiseScale: 1, wrt: [0, 1], jacobianLimit: 16 });
    expect(p.strategy).toEqual(DEFAULT_STRATEGY);
    const low = planGradcheck('gradcheck', {}, ['a'], { lowPrecision: true, numericDType: 'float32' });
    expect(low).toMatchObject({ eps: FLOAT32_EPS_STEP, numerical: FLOAT32_TOLERANCE, noiseScale: 2 ** 29 });
  });

  it('takes the user values over the defaults', () => {
    const p = planGradcheck('gradcheck', { eps: 1e-4, atol: 1e-3, wrt: ['b'], fullLimit: 3, jacobianLimit: 0 }, ['a', 'b'], f64);
    expect(p).toMatchObject({ eps: 1e-4, numerical: { atol: 1e-3, rtol: FLOAT64_TOLERANCE.rtol }, wrt: [1], jacobianLimit: 0 });
    expect(p.strategy.fullLimit).toBe(3);
  });

  it('raises atol to the noise floor of the function, scaled for float32 inside f', () => {
    const p = planGradcheck('gradcheck', {}, ['a'], f64);
    // 64 ulps of |f| = 1e6 over eps: 64 · 2⁻⁵² · 1e6 / 6.06e-6 ≈ 2.35e-3
    expect(numericalTolerance(p, 1e6).atol).toBeCloseTo((64 * 2 ** -52 * 1e6) / DEFAULT_EPS, 12);
    expect(numericalTolerance(p, 1).atol).toBe(FLOAT64_TOLERANCE.atol);
  });

  it('bad options name the function', () => {
    expect(() => planGradcheck('checkOp', { fullLimit: -1 }, ['a'], f64)).toThrow('checkOp: option fullLimit must be a non-negative integer, got -1');
    expect(() => planGradcheck('gradcheck', { eps: 0 }, ['a'], f64)).toThrow('gradcheck: eps must be positive, got 0');
    expect(() => planGradcheck('gradcheck', { rtol: -1 }, ['a'], f64)).toThrow('gradcheck: rtol must be a non-negative number, got -1');
    expect(() => planGradcheck('gradcheck', { jacobianLimit: 1.5 }, ['a'], f64)).toThrow('gradcheck: jacobianLimit must be a non-negative integer, got 1.5');
    expect(() => planGradcheck('gradcheck', { wrt: [2] }, ['a'], f64)).toThrow('gradcheck: wrt names no input: 2 (inputs: a)');
  });
});

describe('three-way plans', () => {
  it('hand vs autodiff: atol scales with the gradient in float64, fixed in float32', () => {
    const p = planVerify('verifyGradients', {}, false);
    expect(exactTolerance(p, new Float64Array([3, -500]))).toEqual({ atol: 5e-10, rtol: 1e-9 });
    expect(exactTolerance(planVerify('verifyGradients', { exactAtol: 1e-3 }, false), new Float64Array([500]))).toEqual({ atol: 1e-3, rtol: 1e-9 });
    expect(exactTolerance(planVerify('verifyGradients', {}, true), new Float64Array([500]))).toEqual(FLOAT32_TOLERANCE);
    expect(planJacobian('verifyJacobian', {}, false).maxEntries).toBe(2_000_000);
  });
});

describe('the entry points use their own name in option errors', () => {
  const cube = defineOp({ name: 'cube', forward: (x) => x.mul(x).mul(x), backward: (g, { inputs: [x] }) => [g.mul(x!.mul(x!).mul(3))] });
  it('gradcheck, checkOp, verifyGradients, verifyJacobian', () => {
    const x = tensor([0.5, -1]);
    expect(() => gradcheck((t: Tensor) => t.sum(), [x], { samples: 0.5 })).toThrow(/^gradcheck: option samples/);
    expect(() => checkOp(cube, [x], { directions: -2 })).toThrow(/^checkOp: option directions/);
    expect(checkOp(cube, [x]).ok).toBe(true);
    const params = { w: tensor([0.3, 0.7]) };
    expect(() => verifyGradients({ params, loss: (p) => p.w!.sum(), manual: () => ({ w: [1, 1] }), eps: -1 }))
      .toThrow(/^verifyGradients: eps .*-1/);
    expect(() => verifyJacobian({ params, outputs: (p) => p.w!, manual: () => ({ J_w: [[1, 0], [0, 1]] }), eps: 0 }))
      .toThrow(/^verifyJacobian: eps .*got 0/);
  });
});
