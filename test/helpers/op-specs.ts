/**
 * One gradient-test spec per primitive op. `satisfies Record<OpName, OpSpec>` makes an op without
 * a spec a compile error, so no op escapes the registry-driven gradient check.
 */
import fc from 'fast-check';
import seedrandom from 'seedrandom';
import type { OpName, Tensor } from '../../src/index.js';
import * as T from '../../src/index.js';
import { randomItems } from './index-arb.js';

export type Domain = (u: number, rng: () => number) => number;
export const anyReal: Domain = (u) => 4 * u - 2;
export const positive: Domain = (u) => 0.5 + 2 * u;
export const awayFromZero: Domain = (u, rng) => (rng() < 0.5 ? -1 : 1) * (0.3 + 1.7 * u);

export interface OpCase {
  inputs: Tensor[];
  apply: (...xs: Tensor[]) => Tensor;
  label: string;
}

export interface OpSpec {
  /** Random cases: shapes, values and attributes drawn by fast-check. */
  cases: fc.Arbitrary<OpCase>;
  /** Masks and other piecewise-constant ops: no gradient to check, and never recorded. */
  differentiable?: false;
  /** Finite-difference step and tolerances when the default (float64, eps 1e-6) does not fit. */
  tolerance?: { atol: number; rtol: number; eps: number };
  /**
   * 'fallback': the op has no jvp rule of its own and forward mode uses the transpose of its VJP
   * (still checked like the rest). Every other differentiable op must have a rule.
   */
  jvp?: 'fallback';
}

const shapeArb = fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 0, maxLength: 3 });
const seedArb = fc.integer({ min: 0, max: 1_000_000 });

export function filled(shape: readonly number[], domain: Domain, rng: () => number): Tensor {
  const size = shape.reduce((p, d) => p * d, 1);
  const values = new Float64Array(size);
  for (let i = 0; i < size; i++) values[i] = domain(rng(), rng);
  return T.tensor(values, { shape });
}

/** A shape that broadcasts to `shape`: some leading axes dropped, some axes set to 1. */
function broadcastable(shape: readonly number[], rng: () => number): number[] {
  const drop = Math.floor(rng() * (shape.length + 1));
  return shape.slice(drop).map((d) => (rng() < 0.3 ? 1 : d));
}

function unary(apply: (x: Tensor) => Tensor, domain: Domain, label: string): fc.Arbitrary<OpCase> {
  return fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
    const rng = seedrandom(String(seed));
    return { inputs: [filled(shape, domain, rng)], apply, label: `${label} ${JSON.stringify(shape)}` };
  });
}

/** Two operands of broadcast-compatible shapes (either side may be the smaller one). */
function binary(apply: (a: Tensor, b: Tensor) => Tensor, da: Domain, db: Domain, label: string, broadcast = true): fc.Arbitrary<OpCase> {
  return fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
    const rng = seedrandom(String(seed));
    const sa = broadcast && rng() < 0.5 ? broadcastable(shape, rng) : shape;
    const sb = broadcast && rng() < 0.5 ? broadcastable(shape, rng) : shape;
    return {
      inputs: [filled(sa, da, rng), filled(sb, db, rng)], apply,
      label: `${label} ${JSON.stringify(sa)} ${JSON.stringify(sb)}`,
    };
  });
}

/** A reduction case: random axes (maybe none = all, maybe negative) and keepDims. */
function reduction(apply: (x: Tensor, axes: number[] | undefined, keep: boolean) => Tensor, label: string): fc.Arbitrary<OpCase> {
  return fc.record({ shape: shapeArb, seed: seedArb, keep: fc.boolean() }).map(({ shape, seed, keep }) => {
    const rng = seedrandom(String(seed));
    const axes = rng() < 0.3 ? undefined : shape.map((_, i) => i).filter(() => rng() < 0.5).map((a) => (rng() < 0.5 ? a - shape.length : a));
    return {
      inputs: [filled(shape, anyReal, rng)], apply: (x: Tensor) => apply(x, axes, keep),
      label: `${label} ${JSON.stringify(shape)} axes ${JSON.stringify(axes)} keep ${keep}`,
    };
  });
}

