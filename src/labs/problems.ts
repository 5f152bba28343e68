/** The seed labs as checkable problems: each seed's model built with tapegrad ops next to its hand formula. */

import { add, matmul, relu, sigmoid, softmaxCrossEntropy, sub, tanh } from '../index.js';
import type { Tensor } from '../index.js';
import { toTensor } from './bridge.js';
import type { Mat } from './matrix.js';
import { mat, oneHotMat, transpose } from './matrix.js';
import { mnistRows } from './mnist-batch.js';
import * as s0 from './seed000.js';
import * as s1 from './seed001.js';
import * as s2 from './seed002.js';
import * as s3 from './seed003.js';
import * as s4 from './seed004.js';

/** A named hand formula to check: plain matrices in, plain matrices out; the loss built with tapegrad ops. */
export interface LabProblem {
  params: Record<string, Mat>;
  loss: (p: Record<string, Tensor>) => Tensor;
  hand: (p: Record<string, Mat>) => Record<string, Mat>;
  /** The batch size the loss averages over, so verifyGradients can call a factor m "a missing 1/m". */
  batchSize?: number;
  /** Where the inputs came from (real MNIST images or seeded synthetic ones). */
  data?: string;
}

/** Optional sizes and seed for the MLP problems (defaults: the seed's sizes, seed 0 or the seed's own). */
export interface MlpDims {
  seed?: number;
  nx?: number;
  nh?: number;
  ny?: number;
}

/** Real MNIST images fit only the seeds' own sizes (784 inputs, 10 classes). */
function useMnist(d: MlpDims): boolean {
  return (d.nx ?? 784) === 784 && (d.ny ?? 10) === 10;
}

/** The data line for a problem's report. */
function dataNote(real: { source: string } | null, synthetic: string): string {
  return real === null ? synthetic : real.source;
}

/** Batch size used by the MLP checks: small, so a full check takes a fraction of a second. */
export const CHECK_BATCH = 8;

function P(p: Record<string, Tensor>, k: string): Tensor {
  const t = p[k];
  if (t === undefined) throw new Error(`labs: parameter '${k}' missing`);
  return t;
}

function M(p: Record<string, Mat>, k: string): Mat {
  const m = p[k];
  if (m === undefined) throw new Error(`labs: parameter '${k}' missing`);
  return m;
}

/** The scalar chain's fixed inputs (w1 is the parameter). */
export const SCALAR_CHAIN = { w1: 0.8, w2: -1.5, x1: 1.7, y: 1 } as const;

/**
 * Seed 000's scalar chain J = ½(σ(w2·σ(w1·x1)) − y)² with w1 as the parameter.
 * @example
 * runProblem('s', 't', scalarChainProblem()).ok;
 */
export function scalarChainProblem(): LabProblem {
  const { w2, x1, y } = SCALAR_CHAIN;
  return {
    params: { w1: mat(1, 1, [SCALAR_CHAIN.w1]) },
    loss: (p) => sigmoid(sigmoid(P(p, 'w1').mul(x1)).mul(w2)).sub(y).pow(2).mul(0.5).sum(),
    hand: (p) => ({ w1: mat(1, 1, [s0.scalarChain({ w1: M(p, 'w1').data[0] as number, w2, x1, y }).dJ_dw1]) }),
  };
}

/**
 * Seed 000's column-major MLP: X [784,m], softmax over axis 0, mean cross-entropy over the m columns.
 * @example
 * seed000Problem().params.W1!.rows; // 128
 */
export function seed000Problem(m = CHECK_BATCH, dims: MlpDims & { wrongBiasAxis?: boolean } = {}): LabProblem {
  const params = s0.makeParams(dims.seed ?? 0, dims.nx, dims.nh, dims.ny);
  const real = useMnist(dims) ? mnistRows(m) : null;
  const { X, Y } = real === null ? s0.makeBatch(dims.seed ?? 0, m, dims.nx, dims.ny)
    : { X: transpose(real.rows), Y: oneHotMat(real.labels, 10, 0) };
  const Xt = toTensor(X);
  const Yt = toTensor(Y);
  return {
    batchSize: m,
    data: dataNote(real, `${m} seeded synthetic inputs in [0,1)`),
    params: { ...params },
    loss: (p) => {
      const A1 = tanh(add(matmul(P(p, 'W1'), Xt), P(p, 'b1')));
      return softmaxCrossEntropy(add(matmul(P(p, 'W2'), A1), P(p, 'b2')), Yt, { axis: 0 });
    },
    hand: (p) => {
      const q = { W1: M(p, 'W1'), b1: M(p, 'b1'), W2: M(p, 'W2'), b2: M(p, 'b2') };
      const g = (dims.wrongBiasAxis === true ? s0.backwardWrongBiasAxis : s0.backward)(X, Y, q, s0.forward(q, X));
      return { W1: g.dW1, b1: g.db1, W2: g.dW2, b2: g.db2 };
    },
  };
}

/**
 * Seed 001's row-major MLP: X [m,784], b1 [1,128], softmax per row, mean cross-entropy; `slip` plants
 * one of the write-up's slips into the hand formula.
 * @example
 * seed001Problem().params.W1!.rows; // 784
 */
