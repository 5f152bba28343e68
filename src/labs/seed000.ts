/** Seed 000 by hand: the scalar chain rule for dJ/dw1, and the column-major 784-128-10 tanh/softmax MLP backward. */

import type { Mat } from './matrix.js';
import {
  add, makeRng, map, mat, matmul, mul, oneHotMat, randLabels, randMat, randnMat, scale, sigmoid, softmax,
  sub, sumAxis, transpose,
} from './matrix.js';

/** Inputs of the scalar chain `z1=w1·x1, a1=σ(z1), z2=w2·a1, ŷ=σ(z2), J=½(ŷ−y)²`. */
export interface ScalarChainInput {
  w1: number;
  w2: number;
  x1: number;
  y: number;
}

/** Every intermediate and every chain-rule factor the seed names, so explainers can print them. */
export interface ScalarChainResult {
  z1: number;
  a1: number;
  z2: number;
  yhat: number;
  J: number;
  factors: {
    /** ∂J/∂ŷ = ŷ − y */
    dJ_dyhat: number;
    /** ∂ŷ/∂z2 = ŷ(1 − ŷ) */
    dyhat_dz2: number;
    /** ∂z2/∂a1 = w2 */
    dz2_da1: number;
    /** ∂a1/∂z1 = a1(1 − a1) */
    da1_dz1: number;
    /** ∂z1/∂w1 = x1 */
    dz1_dw1: number;
  };
  /** The product of the five factors: (ŷ−y)·ŷ(1−ŷ)·w2·a1(1−a1)·x1 */
  dJ_dw1: number;
}

/**
 * The scalar forward pass and J, as plain numbers.
 * @example
 * scalarChainLoss({ w1: 0.5, w2: -1.2, x1: 2, y: 1 });
 */
export function scalarChainLoss(p: ScalarChainInput): number {
  const yhat = sigmoid(p.w2 * sigmoid(p.w1 * p.x1));
  return 0.5 * (yhat - p.y) ** 2;
}

/**
 * Seed 000's derivation: dJ/dw1 = (ŷ−y)·ŷ(1−ŷ)·w2·a1(1−a1)·x1, with each factor.
 * @example
 * const r = scalarChain({ w1: 0.5, w2: -1.2, x1: 2, y: 1 });
 * r.dJ_dw1; // product of r.factors
 */
export function scalarChain(p: ScalarChainInput): ScalarChainResult {
  const z1 = p.w1 * p.x1;
  const a1 = sigmoid(z1);
  const z2 = p.w2 * a1;
  const yhat = sigmoid(z2);
  const J = 0.5 * (yhat - p.y) ** 2;
  const factors = {
    dJ_dyhat: yhat - p.y,
    dyhat_dz2: yhat * (1 - yhat),
    dz2_da1: p.w2,
    da1_dz1: a1 * (1 - a1),
    dz1_dw1: p.x1,
  };
  const dJ_dw1 = factors.dJ_dyhat * factors.dyhat_dz2 * factors.dz2_da1 * factors.da1_dz1 * factors.dz1_dw1;
  return { z1, a1, z2, yhat, J, factors, dJ_dw1 };
}

/** Column-major MLP parameters: W1 [nh,nx], b1 [nh,1], W2 [ny,nh], b2 [ny,1]. */
export interface MlpCMParams {
  W1: Mat;
  b1: Mat;
  W2: Mat;
  b2: Mat;
}

/** Forward activations, as the seed's `forward` returns them. */
export interface MlpCMOutputs {
  Z1: Mat;
  A1: Mat;
  Z2: Mat;
  A2: Mat;
}

/**
 * Seed 000's `init_params`: W ~ normal(0, 0.3), b = 0, from a seeded generator.
 * @example
 * const p = makeParams(0); p.W1.rows; // 128
 */
export function makeParams(seed: string | number, nx = 784, nh = 128, ny = 10): MlpCMParams {
  const rng = makeRng(`seed000:${seed}`);
  return { W1: randnMat(nh, nx, rng, 0.3), b1: mat(nh, 1), W2: randnMat(ny, nh, rng, 0.3), b2: mat(ny, 1) };
}

/**
 * A seeded batch in the seed's layout: X [nx,m] in [0,1) like pixels/255, Y one-hot [ny,m].
 * @example
 * const { X, Y } = makeBatch(1, 8); X.cols; // 8
 */
