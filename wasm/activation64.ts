// Float64 exp, tanh and sigmoid over whole arrays with 128-bit SIMD, bit for bit the doubles of V8's
// Math.exp / Math.tanh (its fdlibm port): native/activation64_avx2.cc's branch-free lanes, two at a
// time. Every lane runs every path of fdlibm's case analysis and bitselects keep the one its input
// takes; each path is the same sequence of IEEE operations as fdlibm's scalar code (wasm has no
// fused multiply-add, so nothing is contracted), hence the same results (test/wasm.test.ts checks
// them against Math.* with Object.is).
//
// The algorithms are fdlibm's:
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================

// fdlibm compares the high word of |x| with these; for |x| that is comparing with the double whose
// high word it is (low word 0).
const LN2_HALF_UP: f64 = reinterpret<f64>(0x3FD62E4300000000); // hx ≤ 0x3FD62E42 ⇔ |x| < this
const LN2_1P5: f64 = reinterpret<f64>(0x3FF0A2B200000000); // 1.5·ln2 (high word)
const TWO_M28: f64 = reinterpret<f64>(0x3E30000000000000);
const TWO_M54: f64 = reinterpret<f64>(0x3C90000000000000);
const LN2_56: f64 = reinterpret<f64>(0x4043687A00000000); // 56·ln2 (high word)
const SIGN: f64 = reinterpret<f64>(0x8000000000000000); // −0: the sign bit alone
const LN2HI: f64 = 6.93147180369123816490e-01;
const LN2LO: f64 = 1.90821492927058770002e-10;

// @ts-ignore: decorator
@inline
function sp(x: f64): v128 {
  return f64x2.splat(x);
}

// @ts-ignore: decorator
@inline
function sel(mask: v128, a: v128, b: v128): v128 {
  return v128.bitselect(a, b, mask); // mask ? a : b
}

/** 2^k for integer-valued k in [−1022, 1023], from its bits. */
// @ts-ignore: decorator
@inline
function pow2(k: v128): v128 {
  const shifter = sp(6755399441055744.0); // 0x1.8p52: k lands in the low mantissa bits
  const ki = i64x2.sub(f64x2.add(k, shifter), shifter);
  return i64x2.shl(i64x2.add(ki, i64x2.splat(1023)), 52);
}

/** fdlibm's k in x = k·ln2 + r: 0 for |x| ≤ ln2/2, ±1 below 1.5·ln2, else (int)(x/ln2 ± 1/2). */
// @ts-ignore: decorator
@inline
function reduceK(x: v128, ax: v128, neg: v128): v128 {
  const k = f64x2.trunc(f64x2.add(f64x2.mul(sp(1.44269504088896338700e+00), x), sel(neg, sp(-0.5), sp(0.5))));
  return sel(f64x2.lt(ax, sp(LN2_HALF_UP)), sp(0.0), sel(f64x2.lt(ax, sp(LN2_1P5)), sel(neg, sp(-1.0), sp(1.0)), k));
}

