// Float32 exp, tanh and sigmoid over arrays per ISA variant; see activation.inc.
#pragma once

namespace tg {

using ActivationFn = void (*)(const float* x, float* out, long n);

struct ActivationVariant {
  ActivationFn exp32;
  ActivationFn tanh32;
  ActivationFn sigmoid32;
};

ActivationVariant activation_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
ActivationVariant activation_avx2();
#endif

}  // namespace tg
