// The float64 exp, tanh and sigmoid of activation64_scalar.cc (V8's fdlibm Math.exp / Math.tanh), four
// lanes at a time with AVX2 and no branches: every lane runs every path of fdlibm's case analysis and
// blends pick the path that lane's input takes. Each path is the same sequence of IEEE operations as
// the scalar code, so the results are the same doubles; test/activation-f64.test.ts checks that
// against Math.* bit for bit. Compiled with -mavx2 and without -mfma, contraction off (binding.gyp).
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
#include <immintrin.h>
#include <cstdint>
#include <cstring>
#include "activation64.h"

namespace tg {
namespace {

using V = __m256d;

inline V c(double d) { return _mm256_set1_pd(d); }
// A double from its high 32 bits (low word 0): fdlibm compares high words, which for |x| is the
// same as comparing |x| with this double.
inline double hw(uint32_t h) {
  const uint64_t u = uint64_t(h) << 32;
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}
inline V sel(V mask, V a, V b) { return _mm256_blendv_pd(b, a, mask); }  // mask ? a : b
inline V lt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LT_OQ); }
inline V le(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_LE_OQ); }
inline V gt(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GT_OQ); }
inline V ge(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_GE_OQ); }
inline V eq(V a, V b) { return _mm256_cmp_pd(a, b, _CMP_EQ_OQ); }
inline V isnan(V a) { return _mm256_cmp_pd(a, a, _CMP_UNORD_Q); }
inline V vabs(V a) { return _mm256_andnot_pd(c(-0.0), a); }
inline V vor(V a, V b) { return _mm256_or_pd(a, b); }
inline V vand(V a, V b) { return _mm256_and_pd(a, b); }
inline V vneg(V a) { return _mm256_xor_pd(a, c(-0.0)); }  // −a, exactly (±0 and NaN too)

// 2^k for integer-valued k with −1022 ≤ k ≤ 1023, built from its bits (no rounding involved).
inline V pow2(V k) {
  const V shifter = c(0x1.8p52);
  const __m256i ki = _mm256_sub_epi64(_mm256_castpd_si256(_mm256_add_pd(k, shifter)),
                                      _mm256_castpd_si256(shifter));
  return _mm256_castsi256_pd(_mm256_slli_epi64(_mm256_add_epi64(ki, _mm256_set1_epi64x(1023)), 52));
}

// fdlibm's reduction x = k·ln2 + r: k = 0 for |x| ≤ ln2/2, ±1 up to 1.5·ln2, else (int)(x/ln2 ± 1/2).
inline V reduce_k(V x, V ax, V neg) {
  const V k = _mm256_round_pd(_mm256_add_pd(_mm256_mul_pd(c(1.44269504088896338700e+00), x), sel(neg, c(-0.5), c(0.5))),
                              _MM_FROUND_TO_ZERO | _MM_FROUND_NO_EXC);
  const V small = lt(ax, c(hw(0x3FD62E43)));  // hx ≤ 0x3FD62E42
  const V near = lt(ax, c(hw(0x3FF0A2B2)));   // hx < 0x3FF0A2B2
  return sel(small, c(0.0), sel(near, sel(neg, c(-1.0), c(1.0)), k));
}

const double ln2HI = 6.93147180369123816490e-01, ln2LO = 1.90821492927058770002e-10;

