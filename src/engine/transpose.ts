/**
 * Forward mode for an op without a `jvp` rule, by the transpose trick: u ↦ vjp(u) = Jᵀu is linear
 * in u, so the gradient with respect to u of ⟨vjp(u), t⟩ is J·t. It costs the op's VJP and one
 * reverse pass through it (about twice a rule), and needs a backward written with tensor ops.
 */
import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';
import { add, mul } from '../ops/arithmetic.js';
import { sum } from '../ops/reduce.js';
import { runBackward } from './backward.js';
import type { JvpContext } from './forward.js';
import { gradMode, withGradMode } from './mode.js';
import type { OpDef } from './op.js';

/**
 * J·t for `def` at `ctx` (one tangent per input, null for zero). The VJP runs as in a recorded
 * backward (createGraph), so saved shortcuts that are constants are not used; the reverse pass is
 * recorded when grad mode is on, so reverse mode can differentiate the tangent again. A gradient
 * that is a non-zero constant (a backward returning arrays) cannot be linearised: an Error naming
 * the op and input.
 */
export function transposeJvp<A>(def: OpDef<A>, ctx: JvpContext<A>, tangents: readonly (Tensor | null)[]): Tensor | null {
  const createGraph = gradMode.enabled;
  const u = new Tensor(allocate(ctx.output.dtype, ctx.output.size), ctx.output.shape);
  u.requiresGrad = true;
  const s = withGradMode(true, () => {
    const gs = def.vjp({ ...ctx, needsGrad: tangents.map((t) => t !== null), createGraph: true }, u);
    let total: Tensor | null = null;
    tangents.forEach((t, i) => {
      const g = gs[i];
      if (t === null || g === null || g === undefined) return;
      if (!(g instanceof Tensor)) throw new Error(`jvp: backward of '${def.name}' returned a ${typeof g} for input ${i}, expected a Tensor or null`);
      if (!g.requiresGrad) {
        if (g.storage.every((v) => v === 0)) return; // a zero gradient is linear in u too
        throw new Error(
          `jvp: op '${def.name}' has no jvp rule, and its backward's gradient for input ${i} is a constant ` +
            `(not computed from the output gradient with tensor ops), so forward mode cannot linearise it: ` +
            `write the backward with tensor ops, or give the op a jvp rule`,
        );
      }
      const term = sum(mul(g, t));
      total = total === null ? term : add(total, term);
    });
    return total as Tensor | null;
  });
  if (s === null) return null;
  const one = allocate(s.dtype, 1);
  one[0] = 1;
  const found = runBackward([s], [new Tensor(one, s.shape)], { createGraph, retainGraph: createGraph, targets: [u] });
  return found.get(u) ?? null;
}
