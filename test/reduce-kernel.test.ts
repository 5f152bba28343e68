/** reduceSum's fast path over leading axes (bias gradients) against the plain index-order sum. */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import { describe, expect, it } from 'vitest';
import { reduceSum } from '../src/kernels/reduce.js';

describe('reduceSum over leading axes (the bias-gradient fast path)', () => {
  it('equals the element-by-element float64 sum in index order, bit for bit, float32 and float64', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 2, maxLength: 4 }), fc.integer({ min: 1, max: 3 }), fc.boolean(), fc.integer({ min: 0, max: 1e6 }),
      (shape, lead, f32, seed) => {
        const k = Math.min(lead, shape.length - 1);
        const axes = Array.from({ length: k }, (_, i) => i);
        const n = shape.reduce((p, d) => p * d, 1);
        const rest = shape.slice(k).reduce((p, d) => p * d, 1);
        const rng = seedrandom(String(seed));
        const Arr = f32 ? Float32Array : Float64Array;
        const x = new Arr(n).map(() => rng() * 4 - 2);
        const acc = new Float64Array(rest);
        for (let i = 0; i < n; i++) acc[i % rest] = acc[i % rest]! + x[i]!;
        const out = new Arr(rest).fill(7); // stale values must not leak into the sum
        reduceSum(x, shape, axes, out);
        expect(Array.from(out)).toEqual(Array.from(new Arr(acc)));
      },
    ), { numRuns: 300 });
  });
});