inline V exp4(V x) {
  const V ax = vabs(x), neg = lt(x, c(0.0));
  const V k = reduce_k(x, ax, neg);
  // With k = 0 these give hi = x, lo = 0, r = x, and the general formula below equals fdlibm's
  // k = 0 formula 1 − ((x·c)/(c − 2) − x) exactly (c − 2 = −(2 − c); 0 − q = −q).
  const V hi = _mm256_sub_pd(x, _mm256_mul_pd(k, c(ln2HI)));
  const V lo = _mm256_mul_pd(k, c(ln2LO));
  const V r = _mm256_sub_pd(hi, lo);
  const V t = _mm256_mul_pd(r, r);
  V p = c(4.13813679705723846039e-08);
  p = _mm256_add_pd(c(-1.65339022054652515390e-06), _mm256_mul_pd(t, p));
  p = _mm256_add_pd(c(6.61375632143793436117e-05), _mm256_mul_pd(t, p));
  p = _mm256_add_pd(c(-2.77777777770155933842e-03), _mm256_mul_pd(t, p));
  p = _mm256_add_pd(c(1.66666666666666019037e-01), _mm256_mul_pd(t, p));
  const V cc = _mm256_sub_pd(r, _mm256_mul_pd(t, p));
  const V q = _mm256_div_pd(_mm256_mul_pd(r, cc), _mm256_sub_pd(c(2.0), cc));
  const V y = _mm256_sub_pd(c(1.0), _mm256_sub_pd(_mm256_sub_pd(lo, q), hi));
  // Scale by 2^k in two exact factors: fdlibm's y·2^k, y·2·2^1023 (k = 1024), y·2^(k+1000)·2^-1000.
  const V sub = lt(k, c(-1021.0)), top = eq(k, c(1024.0));
  const V a = sel(top, c(2.0), pow2(sel(sub, _mm256_add_pd(k, c(1000.0)), _mm256_min_pd(k, c(1023.0)))));
  const V b = sel(sub, c(9.33263618503218878990e-302), sel(top, c(8.988465674311579539e307), c(1.0)));
  V res = _mm256_mul_pd(_mm256_mul_pd(y, a), b);
  res = sel(eq(x, c(1.0)), c(2.718281828459045), res);            // V8's exact e
  res = sel(lt(ax, c(hw(0x3E300000))), _mm256_add_pd(c(1.0), x), res);  // |x| < 2^-28
  res = sel(gt(x, c(7.09782712893383973096e+02)), c(__builtin_inf()), res);
  res = sel(lt(x, c(-7.45133219101941108420e+02)), c(0.0), res);
  return sel(isnan(x), _mm256_add_pd(x, x), res);
}

inline V expm1_4(V x) {
  const V ax = vabs(x), neg = lt(x, c(0.0));
  const V k = reduce_k(x, ax, neg);
  const V hi = _mm256_sub_pd(x, _mm256_mul_pd(k, c(ln2HI)));
  const V lo = _mm256_mul_pd(k, c(ln2LO));
  const V r = _mm256_sub_pd(hi, lo);
  const V cr = _mm256_sub_pd(_mm256_sub_pd(hi, r), lo);  // the reduction's rounding error (0 when k = 0)
  const V hfx = _mm256_mul_pd(c(0.5), r), hxs = _mm256_mul_pd(r, hfx);
  V p = c(-2.01099218183624371326e-07);
  p = _mm256_add_pd(c(4.00821782732936239552e-06), _mm256_mul_pd(hxs, p));
  p = _mm256_add_pd(c(-7.93650757867487942473e-05), _mm256_mul_pd(hxs, p));
  p = _mm256_add_pd(c(1.58730158725481460165e-03), _mm256_mul_pd(hxs, p));
  p = _mm256_add_pd(c(-3.33333333333331316428e-02), _mm256_mul_pd(hxs, p));
  const V r1 = _mm256_add_pd(c(1.0), _mm256_mul_pd(hxs, p));
  const V t = _mm256_sub_pd(c(3.0), _mm256_mul_pd(r1, hfx));
  const V e = _mm256_mul_pd(hxs, _mm256_div_pd(_mm256_sub_pd(r1, t), _mm256_sub_pd(c(6.0), _mm256_mul_pd(r, t))));
  const V res0 = _mm256_sub_pd(r, _mm256_sub_pd(_mm256_mul_pd(r, e), hxs));
  const V e2 = _mm256_sub_pd(_mm256_sub_pd(_mm256_mul_pd(r, _mm256_sub_pd(e, cr)), cr), hxs);
  const V resm1 = _mm256_sub_pd(_mm256_mul_pd(c(0.5), _mm256_sub_pd(r, e2)), c(0.5));
  const V res1 = sel(lt(r, c(-0.25)), _mm256_mul_pd(c(-2.0), _mm256_sub_pd(e2, _mm256_add_pd(r, c(0.5)))),
                     _mm256_add_pd(c(1.0), _mm256_mul_pd(c(2.0), _mm256_sub_pd(r, e2))));
  const V kc = _mm256_max_pd(_mm256_min_pd(k, c(1023.0)), c(-1022.0));
  const V twopk = pow2(kc);
  const V top = eq(k, c(1024.0));
  const V y = _mm256_sub_pd(c(1.0), _mm256_sub_pd(e2, r));
  const V far = _mm256_sub_pd(sel(top, _mm256_mul_pd(_mm256_mul_pd(y, c(2.0)), c(8.98846567431158e+307)),
                                  _mm256_mul_pd(y, twopk)), c(1.0));
  const V twomk = pow2(_mm256_max_pd(_mm256_sub_pd(c(0.0), kc), c(-1022.0)));  // 2^-k
  const V lt20 = _mm256_mul_pd(_mm256_sub_pd(_mm256_sub_pd(c(1.0), twomk), _mm256_sub_pd(e2, r)), twopk);
  const V ge20 = _mm256_mul_pd(_mm256_add_pd(_mm256_sub_pd(r, _mm256_add_pd(e2, twomk)), c(1.0)), twopk);
  V res = sel(lt(k, c(20.0)), lt20, ge20);
  res = sel(vor(le(k, c(-2.0)), gt(k, c(56.0))), far, res);
  res = sel(eq(k, c(1.0)), res1, res);
  res = sel(eq(k, c(-1.0)), resm1, res);
  res = sel(eq(k, c(0.0)), res0, res);
  res = sel(lt(ax, c(hw(0x3C900000))), x, res);                         // |x| < 2^-54
  res = sel(vand(neg, ge(ax, c(hw(0x4043687A)))), c(-1.0), res);        // x ≤ −56·ln2
  res = sel(gt(x, c(7.09782712893383973096e+02)), c(__builtin_inf()), res);
  return sel(isnan(x), _mm256_add_pd(x, x), res);
}

