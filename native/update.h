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

// A dense layer's row-broadcast glue (see update.inc): bias add, column sums, activation′ + column sums.
template <typename T>
using AddRowsFn = void (*)(T* out, const T* bias, long rows, long n);
template <typename T>
using SumRowsFn = void (*)(const T* x, T* out, double* acc, long rows, long n);
template <typename T>
using ActGradRowsFn = void (*)(int kind, const T* g, const T* y, T* gz, T* gb, double* acc, long rows, long n);

struct UpdateVariant {
  SgdFn<float> sgd32;
  SgdFn<double> sgd64;
  MomentumFn<float> mom32;
  MomentumFn<double> mom64;
  AdamFn<float> adam32;
  AdamFn<double> adam64;
  AddRowsFn<float> addRows32;
  AddRowsFn<double> addRows64;
  SumRowsFn<float> sumRows32;
  SumRowsFn<double> sumRows64;
  ActGradRowsFn<float> actGradRows32;
  ActGradRowsFn<double> actGradRows64;
};

UpdateVariant update_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
UpdateVariant update_avx2();
#endif

}  // namespace tg
