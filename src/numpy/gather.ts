/**
 * numpy indexing on tensors: a resolved index is a GatherPlan (a base offset plus one offset table
 * per output axis), and two adjoint ops read and scatter-add through it, each the other's VJP, so
 * indexing is differentiable to any order. setItem is built from them (no gradient code of its own).
 *
 * NOTE: the `ops` branch adds general getItem/setItem ops to tapegrad; until they land this is the
 * interpreter's own composite. Plans hold small offset tables, never one index per element, so
 * `X[:, perm]` on 784×60000 stays cheap in memory.
 */
import { applyOp, type OpDef } from '../engine/op.js';
import { broadcastTo, cast } from '../ops/shape-ops.js';
import { mul, add } from '../ops/arithmetic.js';
import { where } from '../ops/where.js';
import { formatShape, sameShape, shapeSize } from '../shape.js';
import { Tensor } from '../tensor.js';
import { allocate } from '../dtype.js';

/** One output axis (or a flattened group of advanced-index axes): its size and source offsets. */
export interface PlanAxis {
  readonly size: number;
  readonly offsets: Int32Array;
}

/** A resolved numpy index: `out[i0, i1, …] = src[base + axes[0].offsets[i0] + axes[1].offsets[i1] + …]`. */
export interface GatherPlan {
  readonly srcShape: readonly number[];
  readonly outShape: readonly number[];
  readonly base: number;
  readonly axes: readonly PlanAxis[];
  /** True when no integer or boolean array took part (numpy returns a view then). */
  readonly basic: boolean;
}

/** Visits every (output position, source offset) pair of a plan in output order. */
function walk(plan: GatherPlan, visit: (o: number, s: number) => void): void {
  const { axes } = plan;
  if (axes.length === 0) {
    visit(0, plan.base);
    return;
  }
  let o = 0;
  const last = axes.length - 1;
  const rec = (d: number, off: number): void => {
    const ax = axes[d]!;
    if (d === last) {
      const t = ax.offsets;
      for (let j = 0; j < ax.size; j++) visit(o++, off + t[j]!);
      return;
    }
    for (let j = 0; j < ax.size; j++) rec(d + 1, off + ax.offsets[j]!);
  };
  rec(0, plan.base);
}

/** Gathers through a plan; fast inner loops for the last axis. */
function gatherStorage(src: Tensor, plan: GatherPlan): Tensor {
  const out = allocate(src.dtype, shapeSize(plan.outShape));
  const s = src.storage;
  const { axes } = plan;
  if (axes.length === 0) {
    out[0] = s[plan.base]!;
    return new Tensor(out, plan.outShape);
  }
  let o = 0;
  const last = axes.length - 1;
  const rec = (d: number, off: number): void => {
    const ax = axes[d]!;
    const t = ax.offsets;
    if (d === last) {
      for (let j = 0; j < ax.size; j++) out[o++] = s[off + t[j]!]!;
      return;
    }
    for (let j = 0; j < ax.size; j++) rec(d + 1, off + t[j]!);
  };
  rec(0, plan.base);
  return new Tensor(out, plan.outShape);
}

const gatherOp: OpDef<GatherPlan> = {
  name: 'gather',
  formulas: ['scatterAdd(g)'],
  forward: ([x], plan) => gatherStorage(x!, plan),
  vjp: (ctx, g) => [scatterAdd(g, ctx.attrs)],
};

const scatterAddOp: OpDef<GatherPlan> = {
  name: 'scatterAdd',
  formulas: ['gather(g)'],
  forward([g], plan) {
    const out = allocate(g!.dtype, shapeSize(plan.srcShape));
    const gs = g!.storage;
    walk(plan, (o, s) => { out[s] = out[s]! + gs[o]!; });
    return new Tensor(out, plan.srcShape);
  },
  vjp: (ctx, g) => [gather(g, ctx.attrs)],
};

/** `x[index]` for a resolved plan (a copy; views are the NdArray's business). */
export function gather(x: Tensor, plan: GatherPlan): Tensor {
  if (!sameShape(x.shape, plan.srcShape)) {
    throw new Error(`gather: the index was resolved for shape ${formatShape(plan.srcShape)} but the tensor has shape ${formatShape(x.shape)}`);
  }
  return applyOp(gatherOp, [x], plan);
}

/** The adjoint of gather: a tensor of the source shape with `g` added at the gathered places. */
export function scatterAdd(g: Tensor, plan: GatherPlan): Tensor {
  return applyOp(scatterAddOp, [g], plan);
}

/**
 * `x[index] = v` functionally: a new tensor equal to `x` except at the indexed places, which get
 * `v` (broadcast to the index's shape; where an index repeats, the last write wins, as in numpy).
 * Gradients reach `x` (except at overwritten places) and `v`.
 */
export function setItem(x: Tensor, plan: GatherPlan, v: Tensor): Tensor {
  const vb = broadcastTo(cast(v, x.dtype), plan.outShape);
  const keep = allocate(x.dtype, x.size).fill(1);
  const lastWriter = new Int32Array(x.size).fill(-1);
  let duplicates = false;
  walk(plan, (o, s) => {
    if (lastWriter[s] !== -1) duplicates = true;
    lastWriter[s] = o;
    keep[s] = 0;
  });
  let vals = vb;
  if (duplicates) {
    const winner = allocate(x.dtype, shapeSize(plan.outShape));
    for (let s = 0; s < lastWriter.length; s++) if (lastWriter[s]! >= 0) winner[lastWriter[s]!] = 1;
    vals = mul(vb, new Tensor(winner, plan.outShape));
  }
  // where, not x·keep: a NaN or ∞ being overwritten must not leak into the result.
  return add(where(new Tensor(keep, x.shape), x, 0), scatterAdd(vals, plan));
}
