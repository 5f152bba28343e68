/** Node-only training runners (they read MNIST and write checkpoints, metrics and plots): export from 'tapegrad/node'. */
export { trainMnist, evaluate, buildMnist, formatEpoch, writeMnistReport, DivergenceError, SEED000 } from './mnist.js';
export type { MnistConfig, EpochMetrics, MnistResult, RunOptions } from './mnist.js';
export { trainCurve, curveCost, writeCurveReport, SEED004 } from './curve.js';
export type { CurveConfig, CurveResult } from './curve.js';
export { createProgress } from './progress.js';
export type { Progress } from './progress.js';
export { toCsv, writeRunFiles } from './report.js';
export { LossWatch, checkWeights, largestMagnitude, prepareOutput, LOSS_GROWTH_LIMIT, WEIGHT_LIMIT } from './guard.js';
export type { OutputOptions } from './guard.js';
export { COST_GROWTH_LIMIT } from './curve.js';
export { MNIST_TRAIN_COUNT } from './mnist.js';
