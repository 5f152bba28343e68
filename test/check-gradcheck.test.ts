// gradcheck: agreement, planted wrong backwards located, float32 without false alarms, the MLP check.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { cast, randn, tensor, type Tensor } from '../src/index.js';
import { checkOp, defineOp, gradcheck } from '../src/check/index.js';

/** matmul whose backward corrupts one element of the weight gradient (a planted bug). */
function corruptedMatmul(flat: number, delta: number) {
  return defineOp({
    name: 'badMatmul',
    forward: (x, w) => x.matmul(w),
    backward: (g, { inputs: [x, w] }) => {
      const gw = x!.T.matmul(g).data();
      gw[flat] = gw[flat]! + delta;
      return [g.matmul(w!.T), tensor(gw, { shape: [...w!.shape] })];
    },
  });
}

function mlp(batch: number) {
  const X = randn([batch, 784], { seed: 'X' });
  const labels = Array.from({ length: batch }, (_, i) => (i * 7) % 10);
  const params = {
    W1: randn([784, 128], { seed: 'W1', std: 0.05 }),
    b1: randn([128], { seed: 'b1', std: 0.1 }),
    W2: randn([128, 10], { seed: 'W2', std: 0.1 }),
    b2: randn([10], { seed: 'b2', std: 0.1 }),
  };
  return { X, labels, params };
}

