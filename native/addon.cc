// N-API entry points: gemm on Float32Array/Float64Array views (no copies), CPU-feature
// dispatch between the compiled variants, and the two-thread split for large products.
#include <node_api.h>
#include <cstdint>
#include <cstring>
#include <mutex>
#include "gemm.h"
#include "parallel.h"

namespace tg {
namespace {

Variant g_variants[3];
int g_count = 0;
const Variant* g_active = nullptr;
// 2·M·N·K at or above which the product is split over two threads (set from JS after measuring).
double g_thread_flops = 4e6;
int g_threads = 2;

// Fills the variant list once per process, best first (worker threads may load the addon concurrently).
void detect_once() {
#if defined(TG_HAVE_X86_VARIANTS)
  __builtin_cpu_init();
  if (__builtin_cpu_supports("avx512f")) g_variants[g_count++] = variant_avx512();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma"))
    g_variants[g_count++] = variant_avx2();
#endif
  g_variants[g_count++] = variant_scalar();
  g_active = &g_variants[0];
}

void detect() {
  static std::once_flag once;
  std::call_once(once, detect_once);
}

template <typename T>
struct Job {
  GemmFn<T> fn;
  bool ta, tb;
  long M, N, K;
  const T* A;
  long lda;
  const T* B;
  long ldb;
  T* C;
  long ldc;
  static void run(void* p) {
    auto* j = static_cast<Job*>(p);
    j->fn(j->ta, j->tb, j->M, j->N, j->K, j->A, j->lda, j->B, j->ldb, j->C, j->ldc);
  }
};

// Splits C into two halves (by columns when that duplicates less packing, else by rows).
template <typename T>
void gemm_threads(GemmFn<T> fn, bool ta, bool tb, long M, long N, long K, const T* A,
                  const T* B, T* C) {
  const long lda = ta ? M : K, ldb = tb ? K : N;
  Job<T> whole{fn, ta, tb, M, N, K, A, lda, B, ldb, C, N};
  const double flops = 2.0 * double(M) * double(N) * double(K);
  if (g_threads < 2 || flops < g_thread_flops || (M < 24 && N < 128)) {
    Job<T>::run(&whole);
    return;
  }
  Job<T> a = whole, b = whole;
  // Splitting N makes each thread pack all of A (M·K); splitting M, all of B (K·N).
  if ((M <= N && N >= 128) || M < 24) {
    const long n0 = ((N / 2 + 63) / 64) * 64 < N ? ((N / 2 + 63) / 64) * 64 : N / 2;
    a.N = n0;
    b.N = N - n0;
    b.B = tb ? B + n0 * ldb : B + n0;
    b.C = C + n0;
  } else {
    const long m0 = ((M / 2 + 11) / 12) * 12 < M ? ((M / 2 + 11) / 12) * 12 : M / 2;
    a.M = m0;
    b.M = M - m0;
    b.A = ta ? A + m0 : A + m0 * lda;
    b.C = C + m0 * N;
  }
  if (!run_pair(Task{&Job<T>::run, &a}, Task{&Job<T>::run, &b})) Job<T>::run(&whole);
}

napi_value fail(napi_env env, const char* msg) {
  napi_throw_error(env, nullptr, msg);
  return nullptr;
}

struct View {
  napi_typedarray_type type;
  size_t length;
  void* data;
};

bool view(napi_env env, napi_value v, View* out) {
  napi_value buf;
  size_t offset;
  return napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buf, &offset) ==
         napi_ok;
}

// gemm(transA, transB, M, N, K, A, B, C): lengths are validated in TypeScript; the checks
// here only guard memory safety.
napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 8;
  napi_value argv[8];
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 8)
    return fail(env, "gemm: expected 8 arguments");
  bool ta, tb;
  int64_t M, N, K;
  if (napi_get_value_bool(env, argv[0], &ta) != napi_ok ||
      napi_get_value_bool(env, argv[1], &tb) != napi_ok ||
      napi_get_value_int64(env, argv[2], &M) != napi_ok ||
      napi_get_value_int64(env, argv[3], &N) != napi_ok ||
      napi_get_value_int64(env, argv[4], &K) != napi_ok || M < 0 || N < 0 || K < 0)
    return fail(env, "gemm: bad flags or sizes");
  View a, b, c;
  if (!view(env, argv[5], &a) || !view(env, argv[6], &b) || !view(env, argv[7], &c))
    return fail(env, "gemm: A, B and C must be typed arrays");
  if (a.type != b.type || a.type != c.type ||
      (a.type != napi_float32_array && a.type != napi_float64_array))
    return fail(env, "gemm: A, B and C must all be Float32Array or all Float64Array");
  if (double(a.length) < double(M) * double(K) || double(b.length) < double(K) * double(N) ||
      double(c.length) < double(M) * double(N))
    return fail(env, "gemm: a buffer is shorter than its matrix");
  if (a.type == napi_float32_array)
    gemm_threads<float>(g_active->f32, ta, tb, M, N, K, static_cast<const float*>(a.data),
                        static_cast<const float*>(b.data), static_cast<float*>(c.data));
  else
    gemm_threads<double>(g_active->f64, ta, tb, M, N, K, static_cast<const double*>(a.data),
                         static_cast<const double*>(b.data), static_cast<double*>(c.data));
  return nullptr;
}

napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

// info() → { variant, variants: string[], threads, threadFlops }
napi_value Info(napi_env env, napi_callback_info) {
  napi_value o, list, n;
  napi_create_object(env, &o);
  napi_set_named_property(env, o, "variant", str(env, g_active->name));
  napi_create_array_with_length(env, g_count, &list);
  for (int i = 0; i < g_count; i++) napi_set_element(env, list, i, str(env, g_variants[i].name));
  napi_set_named_property(env, o, "variants", list);
  napi_create_int32(env, g_threads, &n);
  napi_set_named_property(env, o, "threads", n);
  napi_create_double(env, g_thread_flops, &n);
  napi_set_named_property(env, o, "threadFlops", n);
  return o;
}

// configure({ variant?, threads?, threadFlops? }) → info(); unknown variants throw.
napi_value Configure(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value arg, v;
  napi_get_cb_info(env, info, &argc, &arg, nullptr, nullptr);
  bool has;
  if (argc == 1 && napi_has_named_property(env, arg, "variant", &has) == napi_ok && has) {
    char name[32];
    size_t len;
    napi_get_named_property(env, arg, "variant", &v);
    if (napi_get_value_string_utf8(env, v, name, sizeof name, &len) != napi_ok)
      return fail(env, "configure: variant must be a string");
    const Variant* found = nullptr;
    for (int i = 0; i < g_count; i++)
      if (std::strcmp(g_variants[i].name, name) == 0) found = &g_variants[i];
    if (!found) return fail(env, "configure: variant not available on this CPU");
    g_active = found;
  }
  if (argc == 1 && napi_has_named_property(env, arg, "threads", &has) == napi_ok && has) {
    int32_t t;
    napi_get_named_property(env, arg, "threads", &v);
    if (napi_get_value_int32(env, v, &t) != napi_ok || t < 1 || t > 2)
      return fail(env, "configure: threads must be 1 or 2");
    g_threads = t;
  }
  if (argc == 1 && napi_has_named_property(env, arg, "threadFlops", &has) == napi_ok && has) {
    double f;
    napi_get_named_property(env, arg, "threadFlops", &v);
    if (napi_get_value_double(env, v, &f) != napi_ok || !(f >= 0))
      return fail(env, "configure: threadFlops must be a non-negative number");
    g_thread_flops = f;
  }
  return Info(env, info);
}

}  // namespace
}  // namespace tg

NAPI_MODULE_INIT() {
  tg::detect();
  napi_property_descriptor props[] = {
      {"gemm", nullptr, tg::Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, tg::Info, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"configure", nullptr, tg::Configure, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, 3, props);
  return exports;
}
