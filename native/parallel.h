// A single persistent helper thread, so a large product can use both cores without paying
// for a thread start on every call.
#pragma once

namespace tg {

struct Task {
  void (*fn)(void*);
  void* arg;
};

// Runs `mine` on the calling thread and `theirs` on the helper, returning when both are done.
// Returns false without running anything if the helper is busy (another JS thread is using it);
// the caller then does the work alone.
bool run_pair(Task mine, Task theirs);

}  // namespace tg