// @ts-ignore: decorator
@inline
function exp2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, sp(0.0));
  const k = reduceK(x, ax, neg);
  // k = 0 gives hi = x, lo = 0, r = x, and then the general formula equals fdlibm's k = 0 one exactly.
  const hi = f64x2.sub(x, f64x2.mul(k, sp(LN2HI)));
  const lo = f64x2.mul(k, sp(LN2LO));
  const r = f64x2.sub(hi, lo);
  const t = f64x2.mul(r, r);
  let p = sp(4.13813679705723846039e-08);
  p = f64x2.add(sp(-1.65339022054652515390e-06), f64x2.mul(t, p));
  p = f64x2.add(sp(6.61375632143793436117e-05), f64x2.mul(t, p));
  p = f64x2.add(sp(-2.77777777770155933842e-03), f64x2.mul(t, p));
  p = f64x2.add(sp(1.66666666666666019037e-01), f64x2.mul(t, p));
  const c = f64x2.sub(r, f64x2.mul(t, p));
  const q = f64x2.div(f64x2.mul(r, c), f64x2.sub(sp(2.0), c));
  const y = f64x2.sub(sp(1.0), f64x2.sub(f64x2.sub(lo, q), hi));
  // y·2^k in two exact factors: y·2^k, y·2·2^1023 (k = 1024), y·2^(k+1000)·2^-1000 (subnormal results).
  const sub = f64x2.lt(k, sp(-1021.0));
  const top = f64x2.eq(k, sp(1024.0));
  const a = sel(top, sp(2.0), pow2(sel(sub, f64x2.add(k, sp(1000.0)), f64x2.min(k, sp(1023.0)))));
  const b = sel(sub, sp(9.33263618503218878990e-302), sel(top, sp(8.988465674311579539e307), sp(1.0)));
  let res = f64x2.mul(f64x2.mul(y, a), b);
  res = sel(f64x2.eq(x, sp(1.0)), sp(2.718281828459045), res); // V8's exact e
  res = sel(f64x2.lt(ax, sp(TWO_M28)), f64x2.add(sp(1.0), x), res);
  res = sel(f64x2.gt(x, sp(7.09782712893383973096e+02)), sp(Infinity), res);
  res = sel(f64x2.lt(x, sp(-7.45133219101941108420e+02)), sp(0.0), res);
  return sel(f64x2.ne(x, x), f64x2.add(x, x), res);
}

// @ts-ignore: decorator
@inline
function expm1x2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const neg = f64x2.lt(x, sp(0.0));
  const k = reduceK(x, ax, neg);
  const hi = f64x2.sub(x, f64x2.mul(k, sp(LN2HI)));
  const lo = f64x2.mul(k, sp(LN2LO));
  const r = f64x2.sub(hi, lo);
  const cr = f64x2.sub(f64x2.sub(hi, r), lo); // the reduction's rounding error (0 when k = 0)
  const hfx = f64x2.mul(sp(0.5), r);
  const hxs = f64x2.mul(r, hfx);
  let p = sp(-2.01099218183624371326e-07);
  p = f64x2.add(sp(4.00821782732936239552e-06), f64x2.mul(hxs, p));
  p = f64x2.add(sp(-7.93650757867487942473e-05), f64x2.mul(hxs, p));
  p = f64x2.add(sp(1.58730158725481460165e-03), f64x2.mul(hxs, p));
  p = f64x2.add(sp(-3.33333333333331316428e-02), f64x2.mul(hxs, p));
  const r1 = f64x2.add(sp(1.0), f64x2.mul(hxs, p));
  const t = f64x2.sub(sp(3.0), f64x2.mul(r1, hfx));
  const e = f64x2.mul(hxs, f64x2.div(f64x2.sub(r1, t), f64x2.sub(sp(6.0), f64x2.mul(r, t))));
  const res0 = f64x2.sub(r, f64x2.sub(f64x2.mul(r, e), hxs));
  const e2 = f64x2.sub(f64x2.sub(f64x2.mul(r, f64x2.sub(e, cr)), cr), hxs);
  const resm1 = f64x2.sub(f64x2.mul(sp(0.5), f64x2.sub(r, e2)), sp(0.5));
  const res1 = sel(f64x2.lt(r, sp(-0.25)), f64x2.mul(sp(-2.0), f64x2.sub(e2, f64x2.add(r, sp(0.5)))),
    f64x2.add(sp(1.0), f64x2.mul(sp(2.0), f64x2.sub(r, e2))));
  const kc = f64x2.max(f64x2.min(k, sp(1023.0)), sp(-1022.0));
  const twopk = pow2(kc);
  const top = f64x2.eq(k, sp(1024.0));
  const y = f64x2.sub(sp(1.0), f64x2.sub(e2, r));
  const far = f64x2.sub(sel(top, f64x2.mul(f64x2.mul(y, sp(2.0)), sp(8.98846567431158e+307)), f64x2.mul(y, twopk)), sp(1.0));
  const twomk = pow2(f64x2.max(f64x2.neg(kc), sp(-1022.0))); // 2^-k
  const lt20 = f64x2.mul(f64x2.sub(f64x2.sub(sp(1.0), twomk), f64x2.sub(e2, r)), twopk);
  const ge20 = f64x2.mul(f64x2.add(f64x2.sub(r, f64x2.add(e2, twomk)), sp(1.0)), twopk);
  let res = sel(f64x2.lt(k, sp(20.0)), lt20, ge20);
  res = sel(v128.or(f64x2.le(k, sp(-2.0)), f64x2.gt(k, sp(56.0))), far, res);
  res = sel(f64x2.eq(k, sp(1.0)), res1, res);
  res = sel(f64x2.eq(k, sp(-1.0)), resm1, res);
  res = sel(f64x2.eq(k, sp(0.0)), res0, res);
  res = sel(f64x2.lt(ax, sp(TWO_M54)), x, res);
  res = sel(v128.and(neg, f64x2.ge(ax, sp(LN2_56))), sp(-1.0), res); // x ≤ −56·ln2
  res = sel(f64x2.gt(x, sp(7.09782712893383973096e+02)), sp(Infinity), res);
  return sel(f64x2.ne(x, x), f64x2.add(x, x), res);
}