function matmulCase(transA: boolean, transB: boolean): fc.Arbitrary<OpCase> {
  return fc.record({ m: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 4 }), seed: seedArb })
    .map(({ m, k, n, seed }) => {
      const rng = seedrandom(String(seed));
      const a = filled(transA ? [k, m] : [m, k], anyReal, rng);
      const b = filled(transB ? [n, k] : [k, n], anyReal, rng);
      return {
        inputs: [a, b], label: `matmul ${m}x${k}x${n} transA ${transA} transB ${transB}`,
        apply: (x: Tensor, y: Tensor) => T.applyOp(T.PRIMITIVES.matmul, [x, y], { transA, transB }),
      };
    });
}

const axisCase = (apply: (x: Tensor, axis: number) => Tensor, label: string): fc.Arbitrary<OpCase> =>
  fc.record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), seed: seedArb }).map(({ shape, seed }) => {
    const rng = seedrandom(String(seed));
    const axis = Math.floor(rng() * shape.length) - (rng() < 0.5 ? shape.length : 0);
    return { inputs: [filled(shape, anyReal, rng)], apply: (x: Tensor) => apply(x, axis), label: `${label} ${JSON.stringify(shape)} axis ${axis}` };
  });

export const OP_SPECS = {
  add: { cases: binary(T.add, anyReal, anyReal, 'add') },
  sub: { cases: binary(T.sub, anyReal, anyReal, 'sub') },
  mul: { cases: binary(T.mul, anyReal, anyReal, 'mul') },
  div: { cases: binary(T.div, anyReal, awayFromZero, 'div') },
  pow: { cases: binary(T.pow, positive, anyReal, 'pow') },
  equal: { cases: binary(T.equalMask, anyReal, anyReal, 'equal'), differentiable: false },
  greater: { cases: binary(T.greaterMask, anyReal, anyReal, 'greater'), differentiable: false },
  greaterEqual: { cases: binary(T.greaterEqualMask, anyReal, anyReal, 'greaterEqual'), differentiable: false },
  neg: { cases: unary(T.neg, anyReal, 'neg') },
  exp: { cases: unary(T.exp, anyReal, 'exp') },
  log: { cases: unary(T.log, positive, 'log') },
  sqrt: { cases: unary(T.sqrt, positive, 'sqrt') },
  abs: { cases: unary(T.abs, awayFromZero, 'abs') },
  tanh: { cases: unary(T.tanh, anyReal, 'tanh') },
  sigmoid: { cases: unary(T.sigmoid, anyReal, 'sigmoid') },
  relu: { cases: unary(T.relu, awayFromZero, 'relu') },
  sign: { cases: unary(T.sign, awayFromZero, 'sign'), differentiable: false },
  tanhBackward: { cases: binary(T.tanhBackward, anyReal, anyReal, 'tanhBackward', false) },
  sigmoidBackward: { cases: binary(T.sigmoidBackward, anyReal, anyReal, 'sigmoidBackward', false) },
  reluBackward: { cases: binary(T.reluBackward, anyReal, awayFromZero, 'reluBackward', false) },
  sum: { cases: reduction(T.sum, 'sum') },
  max: { cases: reduction(T.max, 'max') },
  reshape: {
    cases: fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const x = filled(shape, anyReal, rng);
      return { inputs: [x], apply: (t: Tensor) => T.reshape(t, [-1, 1]), label: `reshape ${JSON.stringify(shape)} → [-1,1]` };
    }),
  },
  transpose: {
    cases: fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const perm = shape.map((_, i) => i).sort(() => rng() - 0.5);
      return { inputs: [filled(shape, anyReal, rng)], apply: (t: Tensor) => T.transpose(t, perm), label: `transpose ${JSON.stringify(shape)} ${JSON.stringify(perm)}` };
    }),
  },
  broadcastTo: {
    cases: fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const small = broadcastable(shape, rng);
      return { inputs: [filled(small, anyReal, rng)], apply: (t: Tensor) => T.broadcastTo(t, shape), label: `broadcastTo ${JSON.stringify(small)} → ${JSON.stringify(shape)}` };
    }),
  },
  cast: {
    // Through float32 and back: float32 rounding (~6e-8 relative) needs a larger step.
    cases: unary((x) => T.cast(T.cast(x, 'float32'), 'float64'), anyReal, 'cast'),
    tolerance: { atol: 1e-4, rtol: 1e-3, eps: 1e-2 },
  },
  matmul: { cases: fc.oneof(matmulCase(false, false), matmulCase(false, true), matmulCase(true, false), matmulCase(true, true)) },
  softmax: { cases: axisCase(T.softmax, 'softmax') },
  logSoftmax: { cases: axisCase(T.logSoftmax, 'logSoftmax') },
  softmaxCrossEntropy: {
    cases: fc.record({ rows: fc.integer({ min: 1, max: 4 }), classes: fc.integer({ min: 1, max: 5 }), seed: seedArb, sum: fc.boolean() })
      .map(({ rows, classes, seed, sum }) => {
        const rng = seedrandom(String(seed));
        const target = T.softmax(filled([rows, classes], anyReal, rng)); // a distribution: both inputs get gradients
        return {
          inputs: [filled([rows, classes], anyReal, rng), target.detach()],
          apply: (z: Tensor, t: Tensor) => T.softmaxCrossEntropy(z, t, { reduction: sum ? 'sum' : 'mean' }),
          label: `softmaxCrossEntropy ${rows}x${classes} ${sum ? 'sum' : 'mean'}`,
        };
      }),
  },
  where: {
    cases: fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const mask = filled(shape, (u) => (u < 0.5 ? 0 : 1), rng);
      return {
        inputs: [filled(shape, anyReal, rng), filled(shape, anyReal, rng)],
        apply: (a: Tensor, b: Tensor) => T.where(mask, a, b), label: `where ${JSON.stringify(shape)}`,
      };
    }),
  },
  gatherFlat: {
    // Through getItem: random numpy index tuples (ints, slices, newaxis, ellipsis, arrays, masks).
    cases: fc.record({ shape: shapeArb, seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const items = randomItems(shape, rng);
      return { inputs: [filled(shape, anyReal, rng)], apply: (t: Tensor) => T.getItem(t, items), label: `getItem ${JSON.stringify(shape)} ${JSON.stringify(items)}` };
    }),
  },
  scatterAddFlat: {
    // Random offsets with repeats, so repeated positions must add up.
    cases: fc.record({ shape: shapeArb, n: fc.integer({ min: 1, max: 6 }), seed: seedArb }).map(({ shape, n, seed }) => {
      const rng = seedrandom(String(seed));
      const size = shape.reduce((p, d) => p * d, 1);
      const offsets = Int32Array.from({ length: n }, () => Math.floor(rng() * size));
      return {
        inputs: [filled([n], anyReal, rng)], label: `scatterAddFlat ${JSON.stringify(shape)} ${offsets.join(',')}`,
        apply: (t: Tensor) => T.applyOp(T.PRIMITIVES.scatterAddFlat, [t], { offsets, shape }),
      };
    }),
  },
  concat: {
    cases: fc.record({ shape: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 3 }), parts: fc.integer({ min: 1, max: 3 }), seed: seedArb })
      .map(({ shape, parts, seed }) => {
        const rng = seedrandom(String(seed));
        const axis = Math.floor(rng() * shape.length);
        const inputs = Array.from({ length: parts }, () => filled(shape.map((d, i) => (i === axis ? 1 + Math.floor(rng() * 3) : d)), anyReal, rng));
        return { inputs, apply: (...xs: Tensor[]) => T.concat(xs, axis), label: `concat ${inputs.map((x) => JSON.stringify(x.shape)).join(' ')} axis ${axis}` };
      }),
  },
  square: { cases: unary(T.square, anyReal, 'square') },
  cosh: { cases: unary(T.cosh, anyReal, 'cosh') },
  sinh: { cases: unary(T.sinh, anyReal, 'sinh') },
  log1p: { cases: unary(T.log1p, (u) => 3 * u - 0.7, 'log1p') },
  expm1: { cases: unary(T.expm1, anyReal, 'expm1') },
  softplus: { cases: unary(T.softplus, (u) => 8 * u - 4, 'softplus') },
  sin: { cases: unary(T.sin, (u) => 8 * u - 4, 'sin') },
  cos: { cases: unary(T.cos, (u) => 8 * u - 4, 'cos') },
  tan: { cases: unary(T.tan, (u) => 2.4 * u - 1.2, 'tan') },
  arcsin: { cases: unary(T.arcsin, (u) => 1.6 * u - 0.8, 'arcsin') },
  arccos: { cases: unary(T.arccos, (u) => 1.6 * u - 0.8, 'arccos') },
  arctan: { cases: unary(T.arctan, (u) => 6 * u - 3, 'arctan') },
  floor: { cases: unary(T.floor, (u, rng) => Math.floor(8 * u - 4) + 0.1 + 0.8 * rng(), 'floor'), differentiable: false },
  ceil: { cases: unary(T.ceil, (u, rng) => Math.floor(8 * u - 4) + 0.1 + 0.8 * rng(), 'ceil'), differentiable: false },
  maximum: { cases: binary(T.maximum, anyReal, anyReal, 'maximum') },
  minimum: { cases: binary(T.minimum, anyReal, anyReal, 'minimum') },
  argmax: { cases: axisCase(T.argmax, 'argmax'), differentiable: false },
  argmin: { cases: axisCase(T.argmin, 'argmin'), differentiable: false },
  batchMatmul: {
    cases: fc.record({ batch: fc.integer({ min: 1, max: 3 }), m: fc.integer({ min: 1, max: 3 }), k: fc.integer({ min: 1, max: 3 }), n: fc.integer({ min: 1, max: 3 }), transA: fc.boolean(), transB: fc.boolean(), seed: seedArb })
      .map(({ batch, m, k, n, transA, transB, seed }) => {
        const rng = seedrandom(String(seed));
        const a = filled(transA ? [batch, k, m] : [batch, m, k], anyReal, rng);
        const b = filled(transB ? [batch, n, k] : [batch, k, n], anyReal, rng);
        return {
          inputs: [a, b], label: `batchMatmul ${batch}x${m}x${k}x${n} transA ${transA} transB ${transB}`,
          apply: (x: Tensor, y: Tensor) => T.applyOp(T.PRIMITIVES.batchMatmul, [x, y], { transA, transB }),
        };
      }),
  },
  linear: {
    cases: fc.record({
      m: fc.integer({ min: 1, max: 4 }), k: fc.integer({ min: 1, max: 4 }), n: fc.integer({ min: 1, max: 4 }), seed: seedArb,
      activation: fc.constantFrom<T.LinearActivation>('identity', 'tanh', 'sigmoid', 'relu'),
    }).map(({ m, k, n, seed, activation }) => {
      const rng = seedrandom(String(seed));
      const relu = activation === 'relu';
      const x = filled([m, k], relu ? positive : anyReal, rng);
      const w = filled([k, n], relu ? positive : anyReal, rng);
      const b = filled([n], anyReal, rng);
      if (relu) {
        // relu's kink: each column's bias puts all its pre-activations ≥ 0.5 above 0 or below it.
        for (let j = 0; j < n; j++) {
          let top = 0;
          for (let i = 0; i < m; i++) {
            let z = 0;
            for (let p = 0; p < k; p++) z += x.storage[i * k + p]! * w.storage[p * n + j]!;
            top = Math.max(top, z);
          }
          b.storage[j] = rng() < 0.5 ? 0.5 : -(top + 0.5);
        }
      }
      return { inputs: [x, w, b], apply: (a: Tensor, c: Tensor, d: Tensor) => T.linear(a, c, d, activation), label: `linear ${m}x${k}x${n} ${activation}` };
    }),
  },
  oneHotLabels: {
    cases: fc.record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const axis = Math.floor(rng() * shape.length);
      const rows = shape.filter((_, i) => i !== axis);
      const labels = filled(rows, (u) => Math.floor(u * shape[axis]!), rng);
      return {
        inputs: [labels], label: `oneHotLabels ${JSON.stringify(shape)} axis ${axis}`,
        apply: (t: Tensor) => T.applyOp(T.PRIMITIVES.oneHotLabels, [t], { shape, axis, dtype: 'float64' }),
      };
    }),
    differentiable: false,
  },
  softmaxCrossEntropyRows: {
    cases: fc.record({ shape: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 3 }), seed: seedArb }).map(({ shape, seed }) => {
      const rng = seedrandom(String(seed));
      const axis = Math.floor(rng() * shape.length);
      const target = T.softmax(filled(shape, anyReal, rng), axis).detach(); // a distribution: both inputs get gradients
      return {
        inputs: [filled(shape, anyReal, rng), target],
        apply: (z: Tensor, t: Tensor) => T.applyOp(T.PRIMITIVES.softmaxCrossEntropyRows, [z, t], { axis }),
        label: `softmaxCrossEntropyRows ${JSON.stringify(shape)} axis ${axis}`,
      };
    }),
  },
} satisfies Record<OpName, OpSpec>;
