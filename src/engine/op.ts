/** The one way an op runs: compute forward with recording off, then append a tape node if needed. */
import { Tensor } from '../tensor.js';
import { forwardMode, propagateTangents, type JvpContext } from './forward.js';
import { gradMode } from './mode.js';
import { TapeNode } from './node.js';
import { traceHooks } from './trace-hooks.js';
import { show } from '../validate.js';

/** What a VJP rule sees: the op's inputs, output, attributes and saved values. */
export interface VjpContext<A = unknown> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
  readonly saved: any;
  /** Which inputs need a gradient; a rule may return null for the others and skip the work. */
  readonly needsGrad: readonly boolean[];
  /** True when this backward pass is itself recorded (createGraph): saved shortcuts that are
   * constants with respect to the inputs must not be used then. */
  readonly createGraph: boolean;
}

/**
 * One op, declared in one place: its forward computation and its vector-Jacobian product per input.
 * VJPs are written with tensor ops, so a recorded backward pass can be differentiated again.
 */
export interface OpDef<A = undefined> {
  readonly name: string;
  /** Runs with recording off; returns the result, or the result plus values saved for `vjp`. */
  forward(inputs: readonly Tensor[], attrs: A): Tensor | { output: Tensor; saved: unknown };
  /** Gradients of the inputs given the gradient `g` of the output (same shapes and dtypes as inputs). */
  vjp(ctx: VjpContext<A>, g: Tensor): readonly (Tensor | null)[];
  /**
   * Forward mode: the output's tangent J·t from the inputs' tangents (null = zero), written with
   * tensor ops like `vjp`; null when the tangent is zero. Ops without a rule fall back to the
   * transpose of their `vjp` (see `jvp`).
   */
  jvp?(ctx: JvpContext<A>, tangents: readonly (Tensor | null)[]): Tensor | null;
  /** One human-readable formula per input, e.g. 'g · (1 − y²)': shown by explainers and graphs. */
  readonly formulas: readonly string[];
  /** False for ops whose output is piecewise constant (masks, argmax): never recorded. */
  readonly differentiable?: boolean;
}

/**
 * Applies `def` to `inputs`, recording a tape node when recording is on and an input requires grad.
 * @example
 * const twice: OpDef = { name: 'twice', formulas: ['2·g'], forward: ([x]) => x!.mul(2), vjp: (_ctx, g) => [g.mul(2)] };
 * const x = tensor([1, 2], { requiresGrad: true });
 * applyOp(twice, [x], undefined).sum().backward();
 * x.grad!.toArray(); // [2, 2]
 */
export function applyOp<A>(def: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const recorder = traceHooks.recorder;
  if (recorder !== null) {
    const run = (): Tensor => applyNow(def, inputs, attrs);
    return traceHooks.depth === 0 ? recorder.op(def, inputs, attrs, run) : recorder.nested(def, inputs, attrs, run);
  }
  return applyNow(def, inputs, attrs);
}

/** applyOp itself, without the tracing check. */
function applyNow<A>(def: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  let record = false;
  let result: Tensor | { output: Tensor; saved: unknown };
  if (gradMode.enabled) {
    if (def.differentiable !== false) {
      for (let i = 0; i < inputs.length; i++) if (inputs[i]!.requiresGrad) record = true;
    }
    gradMode.enabled = false;
    try {
      result = def.forward(inputs, attrs);
    } finally {
      gradMode.enabled = true;
    }
  } else {
    result = def.forward(inputs, attrs);
  }
  let output: Tensor;
  let saved: unknown;
  if (result instanceof Tensor) {
    output = result;
  } else {
    output = (result as { output?: Tensor } | null)?.output as Tensor;
    if (!(output instanceof Tensor)) {
      throw new Error(`applyOp: forward of '${def.name}' returned ${show(result)}, expected a Tensor or { output, saved }`);
    }
    saved = result.saved;
  }
  // Version counters (see Tensor.markModified): a forward that returns a view of an input
  // (reshape) shares that input's counter; `counted` says whether any input has a counter at all.
  let counted = false;
  for (let i = 0; i < inputs.length; i++) {
    const input = inputs[i]!;
    if (input.storage === output.storage && input !== output && output.versionCell === null) input.shareVersion(output);
    if (input.versionCell !== null) counted = true;
  }
  if (record) {
    // A forward that hands back an input (or an already recorded tensor) gets a fresh wrapper, so
    // recording never rewires a tensor that exists elsewhere.
    if (output.node !== null || output.requiresGrad || inputs.includes(output)) {
      output = output.shareVersion(new Tensor(output.storage, output.shape));
    }
    const node = new TapeNode(def, inputs, output, attrs, saved);
    // Without any counter every version is 0 and nothing is stored (the common, cheap case).
    if (counted || output.versionCell !== null) node.versions = versionsOf(inputs, output);
    output.attachNode(node);
  }
  // Forward mode (inside jvp only): tangents of the output, from the inputs' tangents.
  if (forwardMode.depth !== 0 && def.differentiable !== false) output = propagateTangents(def, inputs, output, attrs, saved);
  return output;
}

/** The versions backward must find again: the inputs', then the output's. */
function versionsOf(inputs: readonly Tensor[], output: Tensor): number[] {
  const versions = new Array<number>(inputs.length + 1);
  for (let i = 0; i < inputs.length; i++) versions[i] = inputs[i]!.version;
  versions[inputs.length] = output.version;
  return versions;
}

/**
 * {@link applyOp} for callers outside the library (exported as `applyOp`): checks the definition
 * and the inputs first, so a mistake is an Error naming applyOp rather than a TypeError deep inside.
 * The ops themselves call the unchecked one.
 * @example
 * const half: OpDef = { name: 'half', formulas: ['g/2'], forward: ([x]) => x!.div(2), vjp: (_ctx, g) => [g.div(2)] };
 * applyOp(half, [tensor([4])], undefined).toArray(); // [2] (applyOp here is this checked one)
 */
export function applyOpChecked<A>(def: OpDef<A>, inputs: readonly Tensor[], attrs: A): Tensor {
  const d = def as Partial<OpDef<A>> | null;
  if (d === null || typeof d !== 'object' || typeof d.name !== 'string' || typeof d.forward !== 'function' ||
    typeof d.vjp !== 'function' || !Array.isArray(d.formulas)) {
    throw new Error(`applyOp: def must be an OpDef { name, forward, vjp, formulas }, got ${show(def)}${d !== null && typeof d === 'object' ? ` with keys [${Object.keys(d).join(', ')}]` : ''}`);
  }
  if (!Array.isArray(inputs)) throw new Error(`applyOp: inputs of '${d.name}' must be an array of Tensors, got ${show(inputs)}`);
  inputs.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`applyOp: input ${i} of '${d.name}' must be a Tensor, got ${show(t)}`);
  });
  return applyOp(def, inputs, attrs);
}
