// Forward mode: jvp, hvp and hessian — exact values, the fallback for defineOp ops, nesting,
// properties (linearity, symmetry), agreement with reverse mode and finite differences, and errors.
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import {
  cast, defineOp, grad, hessian, hvp, jvp, matmul, max, noGrad, relu, softmax, sum, tanh, tensor, Tensor,
} from '../src/index.js';
import { forwardMode } from '../src/engine/forward.js';
import { differences, directionalDifference, numericalGradients } from './helpers/finite-diff.js';

const arr = (t: Tensor): number[] => Array.from(t.storage);

function random(shape: readonly number[], seed: string | number, scale = 1): Tensor {
  const rng = seedrandom(String(seed));
  const size = shape.reduce((p, d) => p * d, 1);
  return tensor(Float64Array.from({ length: size }, () => scale * (2 * rng() - 1)), { shape: [...shape] });
}

/** A small smooth network-like scalar function of two inputs (matmul, tanh, softmax, max). */
const net = (W: Tensor, x: Tensor): Tensor => {
  const h = tanh(matmul(W, x));
  return sum(softmax(h, 0).mul(h)).add(max(h).mul(0.5)).add(W.pow(2).sum().mul(0.1));
};

describe('jvp', () => {
  it('gives the value and the directional derivative, exactly', () => {
    const x = tensor([1, 2, 3]);
    const y = tensor([4, 5, 6]);
    const { value, tangent } = jvp((a: Tensor, b: Tensor) => a.mul(b).sum(), [x, y], [tensor([1, 0, 0]), tensor([0, 0, 1])]);
    expect(value.item()).toBe(32);
    expect(tangent.item()).toBe(4 + 3); // b₀·1 + a₂·1
    // A lone Tensor is accepted for one primal; the tangent has the output's shape.
    const r = jvp((a: Tensor) => a.pow(3), x, tensor([1, 1, 1]));
    expect(arr(r.tangent)).toEqual([3, 12, 27]);
  });

  it('several outputs: one tangent each; an output that ignores the primals gets zeros', () => {
    const x = tensor([2, -1]);
    const c = tensor([7, 7]);
    const { values, tangents } = jvp((a: Tensor) => [a.mul(a), c, a.sum()], [x], [tensor([1, 2])]);
    expect(values.map(arr)).toEqual([[4, 1], [7, 7], [1]]);
    expect(tangents.map(arr)).toEqual([[4, -4], [0, 0], [3]]);
  });

  it('closed-over tensors are constants, even the primal itself; a tensor passed twice gets two tangents', () => {
    const x = tensor([3]);
    expect(jvp((a: Tensor) => a.mul(x), [x], [tensor([1])]).tangent.item()).toBe(3); // x is a constant here
    expect(jvp((a: Tensor, b: Tensor) => a.mul(b), [x, x], [tensor([1]), tensor([10])]).tangent.item()).toBe(3 + 30);
  });

  it('max: ties average their tangents, the transpose of the VJP sharing the gradient', () => {
    const x = tensor([1, 3, 3]);
    const t = tensor([5, 2, 4]);
    expect(jvp((a: Tensor) => max(a), [x], [t]).tangent.item()).toBe(3);
    const g = grad((a: Tensor) => max(a))(x)[0]!;
    expect(arr(g)).toEqual([0, 0.5, 0.5]);
  });

  it('is linear in the tangent (property, a network-like function)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), fc.double({ min: -3, max: 3, noNaN: true }), (seed, a) => {
      const W = random([3, 4], `W${seed}`);
      const x = random([4, 2], `x${seed}`);
      const [t1, u1, t2, u2] = [random([3, 4], `t1${seed}`), random([4, 2], `u1${seed}`), random([3, 4], `t2${seed}`), random([4, 2], `u2${seed}`)];
      const j = (tw: Tensor, tx: Tensor): number => jvp(net, [W, x], [tw, tx]).tangent.item();
      const combined = j(t1.mul(a).add(t2), u1.mul(a).add(u2));
      const separate = a * j(t1, u1) + j(t2, u2);
      expect(Math.abs(combined - separate)).toBeLessThan(1e-10 * (1 + Math.abs(separate)));
    }), { numRuns: 30 });
  });

  it('matches central finite differences and reverse mode on the network (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
      const inputs = [random([3, 4], `W${seed}`), random([4, 2], `x${seed}`)];
      const ts = [random([3, 4], `tw${seed}`), random([4, 2], `tx${seed}`)];
      const { tangent } = jvp(net, inputs, ts);
      const fd = directionalDifference(net, inputs, ts)[0]!;
      expect(Math.abs(tangent.item() - fd)).toBeLessThan(1e-6 * (1 + Math.abs(fd)));
      const g = grad(net)(...inputs);
      const reverse = g.reduce((s, gk, k) => s + Array.from(gk.storage).reduce((a, v, i) => a + v * ts[k]!.storage[i]!, 0), 0);
      expect(Math.abs(tangent.item() - reverse)).toBeLessThan(1e-12 * (1 + Math.abs(reverse)));
    }), { numRuns: 25 });
  });

  it('nests: jvp of jvp of jvp is the third derivative (x⁴ → 24x)', () => {
    const d = (f: (x: Tensor) => Tensor) => (x: Tensor): Tensor => jvp(f, [x], [tensor([1])]).tangent;
    const fourth = (x: Tensor): Tensor => x.pow(4);
    expect(d(fourth)(tensor([2])).item()).toBe(32);       // 4x³
    expect(d(d(fourth))(tensor([2])).item()).toBe(48);    // 12x²
    expect(d(d(d(fourth)))(tensor([2])).item()).toBe(48); // 24x
    // Mixed partials of a·b² at (3, 2): ∂²/∂a∂b = 2b = 4.
    const inner = (a: Tensor, b: Tensor): Tensor => jvp((p: Tensor) => p.mul(b.pow(2)), [a], [tensor([1])]).tangent;
    expect(jvp((b: Tensor) => inner(tensor([3]), b), [tensor([2])], [tensor([1])]).tangent.item()).toBe(4);
  });

  it('float32 primals keep float32 tangents; a float64 tangent is cast', () => {
    const x = tensor([0.5, 1.5], { dtype: 'float32' });
    const { tangent } = jvp((a: Tensor) => a.mul(a), [x], [tensor([1, 1])]);
    expect(tangent.dtype).toBe('float32');
    expect(arr(tangent)).toEqual([1, 3]);
    expect(jvp((a: Tensor) => cast(a, 'float64'), [x], [tensor([2, 2])]).tangent.dtype).toBe('float64');
  });

  it('works inside noGrad and leaves no forward-mode state behind, also when f throws', () => {
    expect(noGrad(() => jvp((a: Tensor) => a.exp(), [tensor([0])], [tensor([2])]).tangent.item())).toBe(2);
    expect(() => jvp(() => { throw new Error('boom'); }, [tensor([1])], [tensor([1])])).toThrow('boom');
    expect(forwardMode.depth).toBe(0);
    expect(forwardMode.levels).toEqual([]);
    // Outside jvp nothing carries a tangent, so ops pay one comparison.
    expect(tensor([1]).add(1).item()).toBe(2);
  });

  it('ops without a rule use the transpose of their VJP (defineOp), second order included', () => {
    const cube = defineOp({ name: 'cube', forward: (x) => x.mul(x).mul(x), backward: (g, { inputs: [x] }) => [g.mul(x!.mul(x!).mul(3))] });
    expect(arr(jvp((a: Tensor) => cube(a), [tensor([1, 2])], [tensor([1, 0.5])]).tangent)).toEqual([3, 6]);
    const second = jvp((a: Tensor) => jvp((b: Tensor) => cube(b), [a], [tensor([1])]).tangent, [tensor([2])], [tensor([1])]);
    expect(second.tangent.item()).toBe(12); // 6x
    expect(arr(hvp((a: Tensor) => cube(a).sum(), [tensor([1, 2])], [tensor([1, 1])])[0]!)).toEqual([6, 12]);
  });

  it('a defineOp backward that returns constant arrays cannot be linearised: an Error naming the op', () => {
    const frozen = defineOp({ name: 'frozen', forward: (x) => x.mul(2), backward: () => [[2, 2]] });
    expect(() => jvp((a: Tensor) => frozen(a), [tensor([1, 2])], [tensor([1, 1])]))
      .toThrow(/jvp: op 'frozen' has no jvp rule, and its backward's gradient for input 0 is a constant/);
    const flat = defineOp({ name: 'flat', forward: (x) => x.mul(0), backward: () => [[0, 0]] });
    expect(arr(jvp((a: Tensor) => flat(a), [tensor([1, 2])], [tensor([1, 1])]).tangent)).toEqual([0, 0]);
  });

  it('bad input: Errors naming jvp and the offending shapes or values', () => {
    const x = tensor([1, 2]);
    const f = (a: Tensor): Tensor => a.sum();
    expect(() => jvp(f, [x], [tensor([1, 2, 3])])).toThrow('jvp: tangents[0] has shape [3] but primals[0] has shape [2]');
    expect(() => jvp(f, [x], [])).toThrow('jvp: 1 primal(s) but 0 tangents: one per primal, of its shape');
    expect(() => jvp(f, [[1, 2] as unknown as Tensor], [x])).toThrow('jvp: primals[0] must be a Tensor, got an array (wrap it with tensor(...))');
    expect(() => jvp(f, [x], [3 as unknown as Tensor])).toThrow('jvp: tangents[0] must be a Tensor, got number');
    expect(() => jvp(f, 'x' as unknown as Tensor, [x])).toThrow('jvp: primals must be a Tensor or an array of Tensors, got string');
    expect(() => jvp('f' as unknown as typeof f, [x], [x])).toThrow('jvp: f must be a function');
    expect(() => jvp((() => 3) as unknown as typeof f, [x], [x])).toThrow('jvp: f must return a Tensor or an array of Tensors, got number');
  });

  it('a rule returning the wrong shape is named by the engine', () => {
    const bad = defineOp({ name: 'bad', forward: (x) => x.mul(2), backward: (g) => [g.mul(2)] });
    (bad.def as { jvp?: unknown }).jvp = () => tensor([1, 2, 3]);
    expect(() => jvp((a: Tensor) => bad(a), [tensor([1, 2])], [tensor([1, 1])]))
      .toThrow("jvp rule of 'bad' returned a tangent of shape [3] for an output of shape [2]");
  });
});

