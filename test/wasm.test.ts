/**
 * The WebAssembly SIMD kernels (wasm/*.ts via src/kernels/wasm.ts): GEMM against the reference within
 * its rounding bound in both dtypes and every transpose, float32 exp/tanh/sigmoid within one ulp of
 * `Math.*`, the kernels installed by configureKernels({ variant: 'wasm' }), and the fallback chain in
 * child processes (TAPEGRAD_NATIVE=0 → wasm; no WebAssembly at all → TypeScript, saying why).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { gemm, gemmReference, type GemmKernel } from '../src/kernels/gemm.js';
import { configureKernels, kernelInfo } from '../src/kernels/native.js';
import { loadWasmKernels, wasmThreadsWanted } from '../src/kernels/wasm.js';
import { partBounds, partition } from '../src/kernels/wasm-threads.js';
import { WASM_SOURCE_HASH } from '../src/kernels/wasm-module.js';
import { float32Unary } from '../src/kernels/elementwise.js';
import { matmul, randn, sigmoid, tanh, tensor } from '../src/index.js';
import type { DType, FloatArray } from '../src/dtype.js';

const ROOT = resolve(__dirname, '..');
// smallWork 0: every product goes through wasm, even 1×1×1; one thread (the threaded kernels are
// compared with these below).
const wasm = loadWasmKernels(0, { threads: 1 });

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

interface Case { dtype: DType; transA: boolean; transB: boolean; M: number; N: number; K: number; seed: number }

/**
 * The worst |C − R| / bound over the elements, where R is the reference and the bound is the classic
 * one for two dot products each rounded step by step: (2K + 2)·u·Σ_p |a_ip|·|b_pj| with u the unit
 * roundoff (2⁻⁵³ float64, 2⁻²⁴ float32). Below 1 means "equal up to rounding".
 */
