/** Shared definitions of the benchmark: systems, the W1–W5 parameters, metrics, seeded data and initial weights. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { loadMnist } from '../src/data/mnist.js';

export const SYSTEMS = ['tapegrad-f32', 'tapegrad-f64', 'tapegrad-wasm', 'numpy', 'numpy-env-unset', 'torch', 'tfjs-wasm', 'tfjs-cpu'] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * What `npm run bench` runs when --systems is not given: tfjs cpu (30–70 s per W1 epoch, and no
 * competitor for the goals) only on request.
 */
export const DEFAULT_SYSTEMS: readonly SystemName[] = SYSTEMS.filter((s) => s !== 'tfjs-cpu');

/**
 * tapegrad on its WebAssembly SIMD kernels (float32, the child runs with TAPEGRAD_NATIVE=0): what a
 * browser, or an install without the native addon, runs. Compared with tfjs-wasm.
 */
export const TAPEGRAD_WASM_ENV: Readonly<Record<string, string>> = { TAPEGRAD_NATIVE: '0' };

/** The systems run by bench/numpy_bench.py under Python. */
export const PYTHON_SYSTEMS: readonly SystemName[] = ['numpy', 'numpy-env-unset', 'torch'];

/** OpenBLAS settings that the environment may carry and that change which kernel numpy runs. */
export const OPENBLAS_ENV = ['OPENBLAS_CORETYPE', 'OPENBLAS_L2_SIZE'] as const;

export const WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5'] as const;
export type WorkloadName = (typeof WORKLOADS)[number];

/** How much of each workload a run does: `quick` for smoke tests, `default` (slow systems capped), `full` (no caps). */
export type Mode = 'quick' | 'default' | 'full';

/** Matrix sizes (M, K, N) of W4, exactly as issue 5 lists them. */
export const W4_SIZES: readonly (readonly [number, number, number])[] = [
  [50, 784, 128], [128, 128, 128], [512, 512, 512], [1024, 1024, 1024],
];

/** Everything a worker needs to run one workload; the counts already include any cap. */
export interface Plan {
  /** W1: SGD steps timed (1 200 is one epoch of 60 000 at batch 50), and test images scored. */
  w1Steps: number;
  w1TestCount: number;
  /** W2: samples trained on, from the first training image on. */
  w2Samples: number;
  /** W3: full-batch descent iterations. */
  w3Iterations: number;
  /** W4: sizes run, and the time each size is repeated for. */
  w4Sizes: readonly (readonly [number, number, number])[];
  w4Seconds: number;
  /** W5: forward+backward repetitions timed (after a warm-up). */
  w5Reps: number;
}

export const W1_EPOCH_STEPS = 1200;
export const W1_BATCH = 50;
export const W2_FULL = 10_000;
export const W3_FULL = 10_000;
export const W5_DEPTH = 500;
/** Warm-up steps run on a throwaway copy of the model before the clock starts (JIT, kernel compilation). */
export const WARMUP_STEPS = 5;
/** W5's warm-up repetitions (each is 1 500 ops, so V8 has optimised the op path before timing starts). */
export const W5_WARMUP = 20;

/**
 * The plan for one system in one mode. tfjs cpu is capped in the default mode (W1 alone takes about
 * 70 s per epoch there); the cap is reported next to the number so nobody mistakes it for a full run.
 */
export function planFor(system: SystemName, mode: Mode): Plan {
  if (mode === 'quick') {
    return { w1Steps: 60, w1TestCount: 2000, w2Samples: 300, w3Iterations: 300,
      w4Sizes: W4_SIZES.slice(0, 2), w4Seconds: 0.05, w5Reps: 5 };
  }
  const full: Plan = { w1Steps: W1_EPOCH_STEPS, w1TestCount: 10_000, w2Samples: W2_FULL, w3Iterations: W3_FULL,
    w4Sizes: W4_SIZES, w4Seconds: 0.5, w5Reps: 300 };
  if (mode === 'full') return full;
  if (system === 'tfjs-cpu') return { ...full, w1Steps: 100, w2Samples: 2000, w3Iterations: 2000, w4Seconds: 0.3, w5Reps: 20 };
  if (system === 'tfjs-wasm') return { ...full, w1Steps: 400, w2Samples: 5000, w3Iterations: 5000, w5Reps: 20 };
  return full;
}

/** A number a workload reports, under a stable key such as `W4 f32 1024x1024x1024`. */
export interface MetricDef {
  key: string;
  workload: WorkloadName;
  label: string;
  unit: string;
  /** Whether a larger value is better (rates) or a smaller one (times); `none` for accuracy. */
  better: 'higher' | 'lower' | 'none';
}

export function w4Key(dtype: 'f32' | 'f64', size: readonly [number, number, number]): string {
  return `W4 ${dtype} ${size.join('x')}`;
}