export function seed001Problem(opts: { slip?: s1.Seed001Slip } & MlpDims = {}, m = CHECK_BATCH): LabProblem {
  const params = s1.makeParams(opts.seed ?? 42, opts.nx, opts.nh, opts.ny);
  const real = useMnist(opts) ? mnistRows(m) : null;
  const { X, Y } = real === null ? s1.makeBatch(opts.seed ?? 0, m, opts.nx, opts.ny)
    : { X: real.rows, Y: oneHotMat(real.labels, 10, 1) };
  const Xt = toTensor(X);
  const Yt = toTensor(Y);
  return {
    batchSize: m,
    data: dataNote(real, `${m} seeded synthetic inputs in [0,1)`),
    params: { ...params },
    loss: (p) => {
      const A1 = tanh(add(matmul(Xt, P(p, 'W1')), P(p, 'b1')));
      return softmaxCrossEntropy(add(matmul(A1, P(p, 'W2')), P(p, 'b2')), Yt);
    },
    hand: (p) => {
      const q = { W1: M(p, 'W1'), b1: M(p, 'b1'), W2: M(p, 'W2'), b2: M(p, 'b2') };
      const out = s1.forward(q, X);
      return { ...(opts.slip === undefined ? s1.backward(X, q, out, Y) : s1.backwardAsWritten(X, q, out, Y, opts.slip)) };
    },
  };
}

/**
 * Seed 002's per-sample net on one sample; `buggy` reproduces `np.dot(a2, W3, b3)` (b3 left out).
 * Biases get small random values (the seed starts them at 0) so their paths are exercised.
 * @example
 * seed002Problem().params.W3!.cols; // 10
 */
export function seed002Problem(opts: { buggy?: boolean } = {}): LabProblem {
  const buggy = opts.buggy === true;
  const params = s2.makeParams(80085, { biasStd: 0.3 });
  const real = mnistRows(1);
  const { a, y } = real === null ? s2.makeSample(0) : { a: real.rows, y: real.labels[0] as number };
  const at = toTensor(a);
  return {
    data: dataNote(real, 'one seeded synthetic input in [0,1)'),
    params: { ...params },
    loss: (p) => {
      const a1 = sigmoid(add(matmul(at, P(p, 'W1')), P(p, 'b1')));
      const a2 = sigmoid(add(matmul(a1, P(p, 'W2')), P(p, 'b2')));
      const z3 = buggy ? matmul(a2, P(p, 'W3')) : add(matmul(a2, P(p, 'W3')), P(p, 'b3'));
      return softmaxCrossEntropy(z3, [y], { reduction: 'sum' });
    },
    hand: (p) => {
      const q = { W1: M(p, 'W1'), b1: M(p, 'b1'), W2: M(p, 'W2'), b2: M(p, 'b2'), W3: M(p, 'W3'), b3: M(p, 'b3') };
      return { ...s2.backward(a, y, q, s2.forward(q, a, { buggy })) };
    },
  };
}

/**
 * Seed 003's relu/softmax net, summed cross-entropy (the derivation's L); `asWritten` uses x_hᵀ(1 − y).
 * @example
 * seed003Problem().params.w_o!.rows; // 64
 */
export function seed003Problem(opts: { asWritten?: boolean } & MlpDims = {}, N = CHECK_BATCH): LabProblem {
  const params = s3.makeParams(opts.seed ?? 0, opts.nx, opts.nh, opts.ny);
  const real = useMnist(opts) ? mnistRows(N) : null;
  const { x, target } = real === null ? s3.makeBatch(opts.seed ?? 0, N, opts.nx, opts.ny)
    : { x: real.rows, target: oneHotMat(real.labels, 10, 1) };
  const xt = toTensor(x);
  const tt = toTensor(target);
  return {
    data: dataNote(real, `${N} seeded synthetic inputs in [0,1)`),
    params: { ...params },
    loss: (p) => {
      const x_h = relu(add(matmul(xt, P(p, 'w_h')), P(p, 'b_h')));
      return softmaxCrossEntropy(add(matmul(x_h, P(p, 'w_o')), P(p, 'b_o')), tt, { reduction: 'sum' });
    },
    hand: (p) => {
      const q = { w_h: M(p, 'w_h'), b_h: M(p, 'b_h'), w_o: M(p, 'w_o'), b_o: M(p, 'b_o') };
      const f = opts.asWritten === true ? s3.backwardAsWritten : s3.backward;
      return { ...f(x, target, q, s3.forward(q, x)) };
    },
  };
}

/** Number of curve points the seed 004 check uses. */
export const CURVE_POINTS = 100;

/**
 * Seed 004's curve network, cost ‖a3 − y‖²/N.
 * @example
 * seed004Problem().params.W3!.rows; // 2
 */
export function seed004Problem(
  hand: (p: s4.Seed004Params, x: Mat, y: Mat) => s4.Seed004Grads = s4.jacobians,
  opts: { seed?: number; points?: number; n1?: number; n2?: number } = {},
): LabProblem {
  const params = s4.makeParams(opts.seed ?? 0, opts.n1, opts.n2);
  const { x, y } = s4.curveData(opts.points ?? CURVE_POINTS);
  const xt = toTensor(x);
  const yt = toTensor(y);
  return {
    data: `${x.data.length} points along a closed 2-D curve (the seed's own curve is not in the write-up)`,
    params: { ...params },
    loss: (p) => {
      const a1 = sigmoid(add(matmul(P(p, 'W1'), xt), P(p, 'b1')));
      const a2 = sigmoid(add(matmul(P(p, 'W2'), a1), P(p, 'b2')));
      const a3 = sigmoid(add(matmul(P(p, 'W3'), a2), P(p, 'b3')));
      const d = sub(a3, yt);
      return d.mul(d).sum().div(x.data.length);
    },
    hand: (p) => ({ ...hand({ W1: M(p, 'W1'), b1: M(p, 'b1'), W2: M(p, 'W2'), b2: M(p, 'b2'), W3: M(p, 'W3'), b3: M(p, 'b3') }, x, y) }),
  };
}

