/** Public surface of the optimizers: SGD (with seed 003's momentum) and Adam, with state save/restore. */
export { Optimizer } from './optimizer.js';
export type { OptimizerState, ParamsInput } from './optimizer.js';
export { SGD } from './sgd.js';
export type { SGDOptions } from './sgd.js';
export { Adam } from './adam.js';
export type { AdamOptions } from './adam.js';
