// N-API entry points: gemm on Float32Array/Float64Array views (no copies), CPU-feature
// dispatch between the compiled variants, and the two-thread split for large products.
#include <node_api.h>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstring>
#include <mutex>
#include <vector>
#include "gemm.h"
#include "parallel.h"
#include "update.h"
#include "activation.h"
#include "activation64.h"

namespace tg {
namespace {

Variant g_variants[3];
int g_count = 0;
const Variant* g_active = nullptr;
UpdateVariant g_update;
ActivationVariant g_act;
Activation64Variant g_act64, g_act64_portable;
// 2·M·N·K at or above which the product is split over two threads (set from JS after measuring).
double g_thread_flops = 1e6;
int g_threads = 2;
// Most slabs a product is cut into when the re-packed operand is large (a tuning knob).
int g_max_slabs = 4;
// 2·M·N·K at or above which a product with enough rows is shared by a team over one packed B
// (gemm.h) instead of being cut into slabs; g_team = false always cuts slabs (for comparisons).
double g_team_flops = 32e6;
bool g_team = true;

// Contention guard state (see gemm_threads): measured ns/flop with one and two threads per dtype
// and size class, and how many calls it ran single-threaded because one thread measured faster.
using Clock = std::chrono::steady_clock;
struct Stats {
  std::mutex m;
  long long calls = 0;
  double gain = 1;  // running average of the fraction of a two-thread call's time the helper saved
  bool solo = false;
};
Stats g_stats[2][24];
std::atomic<long long> g_late_calls{0};
bool g_guard = true;

int size_class(double flops) {
  int c = 0;
  for (double f = flops; f >= 2 && c < 23; f /= 2) c++;
  return c;
}

void reset_stats() {
  for (auto& byDtype : g_stats)
    for (auto& st : byDtype) {
      std::lock_guard<std::mutex> lk(st.m);
      st.calls = 0;
      st.gain = 1;
      st.solo = false;
    }
}

long long now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now().time_since_epoch())
      .count();
}

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
  g_update = update_scalar();
  g_act = activation_scalar();
  g_act64 = g_act64_portable = activation64_scalar();
#if defined(TG_HAVE_X86_VARIANTS)
  if (__builtin_cpu_supports("avx2")) g_act64 = activation64_avx2();
  if (__builtin_cpu_supports("avx2")) g_update = update_avx2();
  if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) g_act = activation_avx2();
#endif
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

// C cut into column or row slabs that both threads take in turn from an atomic counter, so a
// thread that starts late or is preempted (the machine is shared) just takes fewer slabs,
// instead of the other one waiting for it as it would with fixed halves.
template <typename T>
struct Slabs {
  Job<T> whole;
  bool byCols;
  long step;
  int count;
  std::atomic<int> next{0};
  long long mainDone = 0;
  int helped = 0;  // slabs the helper took (written by the helper before it reports done)

  int own = 0;      // slabs the caller took

  static void caller(void* p) {
    static_cast<Slabs*>(p)->own = run(p);
    static_cast<Slabs*>(p)->mainDone = now_ns();
  }

  static void helper(void* p) { static_cast<Slabs*>(p)->helped = run(p); }

  static int run(void* p) {
    auto* s = static_cast<Slabs*>(p);
    const Job<T>& w = s->whole;
    int taken = 0;
    for (int c; (c = s->next.fetch_add(1)) < s->count; taken++) {
      Job<T> j = w;
      const long lo = c * s->step;
      if (s->byCols) {
        j.N = w.N - lo < s->step ? w.N - lo : s->step;
        j.B = w.tb ? w.B + lo * w.ldb : w.B + lo;
        j.C = w.C + lo;
      } else {
        j.M = w.M - lo < s->step ? w.M - lo : s->step;
        j.A = w.ta ? w.A + lo : w.A + lo * w.lda;
        j.C = w.C + lo * w.ldc;
      }
      Job<T>::run(&j);
    }
    return taken;
  }
};

