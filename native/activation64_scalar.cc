// Float64 exp, expm1 and tanh as V8 computes Math.exp / Math.expm1 / Math.tanh (v8/src/base/ieee754.cc,
// V8's port of fdlibm), so that each result is the same double, bit for bit; sigmoid built from exp
// exactly as src/ops/unary.ts writes it. The portable unit; activation64_avx2.cc computes the same
// operations four lanes at a time. Compiled with -ffp-contract=off: a fused multiply-add rounds once
// where fdlibm rounds twice, and the results would drift from Math.* by an ulp now and then.
//
// The algorithms (argument reduction, polynomial coefficients, special cases) are fdlibm's:
// ====================================================
// Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
//
// Developed at SunSoft, a Sun Microsystems, Inc. business.
// Permission to use, copy, modify, and distribute this
// software is freely granted, provided that this notice
// is preserved.
// ====================================================
#include <cstdint>
#include <cstring>
#include "activation64.h"

namespace tg {
namespace {

uint32_t high_word(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return uint32_t(u >> 32);
}
uint32_t low_word(double d) {
  uint64_t u;
  std::memcpy(&u, &d, sizeof u);
  return uint32_t(u);
}
double from_words(uint32_t hi, uint32_t lo) {
  const uint64_t u = uint64_t(hi) << 32 | lo;
  double d;
  std::memcpy(&d, &u, sizeof d);
  return d;
}

// volatile keeps GCC from folding the overflow/underflow products at compile time (fdlibm's intent:
// raise the flags); the values are the same either way.
volatile double g_huge = 1.0e+300;
volatile double g_tiny = 1.0e-300;

double exp_fdlibm(double x) {
  const double o_threshold = 7.09782712893383973096e+02, u_threshold = -7.45133219101941108420e+02;
  const double ln2HI[2] = {6.93147180369123816490e-01, -6.93147180369123816490e-01};
  const double ln2LO[2] = {1.90821492927058770002e-10, -1.90821492927058770002e-10};
  const double halF[2] = {0.5, -0.5}, invln2 = 1.44269504088896338700e+00;
  const double P1 = 1.66666666666666019037e-01, P2 = -2.77777777770155933842e-03,
               P3 = 6.61375632143793436117e-05, P4 = -1.65339022054652515390e-06,
               P5 = 4.13813679705723846039e-08;
  const double E = 2.718281828459045, twom1000 = 9.33263618503218878990e-302,
               two1023 = 8.988465674311579539e307;
  double hi = 0.0, lo = 0.0;
  int32_t k = 0;
  uint32_t hx = high_word(x);
  const int xsb = int(hx >> 31);
  hx &= 0x7fffffff;
  if (hx >= 0x40862E42) {  // |x| ≥ 709.78…
    if (hx >= 0x7ff00000) {
      if (((hx & 0xfffff) | low_word(x)) != 0) return x + x;  // NaN
      return xsb == 0 ? x : 0.0;                              // exp(±∞) = ∞, 0
    }
    if (x > o_threshold) return g_huge * g_huge;
    if (x < u_threshold) return twom1000 * twom1000;
  }
  if (hx > 0x3FD62E42) {    // |x| > ln2/2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5·ln2
      if (x == 1.0) return E;  // V8 returns the correctly rounded e here
      hi = x - ln2HI[xsb];
      lo = ln2LO[xsb];
      k = 1 - xsb - xsb;
    } else {
      k = int32_t(invln2 * x + halF[xsb]);
      const double t = k;
      hi = x - t * ln2HI[0];  // exact
      lo = t * ln2LO[0];
    }
    x = hi - lo;
  } else if (hx < 0x3E300000) {  // |x| < 2^-28
    return 1.0 + x;
  }
  const double t = x * x;
  const double twopk = k >= -1021 ? from_words(0x3ff00000 + (uint32_t(k) << 20), 0)
                                  : from_words(0x3ff00000 + (uint32_t(k + 1000) << 20), 0);
  const double c = x - t * (P1 + t * (P2 + t * (P3 + t * (P4 + t * P5))));
  if (k == 0) return 1.0 - ((x * c) / (c - 2.0) - x);
  const double y = 1.0 - ((lo - (x * c) / (2.0 - c)) - hi);
  if (k >= -1021) return k == 1024 ? y * 2.0 * two1023 : y * twopk;
  return y * twopk * twom1000;
}

double expm1_fdlibm(double x) {
  const double o_threshold = 7.09782712893383973096e+02, ln2_hi = 6.93147180369123816490e-01,
               ln2_lo = 1.90821492927058770002e-10, invln2 = 1.44269504088896338700e+00;
  // fdlibm's Q1…Q5 scaled by 2^n, for R(2z) with z = x²/2.
  const double Q1 = -3.33333333333331316428e-02, Q2 = 1.58730158725481460165e-03,
               Q3 = -7.93650757867487942473e-05, Q4 = 4.00821782732936239552e-06,
               Q5 = -2.01099218183624371326e-07;
  double hi, lo, c = 0.0, t;
  int32_t k;
  uint32_t hx = high_word(x);
  const uint32_t xsb = hx & 0x80000000;
  hx &= 0x7fffffff;
  if (hx >= 0x4043687A) {    // |x| ≥ 56·ln2
    if (hx >= 0x40862E42) {  // |x| ≥ 709.78…
      if (hx >= 0x7ff00000) {
        if (((hx & 0xfffff) | low_word(x)) != 0) return x + x;  // NaN
        return xsb == 0 ? x : -1.0;
      }
      if (x > o_threshold) return g_huge * g_huge;
    }
    if (xsb != 0) return -1.0;  // x < −56·ln2: e^x − 1 rounds to −1
  }
  if (hx > 0x3FD62E42) {    // |x| > ln2/2
    if (hx < 0x3FF0A2B2) {  // and |x| < 1.5·ln2
      if (xsb == 0) {
        hi = x - ln2_hi;
        lo = ln2_lo;
        k = 1;
      } else {
        hi = x + ln2_hi;
        lo = -ln2_lo;
        k = -1;
      }
    } else {
      k = int32_t(invln2 * x + (xsb == 0 ? 0.5 : -0.5));
      t = k;
      hi = x - t * ln2_hi;  // exact
      lo = t * ln2_lo;
    }
    x = hi - lo;
    c = (hi - x) - lo;
  } else if (hx < 0x3C900000) {  // |x| < 2^-54
    return x;
  } else {
    k = 0;
  }
  const double hfx = 0.5 * x, hxs = x * hfx;
  const double r1 = 1.0 + hxs * (Q1 + hxs * (Q2 + hxs * (Q3 + hxs * (Q4 + hxs * Q5))));
  t = 3.0 - r1 * hfx;
  double e = hxs * ((r1 - t) / (6.0 - x * t));
  if (k == 0) return x - (x * e - hxs);
  const double twopk = from_words(0x3ff00000 + (uint32_t(k) << 20), 0);
  e = (x * (e - c) - c);
  e -= hxs;
  if (k == -1) return 0.5 * (x - e) - 0.5;
  if (k == 1) return x < -0.25 ? -2.0 * (e - (x + 0.5)) : 1.0 + 2.0 * (x - e);
  double y;
  if (k <= -2 || k > 56) {
    y = 1.0 - (e - x);
    y = k == 1024 ? y * 2.0 * 8.98846567431158e+307 : y * twopk;
    return y - 1.0;
  }
  if (k < 20) {
    t = from_words(0x3ff00000 - (0x200000 >> k), 0);  // 1 − 2^-k
    y = t - (e - x);
  } else {
    t = from_words(uint32_t((0x3ff - k) << 20), 0);  // 2^-k
    y = x - (e + t);
    y += 1.0;
  }
  return y * twopk;
}

double tanh_fdlibm(double x) {
  const uint32_t jx = high_word(x), ix = jx & 0x7fffffff;
  double z;
  if (ix >= 0x7ff00000) return (jx >> 31) == 0 ? 1.0 / x + 1.0 : 1.0 / x - 1.0;  // ±∞ → ±1, NaN
  if (ix < 0x40360000) {                   // |x| < 22
    if (ix < 0x3E300000) return x;         // |x| < 2^-28
    const double a = x < 0 ? -x : x;
    if (ix >= 0x3ff00000) {                // |x| ≥ 1
      const double t = expm1_fdlibm(2.0 * a);
      z = 1.0 - 2.0 / (t + 2.0);
    } else {
      const double t = expm1_fdlibm(-2.0 * a);
      z = -t / (t + 2.0);
    }
  } else {
    z = 1.0 - g_tiny;  // rounds to 1
  }
  return (jx >> 31) == 0 ? z : -z;
}

void exp_f64(const double* x, double* out, long n) {
  for (long i = 0; i < n; i++) out[i] = exp_fdlibm(x[i]);
}

void tanh_f64(const double* x, double* out, long n) {
  for (long i = 0; i < n; i++) out[i] = tanh_fdlibm(x[i]);
}

// The reference formula of src/ops/unary.ts: two branches so that exp never overflows.
void sigmoid_f64(const double* x, double* out, long n) {
  for (long i = 0; i < n; i++) {
    const double v = x[i];
    if (v >= 0) {
      out[i] = 1.0 / (1.0 + exp_fdlibm(-v));
    } else {
      const double e = exp_fdlibm(v);
      out[i] = e / (1.0 + e);
    }
  }
}

}  // namespace

Activation64Variant activation64_scalar() { return Activation64Variant{&exp_f64, &tanh_f64, &sigmoid_f64}; }

}  // namespace tg
