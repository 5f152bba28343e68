/** The native float32 exp/tanh/sigmoid loops: within one float32 ulp of Math.* rounded to float32, and the ops use them. */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { nativeAddon } from '../src/kernels/native.js';
import { float32Unary } from '../src/kernels/elementwise.js';
import { exp, sigmoid, tanh, tensor } from '../src/index.js';

const addon = nativeAddon();
const REFERENCE: readonly [string, (x: number) => number][] = [
  ['exp', Math.exp],
  ['tanh', Math.tanh],
  ['sigmoid', (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))],
];

/** Distance in float32 ulps (ordered bit patterns), 0 for equal values and for two NaNs. */
function ulps(a: number, b: number): number {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity;
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  const ord = (i: number): number => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(ord(bits[0]!) - ord(bits[1]!));
}

/** Every float32 class: normal, subnormal, huge, ±0, ±∞, NaN, and the tanh series/exp switch at 1/16. */
const float32s = fc.oneof(
  fc.float({ noDefaultInfinity: false }),
  fc.float({ min: -20, max: 20, noNaN: true }),
  fc.float({ min: Math.fround(-0.07), max: Math.fround(0.07), noNaN: true }),
  fc.constantFrom(0, -0, 0.0625, -0.0625, 88.72, 88.73, -87.3, -103.9, -104, 1e-30, -1e-30, Infinity, -Infinity, NaN),
);

describe.skipIf(addon === null)('native float32 exp, tanh and sigmoid', () => {
  it.each(REFERENCE.map(([name, f], kind) => [name, f, kind] as const))('%s is within 1 float32 ulp of Math.* rounded to float32', (_name, f, kind) => {
    fc.assert(fc.property(fc.array(float32s, { minLength: 1, maxLength: 200 }), (values) => {
      const x = Float32Array.from(values);
      const out = new Float32Array(x.length);
      addon!.activation(kind, x, out);
      for (let i = 0; i < x.length; i++) {
        const want = Math.fround(f(x[i]!));
        if (ulps(out[i]!, want) > 1) expect([x[i], out[i]]).toEqual([x[i], want]);
      }
    }), { numRuns: 300 });
  });

  it('differs from the rounded Math.* value on almost no input (1 in 10⁴ or fewer over 10⁵ values in [-12, 12])', () => {
    const n = 100_000;
    const x = Float32Array.from({ length: n }, (_, i) => -12 + (24 * i) / n);
    const out = new Float32Array(n);
    REFERENCE.forEach(([, f], kind) => {
      addon!.activation(kind, x, out);
      let diff = 0;
      for (let i = 0; i < n; i++) if (out[i] !== Math.fround(f(x[i]!))) diff++;
      expect(diff).toBeLessThanOrEqual(10);
    });
  });

  it('the float32 ops use the native loops; float64 stays exactly Math.* (native fdlibm loops or not)', () => {
    expect(Object.keys(float32Unary).sort()).toEqual(['exp', 'sigmoid', 'tanh']);
    const v = Array.from({ length: 64 }, (_, i) => (i - 32) / 5);
    const t64 = tanh(tensor(v)).storage;
    v.forEach((x, i) => expect(t64[i]).toBe(Math.tanh(x)));
    const s32 = sigmoid(tensor(v, { dtype: 'float32' })).storage;
    const e32 = exp(tensor(v, { dtype: 'float32' })).storage;
    v.forEach((x, i) => {
      expect(ulps(s32[i]!, Math.fround(REFERENCE[2]![1](Math.fround(x))))).toBeLessThanOrEqual(1);
      expect(ulps(e32[i]!, Math.fround(Math.exp(Math.fround(x))))).toBeLessThanOrEqual(1);
    });
  });

  it('refuses mixed float32/float64 arrays and a short output (float64 is test/activation-f64.test.ts)', () => {
    expect(() => addon!.activation(1, new Float64Array(4) as unknown as Float32Array, new Float32Array(4))).toThrow(/both Float32Array or both Float64Array/);
    expect(() => addon!.activation(1, new Float32Array(4), new Float32Array(2))).toThrow(/shorter/);
    expect(() => addon!.activation(7, new Float32Array(4), new Float32Array(4))).toThrow(/kind/);
  });
});