export function makeBatch(seed: string | number, m: number, nx = 784, ny = 10): { X: Mat; Y: Mat; labels: number[] } {
  const rng = makeRng(`seed000-batch:${seed}`);
  const X = randMat(nx, m, rng);
  const labels = randLabels(m, ny, rng);
  return { X, Y: oneHotMat(labels, ny, 0), labels };
}

/**
 * Seed 000's `forward`: Z1 = W1 @ X + b1, A1 = tanh(Z1), Z2 = W2 @ A1 + b2, A2 = softmax(Z2) (per column).
 * @example
 * const out = forward(makeParams(0), makeBatch(0, 4).X); out.A2.rows; // 10
 */
export function forward(params: MlpCMParams, X: Mat): MlpCMOutputs {
  const Z1 = add(matmul(params.W1, X), params.b1);
  const A1 = map(Z1, Math.tanh);
  const Z2 = add(matmul(params.W2, A1), params.b2);
  const A2 = softmax(Z2, 0);
  return { Z1, A1, Z2, A2 };
}

/**
 * Seed 000's `loss_accuracy` loss: −Σ Y·log(Ŷ + eps) / m. The seed uses eps = 1e-8; the hand
 * gradient A2 − Y is exact for eps = 0, which is the default here.
 * @example
 * const { X, Y } = makeBatch(0, 4); loss(forward(makeParams(0), X).A2, Y);
 */
export function loss(Yhat: Mat, Y: Mat, eps = 0): number {
  const m = Y.cols;
  let s = 0;
  for (let i = 0; i < Y.data.length; i++) {
    const y = Y.data[i] as number;
    if (y !== 0) s += y * Math.log((Yhat.data[i] as number) + eps);
  }
  return -s / m;
}

/** Seed 000's gradients, keyed like its `grads` dict. */
export interface MlpCMGrads {
  dW1: Mat;
  db1: Mat;
  dW2: Mat;
  db2: Mat;
}

/**
 * Seed 000's `backward`, line for line: dZ2 = A2 − Y, dW2 = dZ2 A1ᵀ/m, db2 = Σ_cols dZ2/m,
 * dA1 = W2ᵀ dZ2, dZ1 = dA1 ⊙ (1 − A1²), dW1 = dZ1 Xᵀ/m, db1 = Σ_cols dZ1/m.
 * @example
 * const p = makeParams(0); const { X, Y } = makeBatch(0, 4);
 * backward(X, Y, p, forward(p, X)).dW1.rows; // 128
 */
export function backward(X: Mat, Y: Mat, params: MlpCMParams, outputs: MlpCMOutputs): MlpCMGrads {
  const m = X.cols;
  const { A1, A2 } = outputs;
  const dZ2 = sub(A2, Y);
  const dW2 = scale(matmul(dZ2, transpose(A1)), 1 / m);
  const db2 = scale(sumAxis(dZ2, 1), 1 / m);
  const dA1 = matmul(transpose(params.W2), dZ2);
  const dZ1 = mul(dA1, map(A1, (a) => 1 - a * a));
  const dW1 = scale(matmul(dZ1, transpose(X)), 1 / m);
  const db1 = scale(sumAxis(dZ1, 1), 1 / m);
  return { dW1, db1, dW2, db2 };
}

/**
 * A typical slip in this layout, for the bug hunt: db1 summed over axis 0 (`np.sum(dZ1, axis=0)`, the
 * row-major habit) instead of axis 1, which yields a [1,m] row instead of the [nh,1] column b1 needs.
 * @example
 * const p = makeParams(0); const { X, Y } = makeBatch(0, 4);
 * backwardWrongBiasAxis(X, Y, p, forward(p, X)).db1.cols; // 4
 */
export function backwardWrongBiasAxis(X: Mat, Y: Mat, params: MlpCMParams, outputs: MlpCMOutputs): MlpCMGrads {
  const right = backward(X, Y, params, outputs);
  const dZ1 = mul(matmul(transpose(params.W2), sub(outputs.A2, Y)), map(outputs.A1, (a) => 1 - a * a));
  return { ...right, db1: scale(sumAxis(dZ1, 0), 1 / X.cols) };
}