// A product shared by both threads over one packed B (Team in gemm.h): the caller's and the
// helper's side of run_pair, with what the contention guard needs to judge the call.
template <typename T>
struct TeamCall {
  Team<T> team;
  TeamRunFn<T> fn;
  int own = 0, helped = 0;
  long long mainDone = 0, callerWaited = 0, helperWaited = 0;
  static void caller(void* p) {
    auto* c = static_cast<TeamCall*>(p);
    c->own = c->fn(&c->team, true, &c->callerWaited);
    c->mainDone = now_ns();
  }
  static void helper(void* p) {
    auto* c = static_cast<TeamCall*>(p);
    c->helped = c->fn(&c->team, false, &c->helperWaited);
  }
};

template <typename T> GemmFn<T> gemm_of(const Variant& v);
template <> GemmFn<float> gemm_of<float>(const Variant& v) { return v.f32; }
template <> GemmFn<double> gemm_of<double>(const Variant& v) { return v.f64; }
template <typename T> TeamPlanFn<T> plan_of(const Variant& v);
template <> TeamPlanFn<float> plan_of<float>(const Variant& v) { return v.plan32; }
template <> TeamPlanFn<double> plan_of<double>(const Variant& v) { return v.plan64; }
template <typename T> TeamRunFn<T> team_of(const Variant& v);
template <> TeamRunFn<float> team_of<float>(const Variant& v) { return v.team32; }
template <> TeamRunFn<double> team_of<double>(const Variant& v) { return v.team64; }

// Whether this call runs on two threads (the contention guard's verdict, see below).
bool guard_allows(Stats& st, bool* explore) {
  *explore = false;
  if (!g_guard) return true;
  std::lock_guard<std::mutex> lk(st.m);
  const long long k = ++st.calls;
  if (!st.solo) return true;
  *explore = k % 16 == 0;
  if (!*explore) g_late_calls.fetch_add(1, std::memory_order_relaxed);
  return *explore;
}

// Records one two-thread call: `helped` pieces of work the helper did, each worth what one of
// the caller's `own` pieces cost it, minus the time the caller waited for the helper (at the end,
// and `waited` ns in the middle of its own work: a team's caller may wait for a block's B or for
// the same rows' previous block).
void guard_record(Stats& st, bool explore, long long t0, long long mainDone, int own, int helped,
                  long long waited = 0) {
  if (!g_guard) return;
  const long long t1 = now_ns();
  const double total = double(t1 - t0), ownTime = double(mainDone - t0 - waited);
  const double piece = own > 0 ? ownTime / own : ownTime;
  const double gain =
      total > 0 ? (helped * piece - double(t1 - mainDone) - double(waited)) / total : 0;
  std::lock_guard<std::mutex> lk(st.m);
  const double w = explore ? 0.5 : 0.25;
  st.gain = (1 - w) * st.gain + w * gain;
  st.solo = st.gain < 0.1;
}

