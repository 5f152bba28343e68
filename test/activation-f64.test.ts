/**
 * The native float64 exp/tanh/sigmoid (native/activation64_*.cc): the same doubles as Math.* bit for
 * bit (Object.is per element: NaN, −0, subnormals, ±∞, every branch boundary of fdlibm's exp and
 * expm1), in the AVX2 and the portable unit, and the ops and trainings that use them unchanged.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { configureKernels, kernelInfo, nativeAddon } from '../src/kernels/native.js';
import { loadWasmKernels } from '../src/kernels/wasm.js';
import { float64Unary, float64UnaryMin, setFloat64Unary, type FastUnaryName, type Float64Unary } from '../src/kernels/elementwise.js';
import { SGD, compile, exp, linear, randn, sigmoid, softmaxCrossEntropy, tanh, tensor } from '../src/index.js';
import type { Tensor } from '../src/index.js';

const addon = nativeAddon();
const sigmoidRef = (x: number): number => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)));
/** kind (the addon's numbering) → the reference: src/ops/unary.ts's kernel bodies. */
const REFERENCE: readonly [FastUnaryName, (x: number) => number][] = [['exp', Math.exp], ['tanh', Math.tanh], ['sigmoid', sigmoidRef]];
const UNITS = [['AVX2 (or best)', false], ['portable', true]] as const;

const words = new Float64Array(1);
const u32 = new Uint32Array(words.buffer);
const i64 = new BigInt64Array(words.buffer);
/** The double with high word `hi` and low word `lo`. */
const fromWords = (hi: number, lo: number): number => { u32[1] = hi; u32[0] = lo; return words[0]!; };
/** The double `n` representable steps from x (through the bit pattern; crosses ±0 as the bits do). */
const step = (x: number, n: number): number => { words[0] = x; i64[0]! += BigInt(n); return words[0]!; };

/** Index and values of the first element where out differs from f(x) (Object.is), or null. */
function firstMismatch(x: Float64Array, out: Float64Array, f: (v: number) => number): [number, number, number] | null {
  for (let i = 0; i < x.length; i++) {
    const want = f(x[i]!);
    if (!Object.is(out[i], want)) return [x[i]!, out[i]!, want];
  }
  return null;
}

/**
 * The inputs where fdlibm changes path, ±, with neighbours: its high-word thresholds (|x| = ln2/2,
 * 1.5·ln2, 2^-28, 2^-54, 56·ln2, 709.78, 1, 22) with low words 0/1/max, the overflow and underflow
 * thresholds, every (k + ½)·ln2 where the reduction's k changes (k = −1080…1030: subnormal results,
 * k = −1021, 20, 56, 1024), halves of all of these (tanh calls expm1 at 2|x|), and the specials.
 */
function boundaries(): Float64Array {
  const seeds: number[] = [1, 0.25, 0.5, 7.09782712893383973096e+02, -7.45133219101941108420e+02, Number.MAX_VALUE, 2.2250738585072014e-308, 5e-324];
  for (const hi of [0x40862E42, 0x3FD62E42, 0x3FD62E43, 0x3FF0A2B2, 0x3E300000, 0x3C900000, 0x4043687A, 0x40360000, 0x3FF00000, 0x00100000]) {
    for (const lo of [0, 1, 0x80000000, 0xffffffff]) seeds.push(fromWords(hi, lo), fromWords(hi - 1, lo));
  }
  for (let k = -1080; k <= 1030; k++) seeds.push((k + 0.5) * Math.LN2, k * Math.LN2);
  const xs: number[] = [0, -0, Infinity, -Infinity, NaN];
  for (const s of [...seeds, ...seeds.map((v) => v / 2)]) {
    for (const sign of [1, -1]) for (const d of [-2, -1, 0, 1, 2, 1000]) xs.push(step(sign * s, d));
  }
  return Float64Array.from(xs);
}

/** n doubles in `mode`: random bit patterns (the whole range, NaNs, subnormals) or uniform in ±scale. */
function sweep(n: number, seed: number, scale: number | 'bits'): Float64Array {
  const x = new Float64Array(n);
  let s = seed >>> 0;
  const next = (): number => { s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x9e3779b9) >>> 0; return s; };
  if (scale === 'bits') {
    const w = new Uint32Array(x.buffer);
    for (let i = 0; i < w.length; i++) w[i] = next();
  } else {
    for (let i = 0; i < n; i++) x[i] = (next() / 2 ** 32 * 2 - 1) * scale;
  }
  return x;
}