describe('hvp', () => {
  it('equals reverse over reverse and finite differences of the gradient (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 1e6 }), (seed) => {
      const inputs = [random([3, 4], `W${seed}`), random([4, 2], `x${seed}`)];
      const vs = [random([3, 4], `vw${seed}`), random([4, 2], `vx${seed}`)];
      const hv = hvp(net, inputs, vs);
      // Reverse over reverse: the gradient of ⟨∇f, v⟩.
      const rr = grad((W: Tensor, x: Tensor) => grad(net)(W, x).reduce<Tensor>((s, g, k) => s.add(g.mul(vs[k]!).sum()), tensor(0)))(...inputs);
      hv.forEach((h, k) => expect(differences(h.storage, rr[k]!.storage, { atol: 1e-12, rtol: 1e-9 })).toEqual([]));
      // Finite differences of the gradient along v: (∇f(x + εv) − ∇f(x − εv)) / 2ε.
      const eps = 1e-5;
      const shifted = (s: number) => grad(net)(...inputs.map((x, k) => x.add(vs[k]!.mul(s * eps))));
      const [plus, minus] = [shifted(1), shifted(-1)];
      hv.forEach((h, k) => {
        const fd = plus[k]!.storage.map((p, i) => (p - minus[k]!.storage[i]!) / (2 * eps));
        expect(differences(h.storage, fd, { atol: 1e-6, rtol: 1e-5 })).toEqual([]);
      });
    }), { numRuns: 15 });
  });

  it('bad input names hvp', () => {
    expect(() => hvp((a: Tensor) => a.mul(2), [tensor([1, 2])], [tensor([1, 1])])).toThrow('hvp: f must return a scalar Tensor, got shape [2]');
    expect(() => hvp((a: Tensor) => a.sum(), [tensor([1, 2])], [tensor([1])])).toThrow('hvp: vectors[0] has shape [1] but primals[0] has shape [2]');
    expect(() => hvp((a: Tensor) => a.sum(), [tensor([1, 2])], [])).toThrow('hvp: 1 primal(s) but 0 vectors');
  });
});

