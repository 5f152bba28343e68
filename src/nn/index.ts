/** Public surface of nn: layers, activations, containers and init schemes. */
export { Module, Linear, Activation, Tanh, Sigmoid, ReLU, Sequential, MLP } from './modules.js';
export type { LinearOptions, ActivationName, MLPOptions } from './modules.js';
export { parseInit, formatInit, initWeight, initBias } from './init.js';
export type { InitScheme } from './init.js';