// @ts-ignore: decorator
@inline
function tanh2(x: v128): v128 {
  const ax = f64x2.abs(x);
  const big = f64x2.ge(ax, sp(1.0));
  // |x| ≥ 1: 1 − 2/(t + 2) with t = expm1(2|x|); else −t/(t + 2) with t = expm1(−2|x|): one division.
  const t = expm1x2(sel(big, f64x2.mul(sp(2.0), ax), f64x2.mul(sp(-2.0), ax)));
  const q = f64x2.div(sel(big, sp(2.0), f64x2.neg(t)), f64x2.add(t, sp(2.0)));
  let z = sel(big, f64x2.sub(sp(1.0), q), q);
  z = sel(f64x2.ge(ax, sp(22.0)), sp(1.0), z); // 1 − tiny rounds to 1
  z = v128.or(z, v128.and(x, sp(SIGN))); // z ≥ 0 here: give it x's sign
  z = sel(f64x2.lt(ax, sp(TWO_M28)), x, z); // |x| < 2^-28: x itself (±0 too)
  return sel(f64x2.ne(x, x), f64x2.add(x, x), z);
}

// @ts-ignore: decorator
@inline
function sigmoid2(x: v128): v128 {
  // src/ops/unary.ts's formula: x ≥ 0: 1/(1 + e^−x); else e^x/(1 + e^x).
  const pos = f64x2.ge(x, sp(0.0));
  const e = exp2(sel(pos, f64x2.neg(x), x));
  return f64x2.div(sel(pos, sp(1.0), e), f64x2.add(sp(1.0), e));
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
  for (; i + 2 <= n; i += 2) v128.store(out + (<usize>i << 3), apply2(kind, v128.load(x + (<usize>i << 3))));
  if (i < n) store<f64>(out + (<usize>i << 3), f64x2.extract_lane(apply2(kind, f64x2.splat(load<f64>(x + (<usize>i << 3)))), 0));
}

/** out[i] = f(x[i]) for n float64 values at byte offsets x and out (may be equal): kind 0 exp, 1 tanh, 2 sigmoid. */
export function activation64(kind: i32, x: usize, out: usize, n: i32): void {
  // One loop per kind: `run` is inlined with a constant kind, so no branch is left inside a loop.
  if (kind == 0) run(0, x, out, n);
  else if (kind == 1) run(1, x, out, n);
  else run(2, x, out, n);
}
