// Declarations shared by the GEMM translation units: one single-threaded kernel per ISA variant.
#pragma once
#include <cstddef>

namespace tg {

// C = op(A)·op(B) on a row-major sub-problem with leading dimensions; C is overwritten.
// op(A) is M×K (stored K×M when transA), op(B) is K×N (stored N×K when transB).
template <typename T>
using GemmFn = void (*)(bool transA, bool transB, long M, long N, long K,
                        const T* A, long lda, const T* B, long ldb, T* C, long ldc);

struct Variant {
  const char* name;
  GemmFn<float> f32;
  GemmFn<double> f64;
};

// Each is defined in its own translation unit, compiled with its own -m flags.
Variant variant_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
Variant variant_avx2();
Variant variant_avx512();
#endif

}  // namespace tg
