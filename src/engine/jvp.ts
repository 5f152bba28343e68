/**
 * Forward-mode transforms: jvp(f, primals, tangents) (values and directional derivatives),
 * hvp(f, primals, vectors) (Hessian-vector products, reverse over forward) and hessian(f, x).
 */
import { allocate } from '../dtype.js';
import { formatShape, sameShape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { cast } from '../ops/shape-ops.js';
import { copyTangents, fallback, withLevel } from './forward.js';
import { grad } from './grad.js';
import { gradMode } from './mode.js';
import { applyOp, type OpDef } from './op.js';
import { transposeJvp } from './transpose.js';

// jvp is the only way into forward mode, so the fallback is registered where it is used.
fallback.transpose = transposeJvp;

/** What {@link jvp} returns for a function with one output. */
export interface JvpResult {
  /** f(primals). */
  readonly value: Tensor;
  /** The directional derivative J·t: the tangent of the output, of its shape. */
  readonly tangent: Tensor;
}

/** What {@link jvp} returns for a function with several outputs (an array of Tensors). */
export interface JvpResults {
  readonly values: Tensor[];
  readonly tangents: Tensor[];
}

/**
 * A recorded identity: jvp's view of a primal that requires grad, so the tangents computed inside
 * stay connected to it for reverse mode (hvp), while the tangent belongs to this call only.
 */
const primalOp: OpDef<undefined> = {
  name: 'identity',
  formulas: ['g'],
  forward: ([x]) => x!,
  vjp: (_ctx, g) => [g],
  jvp: (_ctx, [t]) => t ?? null,
};

/** Validates primals and tangents (one per primal, each of its primal's shape), naming `fn`. */
function pairs(fn: string, primals: unknown, tangents: unknown, what: string): { xs: Tensor[]; ts: Tensor[] } {
  const list = (v: unknown, name: string): Tensor[] => {
    const arr = v instanceof Tensor ? [v] : Array.isArray(v) ? v : null;
    if (arr === null) throw new Error(`${fn}: ${name} must be a Tensor or an array of Tensors, got ${v === null ? 'null' : typeof v}`);
    arr.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`${fn}: ${name}[${i}] must be a Tensor, got ${Array.isArray(t) ? 'an array (wrap it with tensor(...))' : t === null ? 'null' : typeof t}`);
    });
    return arr as Tensor[];
  };
  const xs = list(primals, 'primals');
  const ts = list(tangents, what);
  if (xs.length !== ts.length) {
    throw new Error(`${fn}: ${xs.length} primal(s) but ${ts.length} ${what}: one per primal, of its shape`);
  }
  ts.forEach((t, i) => {
    if (!sameShape(t.shape, xs[i]!.shape)) {
      throw new Error(`${fn}: ${what}[${i}] has shape ${formatShape(t.shape)} but primals[${i}] has shape ${formatShape(xs[i]!.shape)}`);
    }
  });
  return { xs, ts };
}

/** This call's own handle on a primal (a tensor passed twice gets two tangents). */
function primalView(x: Tensor): Tensor {
  if (x.requiresGrad && gradMode.enabled) return applyOp(primalOp, [x], undefined);
  const view = new Tensor(x.storage, x.shape);
  view.name = x.name;
  copyTangents(x, view); // outer jvp calls' tangents (nested forward mode)
  return view;
}

function zerosLike(t: Tensor): Tensor {
  return new Tensor(allocate(t.dtype, t.size), t.shape);
}

/**
 * Forward mode: `f(...primals)` and its directional derivative J·t along `tangents` (one per
 * primal, of its shape), in one pass. Every op carries its output's tangent alongside its value,
 * computed by the op's own `jvp` rule: every primitive in PRIMITIVES has one. Ops without a rule
 * (your `defineOp` ops, or a new op not given one yet) use the transpose of their VJP instead
 * (u ↦ vjp(u) is linear; its VJP at t is J·t), which needs their backward written with tensor ops.
 *
 * `f` may return one Tensor (`{ value, tangent }`) or an array of them (`{ values, tangents }`).
 * Tangents are computed with tensor ops, so they can be differentiated again: reverse mode over
 * them (see {@link hvp}) and jvp inside jvp (second order). An output that does not depend on the
 * primals gets a zero tangent. Inputs closed over by `f` are constants (zero tangent), even when
 * they are the same tensor as a primal, as in JAX.
 *
 * @example
 * const x = tensor([1, 2]);
 * const { value, tangent } = jvp((x: Tensor) => x.mul(x).sum(), [x], [tensor([1, 0])]);
 * value.item();   // 5
 * tangent.item(); // 2 (= ∂f/∂x₀ = 2·x₀)
 */
export function jvp(f: (...primals: Tensor[]) => Tensor, primals: readonly Tensor[] | Tensor, tangents: readonly Tensor[] | Tensor): JvpResult;
export function jvp(f: (...primals: Tensor[]) => readonly Tensor[], primals: readonly Tensor[] | Tensor, tangents: readonly Tensor[] | Tensor): JvpResults;
export function jvp(
  f: (...primals: Tensor[]) => Tensor | readonly Tensor[], primals: readonly Tensor[] | Tensor, tangents: readonly Tensor[] | Tensor,
): JvpResult | JvpResults {
  return runJvp('jvp', f, primals, tangents, 'tangents');
}

