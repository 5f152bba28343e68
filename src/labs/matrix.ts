/** Tiny float64 matrix helpers for the seed labs' hand-written backprop: plain loops, no autodiff. */

import seedrandom from 'seedrandom';

/** A dense row-major float64 matrix; vectors are `[n,1]` or `[1,n]`, like numpy 2-d arrays. */
export interface Mat {
  readonly rows: number;
  readonly cols: number;
  readonly data: Float64Array;
}

/**
 * Makes a matrix, zero-filled unless data is given (copied).
 * @example
 * const a = mat(2, 2, [1, 2, 3, 4]); // [[1,2],[3,4]]
 */
export function mat(rows: number, cols: number, data?: ArrayLike<number>): Mat {
  const out = new Float64Array(rows * cols);
  if (data !== undefined) {
    if (data.length !== rows * cols) {
      throw new Error(`mat: ${data.length} values cannot fill a [${rows},${cols}] matrix`);
    }
    out.set(data);
  }
  return { rows, cols, data: out };
}

/**
 * Builds a matrix from nested rows.
 * @example
 * fromRows([[1, 2], [3, 4]]).cols; // 2
 */
export function fromRows(rows: readonly (readonly number[])[]): Mat {
  const r = rows.length;
  const c = rows[0]?.length ?? 0;
  const flat: number[] = [];
  for (const row of rows) {
    if (row.length !== c) throw new Error(`fromRows: ragged rows (${row.length} vs ${c})`);
    flat.push(...row);
  }
  return mat(r, c, flat);
}

/**
 * Nested-array view of a matrix (what a tensor or JSON wants).
 * @example
 * toRows(mat(1, 2, [5, 6])); // [[5, 6]]
 */
export function toRows(a: Mat): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.rows; i++) out.push(Array.from(a.data.subarray(i * a.cols, (i + 1) * a.cols)));
  return out;
}

/** The shape as numpy prints it. @example shapeOf(mat(2, 3)); // [2, 3] */
export function shapeOf(a: Mat): [number, number] {
  return [a.rows, a.cols];
}

function at(d: Float64Array, i: number): number {
  return d[i] as number;
}

/**
 * Matrix product `a @ b`.
 * @example
 * matmul(mat(1, 2, [1, 2]), mat(2, 1, [3, 4])).data[0]; // 11
 */
export function matmul(a: Mat, b: Mat): Mat {
  if (a.cols !== b.rows) {
    throw new Error(`labs.matmul: cannot multiply [${a.rows},${a.cols}] by [${b.rows},${b.cols}]`);
  }
  const out = new Float64Array(a.rows * b.cols);
  const ad = a.data;
  const bd = b.data;
  // i-k-j order keeps the inner loop on contiguous rows of b and out.
  for (let i = 0; i < a.rows; i++) {
    const oRow = i * b.cols;
    for (let k = 0; k < a.cols; k++) {
      const aik = at(ad, i * a.cols + k);
      if (aik === 0) continue;
      const bRow = k * b.cols;
      for (let j = 0; j < b.cols; j++) out[oRow + j] = at(out, oRow + j) + aik * at(bd, bRow + j);
    }
  }
  return { rows: a.rows, cols: b.cols, data: out };
}

/**
 * Transpose `a.T`.
 * @example
 * transpose(mat(1, 2, [1, 2])).rows; // 2
 */
export function transpose(a: Mat): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) out[j * a.rows + i] = at(a.data, i * a.cols + j);
  }
  return { rows: a.cols, cols: a.rows, data: out };
}

/**
 * Elementwise `f(a, b)` with numpy broadcasting of `[r,1]`/`[1,c]`/`[1,1]` operands.
 * @example
 * zipWith(mat(2, 2, [1, 2, 3, 4]), mat(2, 1, [10, 20]), (x, y) => x + y); // [[11,12],[23,24]]
 */
export function zipWith(a: Mat, b: Mat, f: (x: number, y: number) => number): Mat {
  const rows = Math.max(a.rows, b.rows);
  const cols = Math.max(a.cols, b.cols);
  const ok = (m: Mat): boolean => (m.rows === rows || m.rows === 1) && (m.cols === cols || m.cols === 1);
  if (!ok(a) || !ok(b)) {
    throw new Error(`labs.zipWith: cannot broadcast [${a.rows},${a.cols}] with [${b.rows},${b.cols}]`);
  }
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    const ai = a.rows === 1 ? 0 : i;
    const bi = b.rows === 1 ? 0 : i;
    for (let j = 0; j < cols; j++) {
      const x = at(a.data, ai * a.cols + (a.cols === 1 ? 0 : j));
      const y = at(b.data, bi * b.cols + (b.cols === 1 ? 0 : j));
      out[i * cols + j] = f(x, y);
    }
  }
  return { rows, cols, data: out };
}

/** `a + b` with broadcasting. @example add(mat(1, 1, [1]), mat(1, 1, [2])).data[0]; // 3 */
export function add(a: Mat, b: Mat): Mat {
  return zipWith(a, b, (x, y) => x + y);
}

/** `a - b` with broadcasting. @example sub(mat(1, 1, [1]), mat(1, 1, [2])).data[0]; // -1 */
export function sub(a: Mat, b: Mat): Mat {
  return zipWith(a, b, (x, y) => x - y);
}

