/**
 * The WebAssembly SIMD kernels (GEMM in float32/float64, exp/tanh/sigmoid in float32 and float64), compiled from
 * wasm/*.ts by `npm run build` and embedded as base64 in the generated `wasm-module.ts`, so they load
 * synchronously wherever `new WebAssembly.Module` is allowed (Node, Web Workers, and browser main
 * threads for a module this small). Operands are copied into the module's linear memory and the result
 * copied out; below the measured size in {@link WASM_SMALL_WORK} that copy costs more than it saves
 * and the TypeScript loops run instead (activations: the unary ops call a fast loop only from 16
 * values up, which the measurement below agrees with).
 */
import type { FloatArray } from '../dtype.js';
import { gemmJs } from './gemm-js.js';
import type { GemmKernel } from './gemm.js';
import { WASM_BASE64, WASM_THREADS_BASE64 } from './wasm-module.js';
import { CONTROL_BYTES, startThreadPool, type PartExports, type WasmThreadPool } from './wasm-threads.js';

/** The exports of wasm/index.ts. Pointers are byte offsets into `memory`. */
interface WasmExports extends PartExports {
  memory: WebAssembly.Memory;
  heapBase(): number;
  gemm32(transA: number, transB: number, M: number, N: number, K: number, A: number, B: number, C: number, work: number): void;
  gemm64(transA: number, transB: number, M: number, N: number, K: number, A: number, B: number, C: number, work: number): void;
  work32(): number;
  work64(): number;
  activation32(kind: number, x: number, out: number, n: number): void;
  activation64(kind: number, x: number, out: number, n: number): void;
}

/** The raw kernels on JS typed arrays (copies in and out included), for the kernels layer and tests. */
export interface WasmKernels {
  /** Same contract as {@link GemmKernel}, for Float32Array or Float64Array operands of one dtype. */
  gemm: GemmKernel;
  /** out[i] = f(x[i]) in float32: kind 0 exp, 1 tanh, 2 sigmoid (within 1 float32 ulp of `Math.*`). */
  activation(kind: number, x: Float32Array, out: Float32Array): void;
  /** out[i] = f(x[i]) in float64: kind 0 exp, 1 tanh, 2 sigmoid, bit for bit V8's `Math.*` (wasm/activation64.ts). */
  activation64(kind: number, x: Float64Array, out: Float64Array): void;
  /** Bytes of linear memory reserved so far. */
  memoryBytes(): number;
  /** Threads a large product is shared between (1: no worker threads here; see src/kernels/wasm-threads.ts). */
  threads(): number;
  /** Why there are no worker threads, or how many are up: for kernelInfo(). */
  threadDetail(): string;
  /** Workers up, parts of products they have computed, products the contention guard kept on one thread. */
  workerStats(): { ready: number; parts: number; solo: number };
}

/** Options of {@link loadWasmKernels} (the defaults are what tapegrad installs). */
export interface WasmOptions {
  /** Threads to share large products between, the caller included (default: {@link wasmThreadsWanted}). */
  threads?: number;
  /** Products with M·N·K from this size up are shared between the threads (default {@link WASM_PARALLEL_WORK}). */
  parallelWork?: number;
}

// Measured with `npx tsx wasm/measure.ts` (Node 20, V8 11.3; see wasm/README.md): under M·N·K ≈ 128
// products the copies in and out, and the call, cost more than gemmJs's loops.
export const WASM_SMALL_WORK = 128;
// float32 exp/tanh/sigmoid: the copy is cheap next to Math.exp (~10-30 ns a value); 16 values and up
// win, the size from which src/ops/unary.ts calls an installed fast loop at all.

// float64 exp/tanh/sigmoid (fdlibm, two lanes): about 1.3-1.7× the Math.* loop from a few hundred
// values up, slower below ~128 (the copies and the call; measured with wasm/measure.ts at load ~12).
export const WASM_F64_ACTIVATION_MIN = 256;

// Products from this size (64×64×64, ~20 µs on one thread) up are shared between threads: a part
// then still outweighs a worker's wake-up and each part's re-read of the shared operand. Chosen, not
// yet measured on a quiet machine (the machine this was written on ran at load 10-16 on 2 cores,
// where no thread timing means anything): re-measure with the threads section of
// `npx tsx wasm/measure.ts`. The contention guard in src/kernels/wasm-threads.ts keeps a size on one
// thread while the workers do not pay.
export const WASM_PARALLEL_WORK = 1 << 18;

