/** `defineOp`: a user's differentiable op with a hand-written backward, and `checkOp` to verify it in one call. */
import { show } from '../validate.js';
import { tensor } from '../creation.js';
import { applyOp, type OpDef, type VjpContext } from '../engine/op.js';
import { cast } from '../ops/shape-ops.js';
import type { NestedArray } from '../tensor.js';
import { Tensor } from '../tensor.js';
import { formatShape, sameShape } from '../shape.js';
import { runGradcheck, type GradcheckOptions, type GradcheckReport } from './gradcheck.js';

/** What a user's backward sees besides the output gradient. */
export interface BackwardContext {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** Whatever forward returned as `saved`. */
  readonly saved: unknown;
  /** Which inputs need a gradient (others may get null). */
  readonly needsGrad: readonly boolean[];
  /** True when the backward pass is recorded: write it with tensor ops to be differentiable again. */
  readonly createGraph: boolean;
}

/** One gradient as a backward may return it. */
export type GradientValue = Tensor | NestedArray | Float64Array | Float32Array | null;

/** The definition of a custom op. */
export interface CustomOpSpec {
  readonly name: string;
  /** Runs with recording off; returns the output, or the output and values saved for backward. */
  readonly forward: (...inputs: Tensor[]) => Tensor | { output: Tensor; saved?: unknown };
  /**
   * One gradient per input (a lone gradient is accepted for a one-input op), each of its input's
   * shape: Tensors (built with tensor ops if createGraph should see through them), typed or nested
   * arrays (constants), or null (no gradient).
   */
  readonly backward: (grad: Tensor, ctx: BackwardContext) => GradientValue | readonly GradientValue[];
  /** One human-readable formula per input, shown by tape(), explain() and graphs. */
  readonly formulas?: readonly string[];
}

/** A custom op: call it like any op; `def` is its engine definition. */
export interface CustomOp {
  (...inputs: (Tensor | number)[]): Tensor;
  readonly opName: string;
  readonly def: OpDef<undefined>;
}

function toGradient(spec: CustomOpSpec, i: number, g: GradientValue, input: Tensor): Tensor | null {
  if (g === null || g === undefined) return null;
  let t: Tensor;
  if (g instanceof Tensor) {
    t = g;
  } else {
    try {
      t = tensor(g as NestedArray, { dtype: input.dtype });
    } catch (e) {
      throw new Error(`defineOp '${spec.name}': backward's gradient for input ${i} is not a Tensor or a rectangular array (${(e as Error).message})`);
    }
  }
  if (!sameShape(t.shape, input.shape)) {
    if (t.size === input.size && g instanceof Float64Array) return tensor(g, { shape: [...input.shape], dtype: input.dtype });
    if (t.size === input.size && g instanceof Float32Array) return tensor(g, { shape: [...input.shape], dtype: input.dtype });
    throw new Error(`defineOp '${spec.name}': backward's gradient for input ${i} has shape ${formatShape(t.shape)} but input ${i} has shape ${formatShape(input.shape)}`);
  }
  return t.dtype === input.dtype ? t : cast(t, input.dtype);
}

function nestingDepth(v: unknown): number {
  let depth = 0;
  while (Array.isArray(v)) {
    depth++;
    v = v[0];
  }
  return depth;
}

/**
 * The per-input list a backward returned. A one-input op may return its gradient alone; a nested
 * array then counts as the gradient itself when its depth equals the input's number of axes.
 */
function gradientList(raw: GradientValue | readonly GradientValue[], inputs: readonly Tensor[]): readonly GradientValue[] {
  if (!Array.isArray(raw)) return [raw as GradientValue];
  if (inputs.length !== 1) return raw as readonly GradientValue[];
  // A list holding a Tensor, a typed array or null is a list of gradients (so [g, g] for one input
  // is reported as two gradients, not as a non-rectangular array).
  if (raw.some((x: unknown) => x === null || x instanceof Tensor || ArrayBuffer.isView(x))) return raw as readonly GradientValue[];
  return nestingDepth(raw) === inputs[0]!.ndim ? [raw as GradientValue] : (raw as readonly GradientValue[]);
}

