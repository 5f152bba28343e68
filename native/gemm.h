// Declarations shared by the GEMM translation units: one single-threaded kernel per ISA variant,
// and the same blocked product run by a team of two threads over one shared packed B.
#pragma once
#include <atomic>
#include <cstddef>
#include <memory>

namespace tg {

// C = op(A)·op(B) on a row-major sub-problem with leading dimensions; C is overwritten.
// op(A) is M×K (stored K×M when transA), op(B) is K×N (stored N×K when transB).
template <typename T>
using GemmFn = void (*)(bool transA, bool transB, long M, long N, long K,
                        const T* A, long lda, const T* B, long ldb, T* C, long ldc);

// One product shared by the caller and the helper thread (see team_gemm in gemm_impl.inc). The
// blocked loop's (NC column block, KC depth block) pairs are taken in order; each is cut into
// row tasks of `mc` rows, numbered block by block, that both threads take from `next`. The first
// taker of a block packs its B into one of two shared buffers (so one thread can pack the next
// block while the other still computes on this one) and every task of a row block waits for the
// same rows' task of the previous depth block, so each element of C is summed in the same order
// as by the single-thread kernel: the results do not depend on which thread ran what. The caller
// packs the first block before the helper starts.
template <typename T>
struct Team {
  bool transA, transB;
  long M, N, K;
  const T* A;
  long lda;
  const T* B;
  long ldb;
  T* C;
  long ldc;
  long mc = 0, rowTasks = 0, tasks = 0;        // set by the variant's team_plan
  T* bbuf[2] = {nullptr, nullptr};             // the caller's two packed-B buffers
  std::atomic<long> next{0};                   // next task to take
  std::atomic<long> packed[2] = {{-1}, {-1}};  // the block whose B each buffer holds
  std::atomic<long> finished[2] = {{0}, {0}};  // tasks finished on that block
  std::unique_ptr<std::atomic<bool>[]> done;    // per task: finished
};

// Splits the product into tasks and readies the shared buffers (on the calling thread); false
// when a team does not pay (too few row tasks, or B read in place).
template <typename T>
using TeamPlanFn = bool (*)(Team<T>* team);
// Takes tasks until none are left; returns how many this thread ran and adds to *waited the
// nanoseconds it spent waiting for the other thread. `lead` (the caller) first packs block 0.
template <typename T>
using TeamRunFn = int (*)(Team<T>* team, bool lead, long long* waited);

struct Variant {
  const char* name;
  GemmFn<float> f32;
  GemmFn<double> f64;
  TeamPlanFn<float> plan32;
  TeamRunFn<float> team32;
  TeamPlanFn<double> plan64;
  TeamRunFn<double> team64;
};

// Each is defined in its own translation unit, compiled with its own -m flags.
Variant variant_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
Variant variant_avx2();
Variant variant_avx512();
#endif

}  // namespace tg
