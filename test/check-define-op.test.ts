// defineOp: a user op with a hand-written backward works with every transform and is validated.
import { describe, expect, it } from 'vitest';
import { grad, ones, randn, tensor, valueAndGrad, type Tensor } from '../src/index.js';
import { checkOp, defineOp, gradcheck } from '../src/check/index.js';

/** x·sigmoid(x) with its backward written in tensor ops (so createGraph sees through it). */
const swish = defineOp({
  name: 'swish',
  forward: (x) => ({ output: x.mul(x.sigmoid()), saved: x.sigmoid() }),
  backward: (g, { inputs: [x], saved, createGraph }) => {
    // The saved sigmoid is a constant; under createGraph recompute it so it stays differentiable.
    const s = createGraph ? x!.sigmoid() : (saved as Tensor);
    return [g.mul(s.add(x!.mul(s).mul(ones([...s.shape]).sub(s))))];
  },
  formulas: ['g · (σ + x σ (1 − σ))'],
});
const swishRef = (x: Tensor) => x.mul(x.sigmoid());

describe('defineOp', () => {
  const x0 = tensor([-1.5, 0.2, 0.7, 2]);

  it('works with backward(), grad and valueAndGrad, equal to the composite', () => {
    const x = tensor(x0.data(), { requiresGrad: true });
    swish(x).sum().backward();
    const ref = grad((x: Tensor) => swishRef(x).sum())(x0)[0]!;
    const got = x.grad!.data();
    ref.data().forEach((v, i) => expect(got[i]).toBeCloseTo(v, 14));
    const vg = valueAndGrad((x: Tensor) => swish(x).mul(x).sum())(x0);
    const vr = valueAndGrad((x: Tensor) => swishRef(x).mul(x).sum())(x0);
    expect(vg.value.item()).toBeCloseTo(vr.value.item(), 14);
    vr.grads[0]!.data().forEach((v, i) => expect(vg.grads[0]!.data()[i]).toBeCloseTo(v, 14));
  });

  it('second derivatives through createGraph match the composite', () => {
    const d2 = (f: (x: Tensor) => Tensor) => grad((x: Tensor) => grad((y: Tensor) => f(y).sum())(x)[0]!.sum())(x0)[0]!.data();
    const got = d2(swish);
    d2(swishRef).forEach((v, i) => expect(got[i]).toBeCloseTo(v, 12));
  });

  it('appears on the tape with its formula', () => {
    const y = swish(tensor([1, 2], { requiresGrad: true }));
    const last = y.tape().last() as { op: string; formulas: readonly string[] };
    expect(last.op).toBe('swish');
    expect(last.formulas).toEqual(['g · (σ + x σ (1 − σ))']);
  });

  it('checkOp passes a right backward and names a wrong one', () => {
    expect(checkOp(swish, [x0]).ok).toBe(true);
    const wrong = defineOp({
      name: 'mulWrong', forward: (a, b) => a.mul(b),
      backward: (g, { inputs: [, b] }) => [g.mul(b!), g.mul(b!)], // d/db should be g·a
    });
    const r = checkOp(wrong, [tensor([1, 2]), tensor([3, -1])]);
    expect(r.inputs.map((i) => i.ok)).toEqual([true, false]);
    expect(r.inputs[1]!.name).toBe('mulWrong.input1');
    expect(String(r)).toContain('mulWrong.input1 disagrees');
  });

  it('accepts nested-array and lone gradients; null means no gradient', () => {
    const twice = defineOp({ name: 'twice', forward: (x) => x.mul(2), backward: (g) => g.mul(2).toArray() as number[] });
    expect(gradcheck((x: Tensor) => twice(x).sum(), [tensor([1, 2, 3])]).ok).toBe(true);
    const firstOnly = defineOp({ name: 'firstOnly', forward: (a, b) => a.add(b.mul(0)), backward: (g) => [g, null] });
    const [ga, gb] = grad((a: Tensor, b: Tensor) => firstOnly(a, b).sum())(tensor([1, 2]), tensor([3, 4]));
    expect(ga!.toArray()).toEqual([1, 1]);
    expect(gb!.toArray()).toEqual([0, 0]);
  });

  it('a wrong count or shape from backward names the op and the input', () => {
    const count = defineOp({ name: 'pairOp', forward: (a, b) => a.mul(b), backward: (g, { inputs: [, b] }) => [g.mul(b!)] });
    expect(() => grad((a: Tensor) => count(a, tensor([2])).sum())(tensor([1])))
      .toThrow("defineOp 'pairOp': backward returned 1 gradient(s) for 2 input(s)");
    const shape = defineOp({ name: 'shapeOp', forward: (a) => a.sum(), backward: (g) => [g] });
    expect(() => grad((a: Tensor) => shape(a))(randn([2, 3], { seed: 1 })))
      .toThrow("defineOp 'shapeOp': backward's gradient for input 0 has shape [] but input 0 has shape [2,3]");
    const bad = defineOp({ name: 'noTensor', forward: () => 3 as unknown as Tensor, backward: (g) => [g] });
    expect(() => bad(tensor([1]))).toThrow("defineOp 'noTensor': forward must return a Tensor");
    expect(() => defineOp({ name: '', forward: (x) => x, backward: (g) => [g] })).toThrow('defineOp: name must be a non-empty string');
  });
});
