/**
 * Exact values (numpy references, each computed by the python3 command above it), gradients at the
 * edge points whose subgradient we choose, and properties of the ops added for issue 10.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { arccos, arcsin, arctan, ceil, cos, floor, sin, tan } from '../src/index.js';
import {
  argmax, argmin, clamp, clip, cosh, dot, elu, expm1, grad, leakyRelu, log1p, logSumExp, matmul, maximum, min, minimum,
  norm, outer, randn, sinh, softplus, square, std, sum, tensor, variance, zeros,
} from '../src/index.js';
import type { Tensor } from '../src/index.js';

function close(actual: Tensor | number[], expected: number[], tol = 1e-14): void {
  const a = Array.isArray(actual) ? actual : Array.from(actual.storage);
  expect(a.length).toBe(expected.length);
  a.forEach((v, i) => expect(Math.abs(v - expected[i]!), `element ${i}: ${v} vs ${expected[i]}`).toBeLessThanOrEqual(tol * Math.max(1, Math.abs(expected[i]!))));
}
const gradOf = (f: (x: Tensor) => Tensor, x: number[]): number[] =>
  Array.from(grad((t: Tensor) => f(t).sum())(tensor(x))[0]!.storage);

describe('element-wise', () => {
  it('values match numpy', () => {
    // python3 -c "import numpy as np; x=np.array([-2.,-0.5,0.,0.5,3.]); print(np.cosh(x).tolist(), np.sinh(x).tolist())"
    const x = tensor([-2, -0.5, 0, 0.5, 3]);
    close(cosh(x), [3.7621956910836314, 1.1276259652063807, 1.0, 1.1276259652063807, 10.067661995777765]);
    close(sinh(x), [-3.626860407847019, -0.5210953054937474, 0.0, 0.5210953054937474, 10.017874927409903]);
    close(square(x), [4, 0.25, 0, 0.25, 9], 0);
    // python3 -c "import numpy as np; print(np.log1p([-0.5,0.,1e-10,3.]).tolist(), np.expm1([-1.,0.,1e-10,2.]).tolist())"
    close(log1p(tensor([-0.5, 0, 1e-10, 3])), [-0.6931471805599453, 0.0, 9.999999999500001e-11, 1.3862943611198906]);
    close(expm1(tensor([-1, 0, 1e-10, 2])), [-0.6321205588285577, 0.0, 1.00000000005e-10, 6.38905609893065]);
    // python3 -c "import numpy as np; x=np.array([-2.,-0.5,0.,0.5,1.]); print(np.sin(x).tolist(), np.cos(x).tolist(), np.tan(x).tolist(), np.arcsin(x/2).tolist(), np.arccos(x/2).tolist(), np.arctan(x).tolist(), np.floor(x*1.5).tolist(), np.ceil(x*1.5).tolist())"
    const t = tensor([-2, -0.5, 0, 0.5, 1]);
    close(sin(t), [-0.9092974268256817, -0.479425538604203, 0.0, 0.479425538604203, 0.8414709848078965]);
    close(cos(t), [-0.4161468365471424, 0.8775825618903728, 1.0, 0.8775825618903728, 0.5403023058681398]);
    close(tan(t), [2.185039863261519, -0.5463024898437905, 0.0, 0.5463024898437905, 1.5574077246549023]);
    close(arcsin(t.div(2)), [-1.5707963267948966, -0.25268025514207865, 0.0, 0.25268025514207865, 0.5235987755982989]);
    close(arccos(t.div(2)), [3.141592653589793, 1.8234765819369754, 1.5707963267948966, 1.318116071652818, 1.0471975511965979]);
    close(arctan(t), [-1.1071487177940904, -0.4636476090008061, 0.0, 0.4636476090008061, 0.7853981633974483]);
    close(floor(t.mul(1.5)), [-3, -1, 0, 0, 1], 0);
    close(ceil(t.mul(1.5)), [-3, -0, 0, 1, 2], 0);
    // floor and ceil are never recorded (PyTorch's gradient 0): a tensor that requires grad gives one that does not.
    expect(floor(tensor([1.5], { requiresGrad: true })).requiresGrad).toBe(false);
    // python3 -c "import numpy as np; print(np.logaddexp(0, [-1000.,-2.,0.,2.,1000.]).tolist())"
    close(softplus(tensor([-1000, -2, 0, 2, 1000])), [0.0, 0.1269280110429725, 0.6931471805599453, 2.1269280110429727, 1000.0]);
    // python3 -c "import numpy as np; x=np.array([-3.,-0.5,0.,2.]); print(np.where(x>0,x,0.7*np.expm1(x)).tolist(), np.where(x>0,x,0.2*x).tolist())"
    close(elu(tensor([-3, -0.5, 0, 2]), 0.7), [-0.6651490521424952, -0.2754285382011566, 0.0, 2.0]);
    close(leakyRelu(tensor([-3, -0.5, 0, 2]), 0.2), [-0.6000000000000001, -0.1, 0.0, 2.0]);
    expect(tensor([-1]).leakyRelu().toArray()).toEqual([-0.01]);
  });
  it('softplus, elu and leakyRelu gradients are finite everywhere and follow PyTorch at 0', () => {
    close(gradOf(softplus, [-1000, 0, 1000]), [0, 0.5, 1]);
    close(gradOf((x) => elu(x, 0.7), [0, 1000, -1000]), [0.7, 1, 0]);
    close(gradOf((x) => leakyRelu(x, 0.2), [0, -1, 1]), [0.2, 0.2, 1]);
  });
  it('maximum/minimum: NaN propagates, ties split the gradient ½/½ (PyTorch)', () => {
    expect(maximum(tensor([1, 5, Number.NaN]), tensor([3, 2, 0])).toArray()).toEqual([3, 5, Number.NaN]);
    expect(minimum(tensor([[1], [5]]), tensor([3, 2])).toArray()).toEqual([[1, 1], [3, 2]]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => maximum(a, b).sum())(tensor([1, 2, 3]), tensor([2, 2, 2]));
    expect(ga!.toArray()).toEqual([0, 0.5, 1]);
    expect(gb!.toArray()).toEqual([1, 0.5, 0]);
    const [gm] = grad((a: Tensor) => minimum(a, 2).sum())(tensor([1, 2, 3]));
    expect(gm!.toArray()).toEqual([1, 0.5, 0]);
  });
  it('clip and clamp: one op, gradient 1 on the closed interval, bounds as tensors, min > max gives max', () => {
    expect(clip(tensor([-2, 0, 0.5, 1, 3]), 0, 1).toArray()).toEqual([0, 0, 0.5, 1, 1]);
    expect(clamp(tensor([-2, 3]), null, 1).toArray()).toEqual([-2, 1]);
    expect(clip(tensor([0, 5]), 3, 1).toArray()).toEqual([1, 1]); // python3 -c "import numpy as np; print(np.clip([0,5],3,1))" → [1 1]
    expect(gradOf((x) => clip(x, 0, 1), [-2, 0, 0.5, 1, 3])).toEqual([0, 1, 1, 1, 0]);
    const [gx, glo] = grad((x: Tensor, lo: Tensor) => clip(x, lo, 10).sum())(tensor([1, 5]), tensor([2, 2]));
    expect(gx!.toArray()).toEqual([0, 1]);
    expect(glo!.toArray()).toEqual([1, 0]);
    expect(clip(tensor([Number.NaN]), 0, 1).toArray()).toEqual([Number.NaN]);
    expect(() => clip(tensor([1]))).toThrow('clip: give at least one of min and max');
    expect(() => clamp(tensor([1]), 'x' as never)).toThrow(/clamp: min must be a Tensor/);
    expect(() => leakyRelu(tensor([1]), Number.NaN)).toThrow('leakyRelu: slope must be a finite number, got NaN');
  });
});

describe('reductions', () => {
  const x = tensor([[1, 2, 4], [3, 5, 9]]);
  it('variance and std with numpy defaults (correction 0) and ddof', () => {
    // python3 -c "import numpy as np; x=np.array([[1.,2.,4.],[3.,5.,9.]]); print(np.var(x,axis=1).tolist(), np.var(x,ddof=1), np.std(x,axis=0,ddof=1).tolist())"
    close(variance(x, 1), [1.5555555555555554, 6.222222222222221]);
    close(variance(x, undefined, { correction: 1 }), [8.0]);
    close(std(x, 0, { correction: 1 }), [1.4142135623730951, 2.1213203435596424, 3.5355339059327378]);
    expect(x.var(-1, { keepDims: true }).shape).toEqual([2, 1]);
    expect(() => variance(tensor([1]), undefined, { correction: 1 })).toThrow(/variance: 1 elements with correction 1 leave no degrees of freedom/);
    expect(() => std(x, 0, { correction: -1 })).toThrow('std: correction must be a non-negative number, got -1');
  });
  it('logSumExp is stable', () => {
    // python3 -c "import numpy as np; a=np.array([[1.,2.,3.],[1000.,1000.,-5.]]); m=a.max(1,keepdims=True); print((m+np.log(np.exp(a-m).sum(1,keepdims=True))).ravel().tolist())"
    close(logSumExp(tensor([[1, 2, 3], [1000, 1000, -5]]), 1), [3.4076059644443806, 1000.6931471805599]);
    expect(logSumExp(tensor([-Infinity, -Infinity])).item()).toBe(-Infinity);
    expect(logSumExp(tensor([1, Infinity])).item()).toBe(Infinity);
    const [g] = grad((t: Tensor) => logSumExp(t))(tensor([1000, 1000]));
    expect(g!.toArray()).toEqual([0.5, 0.5]);
    expect(logSumExp(tensor([[1, 2]]), 1, true).shape).toEqual([1, 1]);
  });
  it('norm: Frobenius, per axis, gradient 0 at 0', () => {
    // python3 -c "import numpy as np; print(np.linalg.norm([[1.,2.],[3.,4.]]), np.linalg.norm([[1.,2.],[3.,4.]],axis=0).tolist())"
    close(norm(tensor([[1, 2], [3, 4]])), [5.477225575051661]);
    close(norm(tensor([[1, 2], [3, 4]]), 0), [3.1622776601683795, 4.47213595499958]);
    expect(gradOf((t) => norm(t), [0, 0])).toEqual([0, 0]);
    close(gradOf((t) => norm(t), [3, 4]), [0.6, 0.8]);
    const [h] = grad((t: Tensor) => grad((u: Tensor) => norm(u))(t)[0]!.sum())(tensor([0, 0]));
    expect(h!.toArray()).toEqual([0, 0]);
  });
  it('min, argmax and argmin: numpy values, first index on ties, never recorded', () => {
    // python3 -c "import numpy as np; a=[[1,3,3],[5,5,0]]; print(np.argmax(a,axis=1), np.argmin(a,axis=0), np.argmax(a), np.argmax([1,np.nan,np.nan,2]))"
    // → [1 0] [0 0 1] 3 1
    const a = tensor([[1, 3, 3], [5, 5, 0]], { requiresGrad: true });
    expect(argmax(a, 1).toArray()).toEqual([1, 0]);
    expect(argmin(a, 0).toArray()).toEqual([0, 0, 1]);
    expect(argmax(a).toArray()).toEqual(3);
    expect(argmax(tensor([1, Number.NaN, Number.NaN, 2])).item()).toBe(1);
    expect(a.argmax(-1, true).shape).toEqual([2, 1]);
    expect(argmax(a).requiresGrad).toBe(false);
    expect(min(a, 1).toArray()).toEqual([1, 0]);
    expect(a.min().item()).toBe(0);
    const [g] = grad((t: Tensor) => min(t))(tensor([2, 1, 1]));
    expect(g!.toArray()).toEqual([0, 0.5, 0.5]); // ties share, like max
    expect(() => argmax(zeros([0]))).toThrow(/argmax: cannot take the argmax of an empty axis of shape \[0\]/);
    expect(() => argmin(a, 2)).toThrow(/argmin: axis 2 is out of range/);
  });
  it('property: norm² equals the sum of squares; variance equals mean of squares minus squared mean', () => {
    fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), fc.integer({ min: 0, max: 1e6 }), (shape, seed) => {
      const t = randn(shape, { seed });
      close([norm(t).item() ** 2], [sum(square(t)).item()], 1e-12);
      const m = t.mean().item();
      close([variance(t).item()], [t.mul(t).mean().item() - m * m], 1e-10);
    }), { numRuns: 50 });
  });
});

/** A plain-loop reference for numpy's matmul on small operands. */
function referenceMatmul(a: Tensor, b: Tensor): { shape: number[]; values: number[] } {
  const as = a.ndim === 1 ? [1, a.shape[0]!] : [...a.shape];
  const bs = b.ndim === 1 ? [b.shape[0]!, 1] : [...b.shape];
  const [m, k] = as.slice(-2) as [number, number];
  const n = bs[bs.length - 1]!;
  const ba = as.slice(0, -2), bb = bs.slice(0, -2);
  const nd = Math.max(ba.length, bb.length);
  const batch = Array.from({ length: nd }, (_, i) => Math.max(ba[ba.length - nd + i] ?? 1, bb[bb.length - nd + i] ?? 1));
  const size = batch.reduce((p, d) => p * d, 1);
  const values: number[] = [];
  for (let flat = 0; flat < size; flat++) {
    const idx: number[] = [];
    let r = flat;
    for (let d = nd - 1; d >= 0; d--) { idx[d] = r % batch[d]!; r = Math.floor(r / batch[d]!); }
    const offset = (shape: number[]): number => {
      let o = 0;
      for (let d = 0; d < shape.length; d++) o = o * shape[d]! + (shape[d] === 1 ? 0 : idx[nd - shape.length + d]!);
      return o;
    };
    const oa = offset(ba) * m * k, ob = offset(bb) * k * n;
    for (let i = 0; i < m; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += a.storage[oa + i * k + p]! * b.storage[ob + p * n + j]!;
      values.push(s);
    }
  }
  let shape = [...batch, m, n];
  if (a.ndim === 1) shape = [...shape.slice(0, -2), n];
  if (b.ndim === 1) shape = shape.slice(0, -1);
  return { shape, values };
}

