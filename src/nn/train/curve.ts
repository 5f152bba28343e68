/** Seed 004: a 1-6-7-2 sigmoid network drawn onto a 2-D curve by noisy steepest descent ("aggression"), with plots. */
import seedrandom from 'seedrandom';
import type { DType } from '../../dtype.js';
import { noGrad } from '../../engine/mode.js';
import { Tensor } from '../../tensor.js';
import { backward } from '../../engine/backward.js';
import { mul, sub } from '../../ops/arithmetic.js';
import { sum } from '../../ops/reduce.js';
import { curveDataset, type CurveData, type CurveTarget } from '../../data/curve.js';
import { loadCheckpoint, restoreParameters, saveCheckpoint } from '../../io/checkpoint.js';
import { MLP } from '../modules.js';
import { checkWeights, DivergenceError, prepareOutput } from './guard.js';
import { createProgress, type Progress } from './progress.js';
import { linePlot, writeRunFiles } from './report.js';

export interface CurveConfig {
  /** Steepest-descent steps. The seed trains for about 50 000. */
  iterations: number;
  /** The step size ("aggression" in the seed's `plot_training`). */
  aggression: number;
  /** Each parameter's gradient is scaled by (1 + noise · N(0, 1)) per step, as in the seed (noise = 1). */
  noise: number;
  hidden: number[];
  target: CurveTarget;
  n: number;
  seed: number | string;
  dtype: DType;
  /** Record the cost every this many iterations (and snapshot the curve 10 times per run). */
  logEvery: number;
}

/** Seed 004's run: `reset_network(6, 7)`, `plot_training(x, y, iterations, aggression=7, noise=1)`. */
export const SEED004: CurveConfig = {
  iterations: 50000, aggression: 7, noise: 1, hidden: [6, 7], target: 'heart', n: 100, seed: 1, dtype: 'float64', logEvery: 100,
};

export interface CurveResult {
  config: CurveConfig;
  finalCost: number;
  history: { iteration: number; cost: number }[];
  model: MLP;
  /** The network's curve: points [x, y] per input sample. */
  fitted: { x: number[]; y: number[] };
}

/**
 * Seed 004's cost: ‖a3 − y‖² summed over the training set, divided by N.
 * @example
 * ```ts
 * const c = curveCost(model, data, input, target); // a 0-d tensor
 * ```
 */
export function curveCost(model: MLP, data: CurveData, input: Tensor, target: Tensor): Tensor {
  const d = sub(model.forward(input), target);
  return mul(sum(mul(d, d)), 1 / data.n);
}

type NoiseState = seedrandom.State.Arc4;

/** The cost may climb to this many times its first value before the run counts as diverged. */
export const COST_GROWTH_LIMIT = 2;

/** A standard normal from two uniforms (Box–Muller, no cached second value, so the state is just the generator's). */
function normal(rng: () => number): number {
  let u = rng();
  while (u <= 0) u = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rng());
}

/**
 * Trains the seed 004 curve network; stops with a {@link DivergenceError} when the cost climbs past
 * {@link COST_GROWTH_LIMIT} times its start (the sigmoids saturate and the net stops learning) or a
 * weight blows up. With `out`: checkpoints (every 5000 iterations and at the end, including
 * the noise generator's state, so `resume` continues exactly), metrics.json/csv, cost.svg and curve.svg.
 *
 * @example
 * ```ts
 * const { finalCost } = trainCurve({ ...SEED004, iterations: 2000 });
 * ```
 */