describe('gradcheck', () => {
  it('passes a correct composite, names inputs, states eps and tolerance', () => {
    const a = tensor([[0.5, -1.2], [2, 0.3]], { name: 'a' });
    const b = tensor([0.7, -0.4]);
    const r = gradcheck((a: Tensor, b: Tensor) => a.tanh().mul(b).sum(), [a, b]);
    expect(r.ok).toBe(true);
    expect(r.inputs.map((i) => i.name)).toEqual(['a', 'inputs[1]']);
    expect(r.inputs[0]).toMatchObject({ shape: [2, 2], mode: 'full', checked: 4, mismatches: 0 });
    expect(r.eps).toBeCloseTo(6.055e-6, 8);
    expect(r.inputs[0]!.maxRelError).toBeLessThan(1e-7);
    const text = String(r);
    expect(text).toContain('gradcheck passed');
    expect(text).toContain('atol 1.00e-7, rtol 1.00e-5');
    expect(text).toMatch(/a\s+\[2,2\]\s+full/);
  });

  it('accepts named inputs and reports them by name', () => {
    const r = gradcheck((p: Record<string, Tensor>) => p.w!.mul(p.w!).sum(), { w: tensor([1, 2, 3]) });
    expect(r.inputs[0]!.name).toBe('w');
    expect(r.ok).toBe(true);
  });

  it('catches a defineOp with a wrong rule and locates the element', () => {
    const badMatmul = corruptedMatmul(2 * 3 + 1, 0.05); // W[2,1]
    const x = randn([4, 5], { seed: 1 });
    const w = randn([5, 3], { seed: 2, name: 'W' });
    const r = gradcheck((w: Tensor) => badMatmul(x, w).tanh().sum(), [w]);
    expect(r.ok).toBe(false);
    expect(r.inputs[0]).toMatchObject({ mismatches: 1, worst: { index: [2, 1] } });
    expect(r.inputs[0]!.worst.analytical - r.inputs[0]!.worst.numerical).toBeCloseTo(0.05, 6);
    expect(String(r)).toContain('W[2,1] analytical');
  });

  it('checkOp checks a custom op in one call and finds a wrong Jacobian entry', () => {
    const good = defineOp({ name: 'cube', forward: (x) => x.mul(x).mul(x), backward: (g, { inputs: [x] }) => [g.mul(x!.mul(x!).mul(3))] });
    expect(checkOp(good, [tensor([0.5, -1.5, 2])]).ok).toBe(true);
    const bad = defineOp({
      name: 'softsign', forward: (x) => x.div(x.abs().add(1)),
      backward: (g, { inputs: [x] }) => [g.div(x!.abs().add(1))], // should be 1/(1+|x|)²
    });
    const r = checkOp(bad, [tensor([0.5, -2, 0.1])]);
    expect(r.ok).toBe(false);
    expect(r.output.mode).toBe('jacobian');
    expect(r.inputs[0]!.worst.output).toEqual(r.inputs[0]!.worst.index); // a diagonal Jacobian entry
    expect(String(r)).toContain('∂out[1]/∂softsign.input0[1]');
  });

  it('checks vᵀJ of a large output with a seeded random v', () => {
    const x = randn([10, 10], { seed: 3 });
    const r = gradcheck((x: Tensor) => x.sigmoid().mul(x), [x]);
    expect(r.output.mode).toBe('projection');
    expect(r.ok).toBe(true);
    const r2 = gradcheck((x: Tensor) => x.sigmoid().mul(x), [x]);
    expect(r2.inputs[0]!.worst).toEqual(r.inputs[0]!.worst); // seeded: reproducible
  });

  it('float32 function: no false alarm, because differences run in float64', () => {
    const x = randn([6, 5], { seed: 4, dtype: 'float32' });
    const w = randn([5, 3], { seed: 5, dtype: 'float32' });
    const f = (x: Tensor, w: Tensor) => x.matmul(w).tanh().mul(x.matmul(w)).sum();
    const r = gradcheck(f, [x, w]);
    expect(r.numericDType).toBe('float64');
    expect(r.inputs[0]!.tolerance).toEqual({ atol: 1e-5, rtol: 1e-3 });
    expect(r.ok).toBe(true);
    expect(String(r)).toContain('float32 inputs: finite differences ran on float64 copies');
    // The same check with float32 differences would raise false alarms at this tolerance:
    // the step 6e-6 is below float32's resolution of f.
  });

  it('a function that forces float32 inside gets float32-sized steps, and says so', () => {
    const x = tensor([0.3, -0.7, 1.1]);
    const r = gradcheck((x: Tensor) => cast(x, 'float32').tanh().mul(2).sum(), [x]);
    expect(r.numericDType).toBe('float32');
    expect(r.eps).toBeCloseTo(Math.cbrt(2 ** -23), 12);
    expect(r.ok).toBe(true);
    expect(String(r)).toContain('float32 central differences');
    expect(String(r)).toContain('f computes in float32 even on float64 inputs');
  });

  it('reports a relu kink as non-differentiable, not as a mismatch', () => {
    const x = tensor([0, 0.5, -0.25, 1]);
    const r = gradcheck((x: Tensor) => x.relu().mul(2).sum(), [x]);
    expect(r.ok).toBe(true);
    expect(r.inputs[0]!.kinks).toBe(1);
    expect(String(r)).toContain('non-differentiable point');
  });

  it('a dead relu unit makes random directions inconclusive, not failed', () => {
    const x = randn([6, 20], { seed: 'dx' });
    const w = randn([20, 8], { seed: 'dw' }).data();
    for (let i = 0; i < 20; i++) w[i * 8 + 3] = 0;
    const r = gradcheck((w: Tensor) => x.matmul(w).relu().sum(), [tensor(w, { shape: [20, 8], name: 'W' })]);
    expect(r.ok).toBe(true);
    expect(r.inputs[0]!.directional.map((d) => d.status)).toContain('nonsmooth');
    expect(String(r)).toContain('random direction(s) inconclusive');
  });

  // Wall time depends on the machine's load (measured: 4.7–5.5 s with the machine at load 24, 242 evaluations); the evaluation
  // count is the deterministic measure of cost, and the time bound only catches a blow-up.
  it('the 784-128-10 MLP (batch 32): full check in < 300 evaluations, one corrupted dW1 element located', () => {
    const { X, labels, params } = mlp(32);
    const target = 300 * 128 + 77; // W1[300,77]
    const badMatmul = corruptedMatmul(target, 5e-3);
    const f = (p: Record<string, Tensor>) =>
      badMatmul(X, p.W1!).add(p.b1!).tanh().matmul(p.W2!).add(p.b2!).softmaxCrossEntropy(labels);
    const start = performance.now();
    const r = gradcheck(f, params);
    const seconds = (performance.now() - start) / 1000;
    expect(r.evaluations).toBeLessThan(300);
    expect(seconds).toBeLessThan(30);
    const w1 = r.inputs.find((i) => i.name === 'W1')!;
    expect(w1.mode).toBe('sampled');
    expect(w1.directional.some((d) => !d.ok)).toBe(true);
    expect(w1.located).toEqual([[300, 77]]);
    expect(w1.worst.index).toEqual([300, 77]);
    expect(w1.mismatches).toBe(1);
    expect(r.inputs.filter((i) => i.name !== 'W1').every((i) => i.ok)).toBe(true);
    expect(r.ok).toBe(false);
    expect(String(r)).toContain('the search located W1[300,77]');
  }, 30_000);

  it('property: gradcheck agrees with autodiff of random polynomials', () => {
    fc.assert(fc.property(
      fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 3 }),
      (xs, p) => {
        const r = gradcheck((x: Tensor) => x.pow(p).mul(x.sigmoid()).sum(), [tensor(xs)]);
        expect(r.ok).toBe(true);
      },
    ), { numRuns: 30 });
  });

  it('rejects bad arguments with a message naming the input', () => {
    expect(() => gradcheck((x: Tensor) => x.sum(), [[1, 2] as unknown as Tensor])).toThrow(/gradcheck: input inputs\[0\] must be a Tensor/);
    expect(() => gradcheck((x: Tensor) => x.sum(), [tensor([1])], { wrt: ['y'] })).toThrow(/wrt names no input: "y"/);
  });
});

