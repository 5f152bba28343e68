/**
 * A TypeScript GEMM for small products, where crossing into native code costs more than the
 * arithmetic: one loop nest per transpose case, so no branch sits inside an inner loop.
 */
import type { GemmKernel } from './gemm.js';

/**
 * Same contract as {@link GemmKernel}: C (M×N) = op(A)·op(B), row-major, C overwritten.
 * Sums in float64 and rounds on store, as the reference kernel does.
 *
 * @example
 * ```ts
 * const C = new Float64Array(1);
 * gemmJs(false, false, 1, 1, 2, Float64Array.of(1, 2), Float64Array.of(3, 4), C); // C[0] === 11
 * ```
 */
export const gemmJs: GemmKernel = (transA, transB, M, N, K, A, B, C) => {
  if (!transB) {
    // Rows of B are contiguous: C[i,:] += a(i,p) · B[p,:].
    C.fill(0, 0, M * N);
    for (let i = 0; i < M; i++) {
      const c0 = i * N;
      for (let p = 0; p < K; p++) {
        const a = transA ? A[p * M + i]! : A[i * K + p]!;
        const b0 = p * N;
        for (let j = 0; j < N; j++) C[c0 + j]! += a * B[b0 + j]!;
      }
    }
  } else if (!transA) {
    // A row i and B row j are both contiguous: C[i,j] is one dot product.
    for (let i = 0; i < M; i++) {
      const a0 = i * K;
      for (let j = 0; j < N; j++) {
        const b0 = j * K;
        let s = 0;
        for (let p = 0; p < K; p++) s += A[a0 + p]! * B[b0 + p]!;
        C[i * N + j] = s;
      }
    }
  } else {
    for (let i = 0; i < M; i++) {
      for (let j = 0; j < N; j++) {
        const b0 = j * K;
        let s = 0;
        for (let p = 0; p < K; p++) s += A[p * M + i]! * B[b0 + p]!;
        C[i * N + j] = s;
      }
    }
  }
};
