/** Seed 003 by hand: the ReLU/softmax network's dL/dw_o, dL/db_o, dL/dw_h, dL/db_h, and the write-up's (1−y) slip. */

import type { Mat } from './matrix.js';
import {
  add, makeRng, map, matmul, mul, oneHotMat, randLabels, randMat, randnMat, softmax, sub, sumAxis, transpose,
} from './matrix.js';

/** x_i [N,F] @ w_h [F,H] + b_h [1,H] → relu → @ w_o [H,K] + b_o [1,K] → softmax. */
export interface Seed003Params {
  w_h: Mat;
  b_h: Mat;
  w_o: Mat;
  b_o: Mat;
}

/** The four values the seed's `forward_prop` returns. */
export interface Seed003Outputs {
  z_h: Mat;
  x_h: Mat;
  z_o: Mat;
  x_o: Mat;
}

/**
 * Seeded init (Xavier-like normal, std √(2/(fan_in+fan_out)), small non-zero biases so db is exercised).
 * @example
 * makeParams(0).w_h.rows; // 784
 */
export function makeParams(seed: string | number, F = 784, H = 64, K = 10): Seed003Params {
  const rng = makeRng(`seed003:${seed}`);
  return {
    w_h: randnMat(F, H, rng, Math.sqrt(2 / (F + H))),
    b_h: randnMat(1, H, rng, 0.1),
    w_o: randnMat(H, K, rng, Math.sqrt(2 / (H + K))),
    b_o: randnMat(1, K, rng, 0.1),
  };
}

/**
 * A seeded batch: x [N,F] in [0,1), one-hot target [N,K].
 * @example
 * makeBatch(0, 8).target.cols; // 10
 */
export function makeBatch(seed: string | number, N: number, F = 784, K = 10): { x: Mat; target: Mat } {
  const rng = makeRng(`seed003-batch:${seed}`);
  const x = randMat(N, F, rng);
  return { x, target: oneHotMat(randLabels(N, K, rng), K, 1) };
}

/**
 * The seed's `forward_prop`: z_h = x w_h + b_h, x_h = relu(z_h), z_o = x_h w_o + b_o, x_o = softmax(z_o).
 * @example
 * forward(makeParams(0), makeBatch(0, 4).x).x_o.rows; // 4
 */
export function forward(params: Seed003Params, x: Mat): Seed003Outputs {
  const z_h = add(matmul(x, params.w_h), params.b_h);
  const x_h = map(z_h, (v) => Math.max(v, 0));
  const z_o = add(matmul(x_h, params.w_o), params.b_o);
  return { z_h, x_h, z_o, x_o: softmax(z_o, 1) };
}

/**
 * The loss the derivation differentiates: L = −Σ_n Σ_k y log p (a sum over the batch; the write-up drops
 * the minus sign, which `grad_ce`'s p − y puts back). The seed's `average_ce` is this / N, with eps 1e-5.
 * @example
 * const { x, target } = makeBatch(0, 4); loss(forward(makeParams(0), x).x_o, target);
 */
export function loss(p: Mat, target: Mat, eps = 0): number {
  let s = 0;
  for (let i = 0; i < target.data.length; i++) {
    const y = target.data[i] as number;
    if (y !== 0) s += y * Math.log((p.data[i] as number) + eps);
  }
  return -s;
}

/** The seed's `back_prop` return values. */
export interface Seed003Grads {
  w_h: Mat;
  b_h: Mat;
  w_o: Mat;
  b_o: Mat;
}

/**
 * The backward the code computes with `grad_ce` = p − y (the correct formula):
 * dL/dw_o = x_hᵀ(p − y), dL/db_o = Σ(p − y), dL/dw_h = x_iᵀ[((p − y) w_oᵀ) ⊙ 1(z_h > 0)],
 * dL/db_h = Σ[((p − y) w_oᵀ) ⊙ 1(z_h > 0)].
 * NOTE: relu'(0) is taken as 0, like the derivation's indicator (x_h > 0).
 * @example
 * const p = makeParams(0); const { x, target } = makeBatch(0, 4);
 * backward(x, target, p, forward(p, x)).w_o.rows; // 64
 */
export function backward(x: Mat, target: Mat, params: Seed003Params, out: Seed003Outputs): Seed003Grads {
  const dz_o = sub(out.x_o, target);
  const dz_h = mul(matmul(dz_o, transpose(params.w_o)), map(out.z_h, (v) => (v > 0 ? 1 : 0)));
  return {
    w_o: matmul(transpose(out.x_h), dz_o),
    b_o: sumAxis(dz_o, 0),
    w_h: matmul(transpose(x), dz_h),
    b_h: sumAxis(dz_h, 0),
  };
}

/**
 * The write-up's dL/dw_o exactly as written, x_hᵀ(1 − y): the slip (1 − y) for (p − y).
 * Kept for the bug hunt; the rest of the gradients are the correct ones.
 * @example
 * const p = makeParams(0); const { x, target } = makeBatch(0, 4);
 * backwardAsWritten(x, target, p, forward(p, x)).w_o; // wrong on purpose
 */
export function backwardAsWritten(x: Mat, target: Mat, params: Seed003Params, out: Seed003Outputs): Seed003Grads {
  const right = backward(x, target, params, out);
  const oneMinusY = map(target, (y) => 1 - y);
  return { ...right, w_o: matmul(transpose(out.x_h), oneMinusY) };
}
