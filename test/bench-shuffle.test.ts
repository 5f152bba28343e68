/** bench W1's in-place epoch shuffle: the rows and labels end up exactly as a gather in the shuffle's order would put them. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { permuteRows } from '../bench/tapegrad.js';

describe('permuteRows (the W1 shuffle, in place)', () => {
  it('row r becomes old row perm[r], labels with it, for any permutation (cycles of every length, fixed points)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 60 }), fc.integer({ min: 1, max: 5 }), fc.integer({ min: 0, max: 1e6 }), (count, width, seed) => {
      // A seeded Fisher-Yates permutation of 0..count-1.
      const perm = Int32Array.from({ length: count }, (_, i) => i);
      let s = seed;
      for (let i = count - 1; i > 0; i--) {
        s = (s * 1103515245 + 12345) % 2147483648;
        const j = s % (i + 1);
        [perm[i], perm[j]] = [perm[j]!, perm[i]!];
      }
      const images = Float32Array.from({ length: count * width }, (_, i) => i + 0.5);
      const labels = Uint8Array.from({ length: count }, (_, i) => i % 251);
      const wantImages = new Float32Array(count * width);
      perm.forEach((from, r) => wantImages.set(images.subarray(from * width, (from + 1) * width), r * width));
      const wantLabels = Uint8Array.from(perm, (from) => labels[from]!);
      permuteRows(images, labels, perm, width);
      expect(Array.from(images)).toEqual(Array.from(wantImages));
      expect(Array.from(labels)).toEqual(Array.from(wantLabels));
    }), { numRuns: 200 });
  });
});