template <typename T>
void gemm_threads(const Variant& v, bool ta, bool tb, long M, long N, long K, const T* A,
                  const T* B, T* C) {
  const long lda = ta ? M : K, ldb = tb ? K : N;
  Slabs<T> s;
  s.whole = Job<T>{gemm_of<T>(v), ta, tb, M, N, K, A, lda, B, ldb, C, N};
  const double flops = 2.0 * double(M) * double(N) * double(K);
  if (g_threads < 2 || flops < g_thread_flops || (M < 24 && N < 128)) {
    Job<T>::run(&s.whole);
    return;
  }
  Stats& st = g_stats[sizeof(T) == 8][size_class(flops)];
  // Enough rows for a team: both threads share each packed block of B (packed once, not once
  // per slab) and take row blocks of it in turn.
  if (g_team && flops >= g_team_flops) {
    TeamCall<T> tc;
    Team<T>& t = tc.team;
    t.transA = ta; t.transB = tb; t.M = M; t.N = N; t.K = K;
    t.A = A; t.lda = lda; t.B = B; t.ldb = ldb; t.C = C; t.ldc = N;
    tc.fn = team_of<T>(v);
    if (plan_of<T>(v)(&t)) {
      bool explore;
      if (!guard_allows(st, &explore)) {
        Job<T>::run(&s.whole);
        return;
      }
      const long long t0 = now_ns();
      bool asleep = false;
      if (!run_pair(Task{&TeamCall<T>::caller, &tc}, Task{&TeamCall<T>::helper, &tc}, &asleep)) {
        tc.fn(&t, true, &tc.callerWaited);  // another JS thread holds the helper: the caller does every task
        return;
      }
      guard_record(st, explore, t0, tc.mainDone, tc.own, tc.helped, tc.callerWaited);
      return;
    }
  }
  // Column slabs make each slab re-pack A (M·K), row slabs re-pack B (K·N): cut the longer side.
  // Slabs of ≥ ~2 MFLOP keep re-packing small; when the re-packed operand is larger than L2
  // (its packing then streams from memory) only g_max_slabs slabs are cut. Row slabs of at most
  // 64 rows read a narrow B in place (gemm_impl.inc), so they re-pack nothing: W1's 50×784×128
  // cut into 64-column slabs cost 1.45× the work of the whole product (each slab packs all of A),
  // cut into 12-row slabs the same work as the whole.
  const double kBlock = K < 256 ? double(K) : 256.0;
  const bool rowsInPlace = !tb && M >= 24 && M <= 128 && kBlock * double(N) * sizeof(T) <= 256 * 1024;
  s.byCols = !rowsInPlace && ((M <= N && N >= 128) || M < 24);
  const long unit = s.byCols ? 64 : 12, len = s.byCols ? N : M;
  const double repacked = rowsInPlace ? 0 : s.byCols ? double(M) * double(K) : double(K) * double(N);
  const double cap = repacked * sizeof(T) > 512 * 1024 ? g_max_slabs : 16;
  double want = flops / 2e6;
  want = want < 2 ? 2 : want > cap ? cap : want;
  const long units = (len + unit - 1) / unit;
  const long per = (units + long(want) - 1) / long(want);
  s.step = (per < 1 ? 1 : per) * unit;
  if (rowsInPlace && s.step > 60) s.step = 60;  // a slab of more than 64 rows would pack B again
  s.count = int((len + s.step - 1) / s.step);
  if (s.count < 2) {
    Job<T>::run(&s.whole);
    return;
  }
  // Contention guard, by what the helper saved. Each two-thread call measures, by itself, the
  // time the helper's slabs would have cost the caller minus the time the caller then waited for
  // the helper, as a fraction of the call; a running average per dtype and size class (powers of
  // two of the flop count) of that gain decides. Only a helper that is preempted in the middle of
  // its slabs (another process on the second core) makes it small, so a quiet machine stays on
  // two threads: comparing the times of separate one- and two-thread calls (the previous guard)
  // read noise and the first call's thread start as contention, and went to one thread for
  // hundreds of calls (all of W4's 1024³ timing on a quiet machine). While the gain is below 0.1
  // calls run on one thread, and every 16th tries two again (weight 1/2, so one good try is
  // enough to come back).
  bool explore;
  if (!guard_allows(st, &explore)) {
    Job<T>::run(&s.whole);
    return;
  }
  const long long t0 = now_ns();
  bool asleep = false;
  if (!run_pair(Task{&Slabs<T>::caller, &s}, Task{&Slabs<T>::helper, &s}, &asleep)) {
    Slabs<T>::run(&s);  // another JS thread holds the helper: not a measurement of either mode
    return;
  }
  guard_record(st, explore, t0, s.mainDone, s.own, s.helped);
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
    gemm_threads<float>(*g_active, ta, tb, M, N, K, static_cast<const float*>(a.data),
                        static_cast<const float*>(b.data), static_cast<float*>(c.data));
  else
    gemm_threads<double>(*g_active, ta, tb, M, N, K, static_cast<const double*>(a.data),
                         static_cast<const double*>(b.data), static_cast<double*>(c.data));
  return nullptr;
}

// Reads argv[i] as a number; false if it is not one.
bool number(napi_env env, napi_value v, double* out) {
  return napi_get_value_double(env, v, out) == napi_ok;
}

