// The optimizers' in-place updates (SGD, momentum, Adam) per ISA variant; see update.inc.
#pragma once

namespace tg {

template <typename T>
using SgdFn = void (*)(T* w, const T* g, long n, double lr);
template <typename T>
using MomentumFn = void (*)(T* w, const T* g, double* v, long n, double lr, double mom);
template <typename T>
using AdamFn = void (*)(T* w, const T* g, double* m, double* v, long n, double lr, double b1,
                        double b2, double eps, double c1, double c2);

struct UpdateVariant {
  SgdFn<float> sgd32;
  SgdFn<double> sgd64;
  MomentumFn<float> mom32;
  MomentumFn<double> mom64;
  AdamFn<float> adam32;
  AdamFn<double> adam64;
};

UpdateVariant update_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
UpdateVariant update_avx2();
#endif

}  // namespace tg
