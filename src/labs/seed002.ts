/** Seed 002 by hand: the per-sample 784-32-32-10 sigmoid/softmax backward, with its `np.dot(a2, W3, b3)` forward bug. */

import type { Mat } from './matrix.js';
import {
  add, makeRng, map, mat, matmul, mul, randMat, randnMat, sigmoid, softmax, sub, transpose,
} from './matrix.js';

/** Row vectors in, row vectors out: W1 [784,32], b1 [1,32], W2 [32,32], b2 [1,32], W3 [32,10], b3 [1,10]. */
export interface Seed002Params {
  W1: Mat;
  b1: Mat;
  W2: Mat;
  b2: Mat;
  W3: Mat;
  b3: Mat;
}

/** Forward activations as `train_one_sample` names them. */
export interface Seed002Outputs {
  Z1: Mat;
  a1: Mat;
  Z2: Mat;
  a2: Mat;
  Z3: Mat;
  s: Mat;
}

/**
 * Seed 002's init: W ~ normal(0, 1/√fan) (784→1/√784, then 1/√32, 1/√32), biases zero. The seed's
 * biases start at 0, which hides the bias bug at step 0; `biasStd > 0` gives them values so checks see them.
 * @example
 * makeParams(80085).W1.cols; // 32
 */
export function makeParams(seed: string | number, opts: { biasStd?: number } = {}): Seed002Params {
  const rng = makeRng(`seed002:${seed}`);
  const bStd = opts.biasStd ?? 0;
  return {
    W1: randnMat(784, 32, rng, 1 / Math.sqrt(784)),
    W2: randnMat(32, 32, rng, 1 / Math.sqrt(32)),
    W3: randnMat(32, 10, rng, 1 / Math.sqrt(32)),
    b1: bStd === 0 ? mat(1, 32) : randnMat(1, 32, rng, bStd),
    b2: bStd === 0 ? mat(1, 32) : randnMat(1, 32, rng, bStd),
    b3: bStd === 0 ? mat(1, 10) : randnMat(1, 10, rng, bStd),
  };
}

/**
 * One seeded sample: a [1,784] with pixels in [0,1) (or [0,255) with `raw`, as the seed fed them) and a label.
 * @example
 * makeSample(0).a.cols; // 784
 */
export function makeSample(seed: string | number, opts: { raw?: boolean } = {}): { a: Mat; y: number } {
  const rng = makeRng(`seed002-sample:${seed}`);
  const a = randMat(1, 784, rng, 0, opts.raw === true ? 255 : 1);
  return { a, y: Math.floor(rng() * 10) };
}

/** The seed's `integer_to_one_hot(y, 10)` as a [1,10] row. @example oneHotRow(3).data[3]; // 1 */
export function oneHotRow(y: number): Mat {
  const out = mat(1, 10);
  out.data[y] = 1;
  return out;
}

/**
 * Seed 002's forward for one sample. `buggy: true` reproduces `Z3 = np.dot(a2, W3, b3)`: numpy takes b3
 * as the `out` buffer, so Z3 = a2 W3 (b3 never enters) and b3 is overwritten with Z3 as a side effect.
 * @example
 * const { a } = makeSample(0); forward(makeParams(0), a, { buggy: true }).s.cols; // 10
 */
export function forward(params: Seed002Params, a: Mat, opts: { buggy?: boolean } = {}): Seed002Outputs {
  const Z1 = add(matmul(a, params.W1), params.b1);
  const a1 = map(Z1, sigmoid);
  const Z2 = add(matmul(a1, params.W2), params.b2);
  const a2 = map(Z2, sigmoid);
  const Z3 = opts.buggy === true ? matmul(a2, params.W3) : add(matmul(a2, params.W3), params.b3);
  return { Z1, a1, Z2, a2, Z3, s: softmax(Z3, 1) };
}

/**
 * Seed 002's `cross_entropy_loss(y_v, s)` = −Σ y·log(s) for one sample.
 * @example
 * const { a, y } = makeSample(0); loss(forward(makeParams(0), a).s, y);
 */
export function loss(s: Mat, y: number): number {
  return -Math.log(s.data[y] as number);
}

const dsigmoid = (z: number): number => sigmoid(z) * (1 - sigmoid(z));

/**
 * Seed 002's backward for one sample, line for line: dZ3 = s − y_v, dW3 = a2ᵀ dZ3, db3 = dZ3,
 * dZ2 = (dZ3 W3ᵀ) ⊙ σ'(Z2), dW2 = a1ᵀ dZ2, db2 = dZ2, dZ1 = (dZ2 W2ᵀ) ⊙ σ'(Z1), dW1 = aᵀ dZ1, db1 = dZ1.
 * Run on the buggy forward's outputs, its db3 is non-zero though b3 does not affect the loss.
 * @example
 * const p = makeParams(0); const { a, y } = makeSample(0);
 * backward(a, y, p, forward(p, a)).W1.rows; // 784
 */
export function backward(a: Mat, y: number, params: Seed002Params, out: Seed002Outputs): Seed002Params {
  const dZ3 = sub(out.s, oneHotRow(y));
  const dW3 = matmul(transpose(out.a2), dZ3);
  const db3 = dZ3;
  const dZ2 = mul(matmul(dZ3, transpose(params.W3)), map(out.Z2, dsigmoid));
  const dW2 = matmul(transpose(out.a1), dZ2);
  const db2 = dZ2;
  const dZ1 = mul(matmul(dZ2, transpose(params.W2)), map(out.Z1, dsigmoid));
  const dW1 = matmul(transpose(a), dZ1);
  const db1 = dZ1;
  return { W1: dW1, b1: db1, W2: dW2, b2: db2, W3: dW3, b3: db3 };
}

/**
 * The seed's second bug made visible: fraction of first-layer sigmoids that are saturated (σ'(z) < 1e-3,
 * so almost no gradient flows) for pixels in [0,1] versus raw [0,255].
 * @example
 * saturation(makeParams(0), makeSample(0).a); // ≈ 0 for scaled pixels
 */
export function saturation(params: Seed002Params, a: Mat): number {
  const Z1 = add(matmul(a, params.W1), params.b1);
  let n = 0;
  for (const z of Z1.data) if (dsigmoid(z) < 1e-3) n++;
  return n / Z1.data.length;
}
