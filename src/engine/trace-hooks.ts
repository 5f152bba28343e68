/**
 * The hooks through which `compile` watches and replays a step: one shared state object that the
 * allocator, applyOp, the backward walk, optimizers and tensors consult with a single null check
 * (this module imports nothing, so every layer, tensor.ts included, may use it without a cycle).
 */

import type { Tensor } from '../tensor.js';
import type { OpDef } from './op.js';
import type { TapeNode } from './node.js';

/** What the library tells a tracing `compile` (implemented in compile.ts). */
export interface TraceRecorder {
  /** An op applied at depth 0: `run` applies it; the recorder notes inputs, output and buffers. */
  op(def: OpDef<any>, inputs: readonly Tensor[], attrs: unknown, run: () => Tensor): Tensor;
  /** An op applied below depth 0 (inside another op or a VJP) while tracing: `run` applies it to `inputs`. */
  nested(def: OpDef<any>, inputs: readonly Tensor[], attrs: unknown, run: () => Tensor): Tensor;
  /** A VJP called by the backward walk at depth 0, for the node's output gradient `g`. */
  vjp(node: TapeNode, g: Tensor, needsGrad: readonly boolean[], run: () => readonly (Tensor | null)[]): readonly (Tensor | null)[];
  /**
   * A side effect at depth 0 (an optimizer step, a `.grad` set or cleared): runs now, and again on
   * every replay with `deps` replaced by that replay's tensors. `leaf`: the tensor whose `.grad` it sets.
   */
  effect(run: (deps: readonly Tensor[]) => void, deps: readonly Tensor[], leaf?: Tensor): void;
  /** Throws the error for something a replay could not repeat (`what` says what the step did). */
  refuse(what: string): never;
}

/**
 * `recorder`: set while a step is being traced. `depth`: how deep inside an op, VJP or effect the
 * code runs (only depth 0 is recorded; what runs inside is re-run as a whole on replay).
 * `alloc`: when set, `allocate` asks it for every buffer (to record buffers while tracing, to hand
 * out the preallocated ones while replaying).
 */
export const traceHooks: {
  recorder: TraceRecorder | null;
  depth: number;
  alloc: ((dtype: 'float32' | 'float64', size: number) => Float32Array | Float64Array) | null;
} = { recorder: null, depth: 0, alloc: null };

/**
 * The recorder when what runs now is to be recorded (a step is traced and the code is at depth 0,
 * not inside an op, VJP or effect), else null.
 */
export function recordingAtTop(): TraceRecorder | null {
  return traceHooks.depth === 0 ? traceHooks.recorder : null;
}
