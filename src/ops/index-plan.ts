/**
 * A resolved index kept in factored form: the flat source offset of output element
 * (i₀, i₁, …, iₖ) is `base + f₀[i₀] + f₁[i₁] + … + fₖ[iₖ]`, one offset list per factor (a slice's
 * axis, or the advanced indices broadcast together). The factors take memory proportional to the
 * sum of their lengths, not the product: `X[:, perm]` of a 784×60 000 array is 60 784 offsets
 * instead of a 188 MB table, and a slice's contiguous rows are copied with `TypedArray.set`.
 * The flat table is still available (`flatOffsets`) for the rules that need it.
 */
import type { FloatArray } from '../dtype.js';

/** The factored offsets of an index: plain data, so it can travel in a tape (postMessage). */
export interface OffsetPlan {
  /** Added to every offset: the whole-number indices' contribution. */
  readonly base: number;
  /**
   * One offset list per factor, outermost first: factors of length 1 are folded into `base`, and a
   * plan with nothing left keeps the single factor [0], so the loops below need no scalar case.
   */
  readonly factors: readonly Int32Array[];
  /** Number of output elements (the product of the factors' lengths). */
  readonly size: number;
  /** True when the last factor's offsets are consecutive (`f[j] = f[0] + j`): rows copy as runs. */
  readonly innerRun: boolean;
  /** True when no two output elements read the same source offset (no advanced index was involved). */
  readonly unique: boolean;
}

// Below this run length a plain loop costs less than creating the subarray that `set` needs
// (measured: `set` wins from ~256 elements per run, loses 2× at 16).
const MIN_RUN_COPY = 256;

function isRun(offsets: Int32Array): boolean {
  for (let j = 1; j < offsets.length; j++) if (offsets[j] !== offsets[0]! + j) return false;
  return true;
}

/**
 * Builds the plan from factor offset lists (outermost first). Length-1 factors fold into the base;
 * an outer factor stepping exactly one inner run apart merges with it into one longer run.
 */
export function makePlan(lists: readonly Int32Array[], base: number, unique: boolean): OffsetPlan {
  let b = base;
  const factors: Int32Array[] = [];
  let size = 1;
  for (const f of lists) {
    size *= f.length;
    if (f.length === 1) b += f[0]!;
    else factors.push(f);
  }
  if (size === 0) return { base: 0, factors: [new Int32Array(0)], size: 0, innerRun: true, unique };
  // Merge trailing runs: [a₀, a₀+m, a₀+2m, …] followed by the run [c, c+1, …, c+m-1] is one run.
  while (factors.length >= 2) {
    const inner = factors[factors.length - 1]!;
    const outer = factors[factors.length - 2]!;
    const m = inner.length;
    if (!isRun(inner)) break;
    let stepsByRun = true;
    for (let k = 1; k < outer.length && stepsByRun; k++) stepsByRun = outer[k] === outer[0]! + k * m;
    if (!stepsByRun) break;
    const merged = new Int32Array(outer.length * m);
    for (let j = 0; j < merged.length; j++) merged[j] = outer[0]! + inner[0]! + j;
    factors.splice(factors.length - 2, 2, merged);
  }
  if (factors.length === 0) factors.push(Int32Array.of(0));
  const innerRun = isRun(factors[factors.length - 1]!);
  return { base: b, factors, size, innerRun, unique };
}

/** Every output element's flat source offset, in row-major output order. */
export function flatOffsets(plan: OffsetPlan): Int32Array {
  let offsets = Int32Array.of(plan.base);
  if (plan.size === 0) return new Int32Array(0);
  for (const f of plan.factors) {
    const m = f.length;
    const next = new Int32Array(offsets.length * m);
    for (let i = 0; i < offsets.length; i++) {
      const o = offsets[i]!;
      for (let j = 0; j < m; j++) next[i * m + j] = o + f[j]!;
    }
    offsets = next;
  }
  return offsets;
}

/**
 * Calls `row(start, pos)` for every innermost row: `start` is the source offset the row's last-factor
 * offsets are added to, `pos` the row's first output position. The outer factors are walked with an
 * index counter (no recursion, no per-row allocation).
 */
function forEachRow(plan: OffsetPlan, row: (start: number, pos: number) => void): void {
  const fs = plan.factors;
  const nf = fs.length;
  if (plan.size === 0) return;
  const m = fs[nf - 1]!.length;
  const outer = nf - 1;
  const index = new Int32Array(outer);
  let start = plan.base;
  for (let d = 0; d < outer; d++) start += fs[d]![0]!;
  for (let pos = 0; pos < plan.size; pos += m) {
    row(start, pos);
    for (let d = outer - 1; d >= 0; d--) {
      const f = fs[d]!;
      const i = index[d]! + 1;
      if (i < f.length) {
        start += f[i]! - f[i - 1]!;
        index[d] = i;
        break;
      }
      start += f[0]! - f[f.length - 1]!;
      index[d] = 0;
    }
  }
}

/** `out[i] = src[offset(i)]` for every output element i (out has `plan.size` elements). */
export function gatherPlanned(src: FloatArray, plan: OffsetPlan, out: FloatArray): void {
  const fs = plan.factors;
  const inner = fs[fs.length - 1]!;
  const m = inner.length;
  if (plan.innerRun && m >= MIN_RUN_COPY) {
    const first = inner[0]!;
    forEachRow(plan, (start, pos) => out.set(src.subarray(start + first, start + first + m), pos));
  } else {
    forEachRow(plan, (start, pos) => {
      for (let j = 0; j < m; j++) out[pos + j] = src[start + inner[j]!]!;
    });
  }
}

/** `out[offset(i)] += src[i]` for every element i of src (repeated offsets add up). */
export function scatterAddPlanned(src: FloatArray, plan: OffsetPlan, out: FloatArray): void {
  const fs = plan.factors;
  const inner = fs[fs.length - 1]!;
  const m = inner.length;
  forEachRow(plan, (start, pos) => {
    for (let j = 0; j < m; j++) out[start + inner[j]!]! += src[pos + j]!;
  });
}

/** `out[offset(i)] = value` for every output element i. */
export function fillPlanned(out: FloatArray, plan: OffsetPlan, value: number): void {
  const fs = plan.factors;
  const inner = fs[fs.length - 1]!;
  const m = inner.length;
  forEachRow(plan, (start) => {
    for (let j = 0; j < m; j++) out[start + inner[j]!] = value;
  });
}
