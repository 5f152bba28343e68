/** W1–W5 written with TensorFlow.js's public API, for its cpu and wasm backends. */
import * as tf from '@tensorflow/tfjs';
import {
  W1_BATCH, W1_EPOCH_STEPS, W5_DEPTH, W5_WARMUP, WARMUP_STEPS, curveData, digits, initW1, initW2, initW3, now, peakRssMB, timeCalls, timeRepeats, w1Shuffle, w4Key,
} from './common.js';
import type { LayerInit, Plan, WorkloadName } from './common.js';

/** What a system module hands back to the worker for one workload. */
export interface Measured {
  metrics: Record<string, number>;
  notes: string[];
  info: Record<string, unknown>;
}

/** Selects the backend. In Node the wasm backend finds its .wasm files beside its own dist/ (no setWasmPaths needed). */
export async function selectBackend(backend: 'cpu' | 'wasm'): Promise<Record<string, unknown>> {
  if (backend === 'wasm') await import('@tensorflow/tfjs-backend-wasm');
  if (!(await tf.setBackend(backend))) throw new Error(`bench: tfjs backend '${backend}' failed to initialise`);
  await tf.ready();
  const info: Record<string, unknown> = { backend: tf.getBackend(), tfjs: tf.version.tfjs };
  if (backend === 'wasm') {
    info.simd = tf.env().getBool('WASM_HAS_SIMD_SUPPORT');
    info.threads = tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT');
  }
  return info;
}

interface Layer { w: tf.Variable; b: tf.Variable }

function variables(init: LayerInit[]): Layer[] {
  return init.map((l) => ({
    w: tf.variable(tf.tensor2d(Float32Array.from(l.w), [l.fanIn, l.fanOut])),
    b: tf.variable(tf.tensor1d(Float32Array.from(l.b))),
  }));
}

function varList(layers: Layer[]): tf.Variable[] {
  return layers.flatMap((l) => [l.w, l.b]);
}

function mlpW1(layers: Layer[], x: tf.Tensor2D): tf.Tensor2D {
  const [l1, l2] = layers as [Layer, Layer];
  const h = tf.tanh(tf.add(tf.matMul(x, l1.w), l1.b));
  return tf.add(tf.matMul(h, l2.w), l2.b);
}

function mlpW2(layers: Layer[], x: tf.Tensor2D): tf.Tensor2D {
  const [l1, l2, l3] = layers as [Layer, Layer, Layer];
  const a1 = tf.sigmoid(tf.add(tf.matMul(x, l1.w), l1.b));
  const a2 = tf.sigmoid(tf.add(tf.matMul(a1, l2.w), l2.b));
  return tf.add(tf.matMul(a2, l3.w), l3.b);
}

/** Share of the first `n` test images whose largest logit is their label. */
function accuracy(net: (layers: Layer[], x: tf.Tensor2D) => tf.Tensor2D, layers: Layer[], n: number): number {
  const test = digits('test');
  const predicted = tf.tidy(() => tf.argMax(net(layers, tf.tensor2d(test.images.subarray(0, n * 784), [n, 784])), 1).dataSync());
  let correct = 0;
  for (let i = 0; i < n; i++) if (predicted[i] === test.labels[i]) correct++;
  return correct / n;
}

/** W1: one SGD epoch (or `plan.w1Steps` steps, extrapolated) over shuffled MNIST, then test accuracy. */
function w1(plan: Plan): Measured {
  const train = digits('train');
  const test = digits('test');
  const xTrain = tf.tensor2d(train.images, [train.count, 784]);
  const yTrain = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels), 'int32'), 10);
  const perm = w1Shuffle(train.count);
  const opt = tf.train.sgd(0.1);
  const step = (layers: Layer[], s: number): void => {
    const idx = tf.tensor1d(perm.subarray(s * W1_BATCH, (s + 1) * W1_BATCH), 'int32');
    opt.minimize(() => {
      const logits = mlpW1(layers, tf.gather(xTrain, idx) as tf.Tensor2D);
      return tf.losses.softmaxCrossEntropy(tf.gather(yTrain, idx), logits) as tf.Scalar;
    }, false, varList(layers));
    idx.dispose();
  };
  const warm = variables(initW1());
  for (let s = 0; s < WARMUP_STEPS; s++) step(warm, s);
  warm.forEach((l) => { l.w.dispose(); l.b.dispose(); });

  const layers = variables(initW1());
  const t0 = now();
  for (let s = 0; s < plan.w1Steps; s++) step(layers, s);
  layers[0]!.w.dataSync();
  const seconds = now() - t0;

  return {
    metrics: { 'W1 epoch': seconds * (W1_EPOCH_STEPS / plan.w1Steps), 'W1 accuracy': accuracy(mlpW1, layers, plan.w1TestCount), 'W1 peak RSS': peakRssMB() },
    notes: [], info: {},
  };
}