/**
 * Defines a differentiable op from a forward and a hand-written backward. The op works with
 * `backward()`, `grad`, `valueAndGrad` and, when backward is written with tensor ops, with
 * `createGraph` / nested `grad`. A backward that returns the wrong number of gradients or a wrong
 * shape throws an Error naming the op and the input. Check it with {@link checkOp}.
 *
 * @example
 * const cube = defineOp({
 *   name: 'cube',
 *   forward: (x) => x.mul(x).mul(x),
 *   backward: (g, { inputs: [x] }) => [g.mul(x!.mul(x!).mul(3))],
 *   formulas: ['g · 3x²'],
 * });
 * const x = tensor([1, 2], { requiresGrad: true });
 * cube(x).sum().backward();
 * x.grad?.toArray(); // [3, 12]
 * checkOp(cube, [tensor([0.5, -1.5])]).ok; // true
 */
export function defineOp(spec: CustomOpSpec): CustomOp {
  if (spec === null || typeof spec !== 'object') throw new Error(`defineOp: expected { name, forward, backward }, got ${show(spec)}`);
  const { name } = spec;
  if (typeof name !== 'string' || name === '') throw new Error(`defineOp: name must be a non-empty string, got ${show(name)}`);
  if (typeof spec.forward !== 'function') throw new Error(`defineOp '${name}': forward must be a function, got ${show(spec.forward)}`);
  if (typeof spec.backward !== 'function') throw new Error(`defineOp '${name}': backward must be a function, got ${show(spec.backward)}`);
  const arity = Math.max(spec.forward.length, spec.formulas?.length ?? 0, 1);
  const def: OpDef<undefined> = {
    name,
    formulas: spec.formulas ?? Array.from({ length: arity }, (_, i) => `${name}: hand-written backward (input ${i})`),
    forward(inputs) {
      const out = spec.forward(...inputs);
      const output = out instanceof Tensor ? out : out?.output;
      if (!(output instanceof Tensor)) throw new Error(`defineOp '${name}': forward must return a Tensor (or { output, saved }), got ${typeof out}`);
      return out instanceof Tensor ? out : { output, saved: out.saved };
    },
    vjp(ctx: VjpContext<undefined>, g: Tensor) {
      const raw = spec.backward(g, { inputs: ctx.inputs, output: ctx.output, saved: ctx.saved, needsGrad: ctx.needsGrad, createGraph: ctx.createGraph });
      const list = gradientList(raw, ctx.inputs);
      if (list.length !== ctx.inputs.length) {
        throw new Error(`defineOp '${name}': backward returned ${list.length} gradient(s) for ${ctx.inputs.length} input(s); return one per input (null for none)`);
      }
      return list.map((gi, i) => toGradient(spec, i, gi, ctx.inputs[i]!));
    },
  };
  const op = (...inputs: (Tensor | number)[]): Tensor =>
    applyOp(def, inputs.map((x, i) => {
      if (x instanceof Tensor) return x;
      if (typeof x === 'number') return tensor(x);
      throw new Error(`defineOp '${name}': input ${i} must be a Tensor or a number, got ${typeof x}`);
    }), undefined);
  return Object.assign(op, { opName: name, def });
}

/**
 * Checks a custom op's backward against float64 finite differences in one call: gradcheck of the
 * op's output at `sampleInputs` (every Jacobian row for outputs of ≤ 16 elements, else vᵀJ for a
 * seeded random v). A wrong backward fails and the report names the input and element.
 *
 * @example
 * const report = checkOp(cube, [tensor([0.5, -1.5, 2])]);
 * if (!report.ok) console.log(String(report)); // names e.g. ∂out[1]/∂inputs[0][1]
 */
export function checkOp(op: CustomOp | ((...inputs: Tensor[]) => Tensor), sampleInputs: readonly Tensor[], options: GradcheckOptions = {}): GradcheckReport {
  if (typeof op !== 'function') throw new Error(`checkOp: op must be an op (a function of tensors), got ${show(op)}`);
  if (!Array.isArray(sampleInputs)) throw new Error(`checkOp: sampleInputs must be an array of Tensors, got ${show(sampleInputs)}`);
  const opName = 'opName' in op ? op.opName : op.name || 'op';
  const named = sampleInputs.map((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`checkOp '${opName}': sample input ${i} must be a Tensor, got ${show(t)}`);
    if (t.name !== undefined) return t;
    const copy = t.detach();
    copy.name = `${opName}.input${i}`;
    return copy;
  });
  return runGradcheck('checkOp', (...xs: Tensor[]) => op(...xs), named, options);
}
