/**
 * Forward mode: while a `jvp` call runs, every op also computes its output's tangent from its
 * inputs' tangents (one tangent map per call, a "level"); outside `jvp` it costs one comparison.
 *
 * Levels nest (jvp inside jvp: second-order forward). A level's rule runs with only the levels
 * outside it active, so the outer levels see the inner tangent as one more computed tensor and
 * differentiate it (the JAX discipline that avoids perturbation confusion). Rules are tensor ops,
 * recorded when grad mode is on, so reverse mode can differentiate a tangent too (hvp).
 *
 * An op with its own `jvp` rule uses it. An op without one (a user's `defineOp`, or a new op not
 * yet given a rule) falls back to the transpose trick: u ↦ vjp(u) = Jᵀu is linear in u, so the
 * gradient of ⟨vjp(u), t⟩ with respect to u is J·t. It costs a VJP and its VJP (about twice a
 * rule) and needs the op's backward written with tensor ops.
 */
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import type { OpDef } from './op.js';

/** The tangents of one `jvp` call: primal tensor → tangent (absent = zero). */
export type Level = Map<Tensor, Tensor>;

/**
 * The forward-mode state. `depth` levels of `levels` are active (a rule computation lowers it
 * temporarily to the levels outside its own). `depth === 0` means forward mode is off.
 */
export const forwardMode: { depth: number; levels: Level[] } = { depth: 0, levels: [] };

/** Runs `fn` with a new innermost level holding `seed`'s tangents; the level is dropped afterwards. */
export function withLevel<T>(seed: (level: Level) => void, fn: (level: Level) => T): T {
  const saved = forwardMode.depth;
  const level: Level = new Map();
  forwardMode.levels.length = saved;
  forwardMode.levels.push(level);
  forwardMode.depth = saved + 1;
  try {
    seed(level);
    return fn(level);
  } finally {
    forwardMode.levels.length = saved;
    forwardMode.depth = saved;
  }
}

/** Whether `t` has a tangent in an active level (it varies in forward mode, like requiresGrad in reverse). */
export function hasTangent(t: Tensor): boolean {
  for (let k = 0; k < forwardMode.depth; k++) if (forwardMode.levels[k]!.has(t)) return true;
  return false;
}

/** Gives `to` the tangents `from` has in every active level (for fresh wrappers of the same values). */
export function copyTangents(from: Tensor, to: Tensor): void {
  for (let k = 0; k < forwardMode.depth; k++) {
    const level = forwardMode.levels[k]!;
    const t = level.get(from);
    if (t !== undefined) level.set(to, t);
  }
}

/** What a JVP rule sees: the op's inputs, output, attributes and saved values. */
export interface JvpContext<A = unknown> {
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly attrs: A;
  readonly saved: any;
}

/**
 * Called by applyOp when forward mode is on: the output's tangent in each active level, outermost
 * first, each computed with only the levels outside it active (so a rule that uses the output sees
 * the output's outer tangents already set, and the outer levels differentiate the inner tangent). Returns the output to use (a fresh
 * wrapper when the forward handed back an input, so the input's own tangent is not overwritten).
 */
export function propagateTangents<A>(def: OpDef<A>, inputs: readonly Tensor[], output: Tensor, attrs: A, saved: unknown): Tensor {
  const depth = forwardMode.depth;
  let out = output;
  for (let k = 0; k < depth; k++) {
    const level = forwardMode.levels[k]!;
    let any = false;
    const tangents = inputs.map((x) => {
      const t = level.get(x);
      if (t !== undefined) any = true;
      return t ?? null;
    });
    if (!any) continue;
    if (out === output && inputs.includes(output)) out = new Tensor(output.storage, output.shape);
    forwardMode.depth = k;
    let t: Tensor | null;
    try {
      const ctx: JvpContext<A> = { inputs, output: out, attrs, saved };
      t = def.jvp !== undefined ? def.jvp(ctx, tangents) : transposeJvp(def, ctx, tangents);
    } finally {
      forwardMode.depth = depth;
    }
    if (t !== null) level.set(out, checkTangent(def, t, out));
  }
  return out;
}

/** The engine checks every JVP rule's result: a Tensor of the output's shape and dtype. */
function checkTangent(def: OpDef<any>, t: unknown, output: Tensor): Tensor {
  if (!(t instanceof Tensor)) throw new Error(`jvp rule of '${def.name}' returned a ${typeof t}, expected a Tensor or null`);
  if (!sameShape(t.shape, output.shape)) {
    throw new Error(`jvp rule of '${def.name}' returned a tangent of shape ${formatShape(t.shape)} for an output of shape ${formatShape(output.shape)}`);
  }
  if (t.dtype !== output.dtype) {
    throw new Error(`jvp rule of '${def.name}' returned a ${t.dtype} tangent for a ${output.dtype} output`);
  }
  return t;
}

/**
 * The fallback for ops without a rule (transpose.ts, registered by jvp.ts, which is the only way
 * into forward mode; a hook keeps this module free of reverse-mode and op imports).
 */
export const fallback: { transpose: ((def: OpDef<any>, ctx: JvpContext<any>, tangents: readonly (Tensor | null)[]) => Tensor | null) | null } = {
  transpose: null,
};

function transposeJvp<A>(def: OpDef<A>, ctx: JvpContext<A>, tangents: readonly (Tensor | null)[]): Tensor | null {
  if (fallback.transpose === null) throw new Error(`jvp: op '${def.name}' has no jvp rule and the transpose fallback is not loaded`);
  return fallback.transpose(def, ctx, tangents);
}