function boundRatio(kernel: GemmKernel, c: Case, offset = 0): number {
  const T = c.dtype === 'float32' ? Float32Array : Float64Array;
  // Operands as views at an offset into longer buffers, C prefilled with NaN (it must be overwritten).
  const A = fill(new T(c.M * c.K + offset + 3), c.seed).subarray(offset);
  const B = fill(new T(c.K * c.N + offset + 5), c.seed + 1).subarray(offset);
  const C = new T(c.M * c.N).fill(NaN);
  const R = new T(c.M * c.N);
  kernel(c.transA, c.transB, c.M, c.N, c.K, A, B, C);
  gemmReference(c.transA, c.transB, c.M, c.N, c.K, A, B, R);
  const absA = Float64Array.from(A, Math.abs);
  const absB = Float64Array.from(B, Math.abs);
  const S = new Float64Array(c.M * c.N);
  gemmReference(c.transA, c.transB, c.M, c.N, c.K, absA, absB, S);
  const u = c.dtype === 'float32' ? 2 ** -24 : 2 ** -53;
  let worst = 0;
  for (let i = 0; i < R.length; i++) {
    const err = Math.abs(C[i]! - R[i]!);
    if (Number.isNaN(err)) return Infinity;
    // Tiny absolute floor for sums that cancel to subnormals.
    worst = Math.max(worst, err / ((2 * c.K + 2) * u * S[i]! + 1e-300));
  }
  return worst;
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

// Across the tile (MR 4; NR 8 f32 / 4 f64), block (KC 256, MC 64, NC 512 f32 / 256 f64) and
// B-in-place (M ≤ 64, B not transposed) boundaries, and the curve network's products.
const BLOCKS: [number, number, number][] = [
  [64, 9, 300], [65, 9, 300], [3, 520, 5], [130, 257, 70], [7, 260, 513], [1, 1, 1000], [100, 7, 6], [6, 7, 100],
  [1, 32, 784], [33, 17, 1],
];

describe('wasm GEMM', () => {
  it('the bound check accepts the reference and rejects a kernel one rounding step off, or one ignoring transB', () => {
    const c: Case = { dtype: 'float64', transA: true, transB: true, M: 5, N: 6, K: 7, seed: 3 };
    expect(boundRatio(gemmReference, c)).toBe(0);
    const offByOne: GemmKernel = (...args) => {
      gemmReference(...args);
      args[7][4] = args[7][4]! * (1 + 2 ** -40);
    };
    expect(boundRatio(offByOne, c)).toBeGreaterThan(1);
    const ignoresTransB: GemmKernel = (tA, _tB, ...rest) => gemmReference(tA, false, ...rest);
    expect(boundRatio(ignoresTransB, c)).toBeGreaterThan(1);
  });

  it('equals the reference within rounding for random shapes (1×1, odd sizes, K = 0), dtypes and transposes', () => {
    fc.assert(fc.property(caseArb(40), fc.integer({ min: 0, max: 7 }), (c, offset) => {
      expect(boundRatio(wasm.gemm, c, offset), JSON.stringify(c)).toBeLessThanOrEqual(1);
    }), { numRuns: 400 });
  });

  it('equals the reference within rounding across tile and block boundaries, every transpose', () => {
    for (const [M, N, K] of BLOCKS) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          const c = { dtype, transA, transB, M, N, K, seed: M * 31 + N };
          expect(boundRatio(wasm.gemm, c), JSON.stringify(c)).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('grows its memory for a large product and stays correct for small ones afterwards', () => {
    const before = wasm.memoryBytes();
    expect(boundRatio(wasm.gemm, { dtype: 'float64', transA: false, transB: false, M: 300, N: 300, K: 300, seed: 1 })).toBeLessThanOrEqual(1);
    expect(wasm.memoryBytes()).toBeGreaterThanOrEqual(Math.max(before, 3 * 300 * 300 * 8));
    expect(boundRatio(wasm.gemm, { dtype: 'float32', transA: true, transB: false, M: 2, N: 3, K: 4, seed: 2 })).toBeLessThanOrEqual(1);
  });

  it('K = 0 overwrites C with zeros; mixed dtypes and tiny products take the TypeScript loops', () => {
    for (const C of [new Float64Array(12).fill(7), new Float32Array(12).fill(7)]) {
      const empty = C instanceof Float32Array ? new Float32Array(0) : new Float64Array(0);
      wasm.gemm(false, false, 3, 4, 0, empty, empty, C);
      expect([...C]).toEqual(new Array(12).fill(0));
    }
    const A = fill(new Float32Array(12), 1), B = fill(new Float64Array(20), 2);
    const C = new Float64Array(15), R = new Float64Array(15);
    loadWasmKernels().gemm(false, false, 3, 5, 4, A, B, C);
    gemmReference(false, false, 3, 5, 4, A, B, R);
    expect([...C]).toEqual([...R]);
  });
});

describe('wasm GEMM on worker threads', () => {
  // Every product split between the caller and one worker, however small.
  const threaded = loadWasmKernels(0, { threads: 2, parallelWork: 0 });

  it('starts a worker on shared memory (Node always has SharedArrayBuffer and worker_threads)', async () => {
    expect(threaded.threads()).toBe(2);
    const t0 = Date.now();
    while (threaded.workerStats().ready < 1 && Date.now() - t0 < 30_000) await new Promise((r) => setTimeout(r, 20));
    expect(threaded.workerStats().ready).toBe(1);
    expect(threaded.threadDetail()).toMatch(/^2 threads: the caller and 1 worker \(1 up\) on shared memory/);
  }, 40_000);

  it('gives bit for bit the single-threaded result (both dtypes, every transpose, ragged and 1-sized shapes), the worker computing parts', () => {
    const before = threaded.workerStats().parts;
    fc.assert(fc.property(caseArb(90), fc.integer({ min: 0, max: 3 }), (c, offset) => {
      const T = c.dtype === 'float32' ? Float32Array : Float64Array;
      const A = fill(new T(c.M * c.K + offset + 3), c.seed).subarray(offset);
      const B = fill(new T(c.K * c.N + offset + 5), c.seed + 1).subarray(offset);
      const one = new T(c.M * c.N).fill(NaN);
      const two = new T(c.M * c.N).fill(NaN);
      wasm.gemm(c.transA, c.transB, c.M, c.N, c.K, A, B, one);
      threaded.gemm(c.transA, c.transB, c.M, c.N, c.K, A, B, two);
      expect(Array.from(two), JSON.stringify(c)).toEqual(Array.from(one));
    }), { numRuns: 300 });
    // Across the block sizes too, where each thread packs its own panels.
    for (const [M, N, K] of [...BLOCKS, [200, 300, 270], [9, 700, 33]] as [number, number, number][]) {
      for (const dtype of ['float64', 'float32'] as const) {
        for (const [transA, transB] of [[false, false], [false, true], [true, false], [true, true]] as const) {
          const c = { dtype, transA, transB, M, N, K, seed: M + 7 * N };
          expect(boundRatio(threaded.gemm, c), JSON.stringify(c)).toBeLessThanOrEqual(1);
        }
      }
    }
    // A worker that never woke would leave every part to the caller and still pass the checks above.
    expect(threaded.workerStats().parts).toBeGreaterThan(before);
  });

  it('cuts a product into parts that tile it exactly, on the kernels\' tile boundaries', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }), fc.integer({ min: 1, max: 3000 }),
      fc.integer({ min: 1, max: 8 }), (M, N, K, threads) => {
        const { parts, byRows } = partition(M, N, K, threads);
        const extent = byRows ? M : N, tile = byRows ? 4 : 8;
        expect(parts).toBeGreaterThanOrEqual(1);
        expect(parts).toBeLessThanOrEqual(Math.max(1, Math.min(64, Math.ceil(extent / tile))));
        let at = 0;
        for (let p = 0; p < parts; p++) {
          const [lo, hi] = partBounds(p, parts, extent, tile);
          expect(lo).toBe(at);
          expect(hi).toBeGreaterThanOrEqual(lo);
          if (p + 1 < parts) expect(hi % tile).toBe(0);
          at = hi;
        }
        expect(at).toBe(extent);
      }), { numRuns: 500 });
    // 50×784×128 (W1's layer, 5 M multiply-adds): five parts of rows, about 1 M each.
    expect(partition(50, 128, 784, 2)).toEqual({ parts: 5, byRows: true });
    expect([0, 1, 2, 3, 4].map((p) => partBounds(p, 5, 50, 4))).toEqual([[0, 12], [12, 20], [20, 32], [32, 40], [40, 50]]);
    // Few rows, many columns (7.4 M): columns. 1024³: at most 16 parts.
    expect(partition(6, 4096, 300, 2)).toEqual({ parts: 7, byRows: false });
    expect(partition(1024, 1024, 1024, 2)).toEqual({ parts: 16, byRows: true });
  });

  it('runs single-threaded when asked to, and says so', () => {
    const one = loadWasmKernels(0, { threads: 1 });
    expect(one.threads()).toBe(1);
    expect(one.threadDetail()).toBe('1 thread requested');
    expect(one.workerStats()).toEqual({ ready: 0, parts: 0, solo: 0 });
  });
});

