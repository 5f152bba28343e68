/** The broadcasting fast paths (a repeated trailing block, either side) agree with the general strided loop. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { add, broadcastTo, div, sub, tensor } from '../src/index.js';

describe('broadcast fast paths', () => {
  it('x ∘ y equals broadcastTo(x) ∘ broadcastTo(y) for repeated trailing blocks on either side', () => {
    fc.assert(fc.property(
      fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 4 }),
      fc.integer({ min: 0, max: 3 }), fc.boolean(), fc.boolean(),
      (shape, cut, leadingOne, swap) => {
        const k = Math.min(cut, shape.length - 1);
        const small = [...(leadingOne ? [1] : []), ...shape.slice(k)];
        const big = tensor(Float64Array.from({ length: shape.reduce((p, d) => p * d, 1) }, (_, i) => i * 0.5 - 3), { shape });
        const row = tensor(Float64Array.from({ length: small.reduce((p, d) => p * d, 1) }, (_, i) => i + 1.5), { shape: small });
        const full = broadcastTo(row, broadcastShape(small, shape));
        const bigFull = broadcastTo(big, broadcastShape(small, shape));
        for (const op of [add, sub, div]) {
          const fastResult = swap ? op(row, big) : op(big, row);
          const reference = swap ? op(full, bigFull) : op(bigFull, full);
          expect(fastResult.shape).toEqual(reference.shape);
          expect(Array.from(fastResult.storage)).toEqual(Array.from(reference.storage));
        }
      },
    ), { numRuns: 200 });
  });
});

function broadcastShape(a: number[], b: number[]): number[] {
  const n = Math.max(a.length, b.length);
  return Array.from({ length: n }, (_, i) => Math.max(a[a.length - n + i] ?? 1, b[b.length - n + i] ?? 1));
}
