// Every diagnosis is triggered by a planted slip and asserted, on plain float64 arrays.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  diagnose, diagnoseBroadcast, diagnoseFactor, diagnoseLine, diagnoseTranspose, diagnoseZero, factorName,
} from '../src/check/diagnose.js';
import { EXACT_TOLERANCE } from '../src/check/tolerance.js';
import { randn } from '../src/index.js';

const tol = EXACT_TOLERANCE;
function randomMatrix(rows: number, cols: number, seed = 1): Float64Array {
  return Float64Array.from(randn([rows, cols], { seed }).storage);
}
const ctx = (shape: number[], batchSize?: number) => ({ name: 'W1', shape, tol, batchSize });

describe('diagnose', () => {
  const ref = randomMatrix(4, 3);

  it('agreement gives no diagnosis', () => {
    expect(diagnose(ref.slice(), ref, ctx([4, 3]))).toBeNull();
  });

  it('names a missing 1/m with the batch size', () => {
    const d = diagnose(ref.map((v) => v * 50), ref, ctx([4, 3], 50));
    expect(d?.kind).toBe('factor');
    expect(d?.factor).toBeCloseTo(50, 9);
    expect(d?.message).toContain('×50 autodiff — a missing 1/m? (m = 50, the batch size)');
  });

  it('names an extra 1/m and a factor without a known batch size', () => {
    expect(diagnose(ref.map((v) => v / 32), ref, ctx([4, 3], 32))?.message).toContain('×1/32 autodiff — divided by m twice?');
    expect(diagnose(ref.map((v) => v * 7), ref, ctx([4, 3]))?.message).toContain('×7 autodiff — a missing 1/7');
    expect(diagnose(ref.map((v) => v * 2), ref, ctx([4, 3]))?.message).toContain('a missing ½');
    expect(diagnose(ref.map((v) => v * -3), ref, ctx([4, 3]))?.message).toContain('and a sign flip');
  });

  it('detects a sign flip', () => {
    const d = diagnose(ref.map((v) => -v), ref, ctx([4, 3]));
    expect(d?.kind).toBe('sign');
    expect(d?.message).toMatch(/sign flip/);
  });

  it('detects a transpose, square or reshaped', () => {
    const sq = randomMatrix(3, 3, 2);
    const t = new Float64Array(9);
    for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) t[j * 3 + i] = sq[i * 3 + j]!;
    expect(diagnose(t, sq, ctx([3, 3]))?.kind).toBe('transpose');
    const rect = new Float64Array(12);
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) rect[j * 4 + i] = ref[i * 3 + j]!;
    const d = diagnoseTranspose(rect, ref, ctx([4, 3]), [3, 4]);
    expect(d?.message).toContain('shape [3,4]');
    expect(diagnoseTranspose(ref.slice(), ref.map((v) => v + 1), ctx([4, 3]))).toBeNull();
  });

  it('confines an error to one row or one column and names it', () => {
    const row = ref.slice();
    row[2 * 3 + 0]! += 1; row[2 * 3 + 2]! += 0.5;
    const d = diagnose(row, ref, ctx([4, 3]));
    expect(d).toMatchObject({ kind: 'row', line: 2 });
    expect(d?.message).toContain('row 2 of W1');
    const col = ref.slice();
    col[0 * 3 + 1]! += 1; col[3 * 3 + 1]! -= 1;
    expect(diagnoseLine(col, ref, ctx([4, 3]))).toMatchObject({ kind: 'column', line: 1 });
    const one = ref.slice();
    one[7]! += 1;
    expect(diagnose(one, ref, ctx([4, 3]))?.message).toContain('only W1[2,1] is wrong');
  });

  it('a [1, n] parameter has one line: a single wrong element, not "row 0"', () => {
    const b = ref.slice(0, 4);
    const wrong = b.slice();
    wrong[2]! += 1;
    expect(diagnoseLine(wrong, b, ctx([1, 4]))?.message).toBe('only W1[0,2] is wrong; every other element agrees');
    wrong[3]! += 1;
    expect(diagnoseLine(wrong, b, ctx([1, 4]))).toBeNull();
  });

  it('detects an error broadcast over every row', () => {
    const b = ref.slice();
    for (let i = 0; i < 4; i++) for (let j = 0; j < 3; j++) b[i * 3 + j]! += [0.1, -0.2, 0.3][j]!;
    expect(diagnoseBroadcast(b, ref, ctx([4, 3]))?.message).toContain('same in every row');
    expect(diagnose(b, ref, ctx([4, 3]))?.kind).toBe('broadcast');
  });

  it('detects a forgotten parameter and a gradient of nothing', () => {
    expect(diagnose(new Float64Array(12), ref, ctx([4, 3]))?.kind).toBe('zero-manual');
    const d = diagnoseZero(ref, new Float64Array(12), { ...ctx([4, 3]), name: 'b3' });
    expect(d?.kind).toBe('zero-reference');
    expect(d?.message).toContain('gradient of nothing');
  });

  it('falls back to a count and the worst element', () => {
    const g = ref.slice();
    g[0]! += 1; g[4]! += 3; g[11]! -= 0.5;
    expect(diagnose(g, ref, ctx([4, 3]))?.message).toMatch(/^3 of 12 elements differ, largest difference at W1\[1,1\]/);
  });

  it('property: any constant factor c ≠ 1 is recovered', () => {
    fc.assert(fc.property(fc.double({ min: -100, max: 100, noNaN: true }).filter((c) => Math.abs(c - 1) > 1e-3 && Math.abs(c) > 1e-3), (c) => {
      const d = diagnoseFactor(ref.map((v) => v * c), ref, ctx([4, 3]));
      expect(d).not.toBeNull();
      expect(d!.factor!).toBeCloseTo(c, 9);
    }));
  });

  it('names factors', () => {
    expect(factorName(50)).toBe('×50');
    expect(factorName(1 / 50)).toBe('×1/50');
    expect(factorName(0.37)).toBe('×0.37');
  });
});
