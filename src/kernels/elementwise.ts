/**
 * Element-wise loops, generated once per op from a one-line expression. Each op gets its own
 * function (and so its own JIT type feedback), which keeps the loops monomorphic and fast; a
 * shared loop calling a per-op callback would not be.
 */
import type { FloatArray } from '../dtype.js';

/** out[i] = f(x[i]) for the expression `expr` over `x` (may use statements that set `r`). */
export type UnaryKernel = (x: FloatArray, out: FloatArray) => void;

/**
 * out = f(a, b) with broadcasting: `aStrides`/`bStrides` give, per output axis, the step in each
 * input (0 on a broadcast axis). Fast paths for equal sizes, a one-element operand, and an operand
 * that is a block of trailing axes repeated along the leading ones (`[m,n] + [n]`).
 */
export type BinaryKernel = (
  a: FloatArray, b: FloatArray, out: FloatArray,
  outShape: readonly number[], aStrides: readonly number[], bStrides: readonly number[],
  /** 1: `a` fills the trailing axes of the output and repeats; 2: `b` does; 0: neither. */
  suffix: number,
) => void;

/** `body` computes `r` from `x`, e.g. `r = Math.exp(x);`. */
export function unaryKernel(body: string): UnaryKernel {
  return new Function('x', 'out', `
    const n = out.length;
    for (let i = 0; i < n; i++) { const v = x[i]; let r; { const x = v; ${body} } out[i] = r; }
  `) as UnaryKernel;
}

/** `body` computes `r` from `x` (left) and `y` (right), e.g. `r = x + y;`. */
export function binaryKernel(body: string): BinaryKernel {
  return new Function('a', 'b', 'out', 'outShape', 'aStrides', 'bStrides', 'suffix', `
    const n = out.length;
    if (a.length === n && b.length === n) {
      for (let i = 0; i < n; i++) { const x = a[i], y = b[i]; let r; ${body} out[i] = r; }
      return;
    }
    if (b.length === 1 && a.length === n) {
      const y = b[0];
      for (let i = 0; i < n; i++) { const x = a[i]; let r; ${body} out[i] = r; }
      return;
    }
    if (a.length === 1 && b.length === n) {
      const x = a[0];
      for (let i = 0; i < n; i++) { const y = b[i]; let r; ${body} out[i] = r; }
      return;
    }
    if (n === 0) return;
    // One operand repeats along the leading axes (a bias row): two plain loops, no index counter.
    if (suffix === 2 && a.length === n) {
      const m = b.length;
      for (let o = 0; o < n; o += m) for (let j = 0; j < m; j++) { const x = a[o + j], y = b[j]; let r; ${body} out[o + j] = r; }
      return;
    }
    if (suffix === 1 && b.length === n) {
      const m = a.length;
      for (let o = 0; o < n; o += m) for (let j = 0; j < m; j++) { const x = a[j], y = b[o + j]; let r; ${body} out[o + j] = r; }
      return;
    }
    const nd = outShape.length;
    const inner = outShape[nd - 1];
    const as = aStrides[nd - 1], bs = bStrides[nd - 1];
    const index = new Array(nd).fill(0);
    let ao = 0, bo = 0;
    for (let o = 0; o < n; o += inner) {
      for (let j = 0; j < inner; j++) { const x = a[ao + j * as], y = b[bo + j * bs]; let r; ${body} out[o + j] = r; }
      for (let d = nd - 2; d >= 0; d--) {
        index[d]++;
        ao += aStrides[d];
        bo += bStrides[d];
        if (index[d] < outShape[d]) break;
        ao -= aStrides[d] * outShape[d];
        bo -= bStrides[d] * outShape[d];
        index[d] = 0;
      }
    }
  `) as BinaryKernel;
}

/** A whole-array float32 loop for one unary op (out[i] = f(x[i])), e.g. the native tanh. */
export type Float32Unary = (x: Float32Array, out: Float32Array) => void;

/** Ops that may have a faster float32 loop installed by a backend. */
export type FastUnaryName = 'exp' | 'tanh' | 'sigmoid';

/**
 * The installed float32 fast loops (empty: every op runs its generated kernel). A backend installs
 * loops that agree with `Math.*` rounded to float32 within one float32 ulp (tested per backend).
 */
export const float32Unary: Partial<Record<FastUnaryName, Float32Unary>> = {};

/**
 * Installs (or, with null, removes) the float32 fast loop of a unary op.
 *
 * @example
 * ```ts
 * setFloat32Unary('tanh', (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.tanh(x[i]!); });
 * setFloat32Unary('tanh', null); // back to the generated kernel
 * ```
 */
export function setFloat32Unary(name: FastUnaryName, loop: Float32Unary | null): void {
  if (loop === null) delete float32Unary[name];
  else float32Unary[name] = loop;
}

/** A whole-array float64 loop for one unary op (out[i] = f(x[i])), e.g. the native tanh. */
export type Float64Unary = (x: Float64Array, out: Float64Array) => void;

/**
 * The installed float64 fast loops (empty: every op runs its generated kernel). Unlike the float32
 * ones these must return exactly the generated `Math.*` kernel's doubles, bit for bit (the native
 * loops reproduce V8's fdlibm code: native/activation64_scalar.cc, test/activation-f64.test.ts), so
 * installing one never changes a float64 result.
 */
export const float64Unary: Partial<Record<FastUnaryName, Float64Unary>> = {};

/**
 * The fewest values from which each installed float64 loop runs (shorter arrays take the generated
 * kernel): a backend whose loop wins only on long arrays (wasm, two lanes) says so when installing.
 */
export const float64UnaryMin: Partial<Record<FastUnaryName, number>> = {};

/**
 * Installs (or, with null, removes) the float64 fast loop of a unary op, used from `minLength`
 * values up (the unary ops never call a loop below 16 values).
 *
 * @example
 * ```ts
 * setFloat64Unary('exp', (x, out) => { for (let i = 0; i < x.length; i++) out[i] = Math.exp(x[i]!); });
 * setFloat64Unary('exp', null); // back to the generated kernel
 * ```
 */
export function setFloat64Unary(name: FastUnaryName, loop: Float64Unary | null, minLength = 16): void {
  if (loop === null) {
    delete float64Unary[name];
    delete float64UnaryMin[name];
  } else {
    float64Unary[name] = loop;
    float64UnaryMin[name] = minLength;
  }
}