describe('gradcheck with checkForwardAD', () => {
  /** x ↦ x·w (element-wise) with a correct backward and a jvp rule that is wrong at one element. */
  function wrongForward(flat: number) {
    const op = defineOp({ name: 'scaled', forward: (x, w) => x.mul(w), backward: (g, { inputs: [x, w] }) => [g.mul(w!), g.mul(x!)] });
    (op.def as { jvp?: unknown }).jvp = (ctx: { inputs: readonly Tensor[] }, [tx, tw]: (Tensor | null)[]) => {
      const [x, w] = ctx.inputs as [Tensor, Tensor];
      const t = tx!.mul(w).add(x.mul(tw!));
      const data = t.data();
      data[flat] = 2 * data[flat]!; // still linear in the tangent: wrong only along element `flat`
      return tensor(data, { shape: [...t.shape] });
    };
    return op;
  }

  it('passes a correct composite in every output mode, reverse and forward both reported', () => {
    const a = tensor([[0.5, -1.2], [2, 0.3]], { name: 'a' });
    const b = tensor([0.7, -0.4], { name: 'b' });
    for (const f of [(a: Tensor, b: Tensor) => a.tanh().mul(b).sum(), (a: Tensor, b: Tensor) => a.tanh().mul(b), (a: Tensor, b: Tensor) => a.exp().matmul(b.reshape([2, 1])).sigmoid()]) {
      const r = gradcheck(f, [a, b], { checkForwardAD: true });
      expect(r.ok, String(r)).toBe(true);
      expect(r.forward!.map((i) => [i.name, i.mode, i.ok])).toEqual([['a', 'full', true], ['b', 'full', true]]);
      expect(String(r)).toContain('reverse and forward mode');
    }
    expect(gradcheck((x: Tensor) => x.sum(), [a]).forward).toBeUndefined();
  });

  it('a wrong jvp rule fails the forward check only, naming the element', () => {
    const op = wrongForward(2);
    const x = tensor([0.5, -1, 2, 0.25], { name: 'x' });
    const w = tensor([1.5, 2, -0.5, 3], { name: 'w' });
    const r = gradcheck((x: Tensor, w: Tensor) => op(x, w), [x, w], { checkForwardAD: true });
    expect(r.inputs.every((i) => i.ok)).toBe(true);
    expect(r.ok).toBe(false);
    const fx = r.forward![0]!;
    expect(fx.ok).toBe(false);
    expect(fx.mismatched.map((m) => [m.output, m.index])).toEqual([[[2], [2]]]);
    expect(String(r)).toMatch(/gradcheck FAILED: x \(forward mode\), w \(forward mode\) disagree/);
    expect(String(r)).toContain('x (forward mode): ∂out[2]/∂x[2]');
  });

  it('large inputs: random tangents catch a wrong rule; a correct one passes', () => {
    const n = 300;
    const x = randn([n], { seed: 'fx', name: 'x' });
    const w = randn([n], { seed: 'fw', name: 'w' });
    const bad = gradcheck((x: Tensor, w: Tensor) => wrongForward(123)(x, w).sum(), [x, w], { checkForwardAD: true });
    expect(bad.inputs.every((i) => i.ok)).toBe(true);
    expect(bad.forward!.map((i) => [i.mode, i.ok])).toEqual([['sampled', false], ['sampled', false]]);
    expect(String(bad)).toContain('x (forward mode): random-direction check failed: vᵀJ·u');
    const good = gradcheck((x: Tensor, w: Tensor) => x.mul(w).tanh().sum(), [x, w], { checkForwardAD: true });
    expect(good.ok, String(good)).toBe(true);
    expect(good.forward!.map((i) => i.directional.length)).toEqual([2, 2]);
  });

  it('checkOp: an op without a jvp rule is checked through the transpose fallback, so a wrong backward fails both ways', () => {
    const inputs = [randn([2, 3], { seed: 1 }), randn([3, 2], { seed: 2 })];
    const bad = defineOp({ name: 'mm', forward: (x, w) => x.matmul(w), backward: (g, { inputs: [x, w] }) => [g.matmul(w!.T), x!.T.matmul(g).mul(1.1)] });
    const r = checkOp(bad, inputs, { checkForwardAD: true });
    expect(r.inputs.map((i) => i.ok)).toEqual([true, false]);
    expect(r.forward!.map((i) => i.ok)).toEqual([true, false]);
    // A backward that returns constants cannot be linearised: said, not silently zero.
    expect(() => checkOp(corruptedMatmul(1, 0.25), inputs, { checkForwardAD: true }))
      .toThrow("jvp: op 'badMatmul' has no jvp rule, and its backward's gradient for input 1 is a constant");
    const good = defineOp({ name: 'mm', forward: (x, w) => x.matmul(w), backward: (g, { inputs: [x, w] }) => [g.matmul(w!.T), x!.T.matmul(g)] });
    expect(checkOp(good, [randn([2, 3], { seed: 1 }), randn([3, 2], { seed: 2 })], { checkForwardAD: true }).ok).toBe(true);
  });

  it('float32 inputs: the JVP stays float32 and passes with float32 tolerances', () => {
    const x = randn([3, 3], { seed: 5, dtype: 'float32' });
    const r = gradcheck((x: Tensor) => x.tanh().pow(2).sum(), [x], { checkForwardAD: true });
    expect(r.ok, String(r)).toBe(true);
    expect(r.forward![0]!.tolerance.rtol).toBe(1e-3);
  });
});
