/**
 * Quick GEMM measurements for tuning the kernel layer: GFLOPS per shape and dtype, the
 * TypeScript/native crossover and the one-/two-thread crossover. Run: `npx tsx native/measure.ts`
 * (options: `--variant avx2|scalar`, `--quick`). Each figure is the best of 7 timed trials,
 * because on a shared 2-core machine the median mostly measures the neighbours. The GFLOPS table
 * also gives one-thread figures per CPU-second (process CPU time, which leaves out the time the
 * process waited for a core): on a loaded machine that is the figure closest to a quiet one.
 */
import { loadavg } from 'node:os';
import { gemm } from '../src/kernels/gemm.js';
import { gemmJs } from '../src/kernels/gemm-js.js';
import { configureKernels, kernelInfo, nativeAddon } from '../src/kernels/native.js';

type Ctor = Float32ArrayConstructor | Float64ArrayConstructor;
type Fn = () => void;

const args = process.argv.slice(2);
const variant = args[args.indexOf('--variant') + 1];
if (args.includes('--variant') && variant) configureKernels({ variant });
const quick = args.includes('--quick');

/** Best wall and CPU seconds per call of fn over the trials, each at least `minMs` long. */
function timeBoth(fn: Fn, minMs = quick ? 10 : 30, trials = 7): { wall: number; cpu: number } {
  for (let i = 0; i < 3; i++) fn();
  let wall = Infinity;
  let cpu = Infinity;
  for (let t = 0; t < trials; t++) {
    let reps = 0;
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    let t1 = t0;
    do {
      fn();
      reps++;
      t1 = performance.now();
    } while (t1 - t0 < minMs);
    const c = process.cpuUsage(c0);
    wall = Math.min(wall, (t1 - t0) / 1e3 / reps);
    cpu = Math.min(cpu, (c.user + c.system) / 1e6 / reps);
  }
  return { wall, cpu };
}

/** Best wall seconds per call. */
function time(fn: Fn, minMs?: number): number {
  return timeBoth(fn, minMs).wall;
}

function random(T: Ctor, n: number): Float32Array | Float64Array {
  const a = new T(n);
  for (let i = 0; i < n; i++) a[i] = Math.random() - 0.5;
  return a;
}

function operands(T: Ctor, M: number, K: number, N: number) {
  return { A: random(T, M * K), B: random(T, K * N), C: new T(M * N) };
}

function gflops(T: Ctor, M: number, K: number, N: number, tA = false, tB = false): { wall: number; cpu: number } {
  const { A, B, C } = operands(T, M, K, N);
  const t = timeBoth(() => gemm(tA, tB, M, N, K, A, B, C));
  return { wall: (2 * M * N * K) / t.wall / 1e9, cpu: (2 * M * N * K) / t.cpu / 1e9 };
}

const info = kernelInfo();
console.log('kernelInfo:', JSON.stringify(info));
// Other processes on a 2-core machine take the second core from the two-thread path first.
console.log(`load average (1 min) at start: ${loadavg()[0]!.toFixed(2)}`);
if (info.backend === 'reference') console.log('(native addon not loaded: figures are for the reference kernel)');

console.log('\nGFLOPS through gemm() (M,K,N; NN unless marked): 1 thread per CPU-second, 1 thread wall,');
console.log('default settings (two threads from 1 MFLOP, contention guard on) wall:');
const shapes: [number, number, number, boolean, boolean, string][] = [
  [50, 784, 128, false, false, 'W4'], [128, 128, 128, false, false, 'W4'],
  [512, 512, 512, false, false, 'W4'], [1024, 1024, 1024, false, false, 'W4'],
  [784, 50, 128, true, false, 'MLP Xᵀ·G (TN)'], [50, 128, 784, false, true, 'MLP G·Wᵀ (NT)'],
  [50, 128, 10, false, false, 'MLP layer 2'], [50, 10, 128, false, true, 'MLP G2·W2ᵀ (NT)'],
  [128, 50, 10, true, false, 'MLP H1ᵀ·G2 (TN)'], [1, 784, 32, false, false, 'W2 batch 1'],
];
const f = (x: number) => x.toFixed(1).padStart(6);
for (const [M, K, N, tA, tB, label] of shapes) {
  const row: string[] = [];
  for (const T of [Float32Array, Float64Array]) {
    if (info.backend === 'reference' && M * K * N > 2e7) { row.push('     -      -      -'); continue; }
    if (info.backend !== 'reference') configureKernels({ threads: 1 });
    const one = gflops(T, M, K, N, tA, tB);
    if (info.backend !== 'reference') configureKernels({ threads: info.threads });
    const two = gflops(T, M, K, N, tA, tB);
    row.push(`${f(one.cpu)} ${f(one.wall)} ${f(two.wall)}`);
  }
  console.log(`${`(${M},${K},${N})`.padEnd(17)} f32 ${row[0]}   f64 ${row[1]}   ${label}`);
}

