/** Copies that re-lay data: transposes (permuted strides) and broadcasts (stride-0 axes). */
import type { FloatArray } from '../dtype.js';

/**
 * out (contiguous, shape `outShape`) ← src read through `srcStrides` (one stride per output axis).
 * The innermost axis is a plain loop; the outer axes advance an index counter.
 */
export function stridedCopy(src: FloatArray, srcStrides: readonly number[], outShape: readonly number[], out: FloatArray): void {
  const n = out.length;
  const nd = outShape.length;
  if (n === 0) return;
  if (nd === 0) {
    out[0] = src[0]!;
    return;
  }
  const inner = outShape[nd - 1]!;
  const step = srcStrides[nd - 1]!;
  const index = new Array<number>(nd).fill(0);
  let offset = 0;
  for (let o = 0; o < n; o += inner) {
    for (let j = 0; j < inner; j++) out[o + j] = src[offset + j * step]!;
    for (let d = nd - 2; d >= 0; d--) {
      index[d]!++;
      offset += srcStrides[d]!;
      if (index[d]! < outShape[d]!) break;
      offset -= srcStrides[d]! * outShape[d]!;
      index[d] = 0;
    }
  }
}

/** Fast 2-d transpose, blocked so both reads and writes stay in cache. */
export function transpose2d(src: FloatArray, rows: number, cols: number, out: FloatArray): void {
  const B = 32;
  for (let i0 = 0; i0 < rows; i0 += B) {
    const i1 = Math.min(i0 + B, rows);
    for (let j0 = 0; j0 < cols; j0 += B) {
      const j1 = Math.min(j0 + B, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) out[j * rows + i] = src[i * cols + j]!;
      }
    }
  }
}
