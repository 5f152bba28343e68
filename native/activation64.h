// Float64 exp, tanh and sigmoid over arrays, bit for bit the values of V8's Math.exp/Math.tanh
// (its fdlibm port); see activation64_scalar.cc (the port) and activation64_avx2.cc (vectorised).
#pragma once

namespace tg {

using Activation64Fn = void (*)(const double* x, double* out, long n);

struct Activation64Variant {
  Activation64Fn exp64;
  Activation64Fn tanh64;
  Activation64Fn sigmoid64;
};

Activation64Variant activation64_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
Activation64Variant activation64_avx2();
#endif

}  // namespace tg
