/**
 * Every primitive op in one typed table. Tests iterate this table (each op must have a gradient
 * test spec, which the compiler enforces through `OpName`), and the docs list it.
 */
import type { OpDef } from '../engine/op.js';
import { ARITHMETIC_OPS } from './arithmetic.js';
import { INDEXING_OPS } from './indexing.js';
import { JOIN_OPS } from './join.js';
import { MINMAX_OPS } from './minmax.js';
import { REDUCE_EXTRA_OPS } from './reduce-extra.js';
import { UNARY_EXTRA_OPS } from './unary-extra.js';
import { MATMUL_OPS } from './matmul.js';
import { LINEAR_OPS } from './linear.js';
import { REDUCE_OPS } from './reduce.js';
import { SHAPE_OPS } from './shape-ops.js';
import { SOFTMAX_OPS } from './softmax.js';
import { TRIG_OPS } from './trig.js';
import { UNARY_OPS } from './unary.js';
import { WHERE_OPS } from './where.js';

/**
 * The primitive ops by name, each an {@link OpDef}: forward, one VJP per input, one formula per input.
 * @example
 * Object.keys(PRIMITIVES).includes('matmul'); // true
 * PRIMITIVES.tanh.formulas; // ['g · (1 − y²)']
 */
export const PRIMITIVES = {
  ...ARITHMETIC_OPS, ...UNARY_OPS, ...REDUCE_OPS, ...SHAPE_OPS, ...MATMUL_OPS, ...SOFTMAX_OPS, ...WHERE_OPS,
  ...INDEXING_OPS, ...JOIN_OPS, ...UNARY_EXTRA_OPS, ...MINMAX_OPS, ...REDUCE_EXTRA_OPS, ...LINEAR_OPS, ...TRIG_OPS,
} satisfies Record<string, OpDef<any>>;

/** The name of a primitive op ('add', 'matmul', …). */
export type OpName = keyof typeof PRIMITIVES;