describe('hessian', () => {
  it('is exact on quadratics: f = xᵀAx + bᵀx has H = A + Aᵀ (property, integer entries)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 1e6 }), (n, seed) => {
      const rng = seedrandom(String(seed));
      const A = tensor(Float64Array.from({ length: n * n }, () => Math.floor(rng() * 11) - 5), { shape: [n, n] });
      const b = tensor(Float64Array.from({ length: n }, () => Math.floor(rng() * 11) - 5));
      const x = random([n], seed);
      const f = (v: Tensor): Tensor => matmul(v.reshape([1, n]), matmul(A, v.reshape([n, 1]))).sum().add(v.mul(b).sum());
      const H = hessian(f, x);
      expect(H.shape).toEqual([n, n]);
      const expected = Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => A.storage[i * n + j]! + A.storage[j * n + i]!));
      expect(H.toArray()).toEqual(expected);
    }), { numRuns: 25 });
  });

  it('is symmetric and matches finite differences of the gradient for a 2-d input', () => {
    const x = random([2, 3], 'h');
    const f = (W: Tensor): Tensor => tanh(W).pow(3).sum().add(softmax(W).mul(W).sum());
    const H = hessian(f, x);
    expect(H.shape).toEqual([2, 3, 2, 3]);
    const n = 6;
    const h = H.storage;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) expect(Math.abs(h[i * n + j]! - h[j * n + i]!)).toBeLessThan(1e-14);
    // Column j by central differences of the gradient.
    const g = (W: Tensor): Tensor => grad(f)(W)[0]!;
    for (let j = 0; j < n; j++) {
      const e = new Float64Array(n);
      e[j] = 1;
      const col = numericalGradients((W: Tensor) => g(W).mul(tensor(e, { shape: [2, 3] })).sum(), [x], 1e-5)[0]!;
      expect(differences(Array.from({ length: n }, (_, i) => h[i * n + j]!), col, { atol: 1e-6, rtol: 1e-5 })).toEqual([]);
    }
  });

  it('relu is piecewise linear: its Hessian is zero away from the kinks', () => {
    expect(arr(hessian((x: Tensor) => relu(x).sum(), tensor([-1, 2])))).toEqual([0, 0, 0, 0]);
  });

  it('refuses large inputs and bad arguments, naming hessian', () => {
    expect(() => hessian((x: Tensor) => x.sum(), random([40, 40], 1))).toThrow(
      'hessian: x [40,40] has 1600 elements, more than maxSize 1024 (the Hessian would have 2560000 entries): use hvp for Hessian-vector products');
    expect(() => hessian((x: Tensor) => x.sum(), random([3], 1), { maxSize: 2 })).toThrow('more than maxSize 2');
    expect(arr(hessian((x: Tensor) => x.pow(2).sum(), random([2], 1), { maxSize: 2 }))).toEqual([2, 0, 0, 2]);
    expect(() => hessian((x: Tensor) => x.sum(), [1, 2] as unknown as Tensor)).toThrow('hessian: x must be a Tensor, got an array');
    expect(() => hessian((x: Tensor) => x.mul(2), tensor([1, 2]))).toThrow('hessian: f must return a scalar Tensor, got shape [2]');
  });
});
