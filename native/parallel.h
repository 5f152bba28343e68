// A single persistent helper thread, so a large product can use both cores without paying
// for a thread start on every call.
#pragma once

namespace tg {

struct Task {
  void (*fn)(void*);
  void* arg;
};

// Runs `mine` on the calling thread and offers `theirs` to the helper. If the helper has not
// started `theirs` by the time `mine` returns, it is withdrawn and never runs (so `theirs` must
// be optional work, such as taking slabs from a shared counter); otherwise run_pair waits for it.
// Returns false without running anything if the helper is busy (another JS thread is using it);
// the caller then does the work alone. *asleep tells whether the helper had to be woken.
bool run_pair(Task mine, Task theirs, bool* asleep);

}  // namespace tg
