/** Node-only training runners (they read MNIST and write checkpoints, metrics and plots): export from 'tapegrad/node'. */
export { trainMnist, evaluate, buildMnist, formatEpoch, writeMnistReport, DivergenceError, SEED000 } from './mnist.js';
export type { MnistConfig, EpochMetrics, MnistResult, RunOptions } from './mnist.js';
export { trainCurve, curveCost, writeCurveReport, SEED004 } from './curve.js';
export type { CurveConfig, CurveResult } from './curve.js';
export { createProgress } from './progress.js';
export type { Progress } from './progress.js';
export { toCsv, writeRunFiles } from './report.js';