/** Every metric, in table order. */
export const METRICS: readonly MetricDef[] = [
  { key: 'W1 epoch', workload: 'W1', label: 'W1 MNIST epoch', unit: 's', better: 'lower' },
  { key: 'W1 accuracy', workload: 'W1', label: 'W1 test accuracy', unit: '', better: 'none' },
  { key: 'W1 peak RSS', workload: 'W1', label: 'W1 peak RSS (whole process)', unit: 'MB', better: 'lower' },
  { key: 'W2 rate', workload: 'W2', label: 'W2 per-sample training', unit: 'samples/s', better: 'higher' },
  { key: 'W2 accuracy', workload: 'W2', label: 'W2 test accuracy', unit: '', better: 'none' },
  { key: 'W3 rate', workload: 'W3', label: 'W3 curve net', unit: 'iter/s', better: 'higher' },
  { key: 'W3 cost', workload: 'W3', label: 'W3 final cost', unit: 'cost', better: 'none' },
  ...(['f32', 'f64'] as const).flatMap((dt) => W4_SIZES.map((s): MetricDef => ({
    key: w4Key(dt, s), workload: 'W4', label: `W4 ${s.join('×')} ${dt}`, unit: 'GFLOPS', better: 'higher',
  }))),
  { key: 'W5 per-op', workload: 'W5', label: 'W5 per-op fwd+bwd', unit: 'µs/op', better: 'lower' },
];

/** What one worker process prints (as JSON) for one system × workload. */
export interface WorkerResult {
  system: SystemName;
  workload: WorkloadName;
  mode: Mode;
  metrics: Record<string, number>;
  /** Human-readable caveats: caps, extrapolation, what was not measurable. */
  notes: string[];
  /** Backend details (tfjs backend and SIMD, tapegrad kernel info). */
  info: Record<string, unknown>;
}

/** Marks the result line in a worker's stdout, so library chatter on stdout cannot be mistaken for it. */
export const RESULT_MARKER = 'TAPEGRAD_BENCH_RESULT ';

/** A seeded uniform generator in [0, 1). */
export function rng(seed: string): () => number {
  return seedrandom(seed);
}

/** `count` normal(0, std) samples from a seeded generator (Box–Muller), in float64. */
export function normals(seed: string, count: number, std: number): Float64Array {
  const next = rng(seed);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const u = 1 - next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u)) * std;
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < count) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** A seeded permutation of 0..n-1 (Fisher–Yates), the W1 shuffle every system uses. */
export function permutation(seed: string, n: number): Int32Array {
  const next = rng(seed);
  const p = new Int32Array(n);
  for (let i = 0; i < n; i++) p[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = p[i]!;
    p[i] = p[j]!;
    p[j] = t;
  }
  return p;
}

/** One layer's initial weights (row-major [fanIn, fanOut]) and biases. */
export interface LayerInit {
  fanIn: number;
  fanOut: number;
  w: Float64Array;
  b: Float64Array;
}

/** The environment variable naming the folder of shared inputs (bench/data.ts writes it; every child reads it). */
export const DATA_ENV = 'TAPEGRAD_BENCH_DATA';

/** One layer's entry in weights.json: its shape and where its w and b start in weights.f64 (in float64 elements). */
export interface LayerEntry { fanIn: number; fanOut: number; w: number; b: number }

/** weights.json: per workload the layers; the files beside it. */
export interface DataManifest {
  layers: Record<'W1' | 'W2' | 'W3', LayerEntry[]>;
  files: { weights: string; w1Shuffle: string; trainImages: string; trainLabels: string; testImages: string; testLabels: string };
  counts: { train: number; test: number };
}

/**
 * The initial layers drawn from the seeded generator: W1 normal(0, 0.3) weights and zero biases; W2 normal(0, 1/√fan_in)
 * weights and zero biases; W3 every weight and bias randn/2 (the seed lab's `reset_network`).
 */
export function generateInit(workload: 'W1' | 'W2' | 'W3'): LayerInit[] {
  if (workload === 'W1') {
    return [
      { fanIn: 784, fanOut: 128, w: normals('W1-layer1', 784 * 128, 0.3), b: new Float64Array(128) },
      { fanIn: 128, fanOut: 10, w: normals('W1-layer2', 128 * 10, 0.3), b: new Float64Array(10) },
    ];
  }
  if (workload === 'W2') {
    const dims: [number, number][] = [[784, 32], [32, 32], [32, 10]];
    return dims.map(([i, o], l) => ({ fanIn: i, fanOut: o, w: normals(`W2-layer${l + 1}`, i * o, 1 / Math.sqrt(i)), b: new Float64Array(o) }));
  }
  const dims: [number, number][] = [[1, 6], [6, 7], [7, 2]];
  return dims.map(([i, o], l) => ({ fanIn: i, fanOut: o, w: normals(`W3-w${l + 1}`, i * o, 0.5), b: normals(`W3-b${l + 1}`, o, 0.5) }));
}

function dataDir(): string | undefined {
  const dir = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[DATA_ENV];
  return dir === undefined || dir === '' ? undefined : dir;
}

