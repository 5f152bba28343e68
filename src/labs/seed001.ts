/** Seed 001 by hand: the same 784-128-10 tanh/softmax MLP in row-major layout, and its training-loop bug. */

import type { Mat } from './matrix.js';
import {
  add, makeRng, map, matmul, mul, oneHotMat, randLabels, randMat, randnMat, scale, softmax, sub, sumAxis,
  transpose,
} from './matrix.js';

/** Row-major parameters: W1 [nx,nh], b1 [1,nh], W2 [nh,ny], b2 [1,ny]. */
export interface MlpRMParams {
  W1: Mat;
  b1: Mat;
  W2: Mat;
  b2: Mat;
}

/** Forward activations (the seed returns Yhat plus Z1, A1, Z2). */
export interface MlpRMOutputs {
  Z1: Mat;
  A1: Mat;
  Z2: Mat;
  Yhat: Mat;
}

/**
 * Seed 001's `init_params`: every weight *and bias* ~ normal(0, 0.3), seeded.
 * @example
 * makeParams(42).W1.rows; // 784
 */
export function makeParams(seed: string | number, nx = 784, nh = 128, ny = 10): MlpRMParams {
  const rng = makeRng(`seed001:${seed}`);
  return {
    W1: randnMat(nx, nh, rng, 0.3),
    b1: randnMat(1, nh, rng, 0.3),
    W2: randnMat(nh, ny, rng, 0.3),
    b2: randnMat(1, ny, rng, 0.3),
  };
}

/**
 * A seeded batch in the seed's layout: X [m,nx] in [0,1), Y one-hot [m,ny].
 * @example
 * makeBatch(0, 8).X.rows; // 8
 */
export function makeBatch(seed: string | number, m: number, nx = 784, ny = 10): { X: Mat; Y: Mat; labels: number[] } {
  const rng = makeRng(`seed001-batch:${seed}`);
  const X = randMat(m, nx, rng);
  const labels = randLabels(m, ny, rng);
  return { X, Y: oneHotMat(labels, ny, 1), labels };
}

/**
 * Seed 001's `forward`: Z1 = X W1 + b1, A1 = tanh(Z1), Z2 = A1 W2 + b2, Yhat = softmax(Z2) per row.
 * @example
 * forward(makeParams(0), makeBatch(0, 4).X).Yhat.cols; // 10
 */
export function forward(params: MlpRMParams, X: Mat): MlpRMOutputs {
  const Z1 = add(matmul(X, params.W1), params.b1);
  const A1 = map(Z1, Math.tanh);
  const Z2 = add(matmul(A1, params.W2), params.b2);
  return { Z1, A1, Z2, Yhat: softmax(Z2, 1) };
}

/**
 * Seed 001's loss: −Σ Y·log(Ŷ + eps)/m; the seed's eps is 1e-10, 0 here so the hand gradient is exact.
 * @example
 * const { X, Y } = makeBatch(0, 4); loss(forward(makeParams(0), X).Yhat, Y);
 */
export function loss(Yhat: Mat, Y: Mat, eps = 0): number {
  let s = 0;
  for (let i = 0; i < Y.data.length; i++) {
    const y = Y.data[i] as number;
    if (y !== 0) s += y * Math.log((Yhat.data[i] as number) + eps);
  }
  return -s / Y.rows;
}

/** Seed 001's gradients, keyed like its returned dict. */
export interface MlpRMGrads {
  W1: Mat;
  b1: Mat;
  W2: Mat;
  b2: Mat;
}

/**
 * Seed 001's `backward`: dZ2 = (Ŷ − Y)/m, dW2 = A1ᵀ dZ2, db2 = Σ_rows dZ2, dA1 = dZ2 W2ᵀ,
 * dZ1 = dA1 ⊙ (1 − A1²), dW1 = Xᵀ dZ1, db1 = Σ_rows dZ1 (the 1/m is folded into dZ2).
 * @example
 * const p = makeParams(0); const { X, Y } = makeBatch(0, 4);
 * backward(X, p, forward(p, X), Y).W1.rows; // 784
 */
export function backward(X: Mat, params: MlpRMParams, outputs: MlpRMOutputs, Y: Mat): MlpRMGrads {
  const m = Y.rows;
  const dZ2 = scale(sub(softmax(outputs.Z2, 1), Y), 1 / m);
  const dW2 = matmul(transpose(outputs.A1), dZ2);
  const db2 = sumAxis(dZ2, 0);
  const dA1 = matmul(dZ2, transpose(params.W2));
  const dZ1 = mul(dA1, map(outputs.A1, (a) => 1 - a * a));
  const dW1 = matmul(transpose(X), dZ1);
  const db1 = sumAxis(dZ1, 0);
  return { W1: dW1, b1: db1, W2: dW2, b2: db2 };
}

/** What seed 001's loop `for i in range(0, X_train.shape[1], batch_size)` really visits per epoch. */
export interface LoopVisit {
  /** The loop bound the seed used: X_train.shape[1], the number of features. */
  loopBound: number;
  /** The number of samples it should have covered: X_train.shape[0]. */
  fullSet: number;
  batches: number;
  samplesVisited: number;
  fractionVisited: number;
}

/**
 * Replays seed 001's loop: with X_train of shape [60000, 784] it steps i = 0, 128, …, 768 and slices
 * X_train[i:i+128], so each epoch sees 7 batches = 896 samples, not 60 000.
 * @example
 * seed001LoopVisits().samplesVisited; // 896
 */
export function seed001LoopVisits(nSamples = 60000, nFeatures = 784, batchSize = 128): LoopVisit {
  let batches = 0;
  let samplesVisited = 0;
  for (let i = 0; i < nFeatures; i += batchSize) {
    batches++;
    samplesVisited += Math.max(0, Math.min(i + batchSize, nSamples) - Math.min(i, nSamples));
  }
  return { loopBound: nFeatures, fullSet: nSamples, batches, samplesVisited, fractionVisited: samplesVisited / nSamples };
}

/** Slips in seed 001's written derivation (its code has them right). */
export type Seed001Slip = 'tanh-prime' | 'db2-unsummed';

/**
 * The backward as the write-up states it, with one slip: 'tanh-prime' uses step (D)'s
 * dZ1 = dA1 ⊙ (1 − A1) instead of (1 − A1²); 'db2-unsummed' returns db2 = dZ2 ([m,10]) without the batch sum.
 * @example
 * const p = makeParams(0); const { X, Y } = makeBatch(0, 4);
 * backwardAsWritten(X, p, forward(p, X), Y, 'db2-unsummed').b2.rows; // 4
 */
export function backwardAsWritten(X: Mat, params: MlpRMParams, outputs: MlpRMOutputs, Y: Mat, slip: Seed001Slip): MlpRMGrads {
  const right = backward(X, params, outputs, Y);
  const dZ2 = scale(sub(softmax(outputs.Z2, 1), Y), 1 / Y.rows);
  if (slip === 'db2-unsummed') return { ...right, b2: dZ2 };
  const dZ1 = mul(matmul(dZ2, transpose(params.W2)), map(outputs.A1, (a) => 1 - a));
  return { ...right, W1: matmul(transpose(X), dZ1), b1: sumAxis(dZ1, 0) };
}