export function trainCurve(cfg: CurveConfig, options: { out?: string; resume?: boolean; force?: boolean; progress?: Progress } = {}): CurveResult {
  if (!(Number.isInteger(cfg.iterations) && cfg.iterations >= 0)) throw new Error(`trainCurve: iterations must be a non-negative integer, got ${cfg.iterations}`);
  if (!(cfg.aggression > 0)) throw new Error(`trainCurve: aggression must be positive, got ${cfg.aggression}`);
  const progress = options.progress ?? createProgress({ tty: false, quiet: true });
  const data = curveDataset({ n: cfg.n, target: cfg.target });
  const input = new Tensor(cfg.dtype === 'float32' ? Float32Array.from(data.x) : data.x.slice(), [1, data.n]);
  const target = new Tensor(cfg.dtype === 'float32' ? Float32Array.from(data.y) : data.y.slice(), [2, data.n]);
  const model = new MLP({
    sizes: [1, ...cfg.hidden, 2], activation: 'sigmoid', outputActivation: 'sigmoid', layout: 'col', init: 'randn/2', dtype: cfg.dtype, seed: cfg.seed,
  });
  const params = model.namedParameters();
  let rng = seedrandom(`tapegrad-curve-noise:${cfg.seed}`, { state: true });
  let history: { iteration: number; cost: number }[] = [];
  let snapshots: { iteration: number; x: number[]; y: number[] }[] = [];
  let start = 0;
  const ckptPath = options.out === undefined ? null : prepareOutput(options.out, options).checkpoint;
  if (options.resume) {
    if (ckptPath === null) throw new Error('trainCurve: resume needs an output folder (out) holding checkpoint.json');
    const ck = loadCheckpoint(ckptPath, { validateMeta: validateCurveMeta });
    const saved = ck.meta.config as CurveConfig;
    const diff = (Object.keys(cfg) as (keyof CurveConfig)[])
      .filter((k) => k !== 'iterations' && JSON.stringify(cfg[k]) !== JSON.stringify(saved[k]));
    if (diff.length > 0) throw new Error(`trainCurve: cannot resume ${ckptPath} with a different configuration (${diff.join(', ')} changed)`);
    restoreParameters(params, ck);
    rng = seedrandom('', { state: ck.meta.rngState as NoiseState });
    start = ck.meta.iteration as number;
    // The previous run's closing entry is off the logEvery grid; drop it so a resumed history matches an uninterrupted one.
    history = (ck.meta.history as typeof history).filter((h) => h.iteration % cfg.logEvery === 0 && h.iteration < start);
    snapshots = ck.meta.snapshots as typeof snapshots;
  }

  const fittedNow = (): { x: number[]; y: number[] } => noGrad(() => {
    const out = model.forward(input).storage;
    return { x: Array.from(out.subarray(0, data.n)), y: Array.from(out.subarray(data.n)) };
  });
  const snapEvery = Math.max(1, Math.round(cfg.iterations / 10));
  const save = (iteration: number): void => {
    if (ckptPath === null) return;
    saveCheckpoint(ckptPath, { params, meta: { task: 'curve', config: cfg, iteration, rngState: rng.state(), history, snapshots } });
    writeCurveReport(options.out!, cfg, data, history, snapshots, fittedNow());
  };

  const advice = `Try a smaller --aggression (now ${cfg.aggression}; the seed uses 7).`;
  progress.start(Math.max(0, cfg.iterations - start), 'iteration');
  const t0 = performance.now();
  let cost = NaN;
  try {
    for (let it = start; it < cfg.iterations; it++) {
      for (const [, p] of params) p.zeroGrad();
      const c = curveCost(model, data, input, target);
      cost = c.item();
      if (!Number.isFinite(cost)) throw new DivergenceError(it + 1, 0, 0, cost, `the cost is ${cost}`, advice);
      if (it % cfg.logEvery === 0) {
        history.push({ iteration: it, cost });
        const first = history[0]!.cost;
        if (cost > COST_GROWTH_LIMIT * first) {
          throw new DivergenceError(it + 1, 0, 0, cost, `the cost rose from ${first.toPrecision(3)} to ${cost.toPrecision(3)}`, advice);
        }
        checkWeights(params.map(([, p]) => p.storage), it + 1, 0, 0, advice);
      }
      if (it % snapEvery === 0) snapshots.push({ iteration: it, ...fittedNow() });
      backward(c);
      noGrad(() => {
        for (const [, p] of params) {
          const step = cfg.aggression * (1 + normal(rng) * cfg.noise);
          const w = p.storage;
          const g = p.grad!.storage;
          for (let i = 0; i < w.length; i++) w[i] = w[i]! - step * g[i]!;
          p.markModified();
        }
      });
      if ((it + 1) % 100 === 0 || it + 1 === cfg.iterations) {
        const done = it + 1 - start;
        progress.update(done, { epoch: `${it + 1}/${cfg.iterations}`, loss: cost, speed: done / ((performance.now() - t0) / 1000) });
      }
      if ((it + 1) % 5000 === 0 && it + 1 < cfg.iterations) save(it + 1);
    }
  } finally {
    progress.stop();
  }
  const finalCost = noGrad(() => curveCost(model, data, input, target).item());
  if (history[history.length - 1]?.iteration !== cfg.iterations) history.push({ iteration: cfg.iterations, cost: finalCost });
  save(cfg.iterations);
  return { config: cfg, finalCost, history, model, fitted: fittedNow() };
}

