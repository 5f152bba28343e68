/**
 * A dense layer's row-broadcast glue on raw buffers (the bias add after its product, the column sums
 * of a bias gradient, the activation derivative fused with those sums): the TypeScript reference, and
 * the switch point where the native addon installs its vectorised loops. Every faster kernel must give
 * the same bits as the reference (test/rows.test.ts checks it).
 */
import type { FloatArray } from '../dtype.js';

/** The activations whose derivative {@link RowKernels.activationGradRows} applies ('identity': none). */
export type RowActivation = 'identity' | 'tanh' | 'sigmoid' | 'relu';

/** The row kernels. A buffer of `rows × n` values is row-major; `n` is the bias's (or sums') length. */
export interface RowKernels {
  /** out[r, j] ← out[r, j] + bias[j], rounded to out's dtype (the `add` op's result). */
  addRows(out: FloatArray, bias: FloatArray): void;
  /** out[j] ← Σ_r x[r, j], accumulated in float64 from the first row to the last, then rounded. */
  sumRows(x: FloatArray, out: FloatArray): void;
  /**
   * gz ← g·act′(y) from the activation's output y, exactly as tanhBackward (g·(1 − y·y)),
   * sigmoidBackward (g·y·(1 − y)) or reluBackward (g where y > 0, else 0) compute it ('identity':
   * gz is g and is not written), and, when `gb` is given, gb ← sumRows(gz): both in one pass.
   */
  activationGradRows(activation: RowActivation, g: FloatArray, y: FloatArray, gz: FloatArray, gb: FloatArray | null): void;
}

/** One element of g·act′(y), in the order the fused backward ops of src/ops/arithmetic.ts evaluate it. */
const GRADS: Record<Exclude<RowActivation, 'identity'>, (g: number, y: number) => number> = {
  tanh: (g, y) => g * (1 - y * y),
  sigmoid: (g, y) => g * y * (1 - y),
  relu: (g, y) => (y > 0 ? g : 0),
};

let scratch = new Float64Array(64);

/** A float64 accumulator of `n` zeros: `out` itself when it is float64, else a reused scratch. */
function accumulator(out: FloatArray, n: number): Float64Array {
  if (out instanceof Float64Array) {
    out.fill(0, 0, n);
    return out;
  }
  if (scratch.length < n) scratch = new Float64Array(n);
  scratch.fill(0, 0, n);
  return scratch;
}

function store(acc: Float64Array, out: FloatArray): void {
  if (acc !== out) for (let j = 0; j < out.length; j++) out[j] = acc[j]!;
}

/**
 * The reference loops: each value is one double expression, rounded once on the store, and the sums
 * run row after row into one float64 accumulator per column (the order of reduceSum's general loop).
 *
 * @example
 * ```ts
 * const out = Float64Array.of(1, 2, 3, 4);
 * referenceRows.addRows(out, Float64Array.of(10, 20)); // out is now [11, 22, 13, 24]
 * const sums = new Float64Array(2);
 * referenceRows.sumRows(out, sums);                     // sums is [24, 46]
 * ```
 */
export const referenceRows: RowKernels = {
  addRows(out, bias) {
    const n = bias.length;
    for (let o = 0; o < out.length; o += n) for (let j = 0; j < n; j++) out[o + j] = out[o + j]! + bias[j]!;
  },
  sumRows(x, out) {
    const n = out.length;
    if (n === 0) return;
    const acc = accumulator(out, n);
    for (let o = 0; o < x.length; o += n) for (let j = 0; j < n; j++) acc[j] = acc[j]! + x[o + j]!;
    store(acc, out);
  },
  activationGradRows(activation, g, y, gz, gb) {
    if (activation === 'identity') {
      if (gb !== null) referenceRows.sumRows(g, gb);
      return;
    }
    const f = GRADS[activation];
    if (gb === null) {
      for (let i = 0; i < g.length; i++) gz[i] = f(g[i]!, y[i]!);
      return;
    }
    const n = gb.length;
    if (n === 0) return;
    const acc = accumulator(gb, n);
    for (let o = 0; o < g.length; o += n) {
      for (let j = 0; j < n; j++) {
        gz[o + j] = f(g[o + j]!, y[o + j]!);
        acc[j] = acc[j]! + gz[o + j]!; // the stored (rounded) value, as a sum over gz reads it
      }
    }
    store(acc, gb);
  },
};

let active: RowKernels = referenceRows;

/** The row kernels in use (the reference until a backend installs faster ones). */
export function rowKernels(): RowKernels {
  return active;
}

/** Installs row kernels (for example the native ones); returns the previous set. */
export function setRowKernels(kernels: RowKernels): RowKernels {
  const previous = active;
  active = kernels;
  return previous;
}
