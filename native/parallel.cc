// The helper thread behind run_pair: started on first use, deliberately never joined (a joinable
// std::thread destroyed at exit would abort the process).
//
// Waking an idle core is slow on a VM (the vCPU may be halted: tens to hundreds of µs, as long
// as a mid-sized product), so the helper stays awake for a while after each task before it
// sleeps, and the caller never waits for a helper that has not started: it withdraws the offer.
// Both wait loops yield the core rather than burn it: when another process holds the second core
// the helper and the caller share one, and a pure spin would take half of it from the work.
// On Linux the helper is kept off the caller's current CPU: the scheduler tends to wake it on the
// waker's CPU, where it cannot run while the caller computes.
#include "parallel.h"
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#if defined(__linux__)
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace tg {
namespace {

inline void cpu_relax() {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

enum State : int { kIdle, kPosted, kRunning, kDone };
constexpr auto kSpin = std::chrono::milliseconds(1);
constexpr auto kHotSpin = std::chrono::microseconds(50);

struct Helper {
  std::mutex m;
  std::condition_variable cv;
  // seq_cst on state/sleeping: a poster either sees `sleeping` and notifies, or the helper sees
  // kPosted before it sleeps.
  std::atomic<int> state{kIdle};
  std::atomic<bool> sleeping{true};  // true until the new thread first waits: treat it as asleep
  Task task{nullptr, nullptr};
  std::mutex busy;
  std::atomic<long> tid{0};
  int avoided = -1;  // the caller CPU the helper was last moved away from (guarded by busy)

  // Allows the helper every CPU this process may use except `cpu`; false if it could not.
  bool avoid(int cpu) {
#if defined(__linux__)
    const long t = tid.load();
    if (t == 0 || cpu < 0 || cpu >= CPU_SETSIZE) return false;
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) != 0) return false;
    CPU_CLR(cpu, &set);
    return CPU_COUNT(&set) > 0 && sched_setaffinity(pid_t(t), sizeof set, &set) == 0;
#else
    (void)cpu;
    return false;
#endif
  }

  void loop() {
#if defined(__linux__)
    tid.store(long(syscall(SYS_gettid)));
#endif
    for (;;) {
      // Pure spinning for the first 50 µs (products in a loop come back sooner), then yielding.
      const auto start = std::chrono::steady_clock::now();
      for (auto t = start; state.load() != kPosted && t < start + kSpin;
           t = std::chrono::steady_clock::now()) {
        cpu_relax();
        if (t > start + kHotSpin) std::this_thread::yield();
      }
      if (state.load() != kPosted) {
        std::unique_lock<std::mutex> lk(m);
        sleeping.store(true);
        cv.wait(lk, [this] { return state.load() == kPosted; });
        sleeping.store(false);
      }
      int expected = kPosted;
      if (!state.compare_exchange_strong(expected, kRunning)) continue;  // withdrawn
      task.fn(task.arg);
      state.store(kDone);
    }
  }
};

Helper* helper() {
  // Leaked on purpose: the thread may still be parked in wait() when the process exits.
  static Helper* h = [] {
    Helper* p = new Helper();
    std::thread([p] { p->loop(); }).detach();
    return p;
  }();
  return h;
}

}  // namespace

bool run_pair(Task mine, Task theirs, bool* asleep) {
  Helper* h = helper();
  if (!h->busy.try_lock()) return false;
#if defined(__linux__)
  const int cpu = sched_getcpu();
  if (cpu != h->avoided && h->avoid(cpu)) h->avoided = cpu;
#endif
  h->task = theirs;
  h->state.store(kPosted);
  *asleep = h->sleeping.load();
  if (*asleep) {
    std::lock_guard<std::mutex> lk(h->m);
    h->cv.notify_one();
  }
  mine.fn(mine.arg);
  int expected = kPosted;
  if (!h->state.compare_exchange_strong(expected, kIdle)) {
    // The helper is running its part (at most one slab left): spin a few µs, then yield the
    // core in case it shares it with the helper.
    for (int i = 0; h->state.load() != kDone; i++) {
      if (i < 256)
        cpu_relax();
      else
        std::this_thread::yield();
    }
    h->state.store(kIdle);
  }
  h->busy.unlock();
  return true;
}

}  // namespace tg
