/** The chain-rule explainer: every path's factors with their numbers (scalars), or the backward pass step by step (tensors). */
export { explain } from './explain.js';
export type { Explanation, ExplainOptions, ChainFactor, ChainPath, BackwardStep } from './explain.js';