/** Every class of double: any bit pattern, the activations' range, tiny, huge, and the specials. */
const doubles = fc.oneof(
  fc.double(),
  fc.double({ min: -40, max: 40, noNaN: true }),
  fc.double({ min: -1e-6, max: 1e-6, noNaN: true }),
  fc.double({ min: -800, max: 800, noNaN: true }),
  fc.constantFrom(0, -0, 1, -1, 22, -22, Infinity, -Infinity, NaN, 5e-324, -5e-324, 709.782712893384, -745.1332191019411),
);

describe.skipIf(addon === null)('native float64 exp, tanh and sigmoid equal Math.* bit for bit', () => {
  describe.each(UNITS)('%s unit', (_unit, portable) => {
    it.each(REFERENCE.map(([name, f], kind) => [name, f, kind] as const))('%s: random arrays (property)', (_name, f, kind) => {
      fc.assert(fc.property(fc.array(doubles, { minLength: 1, maxLength: 67 }), (values) => {
        const x = Float64Array.from(values);
        const out = new Float64Array(x.length);
        addon!.activation(kind, x, out, portable);
        expect(firstMismatch(x, out, f)).toBeNull();
      }), { numRuns: 400 });
    });

    it.each(REFERENCE.map(([name, f], kind) => [name, f, kind] as const))('%s: every branch boundary and its neighbours', (_name, f, kind) => {
      const x = boundaries();
      const out = new Float64Array(x.length);
      addon!.activation(kind, x, out, portable);
      expect(firstMismatch(x, out, f)).toBeNull();
    });
  });

  it.each(UNITS)('a large sweep (%s unit): 2·10⁵ values per function and range, any bit pattern and ±4, ±50, ±800', (_unit, portable) => {
    const n = 200_000;
    const out = new Float64Array(n);
    for (const [i, scale] of (['bits', 4, 50, 800] as const).entries()) {
      const x = sweep(n, 17 + i, scale);
      REFERENCE.forEach(([, f], kind) => {
        addon!.activation(kind, x, out, portable);
        expect(firstMismatch(x, out, f)).toBeNull();
      });
    }
  });

  it('works in place, on lengths that are not a multiple of the vector width, and on subarray views', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 33]) {
      const x = sweep(n + 3, n, 30);
      const view = x.subarray(3);
      const want = Array.from(view, Math.tanh);
      addon!.activation(1, view, view);
      expect(Array.from(view)).toEqual(want);
    }
  });

  it('refuses mixed or non-float arrays, a short output and an unknown kind, naming the function', () => {
    expect(() => addon!.activation(0, new Float64Array(4), new Float32Array(4) as unknown as Float64Array)).toThrow(/activation: x and out must be both/);
    expect(() => addon!.activation(0, new Int32Array(4) as unknown as Float64Array, new Int32Array(4) as unknown as Float64Array)).toThrow(/activation/);
    expect(() => addon!.activation(0, new Float64Array(4), new Float64Array(2))).toThrow(/shorter/);
    expect(() => addon!.activation(3, new Float64Array(4), new Float64Array(4))).toThrow(/kind/);
    expect(() => addon!.activation(0, new Float64Array(4), new Float64Array(4), 1 as unknown as boolean)).toThrow(/portable/);
  });
});

describe('wasm float64 exp, tanh and sigmoid equal Math.* bit for bit', () => {
  const wasm = loadWasmKernels();

  it.each(REFERENCE.map(([name, f], kind) => [name, f, kind] as const))('%s: random arrays (property), every branch boundary, and a sweep', (_name, f, kind) => {
    fc.assert(fc.property(fc.array(doubles, { minLength: 1, maxLength: 33 }), (values) => {
      const x = Float64Array.from(values);
      const out = new Float64Array(x.length);
      wasm.activation64(kind, x, out);
      expect(firstMismatch(x, out, f)).toBeNull();
    }), { numRuns: 300 });
    for (const x of [boundaries(), sweep(100_001, 3, 'bits'), sweep(100_000, 4, 6), sweep(100_000, 5, 60)]) {
      const out = new Float64Array(x.length);
      wasm.activation64(kind, x, out);
      expect(firstMismatch(x, out, f)).toBeNull();
    }
  });

  it('configureKernels({ variant: \'wasm\' }) installs them for float64 from a few hundred values up; the ops keep Math.*\'s doubles', () => {
    const initial = kernelInfo();
    try {
      configureKernels({ variant: 'wasm' });
      expect(Object.keys(float64Unary).sort()).toEqual(['exp', 'sigmoid', 'tanh']);
      expect(float64UnaryMin.tanh).toBeGreaterThan(16);
      for (const n of [20, 300, 1001]) {
        const x = tensor(sweep(n, n, 30));
        expect(firstMismatch(x.storage as Float64Array, tanh(x).storage as Float64Array, Math.tanh)).toBeNull();
        expect(firstMismatch(x.storage as Float64Array, sigmoid(x).storage as Float64Array, sigmoidRef)).toBeNull();
        expect(firstMismatch(x.storage as Float64Array, exp(x).storage as Float64Array, Math.exp)).toBeNull();
      }
    } finally {
      configureKernels({ variant: initial.backend.startsWith('native-') ? initial.backend.replace('native-', '') : initial.backend === 'wasm-simd' ? 'wasm' : 'reference' });
    }
  });
});

