/** Tests for seeded shuffles, batch gathering in both layouts, and the curve dataset. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  batchRanges, epochPermutation, gatherFeatures, gatherLabels, gatherOneHot, sliceDataset,
} from '../src/data/batches.js';
import { curveDataset } from '../src/data/curve.js';

describe('epochPermutation', () => {
  it('is a permutation, reproducible per (seed, epoch), different across epochs and seeds', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 200 }), fc.integer(), fc.nat(50), (n, seed, epoch) => {
      const p = epochPermutation(n, seed, epoch);
      expect([...p].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
      expect(epochPermutation(n, seed, epoch)).toEqual(p);
    }));
    const a = epochPermutation(1000, 1, 0);
    expect(epochPermutation(1000, 1, 1)).not.toEqual(a);
    expect(epochPermutation(1000, 2, 0)).not.toEqual(a);
  });

  it('rejects a bad count', () => {
    expect(() => epochPermutation(-1, 1, 0)).toThrow(/epochPermutation: count/);
  });
});

describe('batchRanges', () => {
  it('covers the order in consecutive batches with a short last one', () => {
    const b = [...batchRanges(Int32Array.from([4, 3, 2, 1, 0]), 2)].map((x) => [...x]);
    expect(b).toEqual([[4, 3], [2, 1], [0]]);
    expect(() => [...batchRanges(new Int32Array(3), 0)]).toThrow(/batch size/);
  });
});

describe('gather', () => {
  // 3 samples of 2 features: sample s has features (10s, 10s + 1).
  const x = Float32Array.from([0, 1, 10, 11, 20, 21]);
  const idx = Int32Array.of(2, 0);

  it('gathers row-major and column-major with scaling', () => {
    expect([...gatherFeatures(x, 2, idx)]).toEqual([20, 21, 0, 1]);
    expect([...gatherFeatures(x, 2, idx, { layout: 'col' })]).toEqual([20, 0, 21, 1]);
    const scaled = gatherFeatures(x, 2, idx, { scale: 0.5, dtype: 'float32' });
    expect(scaled).toBeInstanceOf(Float32Array);
    expect([...scaled]).toEqual([10, 10.5, 0, 0.5]);
    expect(() => gatherFeatures(x, 2, Int32Array.of(3))).toThrow(/sample index 3 out of range/);
  });

  it('gathers one-hot labels in both layouts and index labels', () => {
    const labels = Uint8Array.of(1, 0, 2);
    expect([...gatherOneHot(labels, idx, 3)]).toEqual([0, 0, 1, 0, 1, 0]);
    expect([...gatherOneHot(labels, idx, 3, { layout: 'col' })]).toEqual([0, 0, 0, 1, 1, 0]);
    expect([...gatherLabels(labels, idx)]).toEqual([2, 1]);
    expect(() => gatherOneHot(Uint8Array.of(5), Int32Array.of(0), 3)).toThrow(/label 5 of sample 0/);
  });

  it('slices a dataset without copying', () => {
    const ds = { x, labels: Uint8Array.of(1, 0, 2), count: 3, features: 2 };
    const s = sliceDataset(ds, 1, 10);
    expect(s.count).toBe(2);
    expect([...(s.x as Float32Array)]).toEqual([10, 11, 20, 21]);
    expect([...(s.labels as Uint8Array)]).toEqual([0, 2]);
  });
});

describe('curveDataset', () => {
  it('generates the seed heart curve (N = 100) inside the unit square', () => {
    const { x, y, n } = curveDataset();
    expect(n).toBe(100);
    expect(x[1]).toBeCloseTo(0.01, 12);
    // t = 0: sin = 0 → y0 = 0.5; cos terms 13 − 5 − 2 − 1 = 5 → (5/20 + 1)/2 = 0.625.
    expect(y[0]).toBeCloseTo(0.5, 12);
    expect(y[100]).toBeCloseTo(0.625, 12);
    for (const v of y) expect(v > 0 && v < 1).toBe(true);
  });

  it('generates the lissajous variant with x = i/(n−1)', () => {
    const { x, y } = curveDataset({ target: 'lissajous' });
    expect(x[99]).toBe(1);
    expect(y[25]).toBeCloseTo(0.5 + 0.35 * Math.sin((2 * Math.PI * 25) / 99), 12);
    expect(() => curveDataset({ n: 1 })).toThrow(/curveDataset: n/);
  });
});