// The optimizer updates: update(kind, w, g, state1, state2, hyper...) in place. w and g share a dtype;
// the state buffers are Float64Array; every buffer holds at least w's length (memory safety only:
// TypeScript validates shapes and names the optimizer in its errors).
//   sgd(w, g, lr) · momentum(w, g, v, lr, mom) · adam(w, g, m, v, lr, b1, b2, eps, c1, c2)
napi_value Update(napi_env env, napi_callback_info info, int kind) {
  static const int kBuffers[3] = {2, 3, 4}, kHyper[3] = {1, 2, 6};
  size_t argc = 10;
  napi_value argv[10];
  const size_t want = size_t(kBuffers[kind] + kHyper[kind]);
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != want) {
    napi_throw_error(env, nullptr, "update: wrong number of arguments");
    return nullptr;
  }
  View buf[4];
  for (int i = 0; i < kBuffers[kind]; i++)
    if (!view(env, argv[i], &buf[i])) return fail(env, "update: buffers must be typed arrays");
  double h[6];
  for (int i = 0; i < kHyper[kind]; i++)
    if (!number(env, argv[kBuffers[kind] + i], &h[i])) return fail(env, "update: hyperparameters must be numbers");
  const napi_typedarray_type t = buf[0].type;
  if (buf[1].type != t || (t != napi_float32_array && t != napi_float64_array))
    return fail(env, "update: w and g must both be Float32Array or both Float64Array");
  const long n = long(buf[0].length);
  for (int i = 1; i < kBuffers[kind]; i++) {
    if (long(buf[i].length) < n) return fail(env, "update: a buffer is shorter than the parameter");
    if (i >= 2 && buf[i].type != napi_float64_array) return fail(env, "update: state buffers must be Float64Array");
  }
  const bool f32 = t == napi_float32_array;
  double* s1 = kind > 0 ? static_cast<double*>(buf[2].data) : nullptr;
  double* s2 = kind > 1 ? static_cast<double*>(buf[3].data) : nullptr;
  if (kind == 0) {
    if (f32) g_update.sgd32(static_cast<float*>(buf[0].data), static_cast<const float*>(buf[1].data), n, h[0]);
    else g_update.sgd64(static_cast<double*>(buf[0].data), static_cast<const double*>(buf[1].data), n, h[0]);
  } else if (kind == 1) {
    if (f32) g_update.mom32(static_cast<float*>(buf[0].data), static_cast<const float*>(buf[1].data), s1, n, h[0], h[1]);
    else g_update.mom64(static_cast<double*>(buf[0].data), static_cast<const double*>(buf[1].data), s1, n, h[0], h[1]);
  } else {
    if (f32)
      g_update.adam32(static_cast<float*>(buf[0].data), static_cast<const float*>(buf[1].data), s1, s2, n, h[0], h[1], h[2], h[3], h[4], h[5]);
    else
      g_update.adam64(static_cast<double*>(buf[0].data), static_cast<const double*>(buf[1].data), s1, s2, n, h[0], h[1], h[2], h[3], h[4], h[5]);
  }
  return nullptr;
}

napi_value Sgd(napi_env env, napi_callback_info info) { return Update(env, info, 0); }
napi_value Momentum(napi_env env, napi_callback_info info) { return Update(env, info, 1); }
napi_value Adam(napi_env env, napi_callback_info info) { return Update(env, info, 2); }

// A dense layer's row glue (update.inc; rows = the longer buffer's length / n). Lengths are
// validated in TypeScript (src/kernels/rows.ts); the checks here guard memory safety only.
//   addRows(out, bias) · sumRows(x, out) · activationGradRows(kind 0-3, g, y, gz, gb | null)
bool same_float_type(const View& a, const View& b) {
  return a.type == b.type && (a.type == napi_float32_array || a.type == napi_float64_array);
}

double* row_scratch(long n) {
  thread_local std::vector<double> acc;
  if (long(acc.size()) < n) acc.resize(size_t(n));
  return acc.data();
}

