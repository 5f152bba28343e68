/** The row kernels (a dense layer's bias add, column sums, activation′ + column sums): native equal to the reference bit for bit, the reference equal to the ops it fuses. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nativeAddon } from '../src/kernels/native.js';
import { referenceRows, rowKernels, setRowKernels, type RowActivation } from '../src/kernels/rows.js';
import { add, linear, matmul, randn, relu, sigmoid, sigmoidBackward, reluBackward, sum, tanh, tanhBackward, tensor } from '../src/index.js';
import type { DType, FloatArray } from '../src/dtype.js';
import type { Tensor } from '../src/index.js';

const addon = nativeAddon();
const dtype = fc.constantFrom<DType>('float32', 'float64');
const activation = fc.constantFrom<RowActivation>('identity', 'tanh', 'sigmoid', 'relu');
/** rows × n on both sides of the vector widths and of the TypeScript/native cut-over (64 values). */
const dims = fc.tuple(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 1, max: 40 }));
const make = (dt: DType, values: readonly number[]): FloatArray => (dt === 'float32' ? Float32Array.from(values) : Float64Array.from(values));
/** Values with zeros, ±0, ties at y = 0 (relu) and large magnitudes, so rounding differences would show. */
const values = (n: number) => fc.array(fc.oneof(fc.double({ min: -1e3, max: 1e3, noNaN: true }), fc.constantFrom(0, -0, 1, -1, 0.5)),
  { minLength: n, maxLength: n });

function expectSameBits(a: FloatArray, b: FloatArray): void {
  expect(a.length).toBe(b.length);
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) expect([i, a[i]]).toEqual([i, b[i]]);
}

describe.skipIf(addon === null)('native row kernels equal the reference bit for bit', () => {
  it('addRows and sumRows (float32 and float64)', () => {
    fc.assert(fc.property(dtype, dims.chain(([m, n]) => fc.tuple(fc.constant(n), values(m * n), values(n))), (dt, [n, x, bias]) => {
      const a = make(dt, x), b = make(dt, x);
      referenceRows.addRows(a, make(dt, bias));
      addon!.addRows(b, make(dt, bias));
      expectSameBits(b, a);
      const sa = make(dt, new Array<number>(n).fill(7)), sb = make(dt, new Array<number>(n).fill(7)); // stale values must not leak in
      referenceRows.sumRows(a, sa);
      addon!.sumRows(a, sb);
      expectSameBits(sb, sa);
    }));
  });

  it('activationGradRows for every activation, with and without the column sums', () => {
    fc.assert(fc.property(dtype, activation, fc.boolean(), dims.chain(([m, n]) => fc.tuple(fc.constant(n), values(m * n), values(m * n))),
      (dt, act, sums, [n, g, y]) => {
        const gzA = make(dt, g.map(() => 3)), gzB = make(dt, g.map(() => 3));
        const gbA = sums ? make(dt, new Array<number>(n).fill(7)) : null, gbB = sums ? make(dt, new Array<number>(n).fill(7)) : null;
        referenceRows.activationGradRows(act, make(dt, g), make(dt, y), gzA, gbA);
        addon!.activationGradRows(act === 'identity' ? 0 : act === 'tanh' ? 1 : act === 'sigmoid' ? 2 : 3, make(dt, g), make(dt, y), gzB, gbB);
        expectSameBits(gzB, gzA);
        if (sums) expectSameBits(gbB!, gbA!);
      }));
  });

  it('refuses buffers that would overrun or mix dtypes, with the reason', () => {
    expect(() => addon!.addRows(new Float64Array(7), new Float64Array(2))).toThrow(/not a multiple/);
    expect(() => addon!.sumRows(new Float64Array(8), new Float32Array(2))).toThrow(/must both be Float32Array or both Float64Array/);
    expect(() => addon!.activationGradRows(1, new Float32Array(8), new Float32Array(4), new Float32Array(8), null)).toThrow(/differ in length/);
    expect(() => addon!.activationGradRows(9, new Float32Array(8), new Float32Array(8), new Float32Array(8), null)).toThrow(/kind 0-3/);
  });
});

describe('the reference row kernels equal the ops they fuse', () => {
  const BACKWARD = { tanh: tanhBackward, sigmoid: sigmoidBackward, relu: reluBackward };
  it('activationGradRows = the activation\'s backward op, then sum over the rows (float32 and float64)', () => {
    fc.assert(fc.property(dtype, activation, dims.chain(([m, n]) => fc.tuple(fc.constant(m), fc.constant(n), values(m * n), values(m * n))),
      (dt, act, [m, n, g, y]) => {
        const gt = tensor(make(dt, g), { shape: [m, n], dtype: dt });
        const yt = tensor(make(dt, y), { shape: [m, n], dtype: dt });
        const gz = make(dt, g.map(() => 3));
        const gb = make(dt, new Array<number>(n).fill(7));
        referenceRows.activationGradRows(act, gt.storage, yt.storage, gz, gb);
        const want = act === 'identity' ? gt : BACKWARD[act](gt, yt);
        if (act !== 'identity') expectSameBits(gz, want.storage);
        expectSameBits(gb, sum(want, 0).storage);
      }));
  });

  it('linear\'s fused backward gives the unfused gradients on the reference row kernels too', () => {
    const previous = setRowKernels(referenceRows);
    try {
      for (const act of ['identity', 'tanh', 'sigmoid', 'relu'] as const) {
        for (const dt of ['float32', 'float64'] as const) {
          const mk = (): Tensor[] => [randn([30, 7], { seed: 1, dtype: dt, requiresGrad: true }), randn([7, 9], { seed: 2, dtype: dt, requiresGrad: true }),
            randn([9], { seed: 3, dtype: dt, requiresGrad: true })];
          const [x1, w1, b1] = mk() as [Tensor, Tensor, Tensor];
          const [x2, w2, b2] = mk() as [Tensor, Tensor, Tensor];
          const weights = randn([30, 9], { seed: 4, dtype: dt });
          const ACT = { identity: (z: Tensor) => z, tanh, sigmoid, relu };
          sum(linear(x1, w1, b1, act).mul(weights)).backward();
          sum(ACT[act](add(matmul(x2, w2), b2)).mul(weights)).backward();
          for (const [a, b] of [[x1, x2], [w1, w2], [b1, b2]] as const) expectSameBits(a.grad!.storage, b.grad!.storage);
        }
      }
    } finally {
      setRowKernels(previous);
    }
    expect(rowKernels()).toBe(previous);
  });
});
