/** The numpy.random engine: MT19937 and numpy's legacy RandomState algorithms (no Python in here). */
export { MT19937 } from './mt19937.js';
export type { Mt19937State } from './mt19937.js';
export { RandomState } from './random-state.js';
export type { Param, RandomStateState, Sample, Seed, Size } from './random-state.js';
export { correctlyRoundedLog } from './log.js';