function runJvp(
  fn: string, f: (...primals: Tensor[]) => Tensor | readonly Tensor[], primals: unknown, tangents: unknown, what: string,
): JvpResult | JvpResults {
  if (typeof f !== 'function') throw new Error(`${fn}: f must be a function`);
  const { xs, ts } = pairs(fn, primals, tangents, what);
  const views = xs.map(primalView);
  const seeds = ts.map((t, i) => (t.dtype === xs[i]!.dtype ? t : cast(t, xs[i]!.dtype)));
  return withLevel(
    (level) => views.forEach((v, i) => level.set(v, seeds[i]!)),
    (level) => {
      const out: unknown = f(...views);
      const tangentOf = (y: Tensor): Tensor => level.get(y) ?? zerosLike(y);
      if (out instanceof Tensor) return { value: out, tangent: tangentOf(out) };
      if (Array.isArray(out) && out.every((y) => y instanceof Tensor)) {
        const ys = out as Tensor[];
        return { values: [...ys], tangents: ys.map(tangentOf) };
      }
      throw new Error(`${fn}: f must return a Tensor or an array of Tensors, got ${Array.isArray(out) ? 'an array with a non-Tensor' : typeof out}`);
    },
  );
}

/**
 * Hessian-vector products of a scalar `f`: H·v for the Hessian H of f at `primals` and `vectors`
 * (one per primal, of its shape), as one Tensor per primal: (H·v)ᵢ = Σⱼ ∂²f/∂xᵢ∂xⱼ · vⱼ. Computed
 * as reverse over forward, the gradient of the directional derivative ⟨∇f, v⟩ (one forward pass
 * with tangents and one backward pass: about 3× the cost of f), never forming H.
 *
 * @example
 * // f = x₀²·x₁: H = [[2x₁, 2x₀], [2x₀, 0]]; at (1, 3), H·[1, 0] = [6, 2]
 * const f = (x: Tensor) => x.pow(2).mul(tensor([1, 0])).sum().mul(x.mul(tensor([0, 1])).sum());
 * hvp(f, [tensor([1, 3])], [tensor([1, 0])])[0]!.toArray(); // [6, 2]
 */
export function hvp(f: (...primals: Tensor[]) => Tensor, primals: readonly Tensor[] | Tensor, vectors: readonly Tensor[] | Tensor): Tensor[] {
  return runHvp('hvp', f, primals, vectors);
}

function runHvp(fn: string, f: (...primals: Tensor[]) => Tensor, primals: unknown, vectors: unknown): Tensor[] {
  if (typeof f !== 'function') throw new Error(`${fn}: f must be a function`);
  const { xs, ts } = pairs(fn, primals, vectors, 'vectors');
  const directional = (...ps: Tensor[]): Tensor => {
    const { value, tangent } = runJvp(fn, f, ps, ts, 'vectors') as JvpResult;
    if (!(value instanceof Tensor) || value.size !== 1) {
      throw new Error(`${fn}: f must return a scalar Tensor, got ${value instanceof Tensor ? `shape ${formatShape(value.shape)}` : typeof value}`);
    }
    return tangent;
  };
  return grad(directional)(...xs);
}

/** Options of {@link hessian}. */
export interface HessianOptions {
  /** Refuse inputs with more elements than this (default 1024): the Hessian has size² entries. */
  readonly maxSize?: number;
}

/**
 * The full Hessian of a scalar `f` at `x`, of shape [...x.shape, ...x.shape], for small inputs:
 * one {@link hvp} per element of x (row i is H·eᵢ). H[i…, j…] = ∂²f / ∂x[i…]∂x[j…]. The result is
 * a plain tensor (not differentiable further). Larger inputs: use hvp.
 *
 * @example
 * // f = x₀² + 3·x₀·x₁: H = [[2, 3], [3, 0]]
 * const f = (x: Tensor) => { const [a, b] = [x.mul(tensor([1, 0])).sum(), x.mul(tensor([0, 1])).sum()]; return a.mul(a).add(a.mul(b).mul(3)); };
 * hessian(f, tensor([0.5, -1])).toArray(); // [[2, 3], [3, 0]]
 */
export function hessian(f: (x: Tensor) => Tensor, x: Tensor, options: HessianOptions = {}): Tensor {
  if (typeof f !== 'function') throw new Error('hessian: f must be a function');
  if (!(x instanceof Tensor)) throw new Error(`hessian: x must be a Tensor, got ${Array.isArray(x) ? 'an array (wrap it with tensor(...))' : typeof x}`);
  const limit = options.maxSize ?? 1024;
  if (!(Number.isInteger(limit) && limit >= 0)) throw new Error(`hessian: maxSize must be a non-negative integer, got ${limit}`);
  const n = x.size;
  if (n > limit) {
    throw new Error(`hessian: x ${formatShape(x.shape)} has ${n} elements, more than maxSize ${limit} (the Hessian would have ${n * n} entries): use hvp for Hessian-vector products`);
  }
  const out = allocate(x.dtype, n * n);
  const e = zerosLike(x);
  for (let i = 0; i < n; i++) {
    e.storage.fill(0);
    e.storage[i] = 1;
    const row = runHvp('hessian', f, [x], [new Tensor(e.storage.slice(), x.shape)])[0]!;
    out.set(row.storage, i * n);
  }
  return new Tensor(out, [...x.shape, ...x.shape]);
}
