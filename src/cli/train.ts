/** `tapegrad train mnist|curve [flags] [--json]`: the seed labs' trainings, with progress, metrics, plots and checkpoints. */
import { kernelInfo } from '../kernels/native.js';
import { parseInit } from '../nn/init.js';
import { createProgress } from '../nn/train/progress.js';
import { DivergenceError, SEED000, trainMnist, type MnistConfig } from '../nn/train/mnist.js';
import { SEED004, trainCurve, type CurveConfig } from '../nn/train/curve.js';

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

const MNIST_USAGE = `usage: tapegrad train mnist [flags] [--json]
  --preset seed000|seed002|seed003   start from a seed's settings (default seed000)
  --hidden 128 | 32,32               hidden layer widths
  --activation tanh|relu|sigmoid     hidden activation
  --lr 0.1  --batch 50|full  --epochs 10
  --optimizer sgd|adam  --momentum 0.9
  --init normal:0.3|fanin|randn/2|xavier|xavier-normal|he|uniform:a
  --dtype float32|float64  --seed 1
  --scale 255|1                      divide pixels by this (255 → [0,1]; 1 → raw 0..255)
  --layout row|col                   X as [m,784] (Z = X W + b) or [784,m] (Z = W X + b)
  --limit N                          train on the first N training images only
  --validation N                     hold out the last N training images for validation
  --no-shuffle                       visit samples in order every epoch
  --no-output-bias                   no bias on the output layer (seed 002's np.dot(a2, W3, b3) bug)
  --out DIR (default runs/mnist)  --resume  --quiet  --json`;

const CURVE_USAGE = `usage: tapegrad train curve [flags] [--json]
  --iterations 50000  --aggression 7  --noise 1  --hidden 6,7
  --target heart|lissajous  --seed 1  --dtype float64|float32
  --out DIR (default runs/curve)  --resume  --quiet  --json`;

class UsageError extends Error {}

type Flags = Map<string, string | true>;

const BOOLEAN_FLAGS = new Set(['json', 'resume', 'quiet', 'no-shuffle', 'shuffle', 'no-output-bias', 'help']);

/**
 * Parses `--name value`, `--name=value` and boolean `--name` flags; rejects anything else.
 * @example
 * ```ts
 * parseFlags(['--lr', '0.1', '--json'], ['lr', 'json']); // Map { 'lr' => '0.1', 'json' => true }
 * ```
 */
export function parseFlags(args: readonly string[], allowed: readonly string[]): Flags {
  const flags: Flags = new Map();
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('--')) throw new UsageError(`unexpected argument '${a}'`);
    const eq = a.indexOf('=');
    const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
    if (!allowed.includes(name)) throw new UsageError(`unknown flag --${name}`);
    if (BOOLEAN_FLAGS.has(name)) {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      flags.set(name, true);
    } else if (eq >= 0) {
      flags.set(name, a.slice(eq + 1));
    } else {
      const v = args[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`--${name} needs a value`);
      flags.set(name, v);
    }
  }
  return flags;
}

function num(flags: Flags, name: string, integer = false): number | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n))) {
    throw new UsageError(`--${name} must be ${integer ? 'an integer' : 'a number'}, got '${String(v)}'`);
  }
  return n;
}

function list(flags: Flags, name: string): number[] | undefined {
  const v = flags.get(name);
  if (typeof v !== 'string') return undefined;
  const parts = v.split(',').map((s) => Number(s.trim()));
  if (parts.some((n) => !Number.isInteger(n) || n <= 0)) throw new UsageError(`--${name} must be positive integers separated by commas, got '${v}'`);
  return parts;
}

function oneOf<T extends string>(flags: Flags, name: string, options: readonly T[]): T | undefined {
  const v = flags.get(name);
  if (v === undefined) return undefined;
  if (!options.includes(v as T)) throw new UsageError(`--${name} must be one of ${options.join(', ')}, got '${String(v)}'`);
  return v as T;
}

