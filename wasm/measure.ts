/**
 * Measures the wasm kernels against the TypeScript ones (and the native addon when it loads), to set
 * the size thresholds in src/kernels/wasm.ts: `npx tsx wasm/measure.ts [--quick]`. Prints µs per
 * call (best of 5 trials) and GFLOPS; the machine is shared, so read ratios within one run.
 */
import { gemmJs } from '../src/kernels/gemm-js.js';
import { nativeAddon } from '../src/kernels/native.js';
import { loadWasmKernels, wasmThreadsWanted } from '../src/kernels/wasm.js';
import type { GemmKernel } from '../src/kernels/gemm.js';

const quick = process.argv.includes('--quick');
const wasm = loadWasmKernels(0, { threads: 1 });
const addon = nativeAddon();

/** Best µs per call over 5 trials of about `ms` milliseconds each. */
function time(fn: () => void, ms: number): number {
  let reps = 1;
  for (;;) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    const dt = performance.now() - t0;
    if (dt > ms / 4) break;
    reps *= 4;
  }
  let best = Infinity;
  for (let trial = 0; trial < 5; trial++) {
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) fn();
    best = Math.min(best, ((performance.now() - t0) * 1000) / reps);
  }
  return best;
}

// Call the raw wasm path (no small-size fallback) by going through a large-enough threshold check:
// products below WASM_SMALL_WORK run gemmJs inside wasm.gemm, so time those through a copy of the
// code path with the threshold ignored.
const rawWasm: GemmKernel = (tA, tB, M, N, K, A, B, C) => wasm.gemm(tA, tB, M, N, K, A, B, C);

const shapes: [string, number, number, number, boolean, boolean][] = [
  ['4x4x4', 4, 4, 4, false, false], ['8x8x8', 8, 8, 8, false, false], ['16x16x16', 16, 16, 16, false, false],
  ['curve 100x6x7 (M,K,N)', 7, 100, 6, false, false], ['curve W2ᵀ·J', 6, 100, 7, true, false], ['curve J·a1ᵀ', 7, 6, 100, false, true],
  ['1x784x32 (batch 1)', 1, 32, 784, false, false], ['50x784x128', 50, 128, 784, false, false],
  ['784x50x128 TN', 784, 128, 50, true, false], ['50x128x784 NT', 50, 784, 128, false, true],
  ['128³', 128, 128, 128, false, false], ['512³', 512, 512, 512, false, false], ['1024³', 1024, 1024, 1024, false, false],
];

console.log('shape (M·N·K)                    dtype   TS µs   wasm µs  native µs  wasm GFLOPS  TS/wasm');
for (const [name, M, N, K, tA, tB] of quick ? shapes.slice(0, 9) : shapes) {
  for (const T of [Float32Array, Float64Array]) {
    const A = T.from({ length: M * K }, (_, i) => Math.sin(i));
    const B = T.from({ length: K * N }, (_, i) => Math.cos(i));
    const C = new T(M * N);
    const ms = M * N * K > 1e8 ? 400 : 60;
    const ts = M * N * K > 2e8 ? NaN : time(() => gemmJs(tA, tB, M, N, K, A, B, C), ms);
    const ws = time(() => rawWasm(tA, tB, M, N, K, A, B, C), ms);
    const ns = addon ? time(() => addon.gemm(tA, tB, M, N, K, A, B, C), ms) : NaN;
    const gf = (2 * M * N * K) / (ws * 1e3);
    console.log(`${name.padEnd(32)} ${T === Float32Array ? 'f32' : 'f64'}  ${ts.toFixed(2).padStart(8)} ${ws.toFixed(2).padStart(9)} ${ns.toFixed(2).padStart(10)} ${gf.toFixed(1).padStart(12)} ${(ts / ws).toFixed(2).padStart(8)}`);
  }
}

console.log('\nfloat32 activations: n, Math.* loop µs, wasm µs (copies included), ratio');
for (const n of [8, 16, 64, 600, 6400]) {
  const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i) * 4);
  const out = new Float32Array(n);
  const js = time(() => { for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); }, 40);
  const ws = time(() => wasm.activation(1, x, out), 40);
  console.log(`tanh n=${String(n).padEnd(6)} ${js.toFixed(3).padStart(8)} ${ws.toFixed(3).padStart(8)} ${(js / ws).toFixed(2).padStart(6)}`);
}

console.log('\nfloat64 activations (bit for bit Math.*): n, Math.* loop µs, wasm µs (copies included), ratio');
for (const n of [16, 64, 128, 256, 600, 6400]) {
  const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 4);
  const out = new Float64Array(n);
  const js = time(() => { for (let i = 0; i < n; i++) out[i] = Math.tanh(x[i]!); }, 40);
  const ws = time(() => wasm.activation64(1, x, out), 40);
  const jsE = time(() => { for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]!); }, 40);
  const wsE = time(() => wasm.activation64(0, x, out), 40);
  console.log(`tanh n=${String(n).padEnd(6)} ${js.toFixed(3).padStart(8)} ${ws.toFixed(3).padStart(8)} ${(js / ws).toFixed(2).padStart(6)}   exp ${jsE.toFixed(3).padStart(8)} ${wsE.toFixed(3).padStart(8)} ${(jsE / wsE).toFixed(2).padStart(6)}`);
}

// Threads: the same calls on one thread and shared with worker threads (every size), to set
// WASM_PARALLEL_WORK in src/kernels/wasm.ts: the smallest M·N·K where two threads win.
const one = loadWasmKernels(0, { threads: 1 });
const many = loadWasmKernels(0, { threads: Math.max(2, wasmThreadsWanted()), parallelWork: 0 });
await new Promise((r) => setTimeout(r, 200)); // the workers start
console.log(`\nfloat32 products, 1 thread against ${many.threads()} (${many.workerStats().ready} workers up): µs per call, ratio`);
for (const [M, N, K] of [[32, 32, 64], [32, 64, 64], [64, 64, 64], [50, 64, 128], [50, 128, 128], [128, 128, 128], [50, 128, 784], [784, 128, 50], [256, 256, 256]]) {
  const A = Float32Array.from({ length: M * K }, (_, i) => Math.sin(i));
  const B = Float32Array.from({ length: K * N }, (_, i) => Math.cos(i));
  const C = new Float32Array(M * N);
  const t1 = time(() => one.gemm(false, false, M, N, K, A, B, C), 60);
  const t2 = time(() => many.gemm(false, false, M, N, K, A, B, C), 60);
  console.log(`${M}x${K}x${N} (M·N·K ${M * N * K})`.padEnd(34) + `${t1.toFixed(1).padStart(9)} ${t2.toFixed(1).padStart(9)} ${(t1 / t2).toFixed(2).padStart(6)}`);
}