const addon = nativeAddon();
if (addon && info.backend !== 'reference') {
  console.log('\nTypeScript vs native per call (µs), M·N·K, native/TS time ratio (<1: native wins):');
  const small: [number, number, number][] = [
    [2, 2, 2], [4, 4, 4], [6, 6, 6], [8, 8, 8], [10, 10, 10], [12, 12, 12], [16, 16, 16],
    [20, 20, 20], [24, 24, 24], [32, 32, 32], [100, 1, 6], [100, 6, 7], [100, 7, 2], [1, 32, 10],
  ];
  for (const T of [Float32Array, Float64Array]) {
    for (const [M, K, N] of small) {
      const { A, B, C } = operands(T, M, K, N);
      const js = time(() => gemmJs(false, false, M, N, K, A, B, C), 5);
      const nat = time(() => addon.gemm(false, false, M, N, K, A, B, C), 5);
      console.log(`${T.name.padEnd(13)} (${M},${K},${N})`.padEnd(32) +
        `MNK ${String(M * N * K).padStart(6)}  ts ${(js * 1e6).toFixed(2).padStart(7)}  ` +
        `native ${(nat * 1e6).toFixed(2).padStart(6)}  ratio ${(nat / js).toFixed(2)}`);
    }
  }
  console.log('\nOne vs two threads (µs per call), 2·M·N·K in MFLOP:');
  const mid: [number, number, number][] = [
    [32, 32, 64], [64, 64, 64], [50, 128, 128], [96, 96, 96], [50, 256, 128], [128, 128, 128],
    [50, 784, 128], [192, 192, 192], [256, 256, 256],
  ];
  for (const T of [Float32Array, Float64Array]) {
    for (const [M, K, N] of mid) {
      const { A, B, C } = operands(T, M, K, N);
      const t: number[] = [];
      for (const threads of [1, 2]) {
        configureKernels({ threads, threadFlops: 0, contentionGuard: false });
        t.push(time(() => addon.gemm(false, false, M, N, K, A, B, C), 10));
      }
      console.log(`${T.name.padEnd(13)} (${M},${K},${N})`.padEnd(32) +
        `${((2 * M * N * K) / 1e6).toFixed(2).padStart(6)} MFLOP  1T ${(t[0]! * 1e6).toFixed(1).padStart(7)}` +
        `  2T ${(t[1]! * 1e6).toFixed(1).padStart(7)}  speed-up ${(t[0]! / t[1]!).toFixed(2)}`);
    }
  }
  // Two threads over one shared packed B (a team, native/gemm.h) against slabs that each pack their
  // own operand, interleaved call by call (best and median of 25 rounds): the guard stays on, as in use.
  console.log('\nTwo threads: slabs vs a team over one packed B (GFLOPS, best / median of 25 interleaved rounds):');
  const teamShapes: [number, number, number, boolean][] = [
    [784, 50, 128, true], [256, 256, 256, false], [512, 512, 512, false], [1024, 1024, 1024, false],
  ];
  for (const T of [Float32Array, Float64Array]) {
    for (const [M, K, N, tA] of teamShapes) {
      const { A, B, C } = operands(T, M, K, N);
      const samples: Record<string, number[]> = { '1T': [], slabs: [], team: [] };
      const reps = M * N * K > 1e8 ? 1 : 10;
      for (let round = 0; round < 25; round++) {
        for (const mode of ['1T', 'slabs', 'team'] as const) {
          configureKernels({ threads: mode === '1T' ? 1 : 2, threadFlops: info.threadFlops, contentionGuard: true, team: mode === 'team' });
          addon.gemm(tA, false, M, N, K, A, B, C);
          const t0 = performance.now();
          for (let r = 0; r < reps; r++) addon.gemm(tA, false, M, N, K, A, B, C);
          samples[mode]!.push((performance.now() - t0) / 1e3 / reps);
        }
      }
      const cell = (mode: string): string => {
        const v = [...samples[mode]!].sort((x, y) => x - y);
        const g = (t: number) => ((2 * M * N * K) / t / 1e9).toFixed(1);
        return `${mode} ${g(v[0]!)} / ${g(v[v.length >> 1]!)}`;
      };
      console.log(`${T.name.padEnd(13)} (${M},${K},${N})${tA ? ' TN' : ''}`.padEnd(36) + ['1T', 'slabs', 'team'].map(cell).join('   '));
    }
  }
  configureKernels({ threads: info.threads, threadFlops: info.threadFlops, contentionGuard: true, team: true });
}
// Why element-wise ops stay in TypeScript: per W1 batch they cost a few µs next to the GEMMs.
console.log('\nTypeScript element-wise loops on a W1 hidden layer (50×128), ns per element:');
for (const T of [Float32Array, Float64Array]) {
  const x = random(T, 50 * 128);
  const y = new T(x.length);
  const bias = random(T, 128);
  const loops: [string, Fn][] = [
    ['tanh', () => { for (let i = 0; i < x.length; i++) y[i] = Math.tanh(x[i]!); }],
    ['sigmoid', () => { for (let i = 0; i < x.length; i++) y[i] = 1 / (1 + Math.exp(-x[i]!)); }],
    ['add bias row', () => {
      for (let r = 0; r < 50; r++) for (let j = 0; j < 128; j++) y[r * 128 + j] = x[r * 128 + j]! + bias[j]!;
    }],
    ['tanh′ g·(1−y²)', () => { for (let i = 0; i < x.length; i++) y[i] = x[i]! * (1 - y[i]! * y[i]!); }],
  ];
  const cells = loops.map(([name, fn]) => `${name} ${((time(fn, 5) / x.length) * 1e9).toFixed(2)}`);
  console.log(`${T.name.padEnd(13)} ${cells.join('  ')}`);
}
console.log(`\nload average (1 min) at end: ${loadavg()[0]!.toFixed(2)}`);