const MNIST_FLAGS = ['preset', 'hidden', 'activation', 'lr', 'batch', 'epochs', 'optimizer', 'momentum', 'init', 'dtype', 'seed',
  'scale', 'layout', 'limit', 'validation', 'no-shuffle', 'shuffle', 'no-output-bias', 'out', 'resume', 'quiet', 'json', 'help'];
const CURVE_FLAGS = ['iterations', 'aggression', 'noise', 'hidden', 'target', 'seed', 'dtype', 'out', 'resume', 'quiet', 'json', 'help'];

/**
 * Builds an MNIST config from flags over a preset.
 * @example
 * ```ts
 * mnistConfig(parseFlags(['--preset', 'seed002'], ['preset'])).batch; // 1
 * ```
 */
export function mnistConfig(flags: Flags): MnistConfig {
  const presetName = oneOf(flags, 'preset', Object.keys(PRESETS)) ?? 'seed000';
  const cfg: MnistConfig = { ...SEED000, ...PRESETS[presetName] };
  const set = <K extends keyof MnistConfig>(k: K, v: MnistConfig[K] | undefined): void => { if (v !== undefined) cfg[k] = v; };
  set('hidden', list(flags, 'hidden'));
  set('activation', oneOf(flags, 'activation', ['tanh', 'relu', 'sigmoid'] as const));
  set('lr', num(flags, 'lr'));
  set('epochs', num(flags, 'epochs', true));
  set('optimizer', oneOf(flags, 'optimizer', ['sgd', 'adam'] as const));
  set('momentum', num(flags, 'momentum'));
  const init = flags.get('init');
  if (typeof init === 'string') {
    try { parseInit(init); } catch (e) { throw new UsageError((e as Error).message); }
    cfg.init = init;
  }
  set('dtype', oneOf(flags, 'dtype', ['float32', 'float64'] as const));
  const seed = flags.get('seed');
  if (typeof seed === 'string') cfg.seed = Number.isFinite(Number(seed)) ? Number(seed) : seed;
  set('scale', num(flags, 'scale'));
  set('layout', oneOf(flags, 'layout', ['row', 'col'] as const));
  const limit = num(flags, 'limit', true);
  if (limit !== undefined) cfg.limit = limit;
  set('validation', num(flags, 'validation', true));
  if (flags.has('no-shuffle')) cfg.shuffle = false;
  if (flags.has('shuffle')) cfg.shuffle = true;
  if (flags.has('no-output-bias')) cfg.outputBias = false;
  const batch = flags.get('batch');
  const trainCount = Math.min(cfg.limit ?? Infinity, 60000 - cfg.validation);
  if (batch === 'full') cfg.batch = trainCount;
  else set('batch', num(flags, 'batch', true));
  if (presetName === 'seed003' && batch === undefined) cfg.batch = trainCount;
  return cfg;
}

function curveConfig(flags: Flags): CurveConfig {
  const cfg: CurveConfig = { ...SEED004 };
  const iterations = num(flags, 'iterations', true);
  if (iterations !== undefined) cfg.iterations = iterations;
  cfg.aggression = num(flags, 'aggression') ?? cfg.aggression;
  cfg.noise = num(flags, 'noise') ?? cfg.noise;
  cfg.hidden = list(flags, 'hidden') ?? cfg.hidden;
  cfg.target = oneOf(flags, 'target', ['heart', 'lissajous'] as const) ?? cfg.target;
  cfg.dtype = oneOf(flags, 'dtype', ['float32', 'float64'] as const) ?? cfg.dtype;
  const seed = flags.get('seed');
  if (typeof seed === 'string') cfg.seed = Number.isFinite(Number(seed)) ? Number(seed) : seed;
  return cfg;
}

/**
 * Runs `tapegrad train`; returns the exit status (0 ok, 1 training failed, 2 bad usage).
 * @example
 * ```ts
 * await run(['mnist', '--limit', '2000', '--epochs', '1', '--json']);
 * ```
 */