/** W2: 784-32-32-10 sigmoid MLP trained one sample at a time with SGD 0.003. */
function w2(plan: Plan): Measured {
  const train = digits('train');
  const n = plan.w2Samples;
  const xTrain = tf.tensor2d(train.images.subarray(0, n * 784), [n, 784]);
  const yTrain = tf.oneHot(tf.tensor1d(Int32Array.from(train.labels.subarray(0, n)), 'int32'), 10);
  const opt = tf.train.sgd(0.003);
  const step = (layers: Layer[], i: number): void => {
    const idx = tf.tensor1d([i], 'int32');
    opt.minimize(() => {
      const logits = mlpW2(layers, tf.gather(xTrain, idx) as tf.Tensor2D);
      return tf.losses.softmaxCrossEntropy(tf.gather(yTrain, idx), logits) as tf.Scalar;
    }, false, varList(layers));
    idx.dispose();
  };
  const warm = variables(initW2());
  for (let i = 0; i < WARMUP_STEPS; i++) step(warm, i);
  const layers = variables(initW2());
  const t0 = now();
  for (let i = 0; i < n; i++) step(layers, i);
  layers[0]!.w.dataSync();
  const rate = n / (now() - t0);
  return { metrics: { 'W2 rate': rate, 'W2 accuracy': accuracy(mlpW2, layers, plan.w1TestCount) }, notes: [], info: {} };
}

/** W3: the 1-6-7-2 sigmoid curve network, full-batch steepest descent with step 7 on ‖a3−y‖²/N. */
function w3(plan: Plan): Measured {
  const { x, y, n } = curveData();
  const xs = tf.tensor2d(Float32Array.from(x), [n, 1]);
  const ys = tf.tensor2d(Float32Array.from(y), [n, 2]);
  const opt = tf.train.sgd(7);
  const cost = (layers: Layer[]): tf.Scalar => {
    let a: tf.Tensor2D = xs;
    for (const l of layers) a = tf.sigmoid(tf.add(tf.matMul(a, l.w), l.b)) as tf.Tensor2D;
    return tf.div(tf.sum(tf.square(tf.sub(a, ys))), n) as tf.Scalar;
  };
  const step = (layers: Layer[]): void => {
    opt.minimize(() => cost(layers), false, varList(layers));
  };
  const warm = variables(initW3());
  for (let i = 0; i < WARMUP_STEPS; i++) step(warm);
  const layers = variables(initW3());
  const t0 = now();
  for (let i = 0; i < plan.w3Iterations; i++) step(layers);
  layers[0]!.w.dataSync();
  const rate = plan.w3Iterations / (now() - t0);
  // The mean over the period-2 cycle the descent ends in: this cost and the one after one more step (bench/tapegrad.ts).
  const before = tf.tidy(() => cost(layers).dataSync()[0]!);
  step(layers);
  const after = tf.tidy(() => cost(layers).dataSync()[0]!);
  return { metrics: { 'W3 rate': rate, 'W3 cost': (before + after) / 2 }, notes: [], info: {} };
}

/** W4: matmul GFLOPS; tfjs has no float64, so only float32 is measured. Kernels run eagerly and synchronously on cpu and wasm. */
function w4(plan: Plan): Measured {
  const metrics: Record<string, number> = {};
  for (const [m, k, n] of plan.w4Sizes) {
    const a = tf.randomNormal([m, k], 0, 1, 'float32', 1);
    const b = tf.randomNormal([k, n], 0, 1, 'float32', 2);
    const seconds = timeCalls(() => tf.matMul(a, b).dispose(), plan.w4Seconds);
    metrics[w4Key('f32', [m, k, n])] = (2 * m * k * n) / seconds / 1e9;
    a.dispose();
    b.dispose();
  }
  return { metrics, notes: [], info: {} };
}

/** W5: 500 × h = tanh(h·w + b) on 0-d tensors, then the gradient with respect to w and b. */
function w5(plan: Plan): Measured {
  const x = tf.scalar(0.3);
  const w = tf.scalar(0.5);
  const b = tf.scalar(0.1);
  const g = tf.grads((wi: tf.Tensor, bi: tf.Tensor) => {
    let h: tf.Tensor = x;
    for (let i = 0; i < W5_DEPTH; i++) h = tf.tanh(tf.add(tf.mul(h, wi), bi));
    return h;
  });
  const once = (): void => {
    tf.tidy(() => {
      const [gw] = g([w, b]);
      gw!.dataSync();
    });
  };
  const seconds = timeRepeats(once, W5_WARMUP, plan.w5Reps);
  return { metrics: { 'W5 per-op': (seconds / (3 * W5_DEPTH)) * 1e6 }, notes: [], info: {} };
}

/** Runs one workload on the given tfjs backend. */
export async function runTfjs(backend: 'cpu' | 'wasm', workload: WorkloadName, plan: Plan): Promise<Measured> {
  const info = await selectBackend(backend);
  const run = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 }[workload];
  const result = run(plan);
  return { ...result, info: { ...info, ...result.info } };
}