function readArray<T>(dir: string, file: string, make: (b: ArrayBuffer) => T): T {
  const bytes = readFileSync(join(dir, file));
  return make(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

/** A workload's initial layers: from the shared folder when the orchestrator set one (so every system reads the same file), else generated. */
export function initLayers(workload: 'W1' | 'W2' | 'W3'): LayerInit[] {
  const dir = dataDir();
  if (dir === undefined) return generateInit(workload);
  const manifest = JSON.parse(readFileSync(join(dir, 'weights.json'), 'utf8')) as DataManifest;
  const all = readArray(dir, manifest.files.weights, (b) => new Float64Array(b));
  return manifest.layers[workload].map((l) => ({
    fanIn: l.fanIn, fanOut: l.fanOut, w: all.slice(l.w, l.w + l.fanIn * l.fanOut), b: all.slice(l.b, l.b + l.fanOut),
  }));
}

/** The W1 shuffle of the training set: from the shared folder when set, else generated. */
export function w1Shuffle(count: number): Int32Array {
  const dir = dataDir();
  if (dir === undefined) return permutation('W1-shuffle', count);
  const p = readArray(dir, 'w1-shuffle.i32', (b) => new Int32Array(b));
  if (p.length !== count) throw new Error(`bench: ${dir}/w1-shuffle.i32 has ${p.length} entries, the training set ${count}`);
  return p;
}

/** W1's initial model (see {@link generateInit}). */
export function initW1(): LayerInit[] {
  return initLayers('W1');
}

/** W2's initial model. */
export function initW2(): LayerInit[] {
  return initLayers('W2');
}

/** W3's initial model. */
export function initW3(): LayerInit[] {
  return initLayers('W3');
}

/** W3's training set: N = 100 points x = i/99, y = (0.5 + 0.35 sin 2πx, 0.5 + 0.35 sin 4πx). */
export function curveData(): { x: Float64Array; y: Float64Array; n: number } {
  const n = 100;
  const x = new Float64Array(n);
  const y = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const xi = i / (n - 1);
    x[i] = xi;
    y[2 * i] = 0.5 + 0.35 * Math.sin(2 * Math.PI * xi);
    y[2 * i + 1] = 0.5 + 0.35 * Math.sin(4 * Math.PI * xi);
  }
  return { x, y, n };
}

/** An MNIST split with pixels divided by 255, in float32 (what every system is fed). */
export interface Digits {
  images: Float32Array;
  labels: Uint8Array;
  count: number;
}

/** Loads and scales a split (outside every timed region). */
export function digits(split: 'train' | 'test'): Digits {
  const raw = loadMnist(split);
  const images = new Float32Array(raw.images.length);
  for (let i = 0; i < images.length; i++) images[i] = raw.images[i]! / 255;
  return { images, labels: raw.labels, count: raw.count };
}

/** Median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median: empty list');
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** The process's peak resident set so far, in MB (Linux reports maxRSS in KB). */
export function peakRssMB(): number {
  return process.resourceUsage().maxRSS / 1024;
}

/** Seconds since an arbitrary origin, with sub-millisecond resolution. */
export function now(): number {
  return performance.now() / 1000;
}

/** Caveats for a run that did less than issue 5 specifies (capped or quick), so no one mistakes it for a full run. */
export function capNotes(workload: WorkloadName, plan: Plan): string[] {
  if (workload === 'W1' && plan.w1Steps < W1_EPOCH_STEPS) {
    return [`epoch time extrapolated from ${plan.w1Steps} of ${W1_EPOCH_STEPS} steps; accuracy is after those ${plan.w1Steps} steps only`];
  }
  if (workload === 'W2' && plan.w2Samples < W2_FULL) return [`rate over the first ${plan.w2Samples} samples, not ${W2_FULL}`];
  if (workload === 'W3' && plan.w3Iterations < W3_FULL) return [`rate over ${plan.w3Iterations} iterations, not ${W3_FULL}`];
  return [];
}

/**
 * Seconds per call of `call`: `warmup` untimed calls, then `reps` timed ones; the middle sample
 * (the upper of the two middle ones for an even count). W5 uses it for every system alike.
 */
export function timeRepeats(call: () => void, warmup: number, reps: number): number {
  for (let i = 0; i < warmup; i++) call();
  const samples: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = now();
    call();
    samples.push(now() - t0);
  }
  samples.sort((p, q) => p - q);
  return samples[samples.length >> 1]!;
}

/**
 * Median seconds per call of `call`, repeated for about `seconds` after an untimed call and a timed first one.
 * A first call that alone exceeds the budget (tfjs cpu on 1024³ takes ~6 s) is kept as the only sample.
 */
export function timeCalls(call: () => void, seconds: number, minReps = 3): number {
  // One untimed call first: it starts thread pools (the native helper, OpenBLAS's threads) and compiles.
  call();
  let t = now();
  call();
  const first = now() - t;
  if (first >= seconds) return first;
  const samples: number[] = [];
  const start = now();
  while (samples.length < minReps || now() - start < seconds) {
    t = now();
    call();
    samples.push(now() - t);
  }
  return median(samples);
}