export async function run(args: string[]): Promise<number> {
  const [task, ...rest] = args;
  if (task !== 'mnist' && task !== 'curve') {
    console.error(`tapegrad train: expected 'mnist' or 'curve', got ${task === undefined ? 'nothing' : `'${task}'`}\n\n${MNIST_USAGE}\n\n${CURVE_USAGE}`);
    return 2;
  }
  const usage = task === 'mnist' ? MNIST_USAGE : CURVE_USAGE;
  let flags: Flags;
  try {
    flags = parseFlags(rest, task === 'mnist' ? MNIST_FLAGS : CURVE_FLAGS);
  } catch (e) {
    console.error(`tapegrad train ${task}: ${(e as Error).message}\n\n${usage}`);
    return 2;
  }
  if (flags.has('help')) {
    console.log(usage);
    return 0;
  }
  const json = flags.has('json');
  const out = typeof flags.get('out') === 'string' ? (flags.get('out') as string) : `runs/${task}`;
  const progress = createProgress({ tty: process.stdout.isTTY === true, quiet: flags.has('quiet') });
  const backend = kernelInfo().backend;
  const t0 = performance.now();
  try {
    if (task === 'mnist') {
      const cfg = mnistConfig(flags);
      if (!flags.has('quiet')) {
        console.log(`training ${[784, ...cfg.hidden, 10].join('-')} ${cfg.activation} on MNIST: ${cfg.optimizer}${cfg.momentum > 0 ? ` momentum ${cfg.momentum}` : ''} ` +
          `lr ${cfg.lr}, batch ${cfg.batch}, ${cfg.epochs} epochs, init ${cfg.init}, ${cfg.dtype}, pixels /${cfg.scale}, ${cfg.layout} layout, seed ${cfg.seed} (GEMM: ${backend}) → ${out}`);
      }
      const r = trainMnist(cfg, { out, resume: flags.has('resume'), progress });
      const seconds = (performance.now() - t0) / 1000;
      if (!flags.has('quiet') && r.final !== null) {
        console.log(`final test accuracy ${(100 * r.final.testAccuracy).toFixed(2)}% (loss ${r.final.testLoss.toFixed(4)}) after ${r.history.length} epochs; ${r.epochsRun} run now in ${seconds.toFixed(1)} s; wrote ${out}/{metrics.json,metrics.csv,loss.svg,accuracy.svg,checkpoint.json}`);
      }
      if (json) console.log(JSON.stringify({ task, ok: true, out, seconds, backend, config: cfg, epochs: r.history.length, final: r.final }));
    } else {
      const cfg = curveConfig(flags);
      if (!flags.has('quiet')) {
        console.log(`training the seed 004 curve network 1-${cfg.hidden.join('-')}-2 (sigmoid) by steepest descent: aggression ${cfg.aggression}, noise ${cfg.noise}, ${cfg.iterations} iterations, target ${cfg.target}, seed ${cfg.seed} → ${out}`);
      }
      const r = trainCurve(cfg, { out, resume: flags.has('resume'), progress });
      const seconds = (performance.now() - t0) / 1000;
      if (!flags.has('quiet')) console.log(`final cost ${r.finalCost.toExponential(4)} after ${cfg.iterations} iterations in ${seconds.toFixed(1)} s; wrote ${out}/{metrics.json,metrics.csv,curve.svg,cost.svg,checkpoint.json}`);
      if (json) console.log(JSON.stringify({ task, ok: true, out, seconds, config: cfg, iterations: cfg.iterations, finalCost: r.finalCost }));
    }
    return 0;
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    if (e instanceof UsageError) {
      console.error(`tapegrad train ${task}: ${message}\n\n${usage}`);
      return 2;
    }
    console.error(`tapegrad train ${task}: ${message}`);
    if (json) {
      const extra = e instanceof DivergenceError ? { step: e.step, epoch: e.epoch, batch: e.batch } : {};
      console.log(JSON.stringify({ task, ok: false, error: message, ...extra }));
    }
    return 1;
  }
}
