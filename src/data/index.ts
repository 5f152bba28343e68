/** Public surface of the data module: MNIST loading, batching, and the seed 004 curve dataset. */
export { parseIdx, encodeIdx } from './idx.js';
export type { IdxArray } from './idx.js';
export { loadMnist, parseMnist, mnistDataDir } from './mnist.js';
export type { MnistSplit, MnistSplitName } from './mnist.js';
export { epochPermutation, batchRanges, gatherFeatures, gatherOneHot, gatherLabels, sliceDataset } from './batches.js';
export type { ArrayDataset, Layout } from './batches.js';
export { curveDataset } from './curve.js';
export type { CurveData, CurveTarget } from './curve.js';
