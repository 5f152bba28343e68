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
import { WASM_BASE64 } from './wasm-module.js';

/** The exports of wasm/index.ts. Pointers are byte offsets into `memory`. */
interface WasmExports {
  memory: WebAssembly.Memory;
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
}

// Measured with `npx tsx wasm/measure.ts` (Node 20, V8 11.3; see wasm/README.md): under M·N·K ≈ 128
// products the copies in and out, and the call, cost more than gemmJs's loops.
export const WASM_SMALL_WORK = 128;
// float32 exp/tanh/sigmoid: the copy is cheap next to Math.exp (~10-30 ns a value); 16 values and up
// win, the size from which src/ops/unary.ts calls an installed fast loop at all.

// float64 exp/tanh/sigmoid (fdlibm, two lanes): about 1.3-1.7× the Math.* loop from a few hundred
// values up, slower below ~128 (the copies and the call; measured with wasm/measure.ts at load ~12).
export const WASM_F64_ACTIVATION_MIN = 256;

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
export function loadWasmKernels(smallWork = WASM_SMALL_WORK): WasmKernels {
  if (typeof WebAssembly !== 'object' || typeof WebAssembly.Module !== 'function') {
    throw new Error('this JavaScript engine has no WebAssembly');
  }
  const bytes = decodeBase64(WASM_BASE64);
  let module: WebAssembly.Module;
  try {
    module = new WebAssembly.Module(bytes);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    throw new Error(/simd|opcode|v128/i.test(msg) ? `WebAssembly SIMD is not supported here (${msg})` : msg);
  }
  const ex = new WebAssembly.Instance(module, {}).exports as unknown as WasmExports;
  const memory = ex.memory;
  const work32 = align((ex.work32() + 32) * 4);
  const work64 = align((ex.work64() + 16) * 8);
  let f32 = new Float32Array(memory.buffer);
  let f64 = new Float64Array(memory.buffer);

  /** Makes the memory at least `bytes` long and refreshes the views (growing detaches the old buffer). */
  function reserve(bytes: number): void {
    const have = memory.buffer.byteLength;
    if (bytes > have) memory.grow(Math.ceil((bytes - have) / PAGE));
    if (f32.buffer !== memory.buffer) {
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
    const pa = 0;
    const pb = align(pa + M * K * size + PAD);
    const pc = align(pb + K * N * size + PAD);
    const pw = align(pc + M * N * size + PAD);
    reserve(pw + (single ? work32 : work64));
    const view: FloatArray = single ? f32 : f64;
    const shift = single ? 2 : 3;
    view.set(A.length === M * K ? A : A.subarray(0, M * K), pa >> shift);
    view.set(B.length === K * N ? B : B.subarray(0, K * N), pb >> shift);
    (single ? ex.gemm32 : ex.gemm64)(transA ? 1 : 0, transB ? 1 : 0, M, N, K, pa, pb, pc, pw);
    const res = view.subarray(pc >> shift, (pc >> shift) + M * N);
    C.set(res);
  };

  function activation(kind: number, x: Float32Array, out: Float32Array): void {
    const n = out.length;
    reserve(n * 4);
    f32.set(x.length === n ? x : x.subarray(0, n), 0);
    ex.activation32(kind, 0, 0, n);
    out.set(f32.subarray(0, n));
  }

  function activation64(kind: number, x: Float64Array, out: Float64Array): void {
    const n = out.length;
    reserve(n * 8);
    f64.set(x.length === n ? x : x.subarray(0, n), 0);
    ex.activation64(kind, 0, 0, n);
    out.set(f64.subarray(0, n));
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

  return { gemm, activation, activation64, memoryBytes: () => memory.buffer.byteLength };
}
