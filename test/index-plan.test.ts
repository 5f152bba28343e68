/**
 * The factored index (src/ops/index-plan.ts) against the flat offset table it stands for: the
 * merged plan's offsets are the plain outer sum of the unmerged factors, and the planned gather,
 * scatter-add and fill do exactly what the table-driven loops do, for random indices (slices with
 * any step, whole numbers, new axes, integer arrays) on random shapes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { flatOffsets, gatherPlanned, makePlan, scatterAddPlanned, fillPlanned } from '../src/ops/index-plan.js';
import { resolveIndex } from '../src/ops/index-resolve.js';
import { getItem, setItem, tensor } from '../src/index.js';

/** The outer sum written out the obvious way: every combination of one offset per factor. */
function outerSum(lists: readonly Int32Array[], base: number): number[] {
  let acc = [base];
  for (const f of lists) acc = acc.flatMap((o) => Array.from(f, (x) => o + x));
  return acc;
}

const offsetList = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 0, maxLength: 5 }).map((a) => Int32Array.from(a));
// Runs and strided lists are what slices produce: make them likely, so that merging is exercised.
const runList = fc.tuple(fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 6 }), fc.integer({ min: 1, max: 4 }))
  .map(([start, n, step]) => Int32Array.from({ length: n }, (_, j) => start + j * step));
const lists = fc.array(fc.oneof(offsetList, runList), { minLength: 0, maxLength: 4 });

/** One index item for an axis of length n. */
function item(n: number): fc.Arbitrary<unknown> {
  const pos = fc.integer({ min: -n, max: Math.max(n - 1, -n) });
  const bound = fc.option(fc.integer({ min: -n - 2, max: n + 2 }), { nil: null });
  const step = fc.option(fc.integer({ min: -3, max: 3 }).filter((s) => s !== 0), { nil: null });
  const options: fc.Arbitrary<unknown>[] = [
    fc.tuple(bound, bound, step).map(([start, stop, st]) => ({ start, stop, step: st })),
    fc.constant(':'),
  ];
  if (n > 0) options.push(pos, fc.array(pos, { minLength: 0, maxLength: 4 }));
  return fc.oneof(...options);
}

// Items for the axes in order, with a new axis (`None`) spliced in somewhere half of the time.
const indexed = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 4 }).chain((shape) =>
  fc.tuple(fc.constant(shape), fc.tuple(...shape.map((n) => item(n))), fc.option(fc.integer({ min: 0, max: shape.length }), { nil: null }))
    .map(([s, its, at]) => [s, at === null ? its : [...its.slice(0, at), null, ...its.slice(at)]] as const));

describe('factored index plans', () => {
  it('merging and folding keep the outer sum of the factors', () => {
    fc.assert(fc.property(lists, fc.integer({ min: 0, max: 9 }), (ls, base) => {
      const plan = makePlan(ls, base, false);
      expect(Array.from(flatOffsets(plan))).toEqual(outerSum(ls, base));
      expect(plan.size).toBe(ls.reduce((p, f) => p * f.length, 1));
    }), { numRuns: 500 });
  });

  it('gather, scatter-add and fill through the plan equal the loops over the flat table', () => {
    fc.assert(fc.property(lists, fc.integer({ min: 0, max: 9 }), (ls, base) => {
      const plan = makePlan(ls, base, false);
      const flat = flatOffsets(plan);
      const srcSize = 1 + Math.max(0, ...Array.from(flat));
      const src = Float64Array.from({ length: srcSize }, (_, i) => i * 1.5 - 7);
      const got = new Float64Array(plan.size);
      gatherPlanned(src, plan, got);
      expect(Array.from(got)).toEqual(Array.from(flat, (o) => src[o]!));
      const vals = Float64Array.from({ length: plan.size }, (_, i) => (i % 7) + 0.25);
      const scattered = new Float64Array(srcSize);
      scatterAddPlanned(vals, plan, scattered);
      const want = new Float64Array(srcSize);
      flat.forEach((o, i) => { want[o]! += vals[i]!; });
      expect(Array.from(scattered)).toEqual(Array.from(want));
      const filled = new Float64Array(srcSize);
      fillPlanned(filled, plan, 3);
      const wantFill = new Float64Array(srcSize);
      flat.forEach((o) => { wantFill[o] = 3; });
      expect(Array.from(filled)).toEqual(Array.from(wantFill));
    }), { numRuns: 500 });
  });

  it('long contiguous rows (copied with TypedArray.set) gather the same values as the element loop', () => {
    // 3 rows of 300 from a 4×400 array: runs of 300 ≥ the copy threshold (256), in float32 and float64.
    const values = Array.from({ length: 1600 }, (_, i) => i / 3);
    for (const src of [Float32Array.from(values), Float64Array.from(values)]) {
      const rows = Int32Array.from({ length: 3 }, (_, i) => (i + 1) * 400);
      const cols = Int32Array.from({ length: 300 }, (_, j) => j + 50);
      const plan = makePlan([rows, cols], 0, true);
      expect(plan.innerRun).toBe(true);
      const out = src instanceof Float32Array ? new Float32Array(plan.size) : new Float64Array(plan.size);
      gatherPlanned(src, plan, out);
      expect(Array.from(out)).toEqual(Array.from(flatOffsets(plan), (o) => src[o]!));
    }
  });

  it('resolved numpy indices: the plan and the flat table agree, and basic indices are marked unique', () => {
    fc.assert(fc.property(indexed, ([shape, items]) => {
      const arrays = (items as unknown[]).filter((it) => Array.isArray(it)) as unknown[][];
      // Several index arrays must broadcast together; keep the cases where their lengths allow it.
      fc.pre(new Set(arrays.map((a) => a.length).filter((n) => n !== 1)).size <= 1);
      const r = resolveIndex('getItem', shape, items as unknown[]);
      const flat = r.offsets;
      expect(flat.length).toBe(r.plan.size);
      expect(r.shape.reduce((p, d) => p * d, 1)).toBe(r.plan.size);
      const hasArray = (items as unknown[]).some((it) => Array.isArray(it));
      expect(r.plan.unique).toBe(!hasArray);
      if (r.plan.unique) expect(new Set(flat).size).toBe(flat.length);
    }), { numRuns: 500 });
  });

  it('getItem of a column block and of a permutation of columns (the seeds\' minibatch and shuffle)', () => {
    const a = tensor(Float64Array.from({ length: 6 * 8 }, (_, i) => i), { shape: [6, 8] });
    expect(getItem(a, [':', '2:5']).toArray()).toEqual([0, 1, 2, 3, 4, 5].map((r) => [2, 3, 4].map((c) => r * 8 + c)));
    const perm = [7, 0, 3, 3, 1];
    expect(getItem(a, [':', perm]).toArray()).toEqual([0, 1, 2, 3, 4, 5].map((r) => perm.map((c) => r * 8 + c)));
    // Writing a block through a basic index leaves everything else as it was.
    const w = setItem(a, ['1:3', '::3'], -1).toArray() as number[][];
    w.forEach((row, r) => row.forEach((v, c) => expect(v).toBe(r >= 1 && r < 3 && c % 3 === 0 ? -1 : r * 8 + c)));
  });
});
