/** The optimizers' update kernels: native loops bit-identical to the TypeScript reference, and the optimizers on either. */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configureKernels, kernelInfo, nativeAddon } from '../src/kernels/native.js';
import { referenceUpdates, setUpdateKernels, updateKernels } from '../src/kernels/update.js';
import { Adam, SGD, tensor } from '../src/index.js';
import type { DType, FloatArray } from '../src/dtype.js';

const addon = nativeAddon();
const make = (dtype: DType, values: readonly number[]): FloatArray => (dtype === 'float32' ? Float32Array.from(values) : Float64Array.from(values));
const values = (n: number) => fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: n, maxLength: n });
/** Lengths on both sides of the vector widths and of the TypeScript/native cut-over (64). */
const length = fc.oneof(fc.integer({ min: 0, max: 9 }), fc.integer({ min: 60, max: 300 }));
const dtype = fc.constantFrom<DType>('float32', 'float64');

/** Same bits: Object.is per element, so a −0 against a +0 or a NaN difference would fail too. */
function expectSameBits(a: FloatArray, b: FloatArray): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

describe.skipIf(addon === null)('native optimizer updates equal the reference bit for bit', () => {
  it('sgd (float32 and float64)', () => {
    fc.assert(fc.property(dtype, length.chain((n) => fc.tuple(values(n), values(n))), fc.double({ min: 1e-6, max: 10, noNaN: true }), (dt, [w, g], lr) => {
      const a = make(dt, w), b = make(dt, w);
      referenceUpdates.sgd(a, make(dt, g), lr);
      addon!.sgd(b, make(dt, g), lr);
      expectSameBits(b, a);
    }));
  });

  it('momentum (float64 velocity)', () => {
    fc.assert(fc.property(dtype, length.chain((n) => fc.tuple(values(n), values(n), values(n))), fc.double({ min: 1e-6, max: 10, noNaN: true }),
      fc.double({ min: 0, max: 1, noNaN: true }), (dt, [w, g, v], lr, mom) => {
        const a = make(dt, w), b = make(dt, w), va = Float64Array.from(v), vb = Float64Array.from(v);
        referenceUpdates.momentum(a, make(dt, g), va, lr, mom);
        addon!.momentum(b, make(dt, g), vb, lr, mom);
        expectSameBits(b, a);
        expectSameBits(vb, va);
      }));
  });

  it('adam (float64 moments)', () => {
    const nonneg = (n: number) => fc.array(fc.double({ min: 0, max: 1e3, noNaN: true }), { minLength: n, maxLength: n });
    fc.assert(fc.property(dtype, length.chain((n) => fc.tuple(values(n), values(n), values(n), nonneg(n))), fc.integer({ min: 1, max: 1000 }),
      (dt, [w, g, m, v], t) => {
        const a = make(dt, w), b = make(dt, w);
        const ma = Float64Array.from(m), mb = Float64Array.from(m), va = Float64Array.from(v), vb = Float64Array.from(v);
        const hyper = [1e-3, 0.9, 0.999, 1e-8, 1 - 0.9 ** t, 1 - 0.999 ** t] as const;
        referenceUpdates.adam(a, make(dt, g), ma, va, ...hyper);
        addon!.adam(b, make(dt, g), mb, vb, ...hyper);
        expectSameBits(b, a);
        expectSameBits(mb, ma);
        expectSameBits(vb, va);
      }));
  });

  it('refuses buffers that would overrun or mix dtypes, with the reason', () => {
    expect(() => addon!.sgd(new Float64Array(8), new Float64Array(4), 0.1)).toThrow(/shorter than the parameter/);
    expect(() => addon!.sgd(new Float64Array(8), new Float32Array(8), 0.1)).toThrow(/must both be Float32Array or both Float64Array/);
    expect(() => addon!.momentum(new Float32Array(8), new Float32Array(8), new Float32Array(8) as unknown as Float64Array, 0.1, 0.9)).toThrow(/Float64Array/);
    expect(() => (addon!.sgd as (...a: unknown[]) => void)(new Float64Array(1), new Float64Array(1))).toThrow(/wrong number of arguments/);
  });
});

describe('the optimizers run on the installed update kernels', () => {
  afterEach(() => { configureKernels({ variant: kernelInfo().variants[0] ?? 'reference' }); });

  it('native is what index.ts installs when the addon loaded', () => {
    if (addon === null) expect(updateKernels()).toBe(referenceUpdates);
    else expect(updateKernels()).not.toBe(referenceUpdates);
  });

  it('SGD+momentum and Adam give the same parameters on the native and the reference kernels (a 300-value float32 layer, 5 steps)', () => {
    const train = (): number[][] => {
      const w = tensor(Float32Array.from({ length: 300 }, (_, i) => Math.sin(i)), { requiresGrad: true });
      const u = tensor(Float64Array.from({ length: 300 }, (_, i) => Math.cos(i)), { requiresGrad: true });
      const sgd = new SGD([w], { lr: 0.1, momentum: 0.9 });
      const adam = new Adam([u], { lr: 0.01 });
      for (let s = 0; s < 5; s++) {
        w.mul(w).sum().backward();
        u.mul(u).mul(u).sum().backward();
        sgd.step(); adam.step(); sgd.zeroGrad(); adam.zeroGrad();
      }
      return [[...w.storage], [...u.storage]];
    };
    const installed = train();
    const previous = setUpdateKernels(referenceUpdates);
    try {
      expect(installed).toEqual(train());
    } finally {
      setUpdateKernels(previous);
    }
  });
});
