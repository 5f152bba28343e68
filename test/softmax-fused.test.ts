/** softmaxCrossEntropy's one-loop logits gradient (unrecorded backward) against the ops it replaces, bit for bit. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { greaterMask, mul, randn, softmax, softmaxCrossEntropy, sub, sum, tensor } from '../src/index.js';
import type { DType } from '../src/dtype.js';

describe('softmaxCrossEntropy backward: the fused loop = crossEntropyVjp\'s ops', () => {
  it('for any class axis, mean or sum, one-hot, label or soft targets, float32 and float64', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 6 }), { minLength: 1, maxLength: 3 }), fc.nat(), fc.constantFrom<DType>('float32', 'float64'),
      fc.constantFrom('mean', 'sum' as const), fc.boolean(), fc.double({ min: 0.1, max: 30, noNaN: true }), fc.integer({ min: 0, max: 1e5 }),
      (shape, axisPick, dtype, reduction, soft, spread, seed) => {
        const axis = axisPick % shape.length;
        const z = randn(shape, { seed, dtype, requiresGrad: true });
        const zs = tensor(z.storage.map((v) => v * spread), { shape, dtype, requiresGrad: true });
        // A soft target (rows need not sum to 1) or a one-hot one, in the logits' dtype.
        const t = soft ? randn(shape, { seed: seed + 1, dtype }).abs()
          : greaterMask(softmax(randn(shape, { seed: seed + 1, dtype }).mul(1e3), axis), 0.5);
        const loss = softmaxCrossEntropy(zs, t, { axis, reduction });
        loss.backward();
        // The op path: mul(sub(mul(p, Σt), t), mul(g, scale)), p = softmax(z) (the saved exp(logp), the same values).
        const rows = zs.size / shape[axis]!;
        const scale = reduction === 'mean' ? 1 / rows : 1;
        const p = softmax(zs.detach(), axis);
        const want = mul(sub(mul(p, sum(t, axis, true)), t), mul(tensor(1, { dtype }), scale));
        expect(Array.from(zs.grad!.storage)).toEqual(Array.from(want.storage));
        expect(z.dtype).toBe(dtype);
      },
    ), { numRuns: 200 });
  });

  it('the labels form (W1\'s): the gradient is (softmax − one-hot) / rows, exactly as the op path gives it', () => {
    const z = tensor([[1, 2, 3], [0, 0, 0]], { dtype: 'float32', requiresGrad: true });
    softmaxCrossEntropy(z, [2, 0]).backward();
    const oneHot = tensor([[0, 0, 1], [1, 0, 0]], { dtype: 'float32' });
    const want = mul(sub(mul(softmax(z.detach()), sum(oneHot, 1, true)), oneHot), mul(tensor(1, { dtype: 'float32' }), 0.5));
    expect(Array.from(z.grad!.storage)).toEqual(Array.from(want.storage));
  });
});
