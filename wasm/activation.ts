// Float32 exp, tanh and sigmoid over whole arrays with 128-bit SIMD: the algorithm of
// native/activation.inc, two lanes at a time. Each value is computed in double by a branch-free exp
// (Cody-Waite reduction, degree-13 Taylor polynomial on |r| ≤ ln2/2, relative error below 2e-16)
// and rounded once to float, so a result is within one float32 ulp of fround(Math.f(x)), and equal
// to it on all but a few inputs in 10⁴ (test/wasm.test.ts checks both).

// @ts-ignore: decorator
@inline
function expD(x: v128): v128 {
  const shifter = f64x2.splat(6755399441055744.0); // 0x1.8p52
  const t = f64x2.add(f64x2.mul(x, f64x2.splat(1.4426950408889634)), shifter);
  const n = f64x2.sub(t, shifter);
  // n as a 64-bit integer, sign-extended from the low 20 bits of t's mantissa.
  const k = i64x2.sub(v128.xor(v128.and(t, i64x2.splat(0xfffff)), i64x2.splat(0x80000)), i64x2.splat(0x80000));
  const r = f64x2.sub(f64x2.sub(x, f64x2.mul(n, f64x2.splat(6.93147180369123816490e-01))),
    f64x2.mul(n, f64x2.splat(1.90821492927058770002e-10)));
  let p = f64x2.splat(1.0 / 6227020800.0);
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 479001600.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 39916800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 3628800.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 362880.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 40320.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 5040.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 720.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 120.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 24.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0 / 6.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(0.5));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  p = f64x2.add(f64x2.mul(p, r), f64x2.splat(1.0));
  // 2^k in two factors, so that k down to -1074 (subnormal results) stays representable.
  const k1 = i64x2.shr_s(k, 1);
  const k2 = i64x2.sub(k, k1);
  const bias = i64x2.splat(1023);
  const s1 = i64x2.shl(i64x2.add(k1, bias), 52);
  const s2 = i64x2.shl(i64x2.add(k2, bias), 52);
  return f64x2.mul(f64x2.mul(p, s1), s2);
}

// @ts-ignore: decorator
@inline
function clamp(x: v128, lo: f64, hi: f64): v128 {
  // pmax/pmin keep x when it is NaN; the callers select NaN back in at the end.
  return f64x2.pmin(f64x2.pmax(x, f64x2.splat(lo)), f64x2.splat(hi));
}

// @ts-ignore: decorator
@inline
function exp2(v: v128): v128 {
  const e = expD(clamp(v, -745.0, 709.0));
  // Beyond the float range the double result already rounds to 0 or ∞; NaN passes through.
  const big = v128.bitselect(f64x2.mul(e, f64x2.splat(2.0)), e, f64x2.gt(v, f64x2.splat(709.0)));
  return v128.bitselect(v, big, f64x2.ne(v, v));
}

// @ts-ignore: decorator
@inline
function sigmoid2(v: v128): v128 {
  // 1/(1 + e^−x) has no cancellation on either side of 0 in double.
  const e = expD(clamp(f64x2.neg(v), -745.0, 709.0));
  const s = f64x2.div(f64x2.splat(1.0), f64x2.add(f64x2.splat(1.0), e));
  return v128.bitselect(v, s, f64x2.ne(v, v));
}

// @ts-ignore: decorator
@inline
function tanh2(v: v128): v128 {
  const a = f64x2.abs(v);
  // Small |x|: odd Taylor series to x^15; otherwise (e^2a − 1)/(e^2a + 1), e^2a ≥ 1.13.
  const s = f64x2.mul(a, a);
  let q = f64x2.splat(-929569.0 / 638512875.0);
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(21844.0 / 6081075.0));
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(-1382.0 / 155925.0));
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(62.0 / 2835.0));
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(-17.0 / 315.0));
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(2.0 / 15.0));
  q = f64x2.add(f64x2.mul(q, s), f64x2.splat(-1.0 / 3.0));
  const small = f64x2.add(a, f64x2.mul(f64x2.mul(a, s), q));
  const e = expD(clamp(f64x2.add(a, a), 0.0, 40.0));
  const one = f64x2.splat(1.0);
  const big = f64x2.div(f64x2.sub(e, one), f64x2.add(e, one));
  const t = v128.bitselect(small, big, f64x2.lt(a, f64x2.splat(0.0625)));
  // Copy the sign of v (tanh is odd; −0 stays −0).
  const signed = v128.or(t, v128.and(v, i64x2.splat(0x8000000000000000)));
  return v128.bitselect(v, signed, f64x2.ne(v, v));
}

// @ts-ignore: decorator
@inline
function apply2(kind: i32, v: v128): v128 {
  return kind == 0 ? exp2(v) : kind == 1 ? tanh2(v) : sigmoid2(v);
}

// @ts-ignore: decorator
@inline
function run(kind: i32, x: usize, out: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const v = v128.load(x + (<usize>i << 2));
    const lo = apply2(kind, f64x2.promote_low_f32x4(v));
    const hi = apply2(kind, f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1)));
    const r = v128.shuffle<f32>(f32x4.demote_f64x2_zero(lo), f32x4.demote_f64x2_zero(hi), 0, 1, 4, 5);
    v128.store(out + (<usize>i << 2), r);
  }
  for (; i < n; i++) {
    const v = f64x2.splat(<f64>load<f32>(x + (<usize>i << 2)));
    store<f32>(out + (<usize>i << 2), <f32>f64x2.extract_lane(apply2(kind, v), 0));
  }
}

/** out[i] = f(x[i]) for n float32 values at byte offsets x and out (may be equal): kind 0 exp, 1 tanh, 2 sigmoid. */
export function activation32(kind: i32, x: usize, out: usize, n: i32): void {
  // One loop per kind: `run` is inlined with a constant kind, so no branch is left inside a loop.
  if (kind == 0) run(0, x, out, n);
  else if (kind == 1) run(1, x, out, n);
  else run(2, x, out, n);
}
