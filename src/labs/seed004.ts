/** Seed 004 by hand: the 1-6-7-2 logistic curve network and its six Jacobians J_W3 … J_b1, as the seed's code computes them. */

import type { Mat } from './matrix.js';
import { add, makeRng, map, mat, matmul, mul, randnMat, scale, sub, sumAll, sumAxis, transpose } from './matrix.js';

/** Column vectors: W1 [6,1], b1 [6,1], W2 [7,6], b2 [7,1], W3 [2,7], b3 [2,1]. */
export interface Seed004Params {
  W1: Mat;
  b1: Mat;
  W2: Mat;
  b2: Mat;
  W3: Mat;
  b3: Mat;
}

/** What `network_function` returns. */
export interface Seed004Outputs {
  a0: Mat;
  z1: Mat;
  a1: Mat;
  z2: Mat;
  a2: Mat;
  z3: Mat;
  a3: Mat;
}

/** The seed's σ = 1/(1 + e^−z) (plain, as written). */
const sigma = (z: number): number => 1 / (1 + Math.exp(-z));
/** The seed's σ'(z) = cosh(z/2)^−2 / 4. */
const dSigma = (z: number): number => Math.cosh(z / 2) ** -2 / 4;

/**
 * The seed's `reset_network(6, 7)`: every weight and bias ~ randn / 2, seeded.
 * @example
 * makeParams(0).W2.cols; // 6
 */
export function makeParams(seed: string | number, n1 = 6, n2 = 7): Seed004Params {
  const rng = makeRng(`seed004:${seed}`);
  return {
    W1: randnMat(n1, 1, rng, 0.5),
    W2: randnMat(n2, n1, rng, 0.5),
    W3: randnMat(2, n2, rng, 0.5),
    b1: randnMat(n1, 1, rng, 0.5),
    b2: randnMat(n2, 1, rng, 0.5),
    b3: randnMat(2, 1, rng, 0.5),
  };
}

/**
 * Training data: x [1,N] evenly along the curve in [0,1], y [2,N] points of a closed 2-D curve inside
 * (0,1)² (the seed's own curve ships in a read-only module we do not have; any smooth curve serves).
 * @example
 * curveData(100).y.rows; // 2
 */
export function curveData(N: number): { x: Mat; y: Mat } {
  const x = mat(1, N);
  const y = mat(2, N);
  for (let i = 0; i < N; i++) {
    const t = N === 1 ? 0 : i / (N - 1);
    x.data[i] = t;
    y.data[i] = 0.5 + 0.35 * Math.sin(2 * Math.PI * t) * Math.cos(Math.PI * t);
    y.data[N + i] = 0.5 + 0.35 * Math.cos(2 * Math.PI * t);
  }
  return { x, y };
}

/**
 * `network_function(a0)`: z = W a + b, a = σ(z), three times.
 * @example
 * networkFunction(makeParams(0), curveData(5).x).a3.rows; // 2
 */
export function networkFunction(p: Seed004Params, a0: Mat): Seed004Outputs {
  const z1 = add(matmul(p.W1, a0), p.b1);
  const a1 = map(z1, sigma);
  const z2 = add(matmul(p.W2, a1), p.b2);
  const a2 = map(z2, sigma);
  const z3 = add(matmul(p.W3, a2), p.b3);
  const a3 = map(z3, sigma);
  return { a0, z1, a1, z2, a2, z3, a3 };
}

/**
 * `cost(x, y)` = ‖a3 − y‖² / x.size (Frobenius norm, N = number of training points).
 * @example
 * const { x, y } = curveData(10); cost(makeParams(0), x, y);
 */
export function cost(p: Seed004Params, x: Mat, y: Mat): number {
  const d = sub(networkFunction(p, x).a3, y);
  return sumAll(mul(d, d)) / x.data.length;
}

/** The six Jacobians, keyed by the parameter each differentiates against. */
export type Seed004Grads = Seed004Params;

/**
 * J_W3 … J_b1 exactly as the seed's code: J = 2(a3 − y) ⊙ σ'(z3), then J = (Jᵀ W3)ᵀ ⊙ σ'(z2),
 * then J = (Jᵀ W2)ᵀ ⊙ σ'(z1); each weight Jacobian is J @ a_prevᵀ / N, each bias Σ_cols J / N.
 * @example
 * const { x, y } = curveData(10); jacobians(makeParams(0), x, y).W1.rows; // 6
 */
export function jacobians(p: Seed004Params, x: Mat, y: Mat): Seed004Grads {
  const { a0, z1, a1, z2, a2, z3, a3 } = networkFunction(p, x);
  const N = x.data.length;
  const J3 = mul(scale(sub(a3, y), 2), map(z3, dSigma));
  const J2 = mul(transpose(matmul(transpose(J3), p.W3)), map(z2, dSigma));
  const J1 = mul(transpose(matmul(transpose(J2), p.W2)), map(z1, dSigma));
  return {
    W3: scale(matmul(J3, transpose(a2)), 1 / N),
    b3: scale(sumAxis(J3, 1), 1 / N),
    W2: scale(matmul(J2, transpose(a1)), 1 / N),
    b2: scale(sumAxis(J2, 1), 1 / N),
    W1: scale(matmul(J1, transpose(a0)), 1 / N),
    b1: scale(sumAxis(J1, 1), 1 / N),
  };
}
