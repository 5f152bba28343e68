/** The seed labs' checks: each seed's hand formula verified against autodiff and finite differences. */

import type { SeedCheckReport } from './report.js';
import { runProblem } from './report.js';
import type { LabProblem } from './problems.js';
import {
  CHECK_BATCH, CURVE_POINTS, SCALAR_CHAIN, scalarChainProblem, seed000Problem, seed001Problem, seed002Problem,
  seed003Problem, seed004Problem,
} from './problems.js';
import { scale } from './matrix.js';
import { mnistRows } from './mnist-batch.js';
import * as s0 from './seed000.js';
import * as s1 from './seed001.js';
import * as s2 from './seed002.js';

/** A runnable seed check. */
export interface SeedCheck {
  name: string;
  title: string;
  run(): SeedCheckReport;
}

function scalarNotes(): string[] {
  const r = s0.scalarChain(SCALAR_CHAIN);
  const f = r.factors;
  return [
    `w1=${SCALAR_CHAIN.w1}, w2=${SCALAR_CHAIN.w2}, x1=${SCALAR_CHAIN.x1}, y=${SCALAR_CHAIN.y}: ŷ=${r.yhat.toFixed(6)}, J=${r.J.toExponential(6)}`,
    `(ŷ−y)=${f.dJ_dyhat.toFixed(6)} · ŷ(1−ŷ)=${f.dyhat_dz2.toFixed(6)} · w2=${f.dz2_da1} · a1(1−a1)=${f.da1_dz1.toFixed(6)} · x1=${f.dz1_dw1} = ${r.dJ_dw1.toExponential(10)}`,
  ];
}

function loopNote(): string[] {
  const v = s1.seed001LoopVisits();
  return [
    `training-loop bug: range(0, X_train.shape[1]=${v.loopBound}, 128) runs ${v.batches} batches = ${v.samplesVisited} of ${v.fullSet} samples per epoch (${(100 * v.fractionVisited).toFixed(2)} %)`,
  ];
}

/** Seed 002's raw-pixel bug measured: saturated first-layer sigmoids on one image, raw vs scaled. */
export interface Saturation {
  raw: number;
  scaled: number;
  source: string;
}

/**
 * Share of seed 002's first-layer sigmoids with σ'(z) < 1e-3 on one input fed raw (0–255, as the seed
 * did) and scaled (0–1): the first MNIST test image, or a seeded synthetic one when MNIST is missing.
 * @example
 * const s = seed002Saturation(); s.raw > s.scaled; // true
 */
export function seed002Saturation(): Saturation {
  const p = s2.makeParams(80085);
  const real = mnistRows(1);
  const scaledInput = real === null ? s2.makeSample(0).a : real.rows;
  return {
    raw: s2.saturation(p, scale(scaledInput, 255)),
    scaled: s2.saturation(p, scaledInput),
    source: real === null ? 'a seeded synthetic input' : 'the first MNIST test image',
  };
}

function saturationNote(): string[] {
  const s = seed002Saturation();
  return [
    `pixels not divided by 255: ${(100 * s.raw).toFixed(1)} % of first-layer sigmoids saturate (σ' < 1e-3) on ${s.source} fed raw 0–255 vs ${(100 * s.scaled).toFixed(1)} % fed 0–1`,
  ];
}

/**
 * Every seed lab's check, in seed order. Each `run()` takes well under a second.
 * @example
 * for (const c of seedChecks()) console.log(c.run().toString());
 */
export function seedChecks(): SeedCheck[] {
  const check = (name: string, title: string, problem: () => LabProblem, notes: () => string[] = () => []): SeedCheck => ({
    name, title, run: () => runProblem(name, title, problem(), notes()),
  });
  return [
    check('seed000-scalar', 'scalar chain dJ/dw1 = (ŷ−y)·ŷ(1−ŷ)·w2·a1(1−a1)·x1', scalarChainProblem, scalarNotes),
    check('seed000-mlp', `784-128-10 tanh/softmax backward, column-major (m = ${CHECK_BATCH})`, () => seed000Problem()),
    check('seed001-mlp', `784-128-10 tanh/softmax backward, row-major (m = ${CHECK_BATCH})`, () => seed001Problem(), loopNote),
    check('seed002-sample', '784-32-32-10 sigmoid/softmax per-sample backward (b3 fixed into the forward)', () => seed002Problem(), saturationNote),
    check('seed003-relu', `relu/softmax backward dL/dw_o, db_o, dw_h, db_h (N = ${CHECK_BATCH}, summed CE)`, () => seed003Problem()),
    check('seed004-curve', `1-6-7-2 logistic curve net, J_W3 … J_b1 (N = ${CURVE_POINTS})`, () => seed004Problem()),
  ];
}

/**
 * One seed check by name (e.g. 'seed001-mlp').
 * @example
 * console.log(seedCheck('seed004-curve').run().toString());
 */
export function seedCheck(name: string): SeedCheck {
  const c = seedChecks().find((s) => s.name === name);
  if (c === undefined) {
    throw new Error(`seedCheck: no check named '${name}' (have ${seedChecks().map((s) => s.name).join(', ')})`);
  }
  return c;
}