interface NodeProcessLike {
  versions?: { node?: string };
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
}

/**
 * Threads tapegrad's wasm kernels use: `TAPEGRAD_WASM_THREADS` in Node when set (1 turns the threads
 * off), else the cores the engine reports (`os.availableParallelism()`, `navigator.hardwareConcurrency`),
 * at most 4. Whether they can start at all (shared memory) is decided by {@link loadWasmKernels}.
 *
 * @example
 * ```ts
 * wasmThreadsWanted(); // 2 on a two-core machine
 * ```
 */
export function wasmThreadsWanted(): number {
  const proc = (globalThis as { process?: NodeProcessLike }).process;
  const set = proc?.env?.['TAPEGRAD_WASM_THREADS'];
  if (set !== undefined && set !== '') {
    const n = Number(set);
    if (!Number.isInteger(n) || n < 1) throw new Error(`tapegrad: TAPEGRAD_WASM_THREADS must be a whole number ≥ 1 (got ${JSON.stringify(set)})`);
    return Math.min(n, 16);
  }
  let cores = 1;
  if (proc?.versions?.node) {
    const os = proc.getBuiltinModule?.('node:os') as { availableParallelism?: () => number } | undefined;
    cores = os?.availableParallelism?.() ?? 1;
  } else {
    cores = (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  }
  return Math.max(1, Math.min(4, cores));
}

/**
 * Why worker threads cannot run here, or null when they can: shared WebAssembly memory needs
 * `SharedArrayBuffer`, which a browser gives only to a `crossOriginIsolated` page (and its workers).
 */
function threadsUnavailable(): string | null {
  const g = globalThis as { process?: NodeProcessLike; crossOriginIsolated?: boolean };
  if (!g.process?.versions?.node && g.crossOriginIsolated === false) return 'the page is not crossOriginIsolated';
  if (typeof SharedArrayBuffer !== 'function' || typeof Atomics !== 'object') return 'no SharedArrayBuffer in this context';
  return null;
}

const PAGE = 65536;
// Room the kernels may read past the end of B (an edge tile read in place) and slack for alignment.
const PAD = 64;

function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

const align = (n: number): number => (n + 15) & ~15;

/** Compiles one of the embedded builds; an engine without SIMD says so. */
function compile(base64: string): WebAssembly.Module {
  try {
    return new WebAssembly.Module(decodeBase64(base64));
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(/simd|opcode|v128/i.test(msg) ? `WebAssembly SIMD is not supported here (${msg})` : msg);
  }
}

/**
 * Compiles and instantiates the module; throws with the engine's reason (no WebAssembly, no SIMD,
 * synchronous compilation refused) when it cannot. Products with M·N·K below `smallWork` run gemmJs.
 *
 * @example
 * ```ts
 * const kernels = loadWasmKernels();
 * const C = new Float64Array(4);
 * kernels.gemm(false, false, 2, 2, 1, Float64Array.of(1, 2), Float64Array.of(3, 4), C); // C = [3, 4, 6, 8]
 * ```
 */
export function loadWasmKernels(smallWork = WASM_SMALL_WORK, options: WasmOptions = {}): WasmKernels {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    throw new Error('this JavaScript engine has no WebAssembly');
  }
  const wanted = options.threads ?? wasmThreadsWanted();
  const parallelWork = options.parallelWork ?? WASM_PARALLEL_WORK;
  let ex: WasmExports | null = null;
  let pool: WasmThreadPool | null = null;
  let threadDetail = wanted <= 1 ? '1 thread requested' : threadsUnavailable();
  if (threadDetail === null) {
    // The threaded build on shared memory; any refusal (no wasm threads in this engine, a memory
    // that cannot be shared, no workers) leaves the single-threaded build below.
    try {
      const module = compile(WASM_THREADS_BASE64);
      const memory = new WebAssembly.Memory({ initial: 1, maximum: 65536, shared: true });
      ex = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as WasmExports;
      pool = startThreadPool(module, memory, ex, ex.heapBase(), wanted);
    } catch (e) {
      ex = null;
      pool = null;
      threadDetail = `threads unavailable: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  ex ??= new WebAssembly.Instance(compile(WASM_BASE64), {}).exports as unknown as WasmExports;
  const kernels = ex;
  const memory = kernels.memory;
  // The control block of the thread pool, then the operands.
  const base = align(kernels.heapBase() + CONTROL_BYTES);
  const work32 = align((kernels.work32() + 32) * 4);
  const work64 = align((kernels.work64() + 16) * 8);
  let f32 = new Float32Array(memory.buffer);
  let f64 = new Float64Array(memory.buffer);

  /** Makes the memory at least `bytes` long and refreshes the views (growing detaches or replaces the old buffer). */
  function reserve(bytes: number): void {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    if (f32.buffer.byteLength !== memory.buffer.byteLength) {
      f32 = new Float32Array(memory.buffer);
      f64 = new Float64Array(memory.buffer);
    }
  }

  const gemm: GemmKernel = (transA, transB, M, N, K, A, B, C) => {
    const single = C instanceof Float32Array;
    if (M * N * K < smallWork || A.constructor !== C.constructor || B.constructor !== C.constructor) {
      gemmJs(transA, transB, M, N, K, A, B, C);
      return;
    }
    const size = single ? 4 : 8;
    const shared = pool !== null && M * N * K >= parallelWork && pool.begin(M, N, K);
    const threads = shared ? pool!.threads() : 1;
    const pa = base;
    const pb = align(pa + M * K * size + PAD);
    const pc = align(pb + K * N * size + PAD);
    const pw = align(pc + M * N * size + PAD);
    const workBytes = single ? work32 : work64;
    reserve(pw + threads * workBytes);
    const view: FloatArray = single ? f32 : f64;
    const shift = single ? 2 : 3;
    view.set(A.length === M * K ? A : A.subarray(0, M * K), pa >> shift);
    view.set(B.length === K * N ? B : B.subarray(0, K * N), pb >> shift);
    if (shared) {
      pool!.run({ single, transA, transB, M, N, K, A: pa, B: pb, C: pc, work: pw, workBytes });
    } else {
      (single ? kernels.gemm32 : kernels.gemm64)(transA ? 1 : 0, transB ? 1 : 0, M, N, K, pa, pb, pc, pw);
    }
    const res = view.subarray(pc >> shift, (pc >> shift) + M * N);
    C.set(res);
  };

  function activation(kind: number, x: Float32Array, out: Float32Array): void {
    const n = out.length;
    reserve(base + n * 4);
    f32.set(x.length === n ? x : x.subarray(0, n), base >> 2);
    kernels.activation32(kind, base, base, n);
    out.set(f32.subarray(base >> 2, (base >> 2) + n));
  }

  // Operands go from `base` up, like activation's: the bytes below hold the module's static data and
  // the thread pool's control block.
  function activation64(kind: number, x: Float64Array, out: Float64Array): void {
    const n = out.length;
    reserve(base + n * 8);
    f64.set(x.length === n ? x : x.subarray(0, n), base >> 3);
    kernels.activation64(kind, base, base, n);
    out.set(f64.subarray(base >> 3, (base >> 3) + n));
  }

  // V8 runs a new module on its baseline compiler (Liftoff, whose SIMD code is ~30× slower here) and
  // compiles a function with the optimizing one in the background once it has run enough; it does not
  // swap code inside a running call. A few ms of small products and activations now start that
  // compile, so the first real product, a millisecond later, already runs optimized: measured with
  // 50×784×128 after loading, the first call took 20 ms without this and 0.9 ms with it.
  const warm = 64;
  for (const T of [Float32Array, Float64Array]) {
    const a = new T(warm * warm);
    for (const t of [false, true]) gemm(t, t, warm, warm, warm, a, a, a.slice());
  }
  const x = new Float32Array(8192);
  for (let kind = 0; kind < 3; kind++) activation(kind, x, x);
  const x64 = new Float64Array(4096);
  for (let kind = 0; kind < 3; kind++) activation64(kind, x64, x64);

  return {
    gemm, activation, activation64, memoryBytes: () => memory.buffer.byteLength,
    threads: () => pool?.threads() ?? 1,
    workerStats: () => ({ ready: pool?.ready() ?? 0, parts: pool?.workerParts() ?? 0, solo: pool?.soloCalls() ?? 0 }),
    threadDetail: () => (pool === null ? threadDetail ?? 'no worker threads'
      : `${pool.threads()} threads: the caller and ${pool.threads() - 1} worker${pool.threads() === 2 ? '' : 's'} (${pool.ready()} up) on shared memory, for products from M·N·K = ${parallelWork}`),
  };
}