napi_value AddRows(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  View out, bias;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 2 ||
      !view(env, argv[0], &out) || !view(env, argv[1], &bias))
    return fail(env, "addRows: expected (out, bias) typed arrays");
  if (!same_float_type(out, bias)) return fail(env, "addRows: out and bias must both be Float32Array or both Float64Array");
  const long n = long(bias.length);
  if (n == 0 || long(out.length) % n != 0) return fail(env, "addRows: out's length is not a multiple of bias's");
  const long rows = long(out.length) / n;
  if (out.type == napi_float32_array)
    g_update.addRows32(static_cast<float*>(out.data), static_cast<const float*>(bias.data), rows, n);
  else
    g_update.addRows64(static_cast<double*>(out.data), static_cast<const double*>(bias.data), rows, n);
  return nullptr;
}

napi_value SumRows(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  View x, out;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 2 ||
      !view(env, argv[0], &x) || !view(env, argv[1], &out))
    return fail(env, "sumRows: expected (x, out) typed arrays");
  if (!same_float_type(x, out)) return fail(env, "sumRows: x and out must both be Float32Array or both Float64Array");
  const long n = long(out.length);
  if (n == 0 || long(x.length) % n != 0) return fail(env, "sumRows: x's length is not a multiple of out's");
  const long rows = long(x.length) / n;
  double* acc = row_scratch(n);
  if (x.type == napi_float32_array)
    g_update.sumRows32(static_cast<const float*>(x.data), static_cast<float*>(out.data), acc, rows, n);
  else
    g_update.sumRows64(static_cast<const double*>(x.data), static_cast<double*>(out.data), acc, rows, n);
  return nullptr;
}

napi_value ActivationGradRows(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5];
  int32_t kind;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc != 5 ||
      napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 3)
    return fail(env, "activationGradRows: expected (kind 0-3, g, y, gz, gb | null)");
  View g, y, gz, gb;
  napi_valuetype gbType;
  napi_typeof(env, argv[4], &gbType);
  const bool hasGb = gbType != napi_null;
  if (!view(env, argv[1], &g) || !view(env, argv[2], &y) || !view(env, argv[3], &gz) || (hasGb && !view(env, argv[4], &gb)))
    return fail(env, "activationGradRows: g, y, gz (and gb unless null) must be typed arrays");
  if (!same_float_type(g, y) || !same_float_type(g, gz) || (hasGb && !same_float_type(g, gb)))
    return fail(env, "activationGradRows: g, y, gz and gb must all be Float32Array or all Float64Array");
  if (y.length != g.length || gz.length != g.length) return fail(env, "activationGradRows: g, y and gz differ in length");
  const long n = hasGb ? long(gb.length) : long(g.length);
  if (n == 0 ? g.length != 0 : long(g.length) % n != 0)
    return fail(env, "activationGradRows: g's length is not a multiple of gb's");
  if (n == 0) return nullptr;
  const long rows = long(g.length) / n;
  double* acc = row_scratch(n);
  if (g.type == napi_float32_array)
    g_update.actGradRows32(kind, static_cast<const float*>(g.data), static_cast<const float*>(y.data), static_cast<float*>(gz.data),
                           hasGb ? static_cast<float*>(gb.data) : nullptr, acc, rows, n);
  else
    g_update.actGradRows64(kind, static_cast<const double*>(g.data), static_cast<const double*>(y.data), static_cast<double*>(gz.data),
                           hasGb ? static_cast<double*>(gb.data) : nullptr, acc, rows, n);
  return nullptr;
}

// activation(kind, x, out[, portable]): out[i] = f(x[i]), kind 0 exp, 1 tanh, 2 sigmoid. Float32Array:
// activation.inc (within 1 float32 ulp of Math.*). Float64Array: activation64_*.cc, the same doubles as
// V8's Math.* bit for bit; `portable` true runs the portable unit instead of AVX2 (for the tests).
napi_value Activation(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  int32_t kind;
  if (napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr) != napi_ok || argc < 3 || argc > 4 ||
      napi_get_value_int32(env, argv[0], &kind) != napi_ok || kind < 0 || kind > 2)
    return fail(env, "activation: expected (kind 0-2, x, out[, portable])");
  bool portable = false;
  if (argc == 4 && napi_get_value_bool(env, argv[3], &portable) != napi_ok)
    return fail(env, "activation: portable must be a boolean");
  View x, out;
  if (!view(env, argv[1], &x) || !view(env, argv[2], &out) || x.type != out.type ||
      (x.type != napi_float32_array && x.type != napi_float64_array))
    return fail(env, "activation: x and out must be both Float32Array or both Float64Array");
  if (out.length < x.length) return fail(env, "activation: out is shorter than x");
  if (x.type == napi_float64_array) {
    const Activation64Variant& v = portable ? g_act64_portable : g_act64;
    const Activation64Fn fn = kind == 0 ? v.exp64 : kind == 1 ? v.tanh64 : v.sigmoid64;
    fn(static_cast<const double*>(x.data), static_cast<double*>(out.data), long(x.length));
    return nullptr;
  }
  const ActivationFn fn = kind == 0 ? g_act.exp32 : kind == 1 ? g_act.tanh32 : g_act.sigmoid32;
  fn(static_cast<const float*>(x.data), static_cast<float*>(out.data), long(x.length));
  return nullptr;
}