/** Elementwise `a * b` (numpy `*`). @example mul(mat(1, 1, [2]), mat(1, 1, [3])).data[0]; // 6 */
export function mul(a: Mat, b: Mat): Mat {
  return zipWith(a, b, (x, y) => x * y);
}

/**
 * Elementwise `f(a)`.
 * @example
 * map(mat(1, 2, [1, 4]), Math.sqrt).data; // [1, 2]
 */
export function map(a: Mat, f: (x: number) => number): Mat {
  const out = new Float64Array(a.data.length);
  for (let i = 0; i < out.length; i++) out[i] = f(at(a.data, i));
  return { rows: a.rows, cols: a.cols, data: out };
}

/** `s * a`. @example scale(mat(1, 1, [2]), 3).data[0]; // 6 */
export function scale(a: Mat, s: number): Mat {
  return map(a, (x) => s * x);
}

/**
 * numpy `np.sum(a, axis, keepdims=True)`: axis 0 gives `[1,cols]`, axis 1 gives `[rows,1]`.
 * @example
 * sumAxis(mat(2, 2, [1, 2, 3, 4]), 1).data; // [3, 7]
 */
export function sumAxis(a: Mat, axis: 0 | 1): Mat {
  const out = axis === 0 ? mat(1, a.cols) : mat(a.rows, 1);
  for (let i = 0; i < a.rows; i++) {
    for (let j = 0; j < a.cols; j++) {
      const k = axis === 0 ? j : i;
      out.data[k] = at(out.data, k) + at(a.data, i * a.cols + j);
    }
  }
  return out;
}

/** Sum of all elements. @example sumAll(mat(1, 2, [1, 2])); // 3 */
export function sumAll(a: Mat): number {
  let s = 0;
  for (let i = 0; i < a.data.length; i++) s += at(a.data, i);
  return s;
}

/**
 * Numerically stable softmax along an axis (0: each column is a distribution, 1: each row).
 * @example
 * softmax(mat(1, 2, [0, 0]), 1).data; // [0.5, 0.5]
 */
export function softmax(a: Mat, axis: 0 | 1): Mat {
  const out = new Float64Array(a.data.length);
  const outer = axis === 0 ? a.cols : a.rows;
  const inner = axis === 0 ? a.rows : a.cols;
  const idx = (o: number, k: number): number => (axis === 0 ? k * a.cols + o : o * a.cols + k);
  for (let o = 0; o < outer; o++) {
    let max = -Infinity;
    for (let k = 0; k < inner; k++) max = Math.max(max, at(a.data, idx(o, k)));
    let total = 0;
    for (let k = 0; k < inner; k++) {
      const e = Math.exp(at(a.data, idx(o, k)) - max);
      out[idx(o, k)] = e;
      total += e;
    }
    for (let k = 0; k < inner; k++) out[idx(o, k)] = at(out, idx(o, k)) / total;
  }
  return { rows: a.rows, cols: a.cols, data: out };
}

/** The logistic function, finite for any finite input. @example sigmoid(0); // 0.5 */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** A seeded uniform generator in [0, 1) (seedrandom, so runs are reproducible). */
export type Rng = () => number;

/**
 * Seeded generator.
 * @example
 * const rng = makeRng(42); rng() === makeRng(42)(); // true
 */
export function makeRng(seed: string | number): Rng {
  return seedrandom(String(seed));
}

/**
 * Matrix of seeded normal samples (Box–Muller), like `np.random.normal(mean, std, (rows, cols))`.
 * @example
 * randnMat(128, 784, makeRng(0), 0.3);
 */
export function randnMat(rows: number, cols: number, rng: Rng, std = 1, mean = 0): Mat {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const u = 1 - rng(); // in (0, 1], so log(u) is finite
    const v = rng();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = mean + std * r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = mean + std * r * Math.sin(2 * Math.PI * v);
  }
  return { rows, cols, data: out };
}

/**
 * Matrix of seeded uniform samples in [low, high).
 * @example
 * randMat(784, 8, makeRng(1)); // fake pixels in [0,1)
 */
export function randMat(rows: number, cols: number, rng: Rng, low = 0, high = 1): Mat {
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i++) out[i] = low + (high - low) * rng();
  return { rows, cols, data: out };
}

/**
 * One-hot labels: `[k, m]` when `classAxis` is 0 (columns are samples), `[m, k]` when 1.
 * @example
 * oneHotMat([1, 0], 2, 1).data; // [0, 1, 1, 0]
 */
export function oneHotMat(labels: readonly number[], k: number, classAxis: 0 | 1): Mat {
  const m = labels.length;
  const out = classAxis === 0 ? mat(k, m) : mat(m, k);
  labels.forEach((label, i) => {
    if (!Number.isInteger(label) || label < 0 || label >= k) {
      throw new Error(`oneHotMat: label ${label} at ${i} is not an integer in [0, ${k})`);
    }
    out.data[classAxis === 0 ? label * m + i : i * k + label] = 1;
  });
  return out;
}

/**
 * Seeded integer labels in [0, k).
 * @example
 * randLabels(8, 10, makeRng(2)).length; // 8
 */
export function randLabels(m: number, k: number, rng: Rng): number[] {
  return Array.from({ length: m }, () => Math.floor(rng() * k));
}