/**
 * Writes metrics.json, metrics.csv, cost.svg and curve.svg (target, snapshots, final fit) for a curve run.
 * @example
 * ```ts
 * writeCurveReport('runs/seed004', cfg, curveDataset(), history, [], fitted);
 * ```
 */
export function writeCurveReport(
  dir: string, cfg: CurveConfig, data: CurveData, history: readonly { iteration: number; cost: number }[],
  snapshots: readonly { iteration: number; x: number[]; y: number[] }[], fitted: { x: number[]; y: number[] },
): void {
  const closed = (a: number[]): number[] => (cfg.target === 'heart' ? [...a, a[0]!] : a);
  const tx = Array.from(data.y.subarray(0, data.n));
  const ty = Array.from(data.y.subarray(data.n));
  const curve = linePlot({
    title: `Seed 004 curve: ${cfg.hidden.length === 2 ? `1-${cfg.hidden.join('-')}-2` : ''} after ${history[history.length - 1]?.iteration ?? 0} iterations (aggression ${cfg.aggression})`,
    xLabel: 'a3[0]', yLabel: 'a3[1]', equalAspect: true, xRange: [0, 1], yRange: [0, 1], width: 560, height: 600,
    series: [
      { label: 'target', x: closed(tx), y: closed(ty), color: '#6cbf3a' },
      ...snapshots.map((s) => ({ label: '', x: closed(s.x), y: closed(s.y), color: '#fc75db55' })),
      { label: 'network', x: closed(fitted.x), y: closed(fitted.y), color: '#d98c2b' },
    ],
  });
  const cost = linePlot({
    title: 'Seed 004 cost ‖a3 − y‖² / N (log10)', xLabel: 'iteration', yLabel: 'log10 cost',
    series: [{ label: 'cost', x: history.map((h) => h.iteration), y: history.map((h) => Math.log10(h.cost)) }],
  });
  const final = history[history.length - 1] ?? null;
  writeRunFiles(dir, { task: 'curve', config: cfg, finalCost: final?.cost ?? null, iterations: final?.iteration ?? 0, history },
    history, { 'curve.svg': curve, 'cost.svg': cost });
}

/** Checks a curve checkpoint's metadata field by field; `field(name, problem)` throws naming the file. */
function validateCurveMeta(meta: Record<string, unknown>, field: (name: string, problem: string) => never): void {
  if (meta.task !== 'curve') field('meta.task', `is ${JSON.stringify(meta.task)}, not a curve training checkpoint`);
  const cfg = meta.config as CurveConfig | undefined;
  if (cfg === null || typeof cfg !== 'object' || !Number.isInteger(cfg.iterations) || !(cfg.logEvery >= 1)) field('meta.config', 'is missing or incomplete');
  const it = meta.iteration;
  if (!Number.isInteger(it) || (it as number) < 0 || (it as number) > cfg.iterations) {
    field('meta.iteration', `is ${JSON.stringify(it)}, expected a whole number from 0 to the run's ${cfg.iterations} iterations`);
  }
  const history = meta.history;
  if (!Array.isArray(history)) field('meta.history', 'is not a list');
  const onGrid = history.filter((h: { iteration?: unknown }) => typeof h?.iteration === 'number' && h.iteration % cfg.logEvery === 0 && h.iteration < (it as number));
  const expected = Math.ceil((it as number) / cfg.logEvery);
  if (onGrid.length !== expected) field('meta.history', `has ${onGrid.length} entries before iteration ${it as number}, expected ${expected} (one every ${cfg.logEvery})`);
  history.forEach((h: { iteration?: unknown; cost?: unknown }, i: number) => {
    if (!Number.isInteger(h?.iteration) || typeof h.cost !== 'number' || !Number.isFinite(h.cost)) field(`meta.history[${i}]`, `is ${JSON.stringify(h)}`);
  });
  const rng = meta.rngState as { i?: unknown; j?: unknown; S?: unknown } | undefined;
  if (rng === null || typeof rng !== 'object' || !Number.isInteger(rng.i) || !Number.isInteger(rng.j) || !Array.isArray(rng.S) || rng.S.length !== 256) {
    field('meta.rngState', 'is not a noise generator state');
  }
  if (!Array.isArray(meta.snapshots)) field('meta.snapshots', 'is not a list');
}