napi_value str(napi_env env, const char* s) {
  napi_value v;
  napi_create_string_utf8(env, s, NAPI_AUTO_LENGTH, &v);
  return v;
}

// info() → { variant, variants, threads, threadFlops, maxSlabs, lateHelperCalls, contentionGuard, team, teamFlops }
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
  napi_create_int32(env, g_max_slabs, &n);
  napi_set_named_property(env, o, "maxSlabs", n);
  napi_create_double(env, double(g_late_calls.load()), &n);
  napi_set_named_property(env, o, "lateHelperCalls", n);
  napi_get_boolean(env, g_guard, &n);
  napi_set_named_property(env, o, "contentionGuard", n);
  napi_get_boolean(env, g_team, &n);
  napi_set_named_property(env, o, "team", n);
  napi_create_double(env, g_team_flops, &n);
  napi_set_named_property(env, o, "teamFlops", n);
  return o;
}

// configure({ variant?, threads?, threadFlops?, maxSlabs?, contentionGuard?, team?, teamFlops? }) → info().
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
    reset_stats();
  }
  if (argc == 1 && napi_has_named_property(env, arg, "threadFlops", &has) == napi_ok && has) {
    double f;
    napi_get_named_property(env, arg, "threadFlops", &v);
    if (napi_get_value_double(env, v, &f) != napi_ok || !(f >= 0))
      return fail(env, "configure: threadFlops must be a non-negative number");
    g_thread_flops = f;
  }
  if (argc == 1 && napi_has_named_property(env, arg, "maxSlabs", &has) == napi_ok && has) {
    int32_t m;
    napi_get_named_property(env, arg, "maxSlabs", &v);
    if (napi_get_value_int32(env, v, &m) != napi_ok || m < 2 || m > 64)
      return fail(env, "configure: maxSlabs must be an integer from 2 to 64");
    g_max_slabs = m;
  }
  if (argc == 1 && napi_has_named_property(env, arg, "team", &has) == napi_ok && has) {
    napi_get_named_property(env, arg, "team", &v);
    if (napi_get_value_bool(env, v, &g_team) != napi_ok)
      return fail(env, "configure: team must be a boolean");
  }
  if (argc == 1 && napi_has_named_property(env, arg, "teamFlops", &has) == napi_ok && has) {
    double f;
    napi_get_named_property(env, arg, "teamFlops", &v);
    if (napi_get_value_double(env, v, &f) != napi_ok || !(f >= 0))
      return fail(env, "configure: teamFlops must be a non-negative number");
    g_team_flops = f;
  }
  if (argc == 1 && napi_has_named_property(env, arg, "contentionGuard", &has) == napi_ok && has) {
    napi_get_named_property(env, arg, "contentionGuard", &v);
    if (napi_get_value_bool(env, v, &g_guard) != napi_ok)
      return fail(env, "configure: contentionGuard must be a boolean");
    reset_stats();
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
      {"sgd", nullptr, tg::Sgd, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"momentum", nullptr, tg::Momentum, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"adam", nullptr, tg::Adam, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activation", nullptr, tg::Activation, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"addRows", nullptr, tg::AddRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sumRows", nullptr, tg::SumRows, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"activationGradRows", nullptr, tg::ActivationGradRows, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof props / sizeof props[0], props);
  return exports;
}