/** Distance in float32 ulps (ordered bit patterns), 0 for equal values and for two NaNs. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ord = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(ord(bits[0]!) - ord(bits[1]!));
}

const REFERENCE: readonly [string, (x: number) => number][] = [
  ['exp', Math.exp],
  ['tanh', Math.tanh],
  ['sigmoid', (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))],
];

/** Every float32 class: normal, subnormal, huge, ±0, ±∞, NaN, and the tanh series/exp switch at 1/16. */
const float32s = fc.oneof(
  fc.float({ noDefaultInfinity: false }),
  fc.float({ min: -20, max: 20, noNaN: true }),
  fc.float({ min: Math.fround(-0.07), max: Math.fround(0.07), noNaN: true }),
  fc.constantFrom(0, -0, 0.0625, -0.0625, 88.72, 88.73, -87.3, -103.9, -104, 1e-30, -1e-30, Infinity, -Infinity, NaN),
);

describe('wasm float32 exp, tanh and sigmoid', () => {
  it.each(REFERENCE.map(([name, f], kind) => [name, f, kind] as const))('%s is within 1 float32 ulp of Math.* rounded to float32 (any length)', (_name, f, kind) => {
    fc.assert(fc.property(fc.array(float32s, { minLength: 1, maxLength: 70 }), (values) => {
      const x = Float32Array.from(values);
      const out = new Float32Array(x.length);
      wasm.activation(kind, x, out);
      for (let i = 0; i < x.length; i++) {
        const want = Math.fround(f(x[i]!));
        if (ulps(out[i]!, want) > 1) expect([x[i], out[i]]).toEqual([x[i], want]);
      }
    }), { numRuns: 300 });
  });

  it('differs from the rounded Math.* value on almost no input (10 or fewer of 10⁵ values in [-12, 12])', () => {
    const n = 100_000;
    const x = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / n);
    const out = new Float32Array(n);
    REFERENCE.forEach(([, f], kind) => {
      wasm.activation(kind, x, out);
      let diff = 0;
      for (let i = 0; i < n; i++) if (out[i] !== Math.fround(f(x[i]!))) diff++;
      expect(diff).toBeLessThanOrEqual(10);
    });
  });
});

