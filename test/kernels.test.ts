/** GEMM kernels: the TypeScript and native kernels against the reference, in both dtypes and all transposes. */
import { afterEach, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm, gemmReference, setGemmKernel, type GemmKernel } from '../src/kernels/gemm.js';
import { gemmJs } from '../src/kernels/gemm-js.js';
import { configureKernels, kernelInfo, nativeAddon } from '../src/kernels/native.js';
import type { DType, FloatArray } from '../src/dtype.js';

// Error allowed relative to K·max|a|·max|b| (the size of the largest possible sum): float64 kernels
// differ from the reference only by summation order and FMA; float32 kernels also round each step.
const TOL: Record<DType, number> = { float64: 1e-12, float32: 1e-5 };

interface Case { dtype: DType; transA: boolean; transB: boolean; M: number; N: number; K: number; seed: number }

/** Deterministic values in [-1, 1) with some exact zeros (mulberry32). */
function fill(array: FloatArray, seed: number): FloatArray {
  let s = seed >>> 0;
  for (let i = 0; i < array.length; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    const u = ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    array[i] = u < 0.05 ? 0 : 2 * u - 1;
  }
  return array;
}

/**
 * Runs `kernel` and the reference on the same random operands (C pre-filled with garbage, since
 * C must be overwritten) and returns the worst error relative to K·max|a|·max|b|.
 */
function relativeError(kernel: GemmKernel, c: Case): number {
  const T = c.dtype === 'float32' ? Float32Array : Float64Array;
  const A = fill(new T(c.M * c.K), c.seed);
  const B = fill(new T(c.K * c.N), c.seed + 1);
  const C = fill(new T(c.M * c.N), c.seed + 2);
  const R = new T(c.M * c.N);
  kernel(c.transA, c.transB, c.M, c.N, c.K, A, B, C);
  gemmReference(c.transA, c.transB, c.M, c.N, c.K, A, B, R);
  let maxA = 0;
  let maxB = 0;
  for (const v of A) maxA = Math.max(maxA, Math.abs(v));
  for (const v of B) maxB = Math.max(maxB, Math.abs(v));
  const scale = c.K * maxA * maxB || 1;
  let worst = 0;
  for (let i = 0; i < R.length; i++) {
    const e = Math.abs(C[i]! - R[i]!) / scale;
    worst = Number.isNaN(e) ? Infinity : Math.max(worst, e);
  }
  return worst;
}

function expectClose(kernel: GemmKernel, c: Case): void {
  expect(relativeError(kernel, c), JSON.stringify(c)).toBeLessThanOrEqual(TOL[c.dtype]);
}

const caseArb = (maxSize: number) => fc.record({
  dtype: fc.constantFrom<DType>('float64', 'float32'),
  transA: fc.boolean(),
  transB: fc.boolean(),
  M: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: maxSize })),
  N: fc.oneof(fc.constant(1), fc.integer({ min: 0, max: maxSize })),
  K: fc.oneof(fc.constant(0), fc.constant(1), fc.integer({ min: 0, max: maxSize })),
  seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
});

// Shapes (M, N, K) that cross the native block sizes (KC 256; MC 144/72; NC 4096/2048), register
// tiles and the tiny-product path (op(B) at most two vectors wide and K·N ≤ 4096).
const BLOCK_CASES: [number, number, number][] = [
  [150, 70, 300], [73, 130, 257], [3, 4100, 5], [7, 2050, 9], [13, 17, 512], [1, 1, 1000], [3, 5, 200],
  [9, 31, 100], [100, 7, 6],
  // B read in place or packed (gemm_impl.inc `direct`): M ≤ MR always in place; M ≤ 64 only while a
  // KC-row block of B fits in 256 KB (40×300×260 packs B in both dtypes, 40×100×300 in neither,
  // 64×1000×70 packs), and the edges of the vector-copy packing of full 16/32-wide panels.
  [40, 300, 260], [40, 100, 300], [6, 700, 40], [64, 1000, 70], [65, 600, 30], [30, 16, 20], [30, 17, 20],
  [30, 47, 20], [30, 48, 20], [30, 63, 300], [145, 65, 257], [71, 33, 255],
  // One row, one column, K = 1, and W1's own products (forward, dW1 = xᵀ·g, layer 2).
  [1, 300, 50], [300, 1, 50], [50, 300, 1], [1, 1, 1], [50, 128, 784], [784, 128, 50], [50, 10, 128],
  // float32 Aᵀ read in place while K ≤ 64 (packed from 65 on), with ragged row tiles.
  [151, 40, 64], [151, 40, 65],
];

describe('comparison helper', () => {
  it('accepts the reference itself and rejects a kernel with one element off', () => {
    const c: Case = { dtype: 'float64', transA: false, transB: true, M: 5, N: 6, K: 7, seed: 3 };
    expect(relativeError(gemmReference, c)).toBe(0);
    const offByOne: GemmKernel = (...args) => {
      gemmReference(...args);
      args[7][4] = args[7][4]! + 1e-9;
    };
    expect(relativeError(offByOne, c)).toBeGreaterThan(TOL.float64);
    const ignoresTransB: GemmKernel = (tA, _tB, ...rest) => gemmReference(tA, false, ...rest);
    expect(relativeError(ignoresTransB, c)).toBeGreaterThan(TOL.float64);
  });
});

