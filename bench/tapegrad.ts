/** W1–W5 written with tapegrad's public API only (as a user would), in float32 or float64. */
import { SGD, add, compile, div, linear, matmul, mul, noGrad, sigmoid, softmaxCrossEntropy, sub, sum, tanh, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';
import {
  W1_BATCH, W1_EPOCH_STEPS, W5_DEPTH, W5_WARMUP, WARMUP_STEPS, curveData, digits, initW1, initW2, initW3, normals, now, peakRssMB,
  timeCalls, timeRepeats, w1Shuffle, w4Key,
} from './common.js';
import type { Digits, LayerInit, Plan, WorkloadName } from './common.js';
import type { Measured } from './tfjs.js';

type DType = 'float32' | 'float64';

interface Layer { w: Tensor; b: Tensor }

function params(init: LayerInit[], dtype: DType): Layer[] {
  return init.map((l) => ({
    w: tensor(l.w, { shape: [l.fanIn, l.fanOut], dtype, requiresGrad: true }),
    b: tensor(l.b, { shape: [l.fanOut], dtype, requiresGrad: true }),
  }));
}

/** The library's plain SGD over every weight and bias (it updates each parameter's storage in place, off the tape). */
function sgd(layers: Layer[], lr: number): SGD {
  return new SGD(layers.flatMap((l) => [l.w, l.b]), { lr });
}

/** One optimizer step, then clear the gradients; fails loudly if some parameter got no gradient. */
function update(opt: SGD): void {
  for (const [name, p] of opt.params) if (p.grad === null) throw new Error(`bench: parameter ${name} received no gradient`);
  opt.step();
  opt.zeroGrad();
}

/**
 * W1–W3 run their fixed-shape step through `compile` (traced on the first call, replayed over
 * preallocated buffers after) and their layers through the fused `linear` op, as a user would;
 * TAPEGRAD_BENCH_EAGER=1 runs the step eagerly with matmul, add and the activation written out
 * (the code of the first bench, for A/B comparisons).
 */
const EAGER = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.['TAPEGRAD_BENCH_EAGER'] === '1';

function stepper<A extends Tensor[]>(step: (...args: A) => Tensor): (...args: A) => Tensor {
  return EAGER ? step : compile(step);
}

/** Copies the given rows of a float32 image set into `out` (of the benchmark's dtype): the minibatch gather. */
function gatherRows(src: Float32Array, rows: ArrayLike<number>, width: number, out: Float32Array | Float64Array): void {
  // TypedArray.set copies a row with memcpy (and converts float32 → float64 when out is float64).
  for (let r = 0; r < rows.length; r++) out.set(src.subarray(rows[r]! * width, (rows[r]! + 1) * width), r * width);
}

/** A dense layer: the fused op, or (TAPEGRAD_BENCH_EAGER=1) matmul, add and the activation as three ops. */
function dense(x: Tensor, l: Layer, activation: 'tanh' | 'sigmoid' | 'identity'): Tensor {
  if (!EAGER) return linear(x, l.w, l.b, activation);
  const z = add(matmul(x, l.w), l.b);
  return activation === 'tanh' ? tanh(z) : activation === 'sigmoid' ? sigmoid(z) : z;
}

function mlpW1(layers: Layer[], x: Tensor): Tensor {
  const [l1, l2] = layers as [Layer, Layer];
  return dense(dense(x, l1, 'tanh'), l2, 'identity');
}

function mlpW2(layers: Layer[], x: Tensor): Tensor {
  const [l1, l2, l3] = layers as [Layer, Layer, Layer];
  return dense(dense(dense(x, l1, 'sigmoid'), l2, 'sigmoid'), l3, 'identity');
}

/** Share of the first `count` test images whose largest logit is their label. */
function accuracy(net: (layers: Layer[], x: Tensor) => Tensor, layers: Layer[], test: Digits, count: number, dtype: DType): number {
  const logits = noGrad(() => net(layers, tensor(test.images.subarray(0, count * 784), { shape: [count, 784], dtype })));
  const z = logits.storage;
  let correct = 0;
  for (let i = 0; i < count; i++) {
    let best = 0;
    for (let c = 1; c < 10; c++) if (z[i * 10 + c]! > z[i * 10 + best]!) best = c;
    if (best === test.labels[i]) correct++;
  }
  return correct / count;
}

/**
 * Puts the rows of `images` (and `labels`) in the order `perm` gives (new row r = old row perm[r]), in
 * place, following the permutation's cycles with one row of scratch: the epoch's shuffle, done before
 * the clock as numpy's `X_train[:, indices]` is, but without a second copy of the training set.
 */
export function permuteRows(images: Float32Array, labels: Uint8Array, perm: Int32Array, width: number): void {
  const done = new Uint8Array(perm.length);
  const row = new Float32Array(width);
  for (let start = 0; start < perm.length; start++) {
    if (done[start] === 1) continue;
    row.set(images.subarray(start * width, (start + 1) * width));
    const label = labels[start]!;
    let r = start;
    for (;;) {
      done[r] = 1;
      const from = perm[r]!;
      if (from === start) break;
      images.copyWithin(r * width, from * width, (from + 1) * width);
      labels[r] = labels[from]!;
      r = from;
    }
    images.set(row, r * width);
    labels[r] = label;
  }
}

/** W1: one SGD epoch (or `plan.w1Steps` steps, extrapolated) over shuffled MNIST, then test accuracy. */
function w1(plan: Plan, dtype: DType): Measured {
  const train = digits('train');
  const test = digits('test');
  // Data preparation, before the clock (as numpy's): the epoch's shuffle and the labels as numbers.
  permuteRows(train.images, train.labels, w1Shuffle(train.count), 784);
  const labels = dtype === 'float32' ? Float32Array.from(train.labels) : Float64Array.from(train.labels);
  // float64 converts each minibatch from the float32 images into one reused buffer (inside the clock):
  // a float64 copy of the whole set would cost 376 MB, and numpy's copy already puts it near the limit.
  const xb = dtype === 'float64' ? new Float64Array(W1_BATCH * 784) : null;
  const trainer = (layers: Layer[], opt: SGD): ((x: Tensor, y: Tensor) => Tensor) => stepper((xs: Tensor, ys: Tensor) => {
    const loss = softmaxCrossEntropy(mlpW1(layers, xs), ys);
    loss.backward();
    update(opt);
    return loss;
  });
  // The minibatch is rows s·50 … s·50+49 of the shuffled set: float32 steps read them in place.
  const step = (train1: (x: Tensor, y: Tensor) => Tensor, s: number): void => {
    const rows = train.images.subarray(s * W1_BATCH * 784, (s + 1) * W1_BATCH * 784);
    if (xb !== null) xb.set(rows);
    const x = tensor(xb ?? rows, { shape: [W1_BATCH, 784], dtype, copy: false });
    train1(x, tensor(labels.subarray(s * W1_BATCH, (s + 1) * W1_BATCH), { shape: [W1_BATCH], dtype, copy: false }));
  };
  const warmLayers = params(initW1(), dtype);
  const warm = trainer(warmLayers, sgd(warmLayers, 0.1));
  for (let s = 0; s < WARMUP_STEPS; s++) step(warm, s);

  const layers = params(initW1(), dtype);
  const run = trainer(layers, sgd(layers, 0.1));
  const t0 = now();
  for (let s = 0; s < plan.w1Steps; s++) step(run, s);
  const seconds = now() - t0;
  return {
    metrics: { 'W1 epoch': seconds * (W1_EPOCH_STEPS / plan.w1Steps), 'W1 accuracy': accuracy(mlpW1, layers, test, plan.w1TestCount, dtype),
      'W1 peak RSS': peakRssMB() },
    notes: [], info: {},
  };
}

/** W2: 784-32-32-10 sigmoid MLP trained one sample at a time with SGD 0.003. */
function w2(plan: Plan, dtype: DType): Measured {
  const train = digits('train');
  const xb = dtype === 'float32' ? new Float32Array(784) : new Float64Array(784);
  const yb = dtype === 'float32' ? new Float32Array(1) : new Float64Array(1);
  const x = tensor(xb, { shape: [1, 784], dtype, copy: false });
  const y = tensor(yb, { shape: [1], dtype, copy: false });
  const trainer = (layers: Layer[], opt: SGD): ((x: Tensor, y: Tensor) => Tensor) => stepper((xs: Tensor, ys: Tensor) => {
    const loss = softmaxCrossEntropy(mlpW2(layers, xs), ys);
    loss.backward();
    update(opt);
    return loss;
  });
  const step = (train1: (x: Tensor, y: Tensor) => Tensor, i: number): void => {
    gatherRows(train.images, [i], 784, xb);
    yb[0] = train.labels[i]!;
    train1(x, y);
  };
  const warmLayers = params(initW2(), dtype);
  const warm = trainer(warmLayers, sgd(warmLayers, 0.003));
  for (let i = 0; i < WARMUP_STEPS; i++) step(warm, i);
  const layers = params(initW2(), dtype);
  const run = trainer(layers, sgd(layers, 0.003));
  const t0 = now();
  for (let i = 0; i < plan.w2Samples; i++) step(run, i);
  const rate = plan.w2Samples / (now() - t0);
  return { metrics: { 'W2 rate': rate, 'W2 accuracy': accuracy(mlpW2, layers, digits('test'), plan.w1TestCount, dtype) }, notes: [], info: {} };
}

/**
 * W3's reported cost: the mean of the cost after the last iteration and after one more (untimed).
 * Steepest descent with step 7 ends in a period-2 cycle on this net (the cost alternates between
 * two values, 0.0016989 and 0.0017230 with the bench's weights, from one iteration to the next);
 * which of the two a system ends on after 10 000 iterations depends on the cycle's phase, which
 * rounding differences during the transient (iterations ~500-2 000, where two float64 runs drift
 * apart by a few %) decide. The mean of two consecutive costs is the same for every system.
 */
function finalCost(cost: () => number, step: () => unknown): number {
  const a = cost();
  step();
  return (a + cost()) / 2;
}

/** W3: the 1-6-7-2 sigmoid curve network, full-batch steepest descent with step 7 on ‖a3−y‖²/N. */
function w3(plan: Plan, dtype: DType): Measured {
  const { x, y, n } = curveData();
  const xs = tensor(x, { shape: [n, 1], dtype });
  const ys = tensor(y, { shape: [n, 2], dtype });
  const cost = (layers: Layer[]): Tensor => {
    let a = xs;
    for (const l of layers) a = dense(a, l, 'sigmoid');
    const d = sub(a, ys);
    return div(sum(mul(d, d)), n);
  };
  const trainer = (layers: Layer[], opt: SGD): (() => Tensor) => stepper(() => {
    const c = cost(layers);
    c.backward();
    update(opt);
    return c;
  });
  const warmLayers = params(initW3(), dtype);
  const warm = trainer(warmLayers, sgd(warmLayers, 7));
  for (let i = 0; i < WARMUP_STEPS; i++) warm();
  const layers = params(initW3(), dtype);
  const run = trainer(layers, sgd(layers, 7));
  const t0 = now();
  for (let i = 0; i < plan.w3Iterations; i++) run();
  const rate = plan.w3Iterations / (now() - t0);
  return { metrics: { 'W3 rate': rate, 'W3 cost': finalCost(() => noGrad(() => cost(layers)).item(), run) }, notes: [], info: {} };
}

/** W4: matmul GFLOPS in this system's dtype (the result tensor's allocation included, as in tfjs). */
function w4(plan: Plan, dtype: DType): Measured {
  const metrics: Record<string, number> = {};
  for (const [m, k, n] of plan.w4Sizes) {
    const a = tensor(normals('W4-a', m * k, 1), { shape: [m, k], dtype });
    const b = tensor(normals('W4-b', k * n, 1), { shape: [k, n], dtype });
    const seconds = timeCalls(() => noGrad(() => matmul(a, b)), plan.w4Seconds);
    metrics[w4Key(dtype === 'float32' ? 'f32' : 'f64', [m, k, n])] = (2 * m * k * n) / seconds / 1e9;
  }
  return { metrics, notes: [], info: {} };
}

/** W5: 500 × h = tanh(h·w + b) on 0-d tensors (1 500 recorded ops), then backward to w and b. */
function w5(plan: Plan, dtype: DType): Measured {
  const x = tensor(0.3, { dtype });
  const w = tensor(0.5, { dtype, requiresGrad: true });
  const b = tensor(0.1, { dtype, requiresGrad: true });
  const once = (): void => {
    let h = x;
    for (let i = 0; i < W5_DEPTH; i++) h = tanh(add(mul(h, w), b));
    h.backward();
    if (!Number.isFinite(w.grad?.item() ?? NaN)) throw new Error('bench W5: no finite gradient for w');
    w.zeroGrad();
    b.zeroGrad();
  };
  const seconds = timeRepeats(once, W5_WARMUP, plan.w5Reps);
  return { metrics: { 'W5 per-op': (seconds / (3 * W5_DEPTH)) * 1e6 }, notes: [], info: {} };
}

/**
 * The kernel backend tapegrad uses, from `kernelInfo()` in src/kernels/native.ts when that module exists.
 * NOTE: loading native.ts is also what installs the native GEMM (src/index.ts does not load it; the
 * train CLI does the same), so the bench measures tapegrad as the CLI runs it. TAPEGRAD_NATIVE=0 keeps
 * the TypeScript kernels.
 */
async function kernelInfo(): Promise<unknown> {
  const specifier = '../src/kernels/native.js';
  try {
    const mod = (await import(specifier)) as { kernelInfo?: () => unknown };
    return typeof mod.kernelInfo === 'function' ? mod.kernelInfo() : 'native.ts has no kernelInfo()';
  } catch (err) {
    return `no native kernel module (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`;
  }
}

/** Runs one workload with tapegrad in the given dtype. */
export async function runTapegrad(dtype: DType, workload: WorkloadName, plan: Plan): Promise<Measured> {
  const kernels = await kernelInfo();
  const run = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 }[workload];
  const result = run(plan, dtype);
  return { ...result, info: { ...result.info, dtype, kernels } };
}