describe('configureKernels({ variant: \'wasm\' })', () => {
  const initial = kernelInfo();
  afterAll(() => {
    if (initial.backend.startsWith('native-')) configureKernels({ variant: initial.backend.replace('native-', '') });
    else if (initial.backend === 'reference') configureKernels({ variant: 'reference' });
  });

  it('installs the wasm kernels: kernelInfo says so, and matmul and the float32 activations run on them', () => {
    const info = configureKernels({ variant: 'wasm' });
    expect(info.backend).toBe('wasm-simd');
    expect(info.chain.find((s) => s.used)?.kernels).toBe('wasm');
    expect(kernelInfo().summary).toMatch(/^wasm SIMD kernels/);
    expect(Object.keys(float32Unary).sort()).toEqual(['exp', 'sigmoid', 'tanh']);
    for (const dtype of ['float64', 'float32'] as const) {
      const a = randn([37, 29], { seed: 1, dtype });
      const b = randn([29, 41], { seed: 2, dtype });
      const want = new (dtype === 'float32' ? Float32Array : Float64Array)(37 * 41);
      gemmReference(false, false, 37, 41, 29, a.storage, b.storage, want);
      const got = matmul(a, b).storage;
      for (let i = 0; i < want.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(dtype === 'float32' ? 1e-4 : 1e-12);
    }
    const v = Array.from({ length: 64 }, (_, i) => (i - 32) / 5);
    const t32 = tanh(tensor(v, { dtype: 'float32' })).storage;
    v.forEach((x, i) => expect(ulps(t32[i]!, Math.fround(Math.tanh(Math.fround(x))))).toBeLessThanOrEqual(1));
    // float64 keeps Math.* exactly.
    const s64 = sigmoid(tensor(v)).storage;
    v.forEach((x, i) => expect(s64[i]).toBe(x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))));
    // The length check names gemm and the sizes.
    expect(() => gemm(false, false, 4, 4, 4, new Float64Array(15), new Float64Array(16), new Float64Array(16))).toThrow(/gemm: .*M=4 N=4 K=4/);
  });

  it('refuses native settings, naming them', () => {
    expect(() => configureKernels({ variant: 'wasm', threads: 2 })).toThrow(/configureKernels: the wasm kernels take no settings \(got threads\)/);
  });
});