/** Runs f with the float64 fast loops removed (the Math.* kernels), then puts them back. */
function withReference<T>(f: () => T): T {
  const saved = { ...float64Unary };
  for (const [name] of REFERENCE) setFloat64Unary(name, null);
  try {
    return f();
  } finally {
    for (const [name, loop] of Object.entries(saved) as [FastUnaryName, Float64Unary][]) setFloat64Unary(name, loop);
  }
}

describe.skipIf(addon === null)('the float64 ops use the native loops and keep the Math.* results', () => {
  it('exp, tanh and sigmoid (forward and fused linear) install a float64 loop and give Math.*\'s doubles', () => {
    expect(Object.keys(float64Unary).sort()).toEqual(['exp', 'sigmoid', 'tanh']);
    fc.assert(fc.property(fc.array(doubles, { minLength: 16, maxLength: 300 }), (values) => {
      const x = tensor(values);
      expect(firstMismatch(x.storage as Float64Array, exp(x).storage as Float64Array, Math.exp)).toBeNull();
      expect(firstMismatch(x.storage as Float64Array, tanh(x).storage as Float64Array, Math.tanh)).toBeNull();
      expect(firstMismatch(x.storage as Float64Array, sigmoid(x).storage as Float64Array, sigmoidRef)).toBeNull();
    }), { numRuns: 200 });
  });

  it('a W1-shaped float64 training (784-32-10 tanh, batch 20, SGD): native, reference and compile(step) give the same bits', () => {
    const train = (compiled: boolean): number[] => {
      const w1 = randn([784, 32], { seed: 1, std: 0.05, requiresGrad: true });
      const b1 = randn([32], { seed: 2, std: 0.1, requiresGrad: true });
      const w2 = randn([32, 10], { seed: 3, std: 0.2, requiresGrad: true });
      const b2 = randn([10], { seed: 4, std: 0.1, requiresGrad: true });
      const opt = new SGD([w1, b1, w2, b2], { lr: 0.5 });
      const stepFn = (x: Tensor, y: Tensor): Tensor => {
        const loss = softmaxCrossEntropy(linear(linear(x, w1, b1, 'tanh'), w2, b2), y);
        loss.backward();
        opt.step();
        opt.zeroGrad();
        return loss;
      };
      const run = compiled ? compile(stepFn) : stepFn;
      const losses: number[] = [];
      for (let s = 0; s < 5; s++) {
        // Inputs of MNIST's scale, so that the hidden layer spans tanh's whole curve.
        const x = randn([20, 784], { seed: 100 + s, std: 1 });
        const y = tensor(Float64Array.from({ length: 20 }, (_, i) => (i * 7 + s) % 10));
        losses.push(run(x, y).item());
      }
      return [...losses, ...w1.storage, ...b1.storage, ...w2.storage, ...b2.storage];
    };
    const native = train(false);
    expect(train(true)).toEqual(native);
    const reference = withReference(() => train(false));
    expect(native).toEqual(reference);
    expect(withReference(() => train(true))).toEqual(reference);
  });

  it('a W3-shaped float64 training (1-6-7-2, sigmoid on every layer, N = 100): native and reference give the same bits', () => {
    const train = (): number[] => {
      const sizes = [1, 6, 7, 2];
      const ws = sizes.slice(1).map((n, i) => randn([sizes[i]!, n], { seed: 10 + i, std: 1, requiresGrad: true }));
      const bs = sizes.slice(1).map((n, i) => randn([n], { seed: 20 + i, std: 1, requiresGrad: true }));
      const opt = new SGD([...ws, ...bs], { lr: 0.05 });
      const x = randn([100, 1], { seed: 5, std: 2 });
      const labels = tensor(Float64Array.from({ length: 100 }, (_, i) => i % 2));
      const out: number[] = [];
      const stepFn = (x: Tensor, labels: Tensor): Tensor => {
        let h = x;
        ws.forEach((w, i) => { h = linear(h, w, bs[i]!, 'sigmoid'); });
        const loss = softmaxCrossEntropy(h, labels);
        loss.backward();
        opt.step();
        opt.zeroGrad();
        return loss;
      };
      const c = compile(stepFn);
      for (let s = 0; s < 5; s++) out.push(c(x, labels).item());
      return [...out, ...ws.flatMap((w) => [...w.storage]), ...bs.flatMap((b) => [...b.storage])];
    };
    expect(train()).toEqual(withReference(train));
  });
});