describe('matmul with numpy rules, dot, outer', () => {
  it('1-d operands, batches on both sides, transposed operands', () => {
    expect(matmul(tensor([1, 2]), tensor([3, 4])).shape).toEqual([]);
    expect(matmul(tensor([1, 2]), tensor([[1, 2, 3], [4, 5, 6]])).toArray()).toEqual([9, 12, 15]);
    expect(matmul(tensor([[1, 2, 3], [4, 5, 6]]), tensor([1, 0, 1])).toArray()).toEqual([4, 10]);
    expect(matmul(zeros([2, 1, 3, 4]), zeros([5, 4, 6])).shape).toEqual([2, 5, 3, 6]);
    expect(matmul(zeros([4]), zeros([5, 4, 6])).shape).toEqual([5, 6]);
    const a = randn([3, 2], { seed: 1 }), b = randn([4, 3], { seed: 2 });
    close(matmul(a, b, { transA: true, transB: true }), Array.from(matmul(a.T, b.T).storage));
    const A = randn([2, 3, 2], { seed: 3 }), B = randn([2, 4, 3], { seed: 4 });
    close(A.matmul(B, { transA: true, transB: true }), Array.from(matmul(A.transpose([0, 2, 1]), B.transpose([0, 2, 1])).storage));
    expect(() => matmul(zeros([2, 3]), zeros([2, 3]))).toThrow('matmul: cannot multiply [2,3] by [2,3] (inner sizes 3 and 2 differ)');
    expect(() => matmul(zeros([2, 2, 3]), zeros([3, 3, 1]))).toThrow(/matmul: cannot broadcast shapes \[2\] and \[3\]/);
    expect(() => matmul(tensor(1), zeros([1]))).toThrow(/matmul: operands must have at least 1 axis/);
    expect(() => matmul(zeros([2]), zeros([2]), { transA: true })).toThrow(/matmul: transA\/transB need an operand with at least 2 axes/);
  });
  it('property: every layout agrees with a plain-loop reference, gradients too', () => {
    const dims = fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 0, maxLength: 2 });
    fc.assert(fc.property(dims, fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 0, max: 1e6 }),
      (batch, oneD, m, k, n, seed) => {
        const rng = seedrandom(String(seed));
        // Two batch shapes that broadcast to `batch`: leading axes dropped, some axes set to 1.
        const part = (): number[] => batch.slice(Math.floor(rng() * (batch.length + 1))).map((d) => (rng() < 0.3 ? 1 : d));
        const aShape = oneD & 1 ? [k] : [...part(), m, k];
        const bShape = oneD & 2 ? [k] : [...part(), k, n];
        const a = randn(aShape, { seed }), b = randn(bShape, { seed: seed + 1 });
        const ref = referenceMatmul(a, b);
        const y = matmul(a, b);
        expect(y.shape).toEqual(ref.shape);
        close(y, ref.values, 1e-12);
        // Gradient: Σ w⊙(a@b) w.r.t. a is w@bᵀ summed over broadcast batches; check against finite differences.
        const w = randn(y.shape, { seed: seed + 2 });
        const [ga] = grad((x: Tensor) => matmul(x, b).mul(w).sum())(a);
        const eps = 1e-6;
        for (let i = 0; i < a.size; i++) {
          const plus = a.data(); plus[i]! += eps;
          const minus = a.data(); minus[i]! -= eps;
          const fd = (matmul(tensor(plus, { shape: a.shape }), b).mul(w).sum().item() - matmul(tensor(minus, { shape: a.shape }), b).mul(w).sum().item()) / (2 * eps);
          expect(Math.abs(ga!.storage[i]! - fd)).toBeLessThan(1e-6);
        }
      }), { numRuns: 60 });
  });
  it('dot follows numpy (1-d inner product, 2-d matmul, scalars, n-d sum-product)', () => {
    expect(dot(tensor([1, 2, 3]), tensor([4, 5, 6])).item()).toBe(32);
    expect(dot(tensor(2), tensor([1, 2])).toArray()).toEqual([2, 4]);
    expect(dot(tensor([[1, 2], [3, 4]]), tensor([[1], [1]])).toArray()).toEqual([[3], [7]]);
    // python3 -c "import numpy as np; print(np.dot(np.arange(6.).reshape(2,3), np.arange(24.).reshape(2,3,4)).tolist())"
    const r = dot(tensor([[0, 1, 2], [3, 4, 5]]), tensor(Float64Array.from({ length: 24 }, (_, i) => i), { shape: [2, 3, 4] }));
    expect(r.toArray()).toEqual([[[20.0, 23.0, 26.0, 29.0], [56.0, 59.0, 62.0, 65.0]], [[56.0, 68.0, 80.0, 92.0], [200.0, 212.0, 224.0, 236.0]]]);
    expect(() => dot(tensor([1, 2]), tensor([1, 2, 3]))).toThrow('dot: shapes [2] and [3] are not aligned (2 and 3 differ)');
    expect(outer(tensor([1, 2]), tensor([3, 4, 5])).toArray()).toEqual([[3, 4, 5], [6, 8, 10]]);
    const [ga, gb] = grad((a: Tensor, b: Tensor) => outer(a, b).sum())(tensor([1, 2]), tensor([3, 4, 5]));
    expect(ga!.toArray()).toEqual([12, 12]);
    expect(gb!.toArray()).toEqual([3, 3, 3]);
  });
});