/** kernelInfo() of a fresh Node process running the TypeScript sources under tsx. */
function childInfo(env: Record<string, string>, nodeArgs: string[] = [], prelude = ''): { backend: string; summary: string; chain: { kernels: string; used: boolean; detail: string }[] } {
  // The 64×64×64 product is large enough to be shared between threads where there are any.
  const script = `${prelude} const { kernelInfo, matmul, ones } = await import('./src/index.ts'); const i = kernelInfo(); `
    + 'if (matmul(ones([20, 30]), ones([30, 10])).storage[0] !== 30) throw new Error("wrong product"); '
    + 'if (matmul(ones([64, 64]), ones([64, 64])).storage[4095] !== 64) throw new Error("wrong product"); console.log(JSON.stringify(i));';
  const r = spawnSync(process.execPath, [...nodeArgs, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env }, timeout: 120_000,
  });
  if (r.status !== 0) throw new Error(`child failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

describe('the fallback chain in a fresh process', () => {
  it('TAPEGRAD_NATIVE=0: the wasm kernels run, and the chain says why native did not', () => {
    const info = childInfo({ TAPEGRAD_NATIVE: '0' });
    expect(info.backend).toBe('wasm-simd');
    expect(info.chain.map((s) => [s.kernels, s.used])).toEqual([['native', false], ['wasm', true], ['typescript', false]]);
    expect(info.chain[0]!.detail).toBe('disabled by TAPEGRAD_NATIVE=0');
    const n = wasmThreadsWanted();
    expect(info.summary).toBe(`wasm SIMD kernels, ${n} thread${n === 1 ? '' : 's'} (native: disabled by TAPEGRAD_NATIVE=0)`);
  });

  it('TAPEGRAD_WASM_THREADS=1, or no SharedArrayBuffer: one thread, the chain saying why', () => {
    const one = childInfo({ TAPEGRAD_NATIVE: '0', TAPEGRAD_WASM_THREADS: '1' });
    expect(one.summary).toBe('wasm SIMD kernels, 1 thread (native: disabled by TAPEGRAD_NATIVE=0)');
    expect(one.chain[1]!.detail).toMatch(/; 1 thread requested$/);
    // As in a browser page that is not crossOriginIsolated (tsx itself needs SharedArrayBuffer to start, so no --no-harmony-sharedarraybuffer).
    const noShared = childInfo({ TAPEGRAD_NATIVE: '0', TAPEGRAD_WASM_THREADS: '2' }, [], 'delete globalThis.SharedArrayBuffer;');
    expect(noShared.summary).toBe('wasm SIMD kernels, 1 thread (native: disabled by TAPEGRAD_NATIVE=0)');
    expect(noShared.chain[1]!.detail).toMatch(/; no SharedArrayBuffer in this context$/);
    const two = childInfo({ TAPEGRAD_NATIVE: '0', TAPEGRAD_WASM_THREADS: '2' });
    expect(two.summary).toBe('wasm SIMD kernels, 2 threads (native: disabled by TAPEGRAD_NATIVE=0)');
    expect(two.chain[1]!.detail).toMatch(/; 2 threads: the caller and 1 worker \(\d up\) on shared memory, for products from M·N·K = 262144$/);
  });

  it('a bad TAPEGRAD_WASM_THREADS is refused, naming the variable and the value', () => {
    const info = childInfo({ TAPEGRAD_NATIVE: '0', TAPEGRAD_WASM_THREADS: 'two' });
    expect(info.backend).toBe('reference');
    expect(info.chain[1]!.detail).toBe('unavailable: tapegrad: TAPEGRAD_WASM_THREADS must be a whole number ≥ 1 (got "two")');
  });

  it('without WebAssembly (node --no-expose-wasm) it falls back to TypeScript and says why', () => {
    const info = childInfo({ TAPEGRAD_NATIVE: '0' }, ['--no-expose-wasm']);
    expect(info.backend).toBe('reference');
    expect(info.chain.map((s) => [s.kernels, s.used])).toEqual([['native', false], ['wasm', false], ['typescript', true]]);
    expect(info.chain[1]!.detail).toBe('unavailable: this JavaScript engine has no WebAssembly');
  });
});

describe('the generated module', () => {
  it('was built from today\'s wasm/ sources (npm run build:wasm rewrites it)', async () => {
    // The same hash wasm/build.mjs computes: a stale module means someone edited wasm/*.ts without rebuilding.
    const r = spawnSync(process.execPath, ['wasm/build.mjs', '--if-stale', '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(readFileSync(resolve(ROOT, 'src/kernels/wasm-module.ts'), 'utf8')).toContain(`'${WASM_SOURCE_HASH}'`);
  });
});
