/**
 * Matrix-product kernels on raw row-major buffers: the one entry point `gemm` that every
 * matmul in tapegrad goes through, and the pure-TypeScript reference it is checked against.
 */
import type { FloatArray } from '../dtype.js';

/**
 * C = op(A) · op(B), where op(A) is M×K and op(B) is K×N, all buffers row-major and contiguous.
 * With `transA`, A is stored K×M (so op(A) = Aᵀ); with `transB`, B is stored N×K.
 * C (M×N) is overwritten. A, B and C share one dtype.
 */
export type GemmKernel = (
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: FloatArray, B: FloatArray, C: FloatArray,
) => void;

/**
 * The reference kernel: plain loops ordered so the innermost one walks memory contiguously.
 * Every faster kernel is property-tested against this one.
 */
export const gemmReference: GemmKernel = (transA, transB, M, N, K, A, B, C) => {
  C.fill(0);
  for (let i = 0; i < M; i++) {
    const cRow = i * N;
    for (let p = 0; p < K; p++) {
      const aip = transA ? A[p * M + i]! : A[i * K + p]!;
      if (transB) {
        for (let j = 0; j < N; j++) C[cRow + j] = C[cRow + j]! + aip * B[j * K + p]!;
      } else {
        const bRow = p * N;
        for (let j = 0; j < N; j++) C[cRow + j] = C[cRow + j]! + aip * B[bRow + j]!;
      }
    }
  }
};

let active: GemmKernel = gemmReference;

/** The kernel tapegrad uses now (the reference until a faster one is installed). */
export function gemm(
  transA: boolean, transB: boolean, M: number, N: number, K: number,
  A: FloatArray, B: FloatArray, C: FloatArray,
): void {
  active(transA, transB, M, N, K, A, B, C);
}

/** Installs a faster kernel (for example the native one); returns the previous kernel. */
export function setGemmKernel(kernel: GemmKernel): GemmKernel {
  const previous = active;
  active = kernel;
  return previous;
}