inline V tanh4(V x) {
  const V ax = vabs(x);
  const V big = ge(ax, c(1.0));
  // |x| ≥ 1: 1 − 2/(t + 2) with t = expm1(2|x|); else −t/(t + 2) with t = expm1(−2|x|): one division.
  const V t = expm1_4(sel(big, _mm256_mul_pd(c(2.0), ax), _mm256_mul_pd(c(-2.0), ax)));
  const V q = _mm256_div_pd(sel(big, c(2.0), vneg(t)), _mm256_add_pd(t, c(2.0)));
  V z = sel(big, _mm256_sub_pd(c(1.0), q), q);
  z = sel(ge(ax, c(22.0)), c(1.0), z);                   // 1 − tiny rounds to 1
  z = _mm256_or_pd(z, _mm256_and_pd(x, c(-0.0)));        // z ≥ 0 here: give it x's sign
  z = sel(lt(ax, c(hw(0x3E300000))), x, z);              // |x| < 2^-28: x itself (±0 too)
  return sel(isnan(x), _mm256_add_pd(x, x), z);
}

// The reference formula of src/ops/unary.ts: x ≥ 0: 1/(1 + e^−x); else e^x/(1 + e^x).
inline V sigmoid4(V x) {
  const V pos = ge(x, c(0.0));
  const V e = exp4(sel(pos, vneg(x), x));
  return _mm256_div_pd(sel(pos, c(1.0), e), _mm256_add_pd(c(1.0), e));
}

template <V (*F)(V)>
void over(const double* x, double* out, long n) {
  long i = 0;
  // Two vectors per iteration: each lane's path is a long dependency chain (two or three divisions).
  for (; i + 8 <= n; i += 8) {
    const V a = F(_mm256_loadu_pd(x + i)), b = F(_mm256_loadu_pd(x + i + 4));
    _mm256_storeu_pd(out + i, a);
    _mm256_storeu_pd(out + i + 4, b);
  }
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(out + i, F(_mm256_loadu_pd(x + i)));
  if (i < n) {
    alignas(32) double buf[4] = {0, 0, 0, 0};
    for (long j = i; j < n; j++) buf[j - i] = x[j];
    _mm256_store_pd(buf, F(_mm256_load_pd(buf)));
    for (long j = i; j < n; j++) out[j] = buf[j - i];
  }
}

}  // namespace

Activation64Variant activation64_avx2() { return Activation64Variant{&over<exp4>, &over<tanh4>, &over<sigmoid4>}; }

}  // namespace tg
