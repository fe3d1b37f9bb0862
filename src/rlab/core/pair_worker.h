// Runs two pieces of work at once: one on the calling thread, one on a persistent helper
// thread. The RL agents use it to run their networks side by side; creating a thread per
// minibatch would cost more than the work (tens to hundreds of microseconds). The hand-off
// spins briefly before sleeping, because a futex wake-up costs several microseconds and the
// agents hand over work thousands of times a second.
//
// The helper is kept on a different core from the caller. Woken by the caller, the kernel would
// otherwise queue it on the caller's own core when the other core looks busy, and it is busy
// exactly when it matters: OpenBLAS's idle workers spin there (sched_yield) for a while after
// every multi-threaded matrix product, so the "parallel" half waited for the caller's half to
// finish. On the other core's queue the helper takes over at the spinner's next yield.
#pragma once

#include <sched.h>

#include <atomic>
#include <condition_variable>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>

namespace rlab {

class PairWorker {
 public:
  // enabled = false runs both pieces on the calling thread, one after the other.
  explicit PairWorker(bool enabled);
  ~PairWorker();
  PairWorker(const PairWorker&) = delete;
  PairWorker& operator=(const PairWorker&) = delete;

  bool enabled() const { return enabled_; }
  // Runs `first` on the helper thread and `second` here, and returns when both are done.
  // An exception from either is rethrown here.
  void Run(const std::function<void()>& first, const std::function<void()>& second);

 private:
  void Loop();
  // Moves the helper to a core other than the calling thread's, if it is not on one already.
  void KeepHelperOffCallersCore();

  bool enabled_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<const std::function<void()>*> job_{nullptr};
  std::atomic<bool> sleeping_{false};
  std::atomic<bool> finished_{false};
  std::atomic<bool> stop_{false};
  std::exception_ptr error_;  // written by the helper before it sets finished_
  int helper_cpu_ = -1;       // the one core the helper may run on; -1 while unpinned
  cpu_set_t helper_cpus_;     // the cores the helper was created with
  std::thread thread_;
};

}  // namespace rlab