describe('gemmJs (TypeScript small-product kernel)', () => {
  it('matches the reference for random shapes, dtypes and transposes', () => {
    fc.assert(fc.property(caseArb(24), (c) => expectClose(gemmJs, c)), { numRuns: 300 });
  });
  it('writes zeros when K = 0', () => {
    const C = Float64Array.of(5, 5, 5, 5);
    gemmJs(false, false, 2, 2, 0, new Float64Array(0), new Float64Array(0), C);
    expect([...C]).toEqual([0, 0, 0, 0]);
  });
});

const info = kernelInfo();
const native = info.backend !== 'reference';
const skipNote = native ? '' : ` [skipped: native addon not loaded: ${info.reason ?? 'unknown'}]`;

describe(`native GEMM kernels${skipNote}`, () => {
  const initial = kernelInfo();
  afterEach(() => {
    if (native) configureKernels({ variant: initial.backend.replace('native-', ''), threads: initial.threads,
      threadFlops: initial.threadFlops, smallWork: initial.smallWork, maxSlabs: 4, contentionGuard: true, team: true, teamFlops: 32e6 });
  });

  for (const variant of native ? info.variants : ['avx512', 'avx2', 'scalar']) {
    it.skipIf(!native)(`${variant}: matches the reference for random shapes, dtypes and transposes${skipNote}`, () => {
      configureKernels({ variant, threads: 1, smallWork: 0 });
      fc.assert(fc.property(caseArb(40), (c) => expectClose(gemm, c)), { numRuns: 250 });
    });

    it.skipIf(!native)(`${variant}: matches across block boundaries${skipNote}`, () => {
      configureKernels({ variant, threads: 1, smallWork: 0 });
      for (const [M, N, K] of BLOCK_CASES) {
        for (const dtype of ['float64', 'float32'] as const) {
          for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
            expectClose(gemm, { dtype, transA, transB, M, N, K, seed: M * 31 + N });
          }
        }
      }
    });
  }

  it.skipIf(!native)(`K = 0 overwrites C with zeros${skipNote}`, () => {
    configureKernels({ smallWork: 0 });
    for (const C of [new Float64Array(12).fill(7), new Float32Array(12).fill(7)]) {
      const empty = C instanceof Float32Array ? new Float32Array(0) : new Float64Array(0);
      gemm(false, false, 3, 4, 0, empty, empty, C);
      expect([...C]).toEqual(new Array(12).fill(0));
    }
  });

  it.skipIf(!native)(`the two-thread split (row and column slabs) matches the reference${skipNote}`, () => {
    // The guard would send calls to one thread while another process holds the second core.
    configureKernels({ threads: 2, threadFlops: 0, smallWork: 0, contentionGuard: false, maxSlabs: 16, team: false });
    // Column slabs, row slabs that re-pack B, and row slabs that read a narrow B in place (24 ≤ M ≤ 128,
    // not transB: 50×128×784 is W1's forward product, cut in 12-row slabs).
    for (const [M, N, K] of [[300, 130, 90], [50, 300, 70], [20, 129, 33], [257, 200, 260], [64, 1000, 300],
      [50, 128, 784], [24, 130, 90], [128, 200, 50], [100, 33, 300], [784, 128, 50], [23, 500, 40], [129, 64, 64]]) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const [transA, transB] of [[false, false], [true, true], [true, false], [false, true]] as const) {
          expectClose(gemm, { dtype, transA, transB, M: M!, N: N!, K: K!, seed: M! + N! });
        }
      }
    }
  });

  it.skipIf(!native)(`a team over one shared packed B gives the single-thread kernel's exact results${skipNote}`, () => {
    // Team mode (native/gemm.h): tasks of row blocks over a shared packed B, double-buffered across
    // depth blocks, each row block's depth blocks added in order, so every element is summed as by
    // one thread: bit-identical in both dtypes, whichever thread ran which task.
    const run = (c: Case, threads: number): FloatArray => {
      configureKernels({ threads, threadFlops: 0, teamFlops: 0, team: true, smallWork: 0, contentionGuard: false });
      const T = c.dtype === 'float32' ? Float32Array : Float64Array;
      const C = fill(new T(c.M * c.N), c.seed + 2);
      gemm(c.transA, c.transB, c.M, c.N, c.K, fill(new T(c.M * c.K), c.seed), fill(new T(c.K * c.N), c.seed + 1), C);
      return C;
    };
    const teamCase = fc.record({
      dtype: fc.constantFrom<DType>('float64', 'float32'), transA: fc.boolean(), transB: fc.boolean(),
      M: fc.integer({ min: 90, max: 400 }), N: fc.integer({ min: 1, max: 300 }),
      K: fc.oneof(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 250, max: 800 })), seed: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
    });
    // Fixed cases: several depth blocks (both B buffers reused), more than one NC column block in
    // float64 (NC 2048), ragged row tasks, K = 1, W1's weight gradient (784×128, K = 50, Aᵀ) and the
    // fewest rows a team takes (96: four tasks of 24).
    const fixed: Case[] = [[600, 300, 1030], [150, 2100, 300], [97, 33, 513], [400, 1, 700], [300, 77, 1], [784, 128, 50], [96, 128, 784]]
      .flatMap(([M, N, K]) => (['float64', 'float32'] as const).flatMap((dtype) =>
        [[false, false], [true, false], [false, true], [true, true]].map(([transA, transB]) =>
          ({ dtype, transA: transA!, transB: transB!, M: M!, N: N!, K: K!, seed: M! + K! }))));
    // The single-thread kernel is itself checked against the reference above; here one case per
    // dtype is also checked against the reference directly (the reference is slow at these sizes).
    const check = (c: Case): void => {
      const two = run(c, 2);
      const one = run(c, 1);
      let differ = 0;
      for (let i = 0; i < one.length; i++) if (!Object.is(one[i], two[i])) differ++;
      expect(differ, JSON.stringify(c)).toBe(0);
    };
    for (const c of fixed) check(c);
    fc.assert(fc.property(teamCase, check), { numRuns: 40 });
    for (const dtype of ['float64', 'float32'] as const) {
      configureKernels({ threads: 2, threadFlops: 0, teamFlops: 0, team: true, smallWork: 0, contentionGuard: false });
      expectClose(gemm, { dtype, transA: true, transB: false, M: 200, N: 70, K: 600, seed: 5 });
    }
    // A team that is refused (too few rows) falls back to slabs: still the same numbers.
    check({ dtype: 'float64', transA: false, transB: false, M: 40, N: 300, K: 300, seed: 4 });
  }, 120_000);

  it.skipIf(!native)(`default settings: a large threaded product and a tiny TypeScript one${skipNote}`, () => {
    for (const dtype of ['float64', 'float32'] as const) {
      expectClose(gemm, { dtype, transA: false, transB: false, M: 256, N: 256, K: 256, seed: 9 });
      expectClose(gemm, { dtype, transA: true, transB: true, M: 3, N: 2, K: 4, seed: 10 });
    }
  });

  it.skipIf(!native)(`reads subarray views at their offsets and handles mixed dtypes${skipNote}`, () => {
    configureKernels({ smallWork: 0 });
    const M = 9, N = 11, K = 13;
    const bigA = fill(new Float32Array(M * K + 5), 1), bigB = fill(new Float32Array(K * N + 3), 2);
    const A = bigA.subarray(5), B = bigB.subarray(3);
    const C = new Float32Array(M * N), R = new Float32Array(M * N);
    gemm(false, false, M, N, K, A, B, C);
    gemmReference(false, false, M, N, K, A, B, R);
    for (let i = 0; i < R.length; i++) expect(C[i]).toBeCloseTo(R[i]!, 5);
    const C64 = new Float64Array(M * N), R64 = new Float64Array(M * N);
    const B64 = Float64Array.from(B);
    gemm(false, false, M, N, K, A, B64, C64);
    gemmReference(false, false, M, N, K, A, B64, R64);
    expect([...C64]).toEqual([...R64]);
  });

  it.skipIf(!native)(`rejects buffers shorter than the matrices, naming gemm and the sizes${skipNote}`, () => {
    expect(() => gemm(false, false, 4, 4, 4, new Float64Array(15), new Float64Array(16), new Float64Array(16)))
      .toThrow(/gemm: .*M=4 N=4 K=4/);
  });

  it.skipIf(!native)(`the addon itself refuses mixed dtypes and short buffers (memory safety)${skipNote}`, () => {
    const addon = nativeAddon()!;
    const f32 = new Float32Array(4);
    expect(() => addon.gemm(false, false, 2, 2, 2, f32, new Float64Array(4), f32)).toThrow(/must all be Float32Array/);
    expect(() => addon.gemm(false, false, 2, 2, 3, f32, f32, f32)).toThrow(/shorter/);
    expect(() => addon.gemm(false, false, -1, 2, 2, f32, f32, f32)).toThrow(/sizes/);
  });

  it.skipIf(!native)(`configureKernels can put the reference back${skipNote}`, () => {
    expect(configureKernels({ variant: 'reference' }).backend).toBe('reference');
    expect(() => configureKernels({ variant: 'no-such-isa' })).toThrow(/configure/);
  });
});

describe('fallback', () => {
  it('gemm always has a kernel, and kernelInfo says which', () => {
    const before = setGemmKernel(gemmReference);
    setGemmKernel(before);
    expect(['native-avx512', 'native-avx2', 'native-scalar', 'reference']).toContain(kernelInfo().backend);
    expectClose(gemm, { dtype: 'float64', transA: false, transB: false, M: 4, N: 5, K: 6, seed: 1 });
  });
});
