/** The keras engine: MNIST as numpy-shaped arrays from a pluggable source, and `to_categorical` (no Python in here). */
export { mnistSplit, setMnistSource, toCategorical } from './datasets.js';
export type { MnistArrays, MnistSource, PlainArray } from './datasets.js';
